"""Recording recommendations, who may see them, finding the ones made again, and the register's counts.

Every change to a recommendation row is a conditional UPDATE on its version (`update_versioned`): a change
from a stale page is refused (`StaleEdit`) and nothing is lost. The actions that answer a recommendation are
rows of the action log (made by `boardkeeper.actions.services.action_create`), so they are updated in one
place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_create
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Organisation, Partnership, Person
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.versioning import update_versioned
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations.models import Evidence, Recommendation, RecommendationAction
from boardkeeper.reviews.models import Review, Theme
from boardkeeper.reviews.services import visible_reviews

Status = Recommendation.Status


class RecommendationRefused(ValueError):
    """The change does not fit; the message says why, in words for the page."""


# Who may see a recommendation --------------------------------------------------------------------------


def visible_recommendations(
    user: User, partnership: Partnership, *, business_team: bool
) -> QuerySet[Recommendation]:
    """Need to know: the business team sees every recommendation; anyone else those of inspections (their
    reports are public) and those of the reviews they may see."""
    recommendations = Recommendation.objects.filter(partnership=partnership)
    if business_team:
        return recommendations
    reviews = visible_reviews(user, partnership, business_team=False)
    return recommendations.filter(Q(inspection__isnull=False) | Q(review__in=reviews.values("pk")))


# Where a recommendation came from ----------------------------------------------------------------------

REVIEW_KINDS: dict[str, tuple[str, str]] = {  # a review's kind: (source kind, its label)
    Review.Kind.LCSPR: ("lcspr", "LCSPR"),
    Review.Kind.SAR_MANDATORY: ("sar", "SAR"),
    Review.Kind.SAR_DISCRETIONARY: ("sar", "SAR"),
    Review.Kind.DHR: ("dhr", "DHR"),
    Review.Kind.RAPID_REVIEW: ("rapid_review", "Rapid review"),
    Review.Kind.LEARNING_REVIEW: ("learning", "Other learning review"),
    Review.Kind.LLB: ("learning", "Other learning review"),
    Review.Kind.SEVEN_MINUTE: ("learning", "Other learning review"),
}
SOURCE_KINDS: list[tuple[str, str]] = [
    ("lcspr", "LCSPR"),
    ("sar", "SAR"),
    ("dhr", "DHR"),
    ("rapid_review", "Rapid review"),
    ("learning", "Other learning review"),
    *[(body, label) for body, label in Inspection.Body.choices],
]
SOURCE_LABELS = dict(SOURCE_KINDS)


def source_kind(rec: Recommendation) -> str:
    """'lcspr', 'sar', 'dhr', 'rapid_review', 'learning', or the inspection's body ('ofsted', 'cqc')."""
    if rec.review is not None:
        return REVIEW_KINDS.get(rec.review.kind, ("learning", ""))[0]
    assert rec.inspection is not None
    return rec.inspection.body


def source_filter(kind: str) -> Q | None:
    """The recommendations of a source kind, or None for a kind there is not."""
    kinds = [k for k, (s, _) in REVIEW_KINDS.items() if s == kind]
    if kinds:
        return Q(review__kind__in=kinds)
    if kind in Inspection.Body.values:
        return Q(inspection__body=kind)
    return None


def source_name(rec: Recommendation) -> str:
    """'Family M (LCSPR)', 'Ofsted ILACS (Ofsted)'."""
    if rec.review is not None:
        return f"{rec.review.pseudonym} ({SOURCE_LABELS[source_kind(rec)]})"
    assert rec.inspection is not None
    return f"{rec.inspection.title} ({rec.inspection.get_body_display()})"


def label_of(rec: Recommendation) -> str:
    """How a recommendation is named in a list: its source and number."""
    number = f", recommendation {rec.number}" if rec.number else ""
    return f"{source_name(rec)}{number}"


def date_of_review(review: Review) -> dt.date | None:
    """A review's recommendations are made when it is published, or else by its last dated step."""
    if review.published_on:
        return review.published_on
    dates = [d for d in review.versions.values_list("dated", flat=True)]
    dates += [
        d
        for d in (review.decided_on, review.rapid_review_on, review.notified_on, review.aware_on)
        if d is not None
    ]
    return max(dates, default=None)


def date_of_source(source: Review | Inspection) -> dt.date | None:
    if isinstance(source, Review):
        return date_of_review(source)
    return source.published_on or source.inspected_on


def financial_year(on: dt.date) -> int:
    """The year a financial year (April to March) starts in: 2023 for 10 February 2024."""
    return on.year if on.month >= 4 else on.year - 1


def year_span(starts: int) -> tuple[dt.date, dt.date]:
    return dt.date(starts, 4, 1), dt.date(starts + 1, 3, 31)


def year_label(starts: int) -> str:
    return f"April {starts} to March {starts + 1}"


# The same recommendation made again --------------------------------------------------------------------

# Words every recommendation uses ('the partnership should seek assurance that practitioners...'): they say
# nothing of what it is about, and would make any two recommendations look alike.
_STOP = set(
    """a an the and or of to for in on at by with from that this these those be is are was were been being
    should must will would could may might can shall its it their they them there which who whom whose as into
    than then so such all any each every other some more most also not no nor only own same both ensure ensures
    ensuring partnership partnerships board boards lscp lcsp lscb sab scp safeguarding agency agencies partner
    partners multi local practitioner practitioners staff professional professionals train training trained
    receive seek assurance assured assure review reviewed consider considered promote promoted understand
    understood use used using develop developed improve improved work working about including include includes
    where when how what within whether through across new existing current child children adult adults young
    people person family families""".split()
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ness", "ments", "ment", "ies", "ied", "es", "ed", "s", "ly")
REPEAT_DICE = 0.4  # shared content words over their mean count: see docs/decisions.md for the examples
REPEAT_SHARED = 3  # and at least this many content words in common


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    """What a recommendation is about: its words less the words every recommendation uses, roughly stemmed
    ('hoarding' and 'hoard' alike)."""
    return {_stem(w) for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in _STOP}


def similarity(a: set[str], b: set[str]) -> float:
    """The Dice coefficient of two sets of content words: 1 the same words, 0 none in common."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def earlier_match(rec: Recommendation) -> Recommendation | None:
    """The partnership's earlier recommendation of another source that this one most resembles, if it is
    alike enough to be the same recommendation made again."""
    words = content_words(rec.text)
    earlier = Recommendation.objects.filter(
        partnership_id=rec.partnership_id, made_on__lte=rec.made_on
    ).exclude(pk=rec.pk)
    earlier = earlier.exclude(review_id=rec.review_id) if rec.review_id else earlier
    earlier = earlier.exclude(inspection_id=rec.inspection_id) if rec.inspection_id else earlier
    best: tuple[float, Recommendation] | None = None
    for other in earlier.order_by("made_on", "pk").only("pk", "text", "made_on"):
        theirs = content_words(other.text)
        score = similarity(words, theirs)
        if (
            len(words & theirs) >= REPEAT_SHARED
            and score >= REPEAT_DICE
            and (best is None or score > best[0])
        ):
            best = (score, other)
    return best[1] if best else None


# Recording ---------------------------------------------------------------------------------------------


@audit.acts
@transaction.atomic
def recommendation_create(
    *,
    partnership: Partnership,
    user: User,
    source: Review | Inspection,
    number: str,
    text: str,
    made_on: dt.date | None = None,
    agencies: Iterable[Organisation] = (),
    themes: Iterable[Theme] = (),
) -> Recommendation:
    """A recommendation of a review or an inspection, flagged if an earlier one of another source made it."""
    if source.partnership_id != partnership.pk:
        raise RecommendationRefused("Choose a review or inspection of this partnership.")
    text = text.strip()
    if not text:
        raise RecommendationRefused("Write the recommendation.")
    made_on = made_on or date_of_source(source)
    if made_on is None:
        raise RecommendationRefused("Enter the date it was made: the review has no date yet.")
    rec = Recommendation(
        partnership=partnership,
        review=source if isinstance(source, Review) else None,
        inspection=source if isinstance(source, Inspection) else None,
        number=number.strip(),
        text=text,
        made_on=made_on,
    )
    rec.repeats = earlier_match(rec)
    rec.save()
    rec.agencies.set(list(agencies))
    rec.themes.set(list(themes))
    return rec


def _save(rec: Recommendation, version: int, **fields: Any) -> Recommendation:
    update_versioned(Recommendation.objects.all(), pk=rec.pk, version=version, **fields)
    audit.updated(rec, fields)
    for name, value in fields.items():
        setattr(rec, name, value)
    rec.version = version + 1
    return rec


@audit.acts
@transaction.atomic
def recommendation_edit(
    *,
    rec: Recommendation,
    user: User,
    version: int,
    number: str,
    text: str,
    made_on: dt.date,
    agencies: Iterable[Organisation],
    themes: Iterable[Theme],
) -> Recommendation:
    """Its words, date, agencies and themes. A changed text is checked for a repeat again, unless the
    business team has already said whether it is one."""
    text = text.strip()
    if not text:
        raise RecommendationRefused("Write the recommendation.")
    fields: dict[str, Any] = {"number": number.strip(), "text": text, "made_on": made_on}
    if not rec.repeat_checked and (text != rec.text or made_on != rec.made_on):
        probe = Recommendation(
            pk=rec.pk,
            partnership_id=rec.partnership_id,
            review_id=rec.review_id,
            inspection_id=rec.inspection_id,
            text=text,
            made_on=made_on,
        )
        fields["repeats"] = earlier_match(probe)
    rec = _save(rec, version, **fields)
    rec.agencies.set(list(agencies))
    rec.themes.set(list(themes))
    return rec


@audit.acts
@transaction.atomic
def not_a_repeat(*, rec: Recommendation, user: User, version: int) -> Recommendation:
    """The business team says the flagged recommendation is not one made before: the flag is cleared and
    stays cleared."""
    return _save(rec, version, repeats=None, repeat_checked=True)


@audit.acts
@transaction.atomic
def status_record(
    *, rec: Recommendation, user: User, version: int, status: str, reason: str = ""
) -> Recommendation:
    """Where it stands; one not implemented says why (a safeguarding adults board's yearly report must)."""
    if status not in Status.values:
        raise RecommendationRefused("Choose where it stands.")
    reason = reason.strip()
    if status == Status.NOT_IMPLEMENTED and not reason:
        raise RecommendationRefused("Give the reason it was not implemented.")
    return _save(
        rec, version, status=status, not_implemented_reason=reason if status == Status.NOT_IMPLEMENTED else ""
    )


@audit.acts
@transaction.atomic
def impact_record(
    *, rec: Recommendation, user: User, version: int, impact: str, on: dt.date, method: str, finding: str
) -> Recommendation:
    """The later check: did practice change, how it was tested (an audit, a survey), what it found."""
    if impact not in Recommendation.Impact.values:
        raise RecommendationRefused("Choose what the check found.")
    if on < rec.made_on:
        raise RecommendationRefused(
            f"The check cannot come before the recommendation was made ({rec.made_on:%-d %B %Y})."
        )
    return _save(
        rec,
        version,
        impact=impact,
        impact_checked_on=on,
        impact_method=method.strip(),
        impact_finding=finding.strip(),
    )


# Its actions and evidence ------------------------------------------------------------------------------


def meetings_of_partnership(partnership: Partnership) -> QuerySet[Meeting]:
    """The meetings an action may have been agreed at, newest first."""
    return (
        Meeting.objects.filter(board__partnership=partnership)
        .select_related("board")
        .order_by("-date", "-pk")
    )


@audit.acts
@transaction.atomic
def action_add(
    *,
    rec: Recommendation,
    user: User,
    meeting: Meeting,
    text: str,
    people: Iterable[Person] = (),
    due_date: dt.date | None = None,
) -> RecommendationAction:
    """A new action of the action log, agreed at `meeting`, that answers the recommendation."""
    if meeting.board.partnership_id != rec.partnership_id:
        raise RecommendationRefused("Choose a meeting of this partnership.")
    if not text.strip():
        raise RecommendationRefused("Write the action.")
    action = action_create(meeting=meeting, user=user, text=text, people=people, due_date=due_date)
    return RecommendationAction.objects.create(recommendation=rec, action=action)


@audit.acts
@transaction.atomic
def action_link(*, rec: Recommendation, user: User, action: Action) -> RecommendationAction:
    if action.board.partnership_id != rec.partnership_id:
        raise RecommendationRefused("Choose an action of this partnership's action log.")
    link, _ = RecommendationAction.objects.get_or_create(recommendation=rec, action=action)
    return link


@audit.acts
@transaction.atomic
def action_unlink(*, rec: Recommendation, user: User, link_id: int) -> None:
    """The action stays in the action log; it no longer answers this recommendation."""
    RecommendationAction.objects.filter(recommendation=rec, pk=link_id).delete()


def linked_actions(rec: Recommendation) -> QuerySet[RecommendationAction]:
    return (
        rec.action_links.select_related("action__meeting__board", "action__due_meeting")
        .prefetch_related("action__owner_people", "action__owner_teams")
        .order_by("pk")
    )


@audit.acts
@transaction.atomic
def evidence_add(
    *,
    rec: Recommendation,
    user: User,
    note: str,
    upload: UploadedFile | None = None,
    action: Action | None = None,
) -> Evidence:
    """Evidence that it (or one of its actions) was done: a note, and a file if there is one. The file is
    stored under a name of its own; the uploader's name is kept for the download."""
    note = note.strip()
    if not note:
        raise RecommendationRefused("Write a note of what the evidence shows.")
    if action is not None and not rec.action_links.filter(action=action).exists():
        raise RecommendationRefused("Choose one of the recommendation's actions.")
    evidence = Evidence(recommendation=rec, note=note, action=action, added_by=user)
    if upload is not None:
        evidence.file_name = (upload.name or "evidence")[:255]
        evidence.file.save("evidence", upload, save=False)
    evidence.save()
    return evidence


# The register ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    total: int
    by_status: list[tuple[str, str, int]]  # status, its label, how many
    by_source: list[tuple[str, str, int]]  # source kind, its label, how many (kinds with any)
    by_agency: list[tuple[int, str, int]]  # organisation id, name, how many
    by_theme: list[tuple[int, str, int]]  # theme id, name, how many
    repeats: int


def register_counts(recs: QuerySet[Recommendation]) -> Counts:
    statuses = Counter(recs.values_list("status", flat=True))
    sources: Counter[str] = Counter()
    for kind, body in recs.values_list("review__kind", "inspection__body"):
        sources[REVIEW_KINDS[kind][0] if kind else body] += 1
    agencies = (
        Organisation.objects.filter(recommendations__in=recs)
        .annotate(n=Count("recommendations"))
        .order_by("name")
        .values_list("pk", "name", "n")
    )
    themes = (
        Theme.objects.filter(recommendations__in=recs)
        .annotate(n=Count("recommendations"))
        .order_by("name")
        .values_list("pk", "name", "n")
    )
    return Counts(
        total=sum(statuses.values()),
        by_status=[(s, label, statuses.get(s, 0)) for s, label in Status.choices],
        by_source=[(k, label, sources[k]) for k, label in SOURCE_KINDS if sources.get(k)],
        by_agency=list(agencies),
        by_theme=list(themes),
        repeats=recs.filter(repeats__isnull=False).count(),
    )


def with_source(recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return recs.select_related("review", "inspection", "repeats__review", "repeats__inspection")
