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
from functools import lru_cache
from html import escape  # as django.utils.html.escape (which calls it), without its lazy-string wrapper

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Q, Subquery
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from boardkeeper.accounts.models import Invitation, PartnershipRole
from boardkeeper.actions.models import AMBER_WITHIN, OPEN_STATUSES, Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Membership, Partnership, Person
from boardkeeper.escalations.models import Escalation, EscalationRules, EscalationStage
from boardkeeper.lib.filters import truncated
from boardkeeper.lib.urls import address_of
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.meetings.models import Meeting, PendingImport
from boardkeeper.reviews.clocks import DATE_FIELDS, Clock, clocks_of
from boardkeeper.reviews.models import Review, ReviewRules

CLOCKS_WITHIN = 5  # working days: a clock due this soon is near
SOON = AMBER_WITHIN  # days: an action due this soon is due soon (the action log's amber)
TEXT_CHARS = 160  # a line's link text is cut to this many characters, as the filter truncatechars cuts it
KIND_LABELS = dict(Review.Kind.choices)
# what `clocks_of` reads of a review, and the line names it by: not its rationale, terms or outcome text
CLOCK_FIELDS = ("partnership_id", "pseudonym", *DATE_FIELDS)


@dataclass(frozen=True, slots=True)
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

    @property
    def html(self) -> SafeString:
        """The section's list, made here rather than by a template loop: for the large partnership's 591
        lines the loop (variable lookups, filters) took ~45 ms, this ~1 ms."""
        # every value in a line is escaped (_line_html); the rest is fixed markup
        return mark_safe(
            f'<ul class="govuk-list govuk-list--spaced">{"".join(map(_line_html, self.lines))}</ul>'
        )


@dataclass
class Needs:
    """One partnership's lines for the person, in the order the page shows them."""

    role: PartnershipRole
    sections: list[Section]

    @property
    def count(self) -> int:
        return sum(len(s.lines) for s in self.sections)


@lru_cache(maxsize=4096)  # a page's ~1,000 dates are a few hundred days: strftime for each was ~2.5 ms
def _day(d: dt.date) -> str:
    """'3 March 2022'."""
    return f"{d:%-d %B %Y}"


def _line_html(line: Line) -> str:
    """One line's <li>: its link (the text cut as truncatechars cuts it), its tag, its note; all escaped."""
    tag = (
        f' <strong class="govuk-tag {escape(line.tag_class)}">{escape(line.tag)}</strong>' if line.tag else ""
    )
    note = f'<br><span class="govuk-body-s">{escape(line.note)}</span>' if line.note else ""
    link = f'<a class="govuk-link" href="{escape(line.url)}">{escape(truncated(line.text, TEXT_CHARS))}</a>'
    return f"<li>{link}{tag}{note}</li>"


def _lower(words: str) -> str:
    return words[:1].lower() + words[1:]


def gather(user: User, roles: list[PartnershipRole], *, today: dt.date | None = None) -> list[Needs]:
    """The person's needs in each partnership they have a role in (`roles`, as `partnerships_for_user`
    reads them), in that order."""
    today = today or timezone.localdate()
    pids = [r.partnership_id for r in roles]
    business = {r.partnership_id for r in roles if r.can_edit}
    # read with the user (accounts/backends.py), so no query here; one-to-one, so the one person
    # Person.objects.filter(user=user, partnership_id__in=pids).first() would give
    person: Person | None = getattr(user, "person", None)  # None when they are in no directory
    if person is not None and person.partnership_id not in pids:
        person = None
    review_rules, escalation_rules = _rules(pids)

    overdue, soon = _actions(person, pids, today)
    meetings = _next_meetings(person, pids, business, today)
    near, overruns = _clocks(user, pids, business, review_rules, today)
    imports = _imports(business)
    escalations = _escalations(business, escalation_rules, today)
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


def _rules(pids: list[int]) -> tuple[dict[int, ReviewRules], dict[int, EscalationRules]]:
    """Each partnership's review rules and escalation rules, the defaults (not written) where it has none
    (one query for both)."""
    reviews: dict[int, ReviewRules] = {}
    escalations: dict[int, EscalationRules] = {}
    for p in Partnership.objects.filter(pk__in=pids).select_related("review_rules", "escalation_rules"):
        reviews[p.pk] = getattr(p, "review_rules", None) or ReviewRules(partnership_id=p.pk)
        escalations[p.pk] = getattr(p, "escalation_rules", None) or EscalationRules(partnership_id=p.pk)
    return reviews, escalations


def _actions(
    person: Person | None, pids: list[int], today: dt.date
) -> tuple[dict[int, list[Line]], dict[int, list[Line]]]:
    """The person's open actions overdue, and due within SOON days, by partnership (one query)."""
    overdue: dict[int, list[Line]] = defaultdict(list)
    soon: dict[int, list[Line]] = defaultdict(list)
    if person is None:
        return overdue, soon
    until = today + SOON
    # tuples, not Action instances with three related ones (1,900 objects for the large partnership's
    # 475 lines); raised_on is the raising meeting's day, kept with the action. Only the partnerships
    # shown (no other is listed): their open actions are read by the (partnership, status) index instead
    # of a scan of all 124,000 in the country (35 ms down to 7)
    rows = (
        Action.objects.filter(owner_people=person, status__in=OPEN_STATUSES, partnership_id__in=pids)
        .filter(Q(due_date__lte=until) | Q(due_meeting__date__lte=until))
        .order_by()  # sorted below, on the day it is due
        .values_list(
            "pk", "text", "due_date", "due_meeting__date", "raised_on", "board__name", "partnership_id"
        )
    )
    action_url = address_of("action")
    found = []
    for pk, text, due_date, due_meeting_on, raised_on, board, pid in rows:
        due = min((d for d in (due_date, due_meeting_on) if d), default=None)  # as Action.due_on
        if due is not None:  # the filter asks for a due day
            found.append((due, pk, text, raised_on, board, pid))
    for due, pk, text, raised_on, board, pid in sorted(found, key=lambda r: (r[0], r[1])):
        where = f"{board}, raised {_day(raised_on)}"
        if due < today:
            overdue[pid].append(
                Line(text, action_url(pk), f"{where}; due {_day(due)}", "Overdue", "govuk-tag--red")
            )
        else:
            tag = "Due today" if due == today else f"Due {_day(due)}"
            soon[pid].append(Line(text, action_url(pk), where, tag, "govuk-tag--yellow"))
    return overdue, soon


def _boards_of(person: Person | None, pids: list[int], business: set[int]) -> Q:
    """The boards whose meetings the person is shown: the business team every board of its partnership;
    anyone else the boards the directory has them sitting on, or, if it has them on none, every board."""
    q = Q(board__partnership_id__in=business)
    others = set(pids) - business
    # only the person's own partnership can have boards they sit on: no query for the business team's page
    sits_on = (
        set(Membership.objects.filter(person=person).values_list("board_id", flat=True))
        if person is not None and person.partnership_id in others
        else set()
    )
    for pid in others:
        mine = [b for b in sits_on if person is not None and person.partnership_id == pid]
        q |= Q(board_id__in=mine) if mine else Q(board__partnership_id=pid)
    return q


def _agenda_file(meeting: Meeting) -> str:
    """The name the agenda's .docx downloads under, which the audit log records (as reminders read it)."""
    return f"{meeting.board.slug}-agenda-{meeting.date:%Y-%m-%d}.docx"


def _next_meetings(
    person: Person | None, pids: list[int], business: set[int], today: dt.date
) -> dict[int, list[Line]]:
    """Each of the person's boards' next meeting (today or later) with its agenda's state (two queries, and
    the boards they sit on for someone outside their own partnership's business team)."""
    first = (
        Meeting.objects.filter(board=OuterRef("board"), date__gte=today).order_by("date").values("date")[:1]
    )
    meetings = list(
        # date__gte too, though the subquery implies it: the (board, date) index then hands the subquery
        # the coming meetings alone, not each of the 10 years' (2,600 buffers read down to 90)
        Meeting.objects.filter(_boards_of(person, pids, business), date__gte=today, date=Subquery(first))
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
    agenda_url = address_of("agenda")
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
        found[pid].append(Line(f"{m.board.name}, {_day(m.date)}", agenda_url(m.pk), state, label, tag))
    return found


def _clocks(
    user: User, pids: list[int], business: set[int], rules: dict[int, ReviewRules], today: dt.date
) -> tuple[dict[int, list[Line]], dict[int, list[Line]]]:
    """Clocks near (due within CLOCKS_WITHIN working days, or overdue) and overruns with no reason, by
    partnership: every review of a partnership whose business team the person is on, elsewhere only the
    reviews they are named on (two queries: the reviews and their overrun reasons)."""
    near: dict[int, list[Line]] = defaultdict(list)
    overruns: dict[int, list[Line]] = defaultdict(list)
    others = set(pids) - business
    if others:  # the named people joined (and so DISTINCT) only where being named is what lets them see it
        reviews = Review.objects.filter(
            Q(partnership_id__in=business) | Q(partnership_id__in=others, named_people__user=user)
        ).distinct()
    else:
        reviews = Review.objects.filter(partnership_id__in=business)
    reviews = (
        reviews.exclude(stage=Review.Stage.CLOSED)
        .only(*CLOCK_FIELDS)
        .prefetch_related("overrun_reasons")
        .order_by("pk")
    )
    rows: list[tuple[Clock, Review]] = []
    for review in reviews:
        pid = review.partnership_id
        review_rules = rules[pid]
        rows += [
            (c, review)
            for c in clocks_of(review, review_rules, today=today, reasons=review.overrun_reasons.all())
        ]
    review_url = address_of("review")
    for clock, review in sorted(rows, key=lambda r: (r[0].due, r[1].pk)):
        pid = review.partnership_id
        url = review_url(review.pk)
        name = f"{review.pseudonym} ({KIND_LABELS.get(review.kind, review.kind)}): {clock.label}"
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


def _escalations(
    business: set[int], rules: dict[int, EscalationRules], today: dt.date
) -> dict[int, list[Line]]:
    """Open escalations whose current stage is past its target, for the business team (one query)."""
    found: dict[int, list[Line]] = defaultdict(list)
    if not business:
        return found
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
        stage_rules = rules[e.partnership_id]
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
