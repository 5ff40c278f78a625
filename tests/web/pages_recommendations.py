"""The recommendations register's pages in the permission walk (tests/web/test_permissions.py merges them into PAGES
and this snapshot into its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Sum
from django.urls import reverse

from boardkeeper.actions.models import Action
from boardkeeper.recommendations import services
from boardkeeper.recommendations.models import Evidence, Recommendation, RecommendationAction

WALK = "WALK"  # the number of the walk's own recommendation, made by the walk (not in snapshot())


def recommendation_of(r: Any) -> Recommendation:
    """A recommendation of the record's review (named on it: nobody), with a file of evidence; made here once."""
    rec = Recommendation.objects.filter(partnership=r.cast.partnership, number=WALK).first()
    if rec is None:
        rec = services.recommendation_create(
            partnership=r.cast.partnership,
            user=r.cast.manager,
            source=r.review,
            number=WALK,
            text="The partnership should seek assurance that fathers are seen in assessments.",
            made_on=dt.date(2024, 2, 1),
        )
        services.evidence_add(
            rec=rec,
            user=r.cast.manager,
            note=WALK,
            upload=SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n%audit\n"),
        )
    return rec


def evidence_of(r: Any) -> int:
    return Evidence.objects.get(recommendation=recommendation_of(r), note=WALK).pk


def pages(Page: Any) -> dict[str, Any]:
    """Each URL name of the register, as a `Page` of tests/web/test_permissions.py (its `Record`: `r`)."""

    def one(
        name: str, post: Callable[[Any], dict[str, Any]] | None = None, *more: Callable[[Any], int]
    ) -> Any:
        """A recommendation's page or a form of it: its review's need to know, and the business team's to
        change."""
        return Page(
            lambda r: reverse(
                name, args=[r.cast.partnership.slug, recommendation_of(r).pk, *(m(r) for m in more)]
            ),
            post=post,
            need_to_know=True,
            editors_only=name not in ("recommendation", "evidence_file"),
        )

    def version(r: Any) -> str:
        return str(recommendation_of(r).version)

    return {
        "recommendations": Page(lambda r: reverse("recommendations", args=[r.cast.partnership.slug])),
        "recommendations_xlsx": Page(
            lambda r: reverse("recommendations_xlsx", args=[r.cast.partnership.slug])
        ),
        "recommendations_docx": Page(
            lambda r: reverse("recommendations_docx", args=[r.cast.partnership.slug])
        ),
        "recommendation_new": Page(
            lambda r: reverse("recommendation_new", args=[r.cast.partnership.slug]),
            post=lambda r: {
                "source": f"review-{r.review.pk}",
                "number": "9",
                "text": "Seek assurance that fathers are seen",
                "made_on": "01/03/2024",
            },
            editors_only=True,
        ),
        "recommendation": one("recommendation"),
        "recommendation_details": one(
            "recommendation_details",
            lambda r: {"version": version(r), "number": "8", "text": "Changed", "made_on": "01/03/2024"},
        ),
        "recommendation_repeat": one("recommendation_repeat", lambda r: {"repeat-version": version(r)}),
        "recommendation_status": one(
            "recommendation_status",
            lambda r: {"status-version": version(r), "status-status": "implemented"},
        ),
        "recommendation_impact": one(
            "recommendation_impact",
            lambda r: {
                "impact-version": version(r),
                "impact-on": "01/03/2025",
                "impact-method": "An audit",
                "impact-finding": "Seen",
                "impact-impact": "changed",
            },
        ),
        "recommendation_new_action": one(
            "recommendation_new_action",
            lambda r: {"new-text": "Audit fathers' involvement", "new-meeting": str(r.meeting.pk)},
        ),
        "recommendation_action": one(
            "recommendation_action",
            lambda r: {"action-action": str(Action.objects.filter(board=r.cast.board).earliest("pk").pk)},
        ),
        "recommendation_unlink": one("recommendation_unlink", lambda r: {}, lambda r: 0),
        "recommendation_evidence": one("recommendation_evidence", lambda r: {"evidence-note": "Minutes"}),
        "evidence_file": one("evidence_file", None, evidence_of),
    }


def snapshot() -> tuple[int, ...]:
    """What a refused request must not change in the register (the walk's own rows, made as it goes, aside)."""
    return (
        Recommendation.objects.exclude(number=WALK).count(),
        Recommendation.objects.aggregate(changes=Sum(F("version") - 1))["changes"] or 0,
        RecommendationAction.objects.count(),
        Evidence.objects.exclude(note=WALK).count(),
    )
