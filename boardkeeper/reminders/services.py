"""Reminders by e-mail, sent once a day (`boardkeeper remind`, or the task `reminders_send_today`).

Each person gets at most one e-mail a day listing:
- as an owner: their open actions due within `ACTIONS_WITHIN` days, or overdue;
- as the business team of a partnership: its statutory clocks due within `CLOCKS_WITHIN` working days or
  overdue, its clocks met late with no reason given for the overrun, and the agendas of its meetings in the
  next `AGENDAS_WITHIN` days not yet circulated (Boardkeeper keeps no 'circulated' state: an agenda counts as
  circulated once it has been exported, `agenda.docx`, as the audit log records).

Nothing is sent twice for the same thing to the same person on the same day (`ReminderSent`), and each
person's `ReminderPreference` is honoured (never; weekly: Mondays only, the same items). No case details go
in an e-mail: a review by its pseudonym, an action by its board, meeting and item, and links.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.actions.models import OPEN_STATUSES, Action
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Partnership, Person
from boardkeeper.lib.mail import send_templated
from boardkeeper.meetings.models import Meeting
from boardkeeper.reminders.models import ReminderPreference, ReminderSent
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import Review, ReviewRules

log = logging.getLogger(__name__)

ACTIONS_WITHIN = 7  # days: an owner's actions due this soon
CLOCKS_WITHIN = 3  # working days: the business team's clocks due this soon
AGENDAS_WITHIN = 10  # days: meetings this soon whose agenda is not yet circulated
WEEKLY_ON = 0  # Monday: the day a weekly digest goes


@dataclass(frozen=True)
class Item:
    kind: str  # action | clock | overrun | agenda
    key: str  # what it is about: 'action:12', 'clock:34:lcspr', 'overrun:34:notification', 'agenda:56'
    section: str  # the heading it goes under in the e-mail
    text: str  # pseudonyms and names of boards only: never a case's details
    due: dt.date | None
    link: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "kind": self.kind,
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "link": self.link,
        }


@dataclass
class Reminder:
    """One e-mail to one person."""

    user_id: int
    recipient: str  # the e-mail address
    name: str
    frequency: str
    items: list[Item] = field(default_factory=list)
    day: dt.date = dt.date.min

    @property
    def subject(self) -> str:
        n = len(self.items)
        what = f"{n} thing{'s' if n != 1 else ''} to see to"
        if self.frequency == ReminderPreference.Frequency.WEEKLY:
            return f"Boardkeeper: your week from {self.day:%-d %B %Y}, {what}"
        return f"Boardkeeper: {what}, {self.day:%-d %B %Y}"

    def as_json(self) -> dict[str, object]:
        return {
            "recipient": self.recipient,
            "subject": self.subject,
            "items": [i.as_json() for i in self.items],
        }


class RemindersFailed(RuntimeError):
    """Some e-mails could not be sent; their reminders are not recorded, so the next run tries again."""

    def __init__(self, failed: list[Reminder], sent: list[Reminder]):
        self.failed = failed
        self.sent = sent
        super().__init__(
            f"{len(failed)} e-mail(s) could not be sent: " + ", ".join(r.recipient for r in failed)
        )


def _url(path: str) -> str:
    return str(getattr(settings, "BASE_URL", "http://127.0.0.1:8000")).rstrip("/") + path


def _day(d: dt.date) -> str:
    return f"{d:%-d %B %Y}"


def _action_items(
    today: dt.date, recipients: dict[int, User], roles: set[tuple[int, int]]
) -> dict[int, list[Item]]:
    """Open actions due within ACTIONS_WITHIN days or overdue, for each owner whose account may see them."""
    until = today + dt.timedelta(days=ACTIONS_WITHIN)
    owners = Person.objects.filter(user__isnull=False).only("id", "user_id", "partnership_id")
    actions = (
        Action.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(due_date__lte=until) | Q(due_meeting__date__lte=until))
        .filter(pk__in=Action.objects.filter(owner_people__user__isnull=False).values("pk"))
        .select_related("meeting__board", "item", "due_meeting")
        .defer("item__discussion")  # an e-mail names the item; its discussion may be a megabyte
        .prefetch_related(Prefetch("owner_people", queryset=owners))
        .order_by("pk")
    )
    found: dict[int, list[Item]] = defaultdict(list)
    for action in actions:
        due = action.due_on
        if due is None:  # pragma: no cover - the filter asks for a due day
            continue
        board = action.meeting.board
        where = f"Action from the {board.name} meeting of {_day(action.meeting.date)}"
        if action.item is not None:
            where += f", item {action.item.number}"
        when = f"overdue since {_day(due)}" if due < today else f"due {_day(due)}"
        item = Item(
            kind="action",
            key=f"action:{action.pk}",
            section="Your actions",
            text=f"{where}: {when}",
            due=due,
            link=_url(reverse("action", args=[action.pk])),
        )
        for person in action.owner_people.all():
            user_id = person.user_id
            if user_id in recipients and (user_id, board.partnership_id) in roles:
                found[user_id].append(item)
    return found


def _partnership_items(today: dt.date, partnership_ids: set[int]) -> dict[int, list[Item]]:
    """What each partnership's business team is reminded of: clocks, overruns, agendas."""
    found: dict[int, list[Item]] = defaultdict(list)
    if not partnership_ids:
        return found
    names = dict(Partnership.objects.filter(pk__in=partnership_ids).values_list("pk", "name"))
    rules = {r.partnership_id: r for r in ReviewRules.objects.filter(partnership_id__in=partnership_ids)}
    reviews = (
        Review.objects.filter(partnership_id__in=partnership_ids)
        .exclude(stage=Review.Stage.CLOSED)
        .prefetch_related("overrun_reasons")
        .order_by("pk")
    )
    for review in reviews:
        pid = review.partnership_id
        section = f"{names[pid]}: case review clocks"
        link = _url(reverse("review", args=[review.pk]))
        review_rules = rules.get(pid) or ReviewRules(partnership_id=pid)  # the defaults, not written here
        for clock in clocks_of(review, review_rules, today=today, reasons=review.overrun_reasons.all()):
            if clock.is_open and clock.days_left <= CLOCKS_WITHIN:
                text = f"{review.pseudonym}: {clock.label}, {_lower(clock.status)} (due {_day(clock.due)})"
                if clock.needs_reason:
                    text += "; no reason given for the overrun"
                found[pid].append(
                    Item("clock", f"clock:{review.pk}:{clock.key}", section, text, clock.due, link)
                )
            elif not clock.is_open and clock.needs_reason:
                text = (
                    f"{review.pseudonym}: {clock.label}, {_lower(clock.status)} (due {_day(clock.due)}); "
                    "no reason given for the overrun"
                )
                found[pid].append(
                    Item("overrun", f"overrun:{review.pk}:{clock.key}", section, text, clock.due, link)
                )

    meetings = list(
        Meeting.objects.filter(
            board__partnership_id__in=partnership_ids,
            status=Meeting.Status.SCHEDULED,
            date__gte=today,
            date__lte=today + dt.timedelta(days=AGENDAS_WITHIN),
        )
        .select_related("board")
        .order_by("date", "pk")
    )
    exported = set(
        AuditEvent.objects.filter(
            action=AuditEvent.Action.EXPORT,
            partnership_id__in=partnership_ids,
            detail__in=[_agenda_file(m) for m in meetings],
        ).values_list("partnership_id", "detail")
    )
    for meeting in meetings:
        pid = meeting.board.partnership_id
        if (pid, _agenda_file(meeting)) in exported:
            continue
        found[pid].append(
            Item(
                "agenda",
                f"agenda:{meeting.pk}",
                f"{names[pid]}: agendas to circulate",
                f"Agenda of the {meeting.board.name} meeting on {_day(meeting.date)}: not yet circulated",
                meeting.date,
                _url(reverse("agenda", args=[meeting.pk])),
            )
        )
    return found


def _lower(words: str) -> str:
    """'Due today' inside a sentence: its first letter small, the months' capitals kept."""
    return words[:1].lower() + words[1:]


def _agenda_file(meeting: Meeting) -> str:
    """The name `agenda.docx` downloads under, which the audit log records (boardkeeper.plan.views)."""
    return f"{meeting.board.slug}-agenda-{meeting.date:%Y-%m-%d}.docx"


def _reminders(*, today: dt.date) -> list[Reminder]:
    """Every e-mail due today by the preferences, before what was already sent today is taken out."""
    roles = list(
        PartnershipRole.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "partnership_id")
    )
    users = {r.user_id: r.user for r in roles}
    frequency = dict(ReminderPreference.objects.filter(user_id__in=users).values_list("user_id", "frequency"))
    weekly_day = today.weekday() == WEEKLY_ON
    recipients = {
        uid: user
        for uid, user in users.items()
        if frequency.get(uid, ReminderPreference.Frequency.DAILY) == ReminderPreference.Frequency.DAILY
        or (frequency.get(uid) == ReminderPreference.Frequency.WEEKLY and weekly_day)
    }
    may_see = {(r.user_id, r.partnership_id) for r in roles}
    business = [r for r in roles if r.role == PartnershipRole.Role.BUSINESS_TEAM and r.user_id in recipients]

    items = _action_items(today, recipients, may_see)
    of_partnership = _partnership_items(today, {r.partnership_id for r in business})
    for role in business:
        items[role.user_id].extend(of_partnership.get(role.partnership_id, []))

    reminders = []
    for uid in sorted(items):
        user = recipients[uid]
        reminders.append(
            Reminder(
                user_id=uid,
                recipient=user.email,
                name=user.get_full_name() or user.username,
                frequency=frequency.get(uid, ReminderPreference.Frequency.DAILY),
                items=items[uid],
                day=today,
            )
        )
    return reminders


def _not_yet_sent(reminders: list[Reminder], today: dt.date) -> list[Reminder]:
    sent = set(
        ReminderSent.objects.filter(day=today, user_id__in=[r.user_id for r in reminders]).values_list(
            "user_id", "key"
        )
    )
    left = []
    for reminder in reminders:
        reminder.items = [i for i in reminder.items if (reminder.user_id, i.key) not in sent]
        if reminder.items:
            left.append(reminder)
    return left


def reminders_due(*, today: dt.date) -> list[Reminder]:
    """What `reminders_send` would send today (reading only): one reminder a person, without what was
    already sent to them today."""
    return _not_yet_sent(_reminders(today=today), today)


def reminders_send(*, today: dt.date, dry_run: bool = False) -> list[Reminder]:
    """Send today's reminders, one e-mail a person, recording each item as sent in the transaction that
    decided it. A dry run sends and records nothing. A run at the same time as another sends nothing
    twice: the second's records clash with the first's, and it sends nothing (RemindersFailed is not
    raised for that: the first run sends them). An e-mail that cannot be sent has its records removed,
    so the next run tries again; RemindersFailed then says which, after the others are sent."""
    if dry_run:
        return reminders_due(today=today)
    try:
        with transaction.atomic():
            reminders = reminders_due(today=today)
            ReminderSent.objects.bulk_create(
                ReminderSent(user_id=r.user_id, kind=i.kind, key=i.key, day=today)
                for r in reminders
                for i in r.items
            )
    except IntegrityError:
        log.warning("reminders for %s are being sent by another run", today)
        return []
    failed, sent = [], []
    for reminder in reminders:
        try:
            send_templated(
                to=[reminder.recipient],
                subject=reminder.subject,
                template="reminder",
                context={
                    "name": reminder.name,
                    "items": reminder.items,
                    "weekly": reminder.frequency == ReminderPreference.Frequency.WEEKLY,
                    "preferences_link": _url(reverse("reminder_preferences")),
                },
            )
        except Exception:
            log.exception("the reminder to user %s could not be sent", reminder.user_id)
            ReminderSent.objects.filter(
                user_id=reminder.user_id, day=today, key__in=[i.key for i in reminder.items]
            ).delete()
            failed.append(reminder)
        else:
            sent.append(reminder)
    if failed:
        raise RemindersFailed(failed, sent)
    return sent


def preference_of(*, user: User) -> str:
    """How often the person is reminded (every day unless they chose otherwise)."""
    found = ReminderPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    return found or ReminderPreference.Frequency.DAILY


@audit.acts
def preference_set(*, user: User, frequency: str) -> ReminderPreference:
    """Their choice, kept (and audited, as a change of the row)."""
    if frequency not in ReminderPreference.Frequency.values:
        raise ValueError(f"unknown frequency {frequency!r}")
    preference, _ = ReminderPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})
    return preference
