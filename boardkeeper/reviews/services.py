"""The case review register: recording a review's life, planning its publication, and who may see it.

Every change to a review row is a conditional UPDATE on its version (`update_versioned`), so an edit
from a stale page is refused (`StaleEdit`) and nothing is lost. Stages move forward as their facts are
recorded (notified, rapid review sent, decision, terms of reference, first draft, publication planned,
published); any stage can be closed by hand, and a planned publication can go back to the report (the
rules of the flow are the review's own: `Review.forward_to`, `Review.next_stages`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Partnership, Person
from boardkeeper.lib.versioning import update_versioned
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.meetings.models import CaseMention
from boardkeeper.reviews import planner
from boardkeeper.reviews.clocks import Clock, clocks_of
from boardkeeper.reviews.models import (
    DECISION_KINDS,
    ChangeRequest,
    FamilyContact,
    OverrunReason,
    PanelMeeting,
    ParallelProcess,
    PublicationBlackout,
    ReportVersion,
    Review,
    ReviewRules,
    StageChange,
    Theme,
)

S = Review.Stage


class ReviewRefused(ValueError):
    """The change does not fit the review's state; the message says why, in words for the page."""


def rules_for(partnership: Partnership) -> ReviewRules:
    """The partnership's rules, or (never set) the defaults, unsaved: reading them writes nothing; the
    settings page saves them when the business team first changes them."""
    return ReviewRules.objects.filter(partnership=partnership).first() or ReviewRules(partnership=partnership)


def open_clocks(*, partnership: Partnership, today: dt.date) -> list[tuple[Review, Clock]]:
    """Every statutory clock still running in the partnership's reviews, review by review (a closed
    review's clocks have stopped)."""
    rules = rules_for(partnership)
    reviews = (
        Review.objects.filter(partnership=partnership)
        .exclude(stage=Review.Stage.CLOSED)
        .prefetch_related("overrun_reasons")
        .order_by("pk")
    )
    return [
        (review, clock)
        for review in reviews
        for clock in clocks_of(review, rules, today=today, reasons=review.overrun_reasons.all())
        if clock.is_open
    ]


def capacity_of(partnership: Partnership, rules: ReviewRules | None = None) -> planner.Capacity:
    rules = rules or rules_for(partnership)
    blackouts = tuple(
        planner.Blackout(b.start, b.end, b.reason)
        for b in PublicationBlackout.objects.filter(partnership=partnership)
    )
    return planner.Capacity(rules.publications_per_month, rules.publication_gap_days, blackouts)


# Who may see a review ----------------------------------------------------------------------------------


def visible_reviews(user: User, partnership: Partnership, *, business_team: bool) -> QuerySet[Review]:
    """Need to know: the business team (the caller's `Access.can_edit`) sees every review of the
    partnership; anyone else only the reviews they are named on (through the person their account is
    linked to)."""
    reviews = Review.objects.filter(partnership=partnership)
    if business_team:
        return reviews
    return reviews.filter(named_people__user=user).distinct()


# Recording a review ------------------------------------------------------------------------------------


def _log(review: Review, user: User, stage_from: str, stage_to: str, on: dt.date, note: str = "") -> None:
    StageChange.objects.create(
        review=review, stage_from=stage_from, stage_to=stage_to, on=on, by=user, note=note.strip()
    )


def _save(
    review: Review,
    user: User,
    version: int,
    *,
    stage: str | None = None,
    on: dt.date | None = None,
    note: str = "",
    **fields: Any,
) -> Review:
    """Write `fields` (and a new stage) if the review is still at `version`, else StaleEdit with the
    review as it now is; log a stage change."""
    if stage is not None and stage != review.stage:
        fields["stage"] = stage
    update_versioned(Review.objects.select_related("partnership"), pk=review.pk, version=version, **fields)
    audit.updated(review, fields)
    before = review.stage
    for name, value in fields.items():
        setattr(review, name, value)
    review.version = version + 1
    if "stage" in fields:
        _log(review, user, before, review.stage, on or dt.date.today(), note)
    return review


@audit.acts
@transaction.atomic
def notification_record(
    *,
    partnership: Partnership,
    user: User,
    pseudonym: str,
    aware_on: dt.date,
    notified_on: dt.date | None = None,
) -> Review:
    """A serious incident notification: the only way a rapid review begins."""
    review = Review.objects.create(
        partnership=partnership,
        pseudonym=pseudonym.strip(),
        kind=Review.Kind.RAPID_REVIEW,
        stage=S.RAPID_REVIEW if notified_on else S.NOTIFICATION,
        aware_on=aware_on,
        notified_on=notified_on,
    )
    _log(review, user, "", review.stage, notified_on or aware_on, "Serious incident notification recorded")
    return review


@audit.acts
@transaction.atomic
def review_create(
    *, partnership: Partnership, user: User, pseudonym: str, kind: str, referral_source: str = "", on: dt.date
) -> Review:
    """Any other review (an SAR, a DHR, a learning review...): it starts at its terms of reference."""
    if kind == Review.Kind.RAPID_REVIEW:
        raise ReviewRefused(
            "A rapid review begins with a serious incident notification: record that instead."
        )
    if kind not in Review.Kind.values:
        raise ReviewRefused("Choose the kind of review.")
    review = Review.objects.create(
        partnership=partnership,
        pseudonym=pseudonym.strip(),
        kind=kind,
        stage=S.SCOPING,
        referral_source=referral_source.strip(),
    )
    _log(review, user, "", S.SCOPING, on, "Review recorded")
    return review


@audit.acts
@transaction.atomic
def notified(*, review: Review, user: User, version: int, on: dt.date, overrun_reason: str = "") -> Review:
    if review.aware_on is None:
        raise ReviewRefused(
            "Only a review that began with a serious incident notification has a notification date."
        )
    if on < review.aware_on:
        raise ReviewRefused(f"The notification cannot come before awareness ({review.aware_on:%-d %B %Y}).")
    overrun_reason_add(review=review, user=user, clock="notification", reason=overrun_reason)
    return _save(review, user, version, stage=review.forward_to(S.RAPID_REVIEW), on=on, notified_on=on)


@audit.acts
@transaction.atomic
def rapid_review_sent(
    *, review: Review, user: User, version: int, on: dt.date, overrun_reason: str = ""
) -> Review:
    if review.kind != Review.Kind.RAPID_REVIEW:
        raise ReviewRefused("Only a rapid review is sent to the Panel as one.")
    if review.notified_on is None:
        raise ReviewRefused("Record the notification to the Panel first: a rapid review follows it.")
    overrun_reason_add(review=review, user=user, clock="rapid_review", reason=overrun_reason)
    return _save(review, user, version, stage=review.forward_to(S.DECISION), on=on, rapid_review_on=on)


@audit.acts
@transaction.atomic
def decision_record(
    *,
    review: Review,
    user: User,
    version: int,
    on: dt.date,
    criteria: Iterable[str],
    rationale: str,
    leads_to: str,
    sent_on: dt.date | None = None,
) -> Review:
    """The partners' decision after a rapid review, against regulation 11: an LCSPR, another kind of
    learning, or nothing further (leads_to '', which closes the review). The record keeps its history:
    the rapid review becomes the LCSPR."""
    if review.kind != Review.Kind.RAPID_REVIEW:
        raise ReviewRefused("A decision follows a rapid review; this review has had its decision.")
    if review.rapid_review_on is None:
        raise ReviewRefused("Record when the rapid review was completed before the decision.")
    if not rationale.strip():
        raise ReviewRefused("Write the rationale for the decision.")
    criteria = set(criteria)
    if leads_to == Review.Kind.LCSPR and not criteria:
        raise ReviewRefused("An LCSPR needs at least one of the regulation 11 criteria.")
    if leads_to and leads_to not in DECISION_KINDS:
        raise ReviewRefused("Choose what the decision leads to.")
    flags = {f"criterion_{c}": c in criteria for c in "abcd"}
    what = dict(Review.Kind.choices).get(leads_to, "no further review")
    return _save(
        review,
        user,
        version,
        stage=S.SCOPING if leads_to else S.CLOSED,
        on=on,
        note=f"Decision: {what}. {rationale.strip()}",
        kind=leads_to or review.kind,
        decided_on=on,
        decision_rationale=rationale.strip(),
        decision_sent_on=sent_on,
        **flags,
    )


@audit.acts
@transaction.atomic
def review_details(*, review: Review, user: User, version: int, **fields: Any) -> Review:
    """Terms of reference, reviewer, referral: agreed terms of reference move the review under way."""
    allowed = {"terms_of_reference", "tor_agreed_on", "reviewer", "reviewer_appointed_on", "referral_source"}
    fields = {k: v for k, v in fields.items() if k in allowed}
    stage = review.forward_to(S.REVIEW) if fields.get("tor_agreed_on") else None
    return _save(review, user, version, stage=stage, on=fields.get("tor_agreed_on"), **fields)


@audit.acts
@transaction.atomic
def stage_move(*, review: Review, user: User, version: int, to: str, on: dt.date, note: str) -> Review:
    if to not in review.next_stages():
        raise ReviewRefused(f"A review at ‘{review.get_stage_display()}’ cannot move to that stage.")
    if to == S.CLOSED and not note.strip():
        raise ReviewRefused("Say why the review is closed.")
    return _save(review, user, version, stage=to, on=on, note=note)


@audit.acts
@transaction.atomic
def version_add(
    *,
    review: Review,
    user: User,
    number: str,
    dated: dt.date,
    summary: str,
    upload: UploadedFile | None = None,
) -> ReportVersion:
    if ReportVersion.objects.filter(review=review, number=number.strip()).exists():
        raise ReviewRefused(f"Version {number.strip()} is on record already: give this one another number.")
    version = ReportVersion(
        review=review, number=number.strip(), dated=dated, summary=summary.strip(), added_by=user
    )
    if upload is not None:
        version.file_name = (upload.name or "report")[:255]
        version.file.save("report", upload, save=False)
    version.save()
    stage = review.forward_to(S.REPORT)
    if stage:
        _save(
            review,
            user,
            review.version,
            stage=stage,
            on=dated,
            note=f"Version {version.number} of the report",
        )
    return version


@transaction.atomic
def change_request_add(*, version: ReportVersion, **fields: Any) -> ChangeRequest:
    return ChangeRequest.objects.create(version=version, **fields)


@transaction.atomic
def change_request_respond(
    *, request: ChangeRequest, row_version: int, response: str, rationale: str, on: dt.date
) -> ChangeRequest:
    if response not in (
        ChangeRequest.Response.AGREED,
        ChangeRequest.Response.PARTLY,
        ChangeRequest.Response.NOT_AGREED,
    ):
        raise ReviewRefused("Choose the response: agreed, partly agreed or not agreed.")
    if response != ChangeRequest.Response.AGREED and not rationale.strip():
        raise ReviewRefused("Say why the change was not agreed in full.")
    update_versioned(
        ChangeRequest.objects.all(),
        pk=request.pk,
        version=row_version,
        field="row_version",
        response=response,
        rationale=rationale.strip(),
        responded_on=on,
    )
    audit.updated(request, {"response": response, "rationale": rationale.strip(), "responded_on": on})
    request.refresh_from_db()
    return request


def family_contact_add(*, review: Review, **fields: Any) -> FamilyContact:
    return FamilyContact.objects.create(review=review, **fields)


def parallel_process_add(*, review: Review, **fields: Any) -> ParallelProcess:
    return ParallelProcess.objects.create(review=review, **fields)


def parallel_process_end(*, process: ParallelProcess, concluded_on: dt.date) -> ParallelProcess:
    process.concluded_on = concluded_on
    process.save(update_fields=["concluded_on"])
    return process


@audit.acts
def overrun_reason_add(*, review: Review, user: User, clock: str, reason: str) -> OverrunReason | None:
    """Why a clock ran over; a blank reason records nothing."""
    if not reason.strip():
        return None
    return OverrunReason.objects.create(review=review, clock=clock, reason=reason.strip(), by=user)


def panel_meeting_add(*, review: Review, **fields: Any) -> PanelMeeting:
    return PanelMeeting.objects.create(review=review, **fields)


@transaction.atomic
def themes_set(
    *, review: Review, themes: Iterable[Theme], user: User | None = None, version: int | None = None
) -> None:
    """The review's themes; with the version the page showed, a stale page is refused (StaleEdit)."""
    if version is not None and user is not None:
        _save(review, user, version)
    review.themes.set(list(themes))


@transaction.atomic
def named_people_set(
    *, review: Review, people: Iterable[Person], user: User | None = None, version: int | None = None
) -> None:
    """Who may see the review (need to know); with the version the page showed, as `themes_set`."""
    if version is not None and user is not None:
        _save(review, user, version)
    review.named_people.set(list(people))


# Publication -------------------------------------------------------------------------------------------


def bookings(
    partnership: Partnership, *, other_than: Review | None = None, since: dt.date | None = None
) -> list[planner.Booking]:
    """Publications planned or made by the partnership's reviews (capacity is shared), from `since` on
    if given (a date two months back is as far as a gap or a month's count can reach)."""
    reviews = Review.objects.filter(partnership=partnership).filter(
        Q(published_on__isnull=False) | Q(publication_planned_on__isnull=False)
    )
    if other_than is not None:
        reviews = reviews.exclude(pk=other_than.pk)
    if since is not None:
        reviews = reviews.filter(
            Q(published_on__gte=since) | Q(published_on__isnull=True, publication_planned_on__gte=since)
        )
    rows = reviews.values_list("pseudonym", "published_on", "publication_planned_on")
    return [
        planner.Booking(day, name)
        for name, published, planned in rows
        if (day := published or planned) is not None
    ]


def holds_on_publication(review: Review) -> list[ParallelProcess]:
    return list(review.parallel_processes.filter(holds_publication=True, concluded_on=None))


@audit.acts
@transaction.atomic
def publication_plan(
    *, review: Review, user: User, version: int, day: dt.date, accept_clashes: bool = False
) -> tuple[Review, list[str], dt.date | None]:
    """Plan publication on `day`. A clash (capacity, gap, blackout, not a working day, a parallel process
    holding it) is refused with the reasons and the next free date, unless the person accepts it."""
    if review.stage in (S.PUBLISHED, S.CLOSED):
        raise ReviewRefused("This review is published or closed: there is no publication to plan.")
    rules = rules_for(review.partnership)
    days = WorkingDays(rules.region)
    capacity = capacity_of(review.partnership, rules)
    booked = bookings(review.partnership, other_than=review, since=day - dt.timedelta(days=62))
    problems = planner.clashes(day, booked, capacity, days)
    problems += [
        f"Publication is held by {p.get_kind_display().lower()}"
        + (f" ({p.description})" if p.description else "")
        + (f", expected to end {p.expected_end:%-d %B %Y}" if p.expected_end else "")
        + "."
        for p in holds_on_publication(review)
    ]
    proposal = planner.next_free(day, booked, capacity, days)
    if problems and not accept_clashes:
        return review, problems, proposal
    review = _save(
        review,
        user,
        version,
        stage=review.forward_to(S.PUBLICATION),
        on=dt.date.today(),
        note=f"Publication planned for {day:%-d %B %Y}",
        publication_planned_on=day,
    )
    return review, [], None


@audit.acts
@transaction.atomic
def publication_record(
    *,
    review: Review,
    user: User,
    version: int,
    late_clocks: Iterable[str] = (),
    overrun_reason: str = "",
    **fields: Any,
) -> Review:
    """Notice given, Home Office approval, the outcome (published, improvements only, not published with a
    reason), the website and NSPCC dates; with `overrun_reason`, why each of `late_clocks` (the clocks these
    dates meet late) ran over, where no reason is recorded yet. All of it, or nothing."""
    allowed = {
        "notice_sent_on",
        "home_office_approved_on",
        "published_on",
        "outcome",
        "outcome_reason",
        "website_on",
        "nspcc_submitted_on",
    }
    fields = {k: v for k, v in fields.items() if k in allowed}
    outcome = fields.get("outcome", review.outcome)
    if (
        outcome == Review.Outcome.NOT_PUBLISHED
        and not (fields.get("outcome_reason") or review.outcome_reason).strip()
    ):
        raise ReviewRefused("Say why the report is not published.")
    if fields.get("published_on") and outcome == Review.Outcome.NOT_PUBLISHED:
        raise ReviewRefused("A report that is not published has no publication date.")
    if (
        review.kind == Review.Kind.DHR
        and fields.get("published_on")
        and not (fields.get("home_office_approved_on") or review.home_office_approved_on)
    ):
        raise ReviewRefused("A domestic homicide review is published only after the Home Office approves it.")
    stage = None
    if fields.get("published_on"):
        stage = review.forward_to(S.PUBLISHED)
    elif outcome == Review.Outcome.NOT_PUBLISHED and review.stage != S.CLOSED:
        stage = S.CLOSED
    saved = _save(
        review,
        user,
        version,
        stage=stage,
        on=fields.get("published_on") or dt.date.today(),
        note=f"Outcome: {dict(Review.Outcome.choices).get(outcome, '')}" if stage else "",
        **fields,
    )
    already = set(review.overrun_reasons.values_list("clock", flat=True))
    for clock in late_clocks:
        if clock not in already:
            overrun_reason_add(review=review, user=user, clock=clock, reason=overrun_reason)
    return saved


# The minutes link ----------------------------------------------------------------------------------------


def mentions_of(review: Review) -> QuerySet[CaseMention]:
    """Every item of the partnership's minutes that mentions the review's pseudonym."""
    return (
        CaseMention.objects.filter(
            item__meeting__board__partnership_id=review.partnership_id, pseudonym__iexact=review.pseudonym
        )
        .select_related("item__meeting__board")
        .defer("item__discussion")
        .order_by("item__meeting__date", "item__position")
    )
