"""Who may open what: every URL in the URL configuration, for every kind of visitor.

The URLs are read from the resolver, so a page added without a line here fails
`test_every_url_in_the_configuration_is_covered` until it is given its place.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pages_audit
import pages_change_requests
import pages_inspections
import pages_recommendations
import pages_search
import pytest
from cast import FIXTURES, SEED_DOCX, Cast, signed_in
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boardkeeper.accounts.invitations import invitation_create
from boardkeeper.accounts.models import Invitation
from boardkeeper.actions.models import Action, ForwardPlanEntry
from boardkeeper.directory.models import Board, Membership, Person
from boardkeeper.escalations import services as escalation_services
from boardkeeper.escalations.models import Escalation
from boardkeeper.funding.models import BudgetLine, Contribution, FinancialYear
from boardkeeper.imports import services
from boardkeeper.meetings.models import Meeting, PendingImport, SourceDocument
from boardkeeper.plan.agenda import agenda_draft
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import ChangeRequest, FamilyContact, Review, Theme

SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"
NOT_PAGES = {
    "login",
    "logout",
    "calendar_feed",
    "two_factor",  # the second factor's pages: tests/web/test_two_factor.py
    "two_factor_setup",
    "two_factor_qr",
    "invitation_accept",  # the token is the key, no sign-in: tests/web/test_invitations.py
    "password_reset",  # a forgotten password, no sign-in: tests/web/test_access.py
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",  # for load balancers, no sign-in, no data: tests/web/test_serve.py
    # the public API: a bearer token, never a session; its own walk is in tests/web/test_api.py
    *{
        f"api:{name}"
        for name in (
            "openapi-json",
            "api-root",
            "partnerships",
            "partnership",
            "meetings",
            "meeting",
            "actions",
            "action",
            "action_update",
            "review_clocks",
            "review_clocks_of",
            "forward_plan",
        )
    },
}  # calendar_feed: the token is the key, no sign-in  # the sign-in and sign-out of django.contrib.auth, tested on their own


def url_names(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    """Every pattern's name, through includes; a pattern without a name counts by its route."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            yield from url_names(p.url_patterns, prefix + ns)
        elif isinstance(p, URLPattern):
            yield prefix + p.name if p.name else f"<unnamed {p.pattern}>"


@dataclass
class Record:
    """The cast's partnership with the seed minutes imported, and an upload waiting for its preview."""

    cast: Cast
    meeting: Meeting
    person: Person
    document: SourceDocument
    pending: PendingImport
    review: Review  # named on it: nobody; with a version of its report that has a file


@pytest.fixture
def record(cast: Cast) -> Record:
    result = services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    )
    pending = services.import_upload(
        board=cast.board, user=cast.manager, name=SEED_TXT.name, data=SEED_TXT.read_bytes()
    )
    pending.refresh_from_db()
    assert pending.status == PendingImport.Status.READY
    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Family M",
        kind="lcspr",
        on=dt.date(2024, 1, 8),
    )
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%report\n")
    version = review_services.version_add(
        review=review, user=cast.manager, number="1", dated=dt.date(2024, 2, 1), summary="", upload=report
    )
    return Record(
        cast=cast,
        meeting=result.meeting,
        person=Person.objects.get(partnership=cast.partnership, full_name="Pete Hill"),
        document=SourceDocument.objects.get(meeting=result.meeting),
        pending=pending,
        review=Review.objects.get(pk=version.review_id),
    )


@dataclass(frozen=True)
class Page:
    url: Callable[[Record], str]
    post: Callable[[Record], dict[str, Any]] | None = None  # the form a POST sends, where the page takes one
    partnership_scoped: bool = True  # shows this partnership's records (home does not: it lists yours)
    editors_only: bool = False  # the business team's alone
    need_to_know: bool = False  # a case review's: its named people and the business team only


def upload_form(r: Record) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("minutes.docx", SEED_DOCX.read_bytes())}


def batch_of(r: Record) -> list[Any]:
    """A batch of uploads: the waiting upload, put in one (made here: the batch is not in snapshot())."""
    batch = uuid.uuid4()
    PendingImport.objects.filter(pk=r.pending.pk).update(batch=batch)
    return [batch]


def invitation_of(r: Record) -> list[Any]:
    """A waiting invitation of the partnership (made here, once: it is not in snapshot())."""
    invitation = Invitation.objects.filter(
        partnership=r.cast.partnership, email="waiting@example.org"
    ).first()
    if invitation is None:
        invitation, _ = invitation_create(
            partnership=r.cast.partnership, email="waiting@example.org", role="viewer", person=None, by=None
        )
    return [r.cast.partnership.slug, invitation.pk]


def preview_version(r: Record) -> str:
    return str(PendingImport.objects.get(pk=r.pending.pk).version)


def confirm_form(r: Record) -> dict[str, Any]:
    return {"version": preview_version(r)}


def preview_page(name: str, post: Callable[[Record], dict[str, Any]], *index: int) -> Page:
    """A correction of the waiting import's preview: the business team's alone."""
    return Page(
        lambda r: reverse(name, args=[r.pending.pk, *index]),
        post=lambda r: {"version": preview_version(r), **post(r)},
        editors_only=True,
    )


PAGES: dict[str, Page] = {
    "home": Page(lambda r: reverse("home"), partnership_scoped=False),
    "partnership": Page(lambda r: reverse("partnership", args=[r.cast.partnership.slug])),
    "board": Page(lambda r: reverse("board", args=[r.cast.partnership.slug, r.cast.board.slug])),
    "import_upload": Page(
        lambda r: reverse("import_upload", args=[r.cast.partnership.slug, r.cast.board.slug]),
        post=upload_form,
        editors_only=True,
    ),
    "import_preview": Page(
        lambda r: reverse("import_preview", args=[r.pending.pk]), post=confirm_form, editors_only=True
    ),
    "preview_meeting": preview_page(
        "preview_meeting", lambda r: {"title": "Executive Board", "date": "23/02/2022"}
    ),
    "preview_person": preview_page(
        "preview_person",
        lambda r: {"name": "Elaine Coleridge-Smith", "attendance": "present", "match": "auto"},
        0,
    ),
    "preview_action": preview_page("preview_action", lambda r: {"text": "Share examples of incidents"}, 0),
    "preview_action_add": preview_page("preview_action_add", lambda r: {"text": "Share the custody figures"}),
    "preview_action_include": preview_page("preview_action_include", lambda r: {"include": "0"}, 0),
    "board_new": Page(
        lambda r: reverse("board_new", args=[r.cast.partnership.slug]),
        post=lambda r: {"name": "Learning and Improvement"},
        editors_only=True,
    ),
    "board_settings": Page(
        lambda r: reverse("board_settings", args=board_args(r)),
        post=lambda r: {"name": "Executive Board"},
        editors_only=True,
    ),
    "board_member_add": Page(
        lambda r: reverse("board_member_add", args=board_args(r)),
        post=lambda r: {"person": str(r.person.pk), "role": "chair"},
        editors_only=True,
    ),
    "board_member": Page(
        lambda r: reverse(
            "board_member",
            args=board_args(r, Membership.objects.filter(board=r.cast.board).earliest("pk").pk),
        ),
        post=lambda r: {"action": "role", "role": "chair"},
        editors_only=True,
    ),
    "reminder_preferences": Page(
        lambda r: reverse("reminder_preferences"),
        post=lambda r: {"frequency": "weekly"},
        partnership_scoped=False,
    ),
    "access_invite": Page(
        lambda r: reverse("access_invite", args=[r.cast.partnership.slug]),
        post=lambda r: {"email": "new@example.org", "role": "viewer"},
        editors_only=True,
    ),
    "invitation_resend": Page(
        lambda r: reverse("invitation_resend", args=invitation_of(r)), post=lambda r: {}, editors_only=True
    ),
    "invitation_cancel": Page(
        lambda r: reverse("invitation_cancel", args=invitation_of(r)), post=lambda r: {}, editors_only=True
    ),
    "import_several": Page(
        lambda r: reverse("import_several", args=[r.cast.partnership.slug, r.cast.board.slug]),
        post=lambda r: {"files": [SimpleUploadedFile("minutes.docx", SEED_DOCX.read_bytes())]},
        editors_only=True,
    ),
    "import_batch": Page(lambda r: reverse("import_batch", args=batch_of(r)), editors_only=True),
    "import_batch_confirm": Page(
        lambda r: reverse("import_batch_confirm", args=batch_of(r)), post=lambda r: {}, editors_only=True
    ),
    "meeting": Page(lambda r: reverse("meeting", args=[r.meeting.pk])),
    "person": Page(lambda r: reverse("person", args=[r.person.pk])),
    "document": Page(lambda r: reverse("document", args=[r.document.pk])),
    "board_actions": Page(
        lambda r: reverse("board_actions", args=[r.cast.partnership.slug, r.cast.board.slug])
    ),
    "partnership_actions": Page(lambda r: reverse("partnership_actions", args=[r.cast.partnership.slug])),
    "my_actions": Page(lambda r: reverse("my_actions"), partnership_scoped=False),
    "action": Page(
        lambda r: reverse("action", args=[Action.objects.filter(meeting=r.meeting).earliest("pk").pk]),
        post=lambda r: {"status": "done", "note": "Done.", "version": "1"},
    ),
}


def board_args(r: Record, *more: Any) -> list[Any]:
    return [r.cast.partnership.slug, r.cast.board.slug, *more]


def plan_entry_id(r: Record) -> int:
    return ForwardPlanEntry.objects.filter(board=r.cast.board).earliest("pk").pk  # the seed made two


def agenda_entry_args(r: Record) -> list[int]:
    """The held meeting's agenda, drafted here if need be (agenda rows are not in snapshot())."""
    return [r.meeting.pk, agenda_draft(meeting=r.meeting)[0].pk]


def review_section(section: str, post: Callable[[Record], dict[str, Any]]) -> Page:
    """A section of a review's page (the URL `review_<section>`): the business team's to change."""
    return Page(
        lambda r: reverse(f"review_{section}", args=[r.review.pk]),
        post=post,
        need_to_know=True,
        editors_only=True,
    )


def change_request_answer(r: Record) -> dict[str, Any]:
    """An answer to a change asked of the review's report, asked here if need be (change requests are not
    in snapshot())."""
    change = ChangeRequest.objects.filter(version__review=r.review).first()
    if change is None:
        change = review_services.change_request_add(
            version=r.review.versions.get(),
            requested_by="Designated Nurse",
            organisation="ICB",
            requested_on=dt.date(2024, 2, 8),
            request="Say the referral was acknowledged.",
        )
    answer = f"response-{change.pk}"
    return {
        "request": str(change.pk),
        f"{answer}-row_version": str(change.row_version),
        f"{answer}-response": "agreed",
        f"{answer}-on": "01/03/2024",
    }


def parallel_process_end(r: Record) -> dict[str, Any]:
    """The end of a parallel process of the review, recorded here if need be (not in snapshot())."""
    process = r.review.parallel_processes.first() or review_services.parallel_process_add(
        review=r.review, kind="inquest", description="Coroner's inquest"
    )
    return {"ended-process": str(process.pk), "ended-concluded_on": "01/03/2024"}


PAGES.update(
    {
        "forward_plan": Page(
            lambda r: reverse("forward_plan", args=board_args(r)),
            post=lambda r: {"topic": "Budget", "target": ""},
        ),
        "forward_plan_entry_remove": Page(
            lambda r: reverse("forward_plan_entry_remove", args=board_args(r, plan_entry_id(r))),
            post=lambda r: {},
            editors_only=True,
        ),
        "forward_plan_schedule": Page(
            lambda r: reverse("forward_plan_schedule", args=board_args(r)),
            post=lambda r: {"date": "11/03/2022"},
            editors_only=True,
        ),
        "forward_plan_export": Page(lambda r: reverse("forward_plan_export", args=board_args(r))),
        "board_actions_export": Page(lambda r: reverse("board_actions_export", args=board_args(r, "xlsx"))),
        "partnership_actions_export": Page(
            lambda r: reverse("partnership_actions_export", args=[r.cast.partnership.slug, "csv"])
        ),
        "agenda": Page(lambda r: reverse("agenda", args=[r.meeting.pk]), post=lambda r: {"title": "Budget"}),
        "agenda_entry": Page(
            lambda r: reverse("agenda_entry", args=agenda_entry_args(r)),
            post=lambda r: {"title": "Changed", "version": "1"},
            editors_only=True,
        ),
        "agenda_entry_move": Page(
            lambda r: reverse("agenda_entry_move", args=agenda_entry_args(r)),
            post=lambda r: {"direction": "down"},
            editors_only=True,
        ),
        "agenda_entry_remove": Page(
            lambda r: reverse("agenda_entry_remove", args=agenda_entry_args(r)),
            post=lambda r: {},
            editors_only=True,
        ),
        "agenda_export": Page(lambda r: reverse("agenda_export", args=[r.meeting.pk])),
        "reviews": Page(lambda r: reverse("reviews", args=[r.cast.partnership.slug])),
        "access": Page(
            lambda r: reverse("access", args=[r.cast.partnership.slug]),
            post=lambda r: {"user": str(r.cast.viewer.pk)},
            editors_only=True,
        ),
        "audit_log": Page(lambda r: reverse("audit_log", args=[r.cast.partnership.slug]), editors_only=True),
        "partnership_export": Page(
            lambda r: reverse("partnership_export", args=[r.cast.partnership.slug]), editors_only=True
        ),
        "notification_new": Page(
            lambda r: reverse("notification_new", args=[r.cast.partnership.slug]),
            post=lambda r: {"pseudonym": "Child Z", "aware_on": "01/02/2024"},
            editors_only=True,
        ),
        "review_new": Page(
            lambda r: reverse("review_new", args=[r.cast.partnership.slug]),
            post=lambda r: {"pseudonym": "Adult B", "kind": "sar_mandatory"},
            editors_only=True,
        ),
        "review_settings": Page(
            lambda r: reverse("review_settings", args=[r.cast.partnership.slug]),
            post=lambda r: {"form": "theme", "theme-name": "Neglect"},
            editors_only=True,
        ),
        "review": Page(lambda r: reverse("review", args=[r.review.pk]), need_to_know=True),
        "reviews_export": Page(lambda r: reverse("reviews_export", args=[r.cast.partnership.slug])),
        "change_log_export": Page(
            lambda r: reverse("change_log_export", args=[r.review.pk]), need_to_know=True
        ),
        "report_file": Page(
            lambda r: reverse("report_file", args=[r.review.pk, r.review.versions.get().pk]),
            need_to_know=True,
        ),
        "review_notified": review_section(
            "notified", lambda r: {"notified-version": str(r.review.version), "notified-on": "01/03/2024"}
        ),
        "review_rapid": review_section(
            "rapid", lambda r: {"rapid-version": str(r.review.version), "rapid-on": "01/03/2024"}
        ),
        "review_decision": review_section(
            "decision",
            lambda r: {
                "decision-version": str(r.review.version),
                "decision-on": "01/03/2024",
                "decision-criteria": ["a"],
                "decision-leads_to": "lcspr",
                "decision-rationale": "Agencies did not share what they knew.",
            },
        ),
        "review_details": review_section(
            "details", lambda r: {"details-version": str(r.review.version), "details-reviewer": "Jane Ward"}
        ),
        "review_stage": review_section(
            "stage",
            lambda r: {
                "stage-version": str(r.review.version),
                "stage-to": "closed",
                "stage-on": "01/03/2024",
                "stage-note": "Merged with another review",
            },
        ),
        "review_version": review_section(
            "version", lambda r: {"version-number": "2", "version-dated": "01/03/2024"}
        ),
        "review_change": review_section(
            "change",
            lambda r: {
                "change-report_version": str(r.review.versions.get().pk),
                "change-requested_by": "Designated Nurse",
                "change-organisation": "ICB",
                "change-requested_on": "01/03/2024",
                "change-request": "Say the referral was acknowledged.",
            },
        ),
        "review_response": review_section("response", change_request_answer),
        "review_family": review_section(
            "family", lambda r: {"family-on": "01/03/2024", "family-who": "Mother", "family-how": "Meeting"}
        ),
        "review_parallel": review_section(
            "parallel", lambda r: {"parallel-kind": "inquest", "parallel-description": "Coroner's inquest"}
        ),
        "review_ended": review_section("ended", parallel_process_end),
        # Family M has no clock that ran over (an LCSPR recorded as one, no decision yet): the business team
        # would be refused the clock, as the notification, rapid review and decision, by the review's state
        "review_overrun": review_section(
            "overrun", lambda r: {"overrun-clock": "lcspr", "overrun-reason": "The inquest ran late."}
        ),
        "review_panel": review_section(
            "panel", lambda r: {"panel-on": "01/03/2024", "panel-note": "First meeting"}
        ),
        "review_plan": review_section(
            "plan", lambda r: {"plan-version": str(r.review.version), "plan-day": "04/07/2024"}
        ),
        "review_publication": review_section(
            "publication",
            lambda r: {
                "publication-version": str(r.review.version),
                "publication-notice_sent_on": "01/03/2024",
            },
        ),
        "review_themes": review_section("themes", lambda r: {"themes-version": str(r.review.version)}),
        "review_people": review_section("people", lambda r: {"people-version": str(r.review.version)}),
        "partnership_forward_plan": Page(
            lambda r: reverse("partnership_forward_plan", args=[r.cast.partnership.slug])
        ),
        "action_owners": Page(
            lambda r: reverse(
                "action_owners", args=[Action.objects.filter(meeting=r.meeting).earliest("pk").pk]
            ),
            post=lambda r: {"people": [str(r.person.pk)], "version": "1"},
            editors_only=True,
        ),
        "board_moved": Page(lambda r: reverse("board_moved", args=board_args(r))),
        "board_moved_page": Page(lambda r: reverse("board_moved_page", args=board_args(r, "actions/"))),
        "meeting_approve": Page(
            lambda r: reverse("meeting_approve", args=[r.meeting.pk]),
            post=lambda r: {"approval-on": "11/03/2022"},
            editors_only=True,
        ),
        "meeting_unapprove": Page(
            lambda r: reverse("meeting_unapprove", args=[r.meeting.pk]), post=lambda r: {}, editors_only=True
        ),
        "meeting_undo_import": Page(
            lambda r: reverse("meeting_undo_import", args=[r.meeting.pk]),
            post=lambda r: {"plan": "as the page showed it"},
            editors_only=True,
        ),
        "my_calendar": Page(lambda r: reverse("my_calendar"), post=lambda r: {}, partnership_scoped=False),
        "my_calendar_revoke": Page(
            lambda r: reverse("my_calendar_revoke"), post=lambda r: {}, partnership_scoped=False
        ),
    }
)


def other_person(r: Record) -> Person:
    """Someone of the partnership other than Pete Hill: the record a merge would remove."""
    return Person.objects.filter(partnership=r.cast.partnership).exclude(pk=r.person.pk).earliest("pk")


PAGES.update(
    {
        "people": Page(lambda r: reverse("people", args=[r.cast.partnership.slug])),
        "person_add": Page(
            lambda r: reverse("person_add", args=[r.cast.partnership.slug]),
            post=lambda r: {"full_name": "Nadia Okafor"},
            editors_only=True,
        ),
        "person_correct": Page(
            lambda r: reverse("person_correct", args=[r.person.pk]),
            post=lambda r: {"full_name": "Peter Hill", "seen_full_name": "Pete Hill"},
            editors_only=True,
        ),
        "person_merge": Page(
            lambda r: reverse("person_merge", args=[r.person.pk]),
            post=lambda r: {"other": str(other_person(r).pk), "keep": "this"},
            editors_only=True,
        ),
    }
)


def escalation_of(r: Record) -> Escalation:
    """The partnership's escalation, made here once (escalations are not in snapshot()); named on it
    whoever is named on the review, so that the need-to-know tests hold for both."""
    escalation = Escalation.objects.filter(partnership=r.cast.partnership).order_by("pk").first()
    if escalation is None:
        escalation = escalation_services.escalation_create(
            partnership=r.cast.partnership,
            user=r.cast.manager,
            raised_by_org="Warwickshire Police",
            about_agency="Mental health trust",
            concern="Section 136 assessments taking up to 18 hours.",
            pseudonym="Family M",
            opened_on=dt.date(2022, 2, 23),
        )
    escalation.named_people.set(r.review.named_people.all())
    return escalation


def escalation_page(name: str, post: Callable[[Record], dict[str, Any]] | None = None, *more: int) -> Page:
    """An escalation's page or a form of it: need to know, and the business team's to change."""
    return Page(
        lambda r: reverse(name, args=[r.cast.partnership.slug, escalation_of(r).pk, *more]),
        post=post,
        need_to_know=True,
        editors_only=name != "escalation",
    )


PAGES.update(
    {
        "escalations": Page(lambda r: reverse("escalations", args=[r.cast.partnership.slug])),
        "escalations_export": Page(lambda r: reverse("escalations_export", args=[r.cast.partnership.slug])),
        "escalation_new": Page(
            lambda r: reverse("escalation_new", args=[r.cast.partnership.slug]),
            post=lambda r: {
                "raised_by_org": "Police",
                "about_agency": "ICB",
                "concern": "Places of safety",
                "opened_on": "01/03/2024",
                "stage": "1",
            },
            editors_only=True,
        ),
        "escalation_settings": Page(
            lambda r: reverse("escalation_settings", args=[r.cast.partnership.slug]),
            post=lambda r: {
                **{f"stage_{s}_name": f"Stage {s}" for s in (1, 2, 3, 4)},
                **{f"stage_{s}_days": "5" for s in (1, 2, 3, 4)},
            },
            editors_only=True,
        ),
        "escalation": escalation_page("escalation"),
        "escalation_edit": escalation_page(
            "escalation_edit",
            lambda r: {
                "version": str(escalation_of(r).version),
                "raised_by_org": "Police",
                "about_agency": "ICB",
                "concern": "Places of safety",
            },
        ),
        "escalation_stage": escalation_page(
            "escalation_stage",
            lambda r: {
                "stage-version": str(escalation_of(r).version),
                "stage-to": "2",
                "stage-on": "01/03/2024",
            },
        ),
        "escalation_close": escalation_page(
            "escalation_close",
            lambda r: {
                "close-version": str(escalation_of(r).version),
                "close-status": "resolved",
                "close-on": "01/03/2024",
                "close-outcome": "Agreed",
            },
        ),
        "escalation_action": escalation_page(
            "escalation_action",
            lambda r: {"action-action": str(Action.objects.filter(board=r.cast.board).earliest("pk").pk)},
        ),
        "escalation_unlink": escalation_page("escalation_unlink", lambda r: {}, 0),
        "escalation_item": escalation_page(
            "escalation_item", lambda r: {"item-item": str(r.meeting.items.order_by("pk").first().pk)}
        ),
        "escalation_item_unlink": escalation_page("escalation_item_unlink", lambda r: {}, 0),
    }
)


def funding_year_of(r: Record, *more: Any) -> list[Any]:
    """The partnership's funding for 2022, with a budget line and a contribution (made here, once: they are
    not in snapshot())."""
    year, _ = FinancialYear.objects.get_or_create(partnership=r.cast.partnership, starts=2022)
    if not year.lines.exists():
        BudgetLine.objects.create(year=year, kind="business_unit", amount=Decimal("98000"))
        Contribution.objects.create(year=year, partner="The council", agreed=Decimal("60000"))
    return [r.cast.partnership.slug, year.starts, *more]


def funding_line_of(r: Record) -> list[Any]:
    return funding_year_of(
        r, BudgetLine.objects.filter(year__partnership=r.cast.partnership).earliest("pk").pk
    )


def funding_contribution_of(r: Record) -> list[Any]:
    args = funding_year_of(r)
    return [*args, Contribution.objects.filter(year__partnership=r.cast.partnership).earliest("pk").pk]


def funding_form(**fields: str) -> Callable[[Record], dict[str, Any]]:
    """A change to the 2022 funding, from a page showing its version as it now is."""
    return lambda r: {
        "version": str(FinancialYear.objects.get(partnership=r.cast.partnership, starts=2022).version),
        **fields,
    }


PAGES.update(
    {
        "funding_years": Page(
            lambda r: reverse("funding_years", args=[r.cast.partnership.slug]),
            post=lambda r: {"starts": "2023"},
        ),
        "funding_year": Page(lambda r: reverse("funding_year", args=funding_year_of(r))),
        "funding_year_export": Page(lambda r: reverse("funding_year_export", args=funding_year_of(r))),
        "funding_line_add": Page(
            lambda r: reverse("funding_line_add", args=funding_year_of(r)),
            post=funding_form(kind="training", amount="5000"),
            editors_only=True,
        ),
        "funding_line": Page(
            lambda r: reverse("funding_line", args=funding_line_of(r)),
            post=funding_form(kind="training", amount="5000"),
            editors_only=True,
        ),
        "funding_line_remove": Page(
            lambda r: reverse("funding_line_remove", args=funding_line_of(r)),
            post=funding_form(),
            editors_only=True,
        ),
        "funding_contribution_add": Page(
            lambda r: reverse("funding_contribution_add", args=funding_year_of(r)),
            post=funding_form(partner="Schools", agreed="20000"),
            editors_only=True,
        ),
        "funding_contribution": Page(
            lambda r: reverse("funding_contribution", args=funding_contribution_of(r)),
            post=funding_form(partner="The council", agreed="65000", paid_on="01/06/2022"),
            editors_only=True,
        ),
        "funding_contribution_remove": Page(
            lambda r: reverse("funding_contribution_remove", args=funding_contribution_of(r)),
            post=funding_form(),
            editors_only=True,
        ),
    }
)


PAGES["api_tokens"] = Page(
    lambda r: reverse("api_tokens"),
    post=lambda r: {"name": "Power BI", "days": "30"},
    partnership_scoped=False,
)
PAGES.update(pages_inspections.pages(Page))
PAGES.update(pages_recommendations.pages(Page))
PAGES.update(pages_audit.pages(Page))
PAGES.update(pages_search.pages(Page))
PAGES.update(pages_change_requests.pages(Page))


def xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def snapshot() -> tuple[int, ...]:
    """What a refused request must not change."""
    return (
        PendingImport.objects.count(),
        PendingImport.objects.filter(status="imported").count(),
        PendingImport.objects.aggregate(corrected=Sum("version"))["corrected"],  # the previews' corrections
        Invitation.objects.filter(cancelled_at=None).exclude(email="waiting@example.org").count(),
        Invitation.objects.filter(cancelled_at__isnull=False).count(),
        Board.objects.count(),
        Membership.objects.exclude(role="chair").count(),
        Meeting.objects.count(),
        Person.objects.count(),
        Action.objects.count(),
        SourceDocument.objects.count(),
        Review.objects.count(),
        FamilyContact.objects.count(),
        Theme.objects.count(),
        *pages_inspections.snapshot(),
        *pages_recommendations.snapshot(),
        *pages_audit.snapshot(),
        *pages_search.snapshot(),
        *pages_change_requests.snapshot(),
    )


def test_every_url_in_the_configuration_is_covered() -> None:
    names = list(url_names())
    assert len(names) == len(set(names)), f"URL names used twice: {names}"
    assert set(names) - NOT_PAGES == set(PAGES), (
        "a URL was added or removed without updating PAGES in tests/web/test_permissions.py"
    )
    assert set(names) >= NOT_PAGES


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_url(record: Record, client: Client) -> None:
    login = reverse("login")
    logout = reverse("logout")
    before = snapshot()
    refused: list[str] = []
    requests: list[tuple[str, str, dict[str, Any] | None]] = [("GET", logout, None), ("POST", logout, None)]
    for page in PAGES.values():
        url = page.url(record)
        requests.append(("GET", url, None))
        if page.post:
            requests.append(("POST", url, page.post(record)))
    for method, url, data in requests:
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        if response.status_code != 302 or response["Location"] != f"{login}?next={url}":
            refused.append(f"{method} {url}: {response.status_code} {response.get('Location')}")
    assert refused == []
    assert snapshot() == before
    assert client.get(login).status_code == 200


def test_members_of_another_partnership_find_nothing_at_its_urls(record: Record) -> None:
    client = signed_in(record.cast.outsider)
    before = snapshot()
    wrong: list[str] = []
    for name, page in PAGES.items():
        if not page.partnership_scoped:
            continue
        url = page.url(record)
        response = client.get(url)
        if response.status_code != 404:
            wrong.append(f"GET {name} {url}: {response.status_code}")
        if page.post:
            response = client.post(url, page.post(record))
            if response.status_code != 404:
                wrong.append(f"POST {name} {url}: {response.status_code}")
    assert wrong == []
    assert snapshot() == before
    # the home page lists their own partnership's lines, and says nothing of this one
    home = client.get(reverse("home"))
    assert home.status_code == 200 and record.cast.other_partnership.name in home.content.decode()
    assert "Warwickshire" not in home.content.decode()


@pytest.mark.parametrize("who", ["viewer", "member"])
def test_only_the_business_team_may_upload_and_confirm_imports(record: Record, who: str) -> None:
    client = signed_in(getattr(record.cast, who))
    before = snapshot()
    wrong: list[str] = []
    editors_only = {name: page for name, page in PAGES.items() if page.editors_only and not page.need_to_know}
    assert {"import_upload", "import_preview"} <= set(editors_only)
    for name, page in editors_only.items():
        url = page.url(record)
        requests = [("GET", client.get(url))]
        requests += [("POST", client.post(url, page.post(record)))] if page.post else []
        for method, response in requests:
            if response.status_code != 403:
                wrong.append(f"{method} {name}: {response.status_code}")
    assert wrong == []
    assert snapshot() == before
    record.pending.refresh_from_db()
    assert record.pending.status == PendingImport.Status.READY


@pytest.mark.parametrize("who", ["viewer", "member"])
def test_viewers_and_members_can_read_every_page_of_the_record(record: Record, who: str) -> None:
    client = signed_in(getattr(record.cast, who))
    wrong = []
    for name, page in PAGES.items():
        if page.editors_only or page.need_to_know:
            continue
        response = client.get(page.url(record), follow=True)
        if response.status_code != 200:
            wrong.append(f"GET {name}: {response.status_code}")
    assert wrong == []


def test_the_business_team_can_open_every_page(record: Record) -> None:
    client = signed_in(record.cast.manager)
    wrong = []
    for name, page in PAGES.items():
        response = client.get(page.url(record), follow=True)
        if response.status_code != 200:
            wrong.append(f"GET {name}: {response.status_code}")
        if name in ("home", "import_preview", "document"):  # home: what needs them, in place (issue 16)
            assert response.redirect_chain == []
    assert wrong == []


@pytest.mark.parametrize("who", ["viewer", "member"])
def test_a_review_is_not_found_by_those_not_named_on_it(record: Record, who: str) -> None:
    client = signed_in(getattr(record.cast, who))
    before = snapshot()
    wrong: list[str] = []
    for name, page in PAGES.items():
        if not page.need_to_know:
            continue
        url = page.url(record)
        requests = [("GET", client.get(url))] + (
            [("POST", client.post(url, page.post(record)))] if page.post else []
        )
        wrong += [f"{method} {name}: {r.status_code}" for method, r in requests if r.status_code != 404]
    assert wrong == []
    assert snapshot() == before
    register = client.get(reverse("reviews", args=[record.cast.partnership.slug])).content.decode()
    assert "Family M" not in register and "You are not named on any review." in register
    export = client.get(reverse("reviews_export", args=[record.cast.partnership.slug]))
    assert [row[0] for row in xlsx_rows(export.content)] == ["Review"]  # the header, and nothing of Family M


def test_a_person_named_on_a_review_reads_it_and_its_files_but_changes_nothing(record: Record) -> None:
    person = Person.objects.create(
        partnership=record.cast.partnership, full_name="Nadia Okafor", user=record.cast.member
    )
    record.review.named_people.add(person)
    client = signed_in(record.cast.member)
    before = snapshot()
    for name, page in PAGES.items():
        if not page.need_to_know:
            continue
        url = page.url(record)
        assert client.get(url, follow=True).status_code == 200, name
        if page.post:
            assert client.post(url, page.post(record)).status_code == 403, name
    assert snapshot() == before
    download = client.get(PAGES["report_file"].url(record))
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert download["Cache-Control"] == "private, no-store"


def test_every_state_changing_view_refuses_a_post_without_its_csrf_token(record: Record) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(record.cast.manager)
    before = snapshot()
    accepted = []
    posts = {name: page for name, page in PAGES.items() if page.post}
    assert len(posts) >= 15
    for name, page in posts.items():
        response = client.post(page.url(record), page.post(record))
        if response.status_code != 403:
            accepted.append(f"POST {name}: {response.status_code}")
    for name in ("logout", "login"):
        response = client.post(reverse(name), {})
        if response.status_code != 403:
            accepted.append(f"POST {name}: {response.status_code}")
    assert accepted == []
    assert snapshot() == before
