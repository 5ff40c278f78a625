"""What needs someone, for the home page: each line a thing to do and a link to where it is done.

For everyone with a role: their own actions overdue and due soon, the next meeting of each of their boards
with the state of its agenda, and the clocks near on the case reviews they are named on (need to know: a
review they are not named on is never read for them). For the business team of a partnership also: its
statutory clocks due within `CLOCKS_WITHIN` working days or overdue, overruns with no reason recorded,
imports read and waiting to be checked and confirmed, escalation stages past their target, and invitations
not yet accepted.

Every list is read across all the person's partnerships at once: the number of queries is the same for
one action or a thousand, one partnership or five.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone

from boardkeeper.accounts.models import Invitation, PartnershipRole
from boardkeeper.actions.models import AMBER_WITHIN, OPEN_STATUSES, Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Membership, Person
from boardkeeper.escalations.models import Escalation, EscalationRules, EscalationStage
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.meetings.models import Meeting, PendingImport
from boardkeeper.reviews.clocks import Clock, clocks_of
from boardkeeper.reviews.models import Review, ReviewRules

CLOCKS_WITHIN = 5  # working days: a clock due this soon is near
SOON = AMBER_WITHIN  # days: an action due this soon is due soon (the action log's amber)


@dataclass(frozen=True)
class Line:
    """One thing to see to: the link names it, the note says when or why, the tag gives its state."""

    text: str
    url: str
    note: str = ""
    tag: str = ""
    tag_class: str = ""  # a GOV.UK tag colour: govuk-tag--red, --yellow, --grey


@dataclass
class Section:
    key: str  # its id on the page
    title: str
    empty: str  # what the page says when there is nothing
    lines: list[Line] = field(default_factory=list)


@dataclass
class Needs:
    """One partnership's lines for the person, in the order the page shows them."""

    role: PartnershipRole
    sections: list[Section]

    @property
    def count(self) -> int:
        return sum(len(s.lines) for s in self.sections)


def _day(d: dt.date) -> str:
    return f"{d:%-d %B %Y}"


def _lower(words: str) -> str:
    return words[:1].lower() + words[1:]


def gather(user: User, roles: list[PartnershipRole], *, today: dt.date | None = None) -> list[Needs]:
    """The person's needs in each partnership they have a role in (`roles`, as `partnerships_for_user`
    reads them), in that order."""
    today = today or timezone.localdate()
    pids = [r.partnership_id for r in roles]
    business = {r.partnership_id for r in roles if r.can_edit}
    person = Person.objects.filter(user=user, partnership_id__in=pids).first()

    overdue, soon = _actions(person, today)
    meetings = _next_meetings(person, pids, business, today)
    near, overruns = _clocks(user, pids, business, today)
    imports = _imports(business)
    escalations = _escalations(business, today)
    invitations = _invitations(business, today)

    found = []
    for role in roles:
        pid = role.partnership_id
        sections = [
            Section("overdue", "Your actions overdue", "Nothing overdue.", overdue[pid]),
            Section(
                "due-soon", f"Your actions due in the next {SOON.days} days", "Nothing due soon.", soon[pid]
            ),
            Section("meetings", "Next meetings", "No meetings scheduled.", meetings[pid]),
        ]
        if pid in business:
            sections += [
                Section(
                    "clocks",
                    f"Statutory clocks due in the next {CLOCKS_WITHIN} working days or overdue",
                    "No clocks due.",
                    near[pid],
                ),
                Section(
                    "overruns",
                    "Overruns without a reason",
                    "No overruns waiting for a reason.",
                    overruns[pid],
                ),
                Section("imports", "Imports waiting for confirmation", "No imports waiting.", imports[pid]),
                Section(
                    "escalations",
                    "Escalation stages overdue",
                    "No escalation stages overdue.",
                    escalations[pid],
                ),
                Section(
                    "invitations", "Invitations not yet accepted", "No invitations waiting.", invitations[pid]
                ),
            ]
        else:
            sections.append(
                Section(
                    "clocks",
                    "Case reviews you are named on: clocks due soon",
                    f"No clocks due in the next {CLOCKS_WITHIN} working days.",
                    near[pid],
                )
            )
        found.append(Needs(role, sections))
    return found


def _actions(person: Person | None, today: dt.date) -> tuple[dict[int, list[Line]], dict[int, list[Line]]]:
    """The person's open actions overdue, and due within SOON days, by partnership (one query)."""
    overdue: dict[int, list[Line]] = defaultdict(list)
    soon: dict[int, list[Line]] = defaultdict(list)
    if person is None:
        return overdue, soon
    until = today + SOON
    actions = (
        Action.objects.filter(owner_people=person, status__in=OPEN_STATUSES)
        .filter(Q(due_date__lte=until) | Q(due_meeting__date__lte=until))
        .select_related("board", "meeting", "due_meeting")
        .only(
            "text", "due_date", "board__name", "board__partnership_id", "meeting__date", "due_meeting__date"
        )
    )
    for action in sorted(actions, key=lambda a: (a.due_on or today, a.pk)):
        due = action.due_on
        if due is None:  # pragma: no cover - the filter asks for a due day
            continue
        where = f"{action.board.name}, raised {_day(action.meeting.date)}"
        url = reverse("action", args=[action.pk])
        if due < today:
            overdue[action.board.partnership_id].append(
                Line(action.text, url, f"{where}; due {_day(due)}", "Overdue", "govuk-tag--red")
            )
        else:
            tag = "Due today" if due == today else f"Due {_day(due)}"
            soon[action.board.partnership_id].append(Line(action.text, url, where, tag, "govuk-tag--yellow"))
    return overdue, soon


def _boards_of(person: Person | None, pids: list[int], business: set[int]) -> Q:
    """The boards whose meetings the person is shown: the business team every board of its partnership;
    anyone else the boards the directory has them sitting on, or, if it has them on none, every board."""
    q = Q(board__partnership_id__in=business)
    sits_on = (
        set(Membership.objects.filter(person=person).values_list("board_id", flat=True)) if person else set()
    )
    for pid in set(pids) - business:
        mine = [b for b in sits_on if person is not None and person.partnership_id == pid]
        q |= Q(board_id__in=mine) if mine else Q(board__partnership_id=pid)
    return q


def _agenda_file(meeting: Meeting) -> str:
    """The name the agenda's .docx downloads under, which the audit log records (as reminders read it)."""
    return f"{meeting.board.slug}-agenda-{meeting.date:%Y-%m-%d}.docx"


def _next_meetings(
    person: Person | None, pids: list[int], business: set[int], today: dt.date
) -> dict[int, list[Line]]:
    """Each of the person's boards' next meeting (today or later) with its agenda's state (two queries)."""
    first = (
        Meeting.objects.filter(board=OuterRef("board"), date__gte=today).order_by("date").values("date")[:1]
    )
    meetings = list(
        Meeting.objects.filter(_boards_of(person, pids, business), date=Subquery(first))
        .select_related("board")
        .annotate(entries=Count("agenda"))
        .order_by("date", "board__name")
    )
    circulated = set(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT,
            partnership_id__in=pids,
            detail__in=[_agenda_file(m) for m in meetings],
        ).values_list("partnership_id", "detail")
    )
    found: dict[int, list[Line]] = defaultdict(list)
    for m in meetings:
        pid = m.board.partnership_id
        if (pid, _agenda_file(m)) in circulated:
            state, tag = f"Agenda circulated, {m.entries} item{pluralize(m.entries)}", "govuk-tag--green"
            label = "Circulated"
        elif m.entries:
            state, label, tag = (
                f"Agenda drafted, {m.entries} item{pluralize(m.entries)}, not yet circulated",
                "Drafted",
                "govuk-tag--yellow",
            )
        else:
            state, label, tag = (
                "Agenda not drafted yet: proposed from the forward plan",
                "Not drafted",
                "govuk-tag--grey",
            )
        found[pid].append(
            Line(f"{m.board.name}, {_day(m.date)}", reverse("agenda", args=[m.pk]), state, label, tag)
        )
    return found


def _clocks(
    user: User, pids: list[int], business: set[int], today: dt.date
) -> tuple[dict[int, list[Line]], dict[int, list[Line]]]:
    """Clocks near (due within CLOCKS_WITHIN working days, or overdue) and overruns with no reason, by
    partnership: every review of a partnership whose business team the person is on, elsewhere only the
    reviews they are named on (three queries)."""
    near: dict[int, list[Line]] = defaultdict(list)
    overruns: dict[int, list[Line]] = defaultdict(list)
    rules = {r.partnership_id: r for r in ReviewRules.objects.filter(partnership_id__in=pids)}
    visible = Q(partnership_id__in=business) | Q(
        partnership_id__in=set(pids) - business, named_people__user=user
    )
    reviews = (
        Review.objects.filter(visible)
        .exclude(stage=Review.Stage.CLOSED)
        .prefetch_related("overrun_reasons")
        .distinct()
        .order_by("pk")
    )
    rows: list[tuple[Clock, Review]] = []
    for review in reviews:
        pid = review.partnership_id
        review_rules = rules.get(pid) or ReviewRules(partnership_id=pid)  # the defaults, not written here
        rows += [
            (c, review)
            for c in clocks_of(review, review_rules, today=today, reasons=review.overrun_reasons.all())
        ]
    for clock, review in sorted(rows, key=lambda r: (r[0].due, r[1].pk)):
        pid = review.partnership_id
        url = reverse("review", args=[review.pk])
        name = f"{review.pseudonym} ({review.get_kind_display()}): {clock.label}"
        if clock.is_open and clock.days_left <= CLOCKS_WITHIN:
            tag = "govuk-tag--red" if clock.days_left < 0 else "govuk-tag--yellow"
            near[pid].append(
                Line(name, url + "#clocks", f"due {_day(clock.due)}; {clock.next_step}", clock.status, tag)
            )
        if clock.needs_reason and pid in business:
            overruns[pid].append(
                Line(
                    name,
                    url + "#overrun-form",
                    f"due {_day(clock.due)}; no reason recorded",
                    clock.status,
                    "govuk-tag--red",
                )
            )
    return near, overruns


def _imports(business: set[int]) -> dict[int, list[Line]]:
    """Minutes read and waiting to be checked and confirmed, for the business team (one query)."""
    found: dict[int, list[Line]] = defaultdict(list)
    waiting = (
        PendingImport.objects.filter(board__partnership_id__in=business, status=PendingImport.Status.READY)
        .select_related("board")
        .only("name", "created_at", "board__name", "board__partnership_id")
        .order_by("created_at", "name")
    )
    for pending in waiting:
        found[pending.board.partnership_id].append(
            Line(
                pending.name,
                reverse("import_preview", args=[pending.pk]),
                f"{pending.board.name}; uploaded {_day(timezone.localdate(pending.created_at))}",
                "Ready to check",
                "govuk-tag--yellow",
            )
        )
    return found


def _escalations(business: set[int], today: dt.date) -> dict[int, list[Line]]:
    """Open escalations whose current stage is past its target, for the business team (two queries)."""
    found: dict[int, list[Line]] = defaultdict(list)
    if not business:
        return found
    rules = {r.partnership_id: r for r in EscalationRules.objects.filter(partnership_id__in=business)}
    late = (
        EscalationStage.objects.filter(
            escalation__partnership_id__in=business,
            escalation__status=Escalation.Status.OPEN,
            ended_on__isnull=True,
            target_on__lt=today,
        )
        .select_related("escalation__partnership")
        .order_by("target_on", "pk")
    )
    for row in late:
        e = row.escalation
        stage_rules = rules.get(e.partnership_id) or EscalationRules(partnership_id=e.partnership_id)
        days = WorkingDays(stage_rules.region).between(row.target_on, today)
        found[e.partnership_id].append(
            Line(
                f"{e.reference}: {e.raised_by_org} about {e.about_agency}",
                reverse("escalation", args=[e.partnership.slug, e.pk]),
                f"Stage {row.stage}, {stage_rules.name(row.stage)}: target {_day(row.target_on)}",
                f"Overdue by {days} working day{pluralize(days)}",
                "govuk-tag--red",
            )
        )
    return found


def _invitations(business: set[int], today: dt.date) -> dict[int, list[Line]]:
    """Invitations neither accepted nor cancelled, for the business team: expired ones to send again
    (one query)."""
    found: dict[int, list[Line]] = defaultdict(list)
    waiting = (
        Invitation.objects.filter(
            partnership_id__in=business, accepted_at__isnull=True, cancelled_at__isnull=True
        )
        .select_related("partnership")
        .order_by("created_at", "pk")
    )
    for inv in waiting:
        url = reverse("access", args=[inv.partnership.slug]) + "#invitations"
        expires = timezone.localdate(inv.expires_at)
        if expires < today:
            line = Line(
                inv.email,
                url,
                f"{inv.get_role_display()}; expired on {_day(expires)}: send it again",
                "Expired",
                "govuk-tag--red",
            )
        else:
            line = Line(
                inv.email,
                url,
                f"{inv.get_role_display()}; link valid until {_day(expires)}",
                "Waiting",
                "govuk-tag--grey",
            )
        found[inv.partnership_id].append(line)
    return found
