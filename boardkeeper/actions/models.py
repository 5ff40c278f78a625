"""The action log and the forward plan (its tables stay in this app: `boardkeeper.plan` works on them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver

from boardkeeper.directory.models import Board, Partnership, Person, Team
from boardkeeper.lib.dates import add_months
from boardkeeper.meetings.models import AgendaItem, Meeting

AMBER_WITHIN = dt.timedelta(days=14)  # due this soon: amber
AMBER_AFTER_MEETINGS = 2  # no due date, and the board has met this many times since: amber
# no due date: amber, then red, after this many months open (a partnership sets its own: Partnership fields)
UNDATED_MONTHS = (3, 6)


@dataclass(frozen=True, slots=True)
class Flag:
    """Red, amber or green, and why: the colour is never the only thing that tells."""

    colour: str  # red | amber | green
    reason: str

    @property
    def tag(self) -> str:
        return {"red": "govuk-tag--red", "amber": "govuk-tag--yellow", "green": "govuk-tag--green"}[
            self.colour
        ]

    @property
    def words(self) -> str:
        """The flag in words, as the exports write it: 'Red – Overdue'."""
        return f"{self.colour.capitalize()} – {self.reason}"


class ActionQuerySet(models.QuerySet["Action"]):
    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Action]:
        """bulk_create does not call save(): each action's `raised_on` is filled here from its meeting, and
        its `partnership` from its board (the boards not at hand read in one query)."""
        objs = list(objs)
        missing = {
            a.board_id for a in objs if a.partnership_id is None and not Action.board.field.is_cached(a)
        }
        partnerships = dict(Board.objects.filter(pk__in=missing).values_list("pk", "partnership_id"))
        for action in objs:
            action.fill_raised_on()
            if action.partnership_id is None and action.board_id in partnerships:
                action.partnership_id = partnerships[action.board_id]
            action.fill_partnership()
        return super().bulk_create(objs, *args, **kwargs)


OVERDUE_READS = ["due_date", "due_meeting", "raised_on", "position", "id"]  # (Action.Meta.indexes)


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"
        CARRIED_FORWARD = "carried_forward", "Carried forward"

    class Origin(models.TextChoices):
        ACTION_COLUMN = "action_column", "Action column"
        ACTION_MARKER = "action_marker", "Action marker"
        ACTION_TABLE = "action_table", "Action table"
        PROSE = "prose", "Commitment in the discussion"
        MANUAL = "manual", "Entered by hand"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    owner_people = models.ManyToManyField["Person", "ActionOwner"](
        Person, blank=True, related_name="actions", through="ActionOwner"
    )
    owner_teams = models.ManyToManyField(Team, blank=True, related_name="actions")
    owner_text = models.CharField(max_length=300, blank=True)  # as the minutes write it
    due_date = models.DateField(null=True, blank=True)
    due_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_text = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    origin = models.CharField(max_length=20, choices=Origin.choices)
    quote = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)  # for refusing stale edits
    # its meeting's date, kept here (save(), bulk_create, and when a meeting's date changes) so that a log
    # page's ORDER BY raised_on, position is read from an index rather than sorting every action of a
    # partnership joined to its meeting (docs/benchmarks.md, national scale)
    raised_on = models.DateField(editable=False)
    # its board's partnership, kept here (save(), bulk_create) so that a partnership's log reads its page in
    # order from one index range, not by sorting the actions of all its boards (docs/benchmarks.md)
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", editable=False, db_index=False
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["raised_on", "position"]
        # the status indexes carry what the log's 'overdue' filter and its order read (INCLUDE, PostgreSQL),
        # so that counting and paging a partnership's overdue actions never visits the table
        indexes = [
            models.Index(fields=["board", "status"], include=OVERDUE_READS, name="action_board_status"),
            models.Index(fields=["board", "raised_on", "position", "id"], name="action_board_raised"),
            models.Index(
                fields=["partnership", "raised_on", "position", "id"], name="action_partnership_raised"
            ),
            models.Index(
                fields=["partnership", "status"], include=OVERDUE_READS, name="action_partnership_status"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def fill_raised_on(self) -> None:
        """`raised_on` from its meeting (read only when the meeting is not at hand)."""
        if self.raised_on is None or Action.meeting.field.is_cached(self):
            self.raised_on = self.meeting.date

    def fill_partnership(self) -> None:
        """`partnership` from its board (read only when the board is not at hand)."""
        if self.partnership_id is None or Action.board.field.is_cached(self):
            self.partnership_id = self.board.partnership_id

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_raised_on()
        self.fill_partnership()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "meeting" in update_fields:
            kwargs["update_fields"] = {*update_fields, "raised_on"}
        if update_fields is not None and "board" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "partnership"}
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        """Still to be done: open, in progress or carried forward."""
        return self.status in OPEN_STATUSES

    @property
    def due_on(self) -> dt.date | None:
        """The day it is due: its due date, or its due meeting's day; the earlier if it has both (as
        `services.action_log`'s overdue filter reads it)."""
        dates = [d for d in (self.due_date, self.due_meeting.date if self.due_meeting else None) if d]
        return min(dates, default=None)

    @property
    def due_summary(self) -> dt.date | str:
        """When it is due, in a list or a file: its due date, else its due meeting, else the minutes'
        words ('' when they give none)."""
        if self.due_date:
            return self.due_date
        return f"Meeting of {self.due_meeting.date:%-d %B %Y}" if self.due_meeting else self.due_text

    def flag(self, today: dt.date, *, meetings_since: int, undated_months: tuple[int, int]) -> Flag:
        """The RAG flag; `meetings_since` is how many meetings the board has held since it was raised, and
        `undated_months` the partnership's (amber, red) months for an action with no due date
        (`MeetingsHeld.undated_months` reads them with the meetings, so a flag costs no query).

        1. Done or dropped: green (nothing left to chase).
        2. Open (open, in progress, carried forward) and due before today: red.
        3. Open and due within 14 days: amber.
        4. Open with no due date or meeting, raised the red number of months ago or more (6 unless the
           partnership says otherwise): red; so an action undated since 2022 is not 'on track' in 2026.
        5. Open with no due date or meeting, raised the amber number of months ago or more (3), or the
           board has met twice or more since it was raised (carried through more than one meeting): amber.
        6. Otherwise: green, on track.
        """
        return rag_flag(
            self.status,
            self.due_on,
            self.meeting.date,
            today,
            meetings_since=meetings_since,
            undated_months=undated_months,
        )

    def history(self) -> list[ActionUpdate]:
        """Its updates, oldest first, each with its author's person read (for `ActionUpdate.who`)."""
        return list(self.updates.select_related("author__person").order_by("created_at", "pk"))


def rag_flag(
    status: str,
    due: dt.date | None,
    raised: dt.date,
    today: dt.date,
    *,
    meetings_since: int,
    undated_months: tuple[int, int],
) -> Flag:
    """`Action.flag` from the values it reads, for a file of thousands of rows read as tuples (no model
    instance a row)."""
    if status == Action.Status.DONE:
        return Flag("green", "Done")
    if status == Action.Status.DROPPED:
        return Flag("green", "Dropped")
    if due is not None and due < today:
        return Flag("red", "Overdue")
    if due is not None and due <= today + AMBER_WITHIN:
        return Flag("amber", "Due today" if due == today else "Due within 14 days")
    if due is None:
        amber, red = undated_months
        if add_months(raised, red) <= today:
            return Flag("red", f"No due date; open more than {red} months")
        if add_months(raised, amber) <= today:
            return Flag("amber", f"No due date; open more than {amber} months")
        if meetings_since >= AMBER_AFTER_MEETINGS:
            return Flag("amber", f"No due date; open through {meetings_since} meetings")
    return Flag("green", "On track")


class ActionOwner(models.Model):
    """A person who owns an action (`Action.owner_people`), and with the link a copy of the action's status,
    partnership and place in the log, which the database keeps (triggers: migration actions 0007). 'My actions'
    counts and pages someone's actions from this table's (person, partnership, raised_on, position, action)
    index alone, however many they have owned over the years, instead of joining every one of them to its
    action (3,670 for a busy owner at national scale: docs/benchmarks.md)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    # the action's own columns, written by the database's triggers (this code never sets them): on a
    # link's insert, and whenever the action's status, partnership, raised_on or position changes
    status = models.CharField(max_length=20, default="", editable=False)  # as long as Action.status
    partnership_id = models.BigIntegerField(null=True, editable=False)
    raised_on = models.DateField(null=True, editable=False)
    position = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        db_table = "actions_action_owner_people"  # the table the link had before it had a model
        unique_together = [("action", "person")]
        indexes = [
            models.Index(
                fields=["person", "partnership_id", "raised_on", "position", "action", "status"],
                name="action_owner_mine",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} owns {self.action_id}"


@receiver(post_save, sender=Meeting, dispatch_uid="actions_raised_on")
def _meeting_date_moved(
    sender: Any, instance: Meeting, created: bool, update_fields: Any, **kwargs: Any
) -> None:
    """A meeting's date moved: its actions' `raised_on` moves with it (one UPDATE, nothing when unchanged)."""
    if created or (update_fields is not None and "date" not in update_fields):
        return
    Action.objects.filter(meeting_id=instance.pk).exclude(raised_on=instance.date).update(
        raised_on=instance.date
    )


OPEN_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS, Action.Status.CARRIED_FORWARD)


class ForwardPlanEntry(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="forward_plan")
    topic = models.CharField(max_length=300)
    target_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_month = models.DateField(null=True, blank=True)  # the first of the month
    owner_text = models.CharField(max_length=300, blank=True)
    source_action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL)
    # standing annual business (annual report, budget, scrutiny plan, threshold document) comes round again
    recurs_annually = models.BooleanField(default=False)

    class Meta:
        ordering = ["target_month", "topic"]


class ActionUpdate(models.Model):
    """Progress on an action or a change of its status: who, when, what they said. Never edited."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_from = models.CharField(max_length=20, choices=Action.Status.choices)
    status_to = models.CharField(max_length=20, choices=Action.Status.choices)
    note = models.TextField(blank=True)
    due_changed = models.BooleanField(default=False)  # the update moved the due date (from/to may be empty)
    due_from = models.DateField(null=True, blank=True)
    due_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def who(self) -> str:
        """Its author as the directory knows them (read `author__person` with it)."""
        author = self.author
        if author is None:
            return "A deleted account"
        person = getattr(author, "person", None)  # None when the account is linked to nobody
        return person.full_name if person is not None else author.get_full_name() or author.username


class AgendaEntry(models.Model):
    """An item of a meeting's drafted agenda, before the meeting is held."""

    class Kind(models.TextChoices):
        STANDING = "standing", "Standing item"
        ACTION_LOG = "action_log", "Minutes and action log"
        FORWARD_PLAN = "forward_plan", "From the forward plan"
        OTHER = "other", "Other"
        AOB = "aob", "Any other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True)
    papers = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    source = models.ForeignKey(ForwardPlanEntry, null=True, blank=True, on_delete=models.SET_NULL)
    version = models.PositiveIntegerField(
        default=1
    )  # of its title, presenter and papers: stale edits refused

    class Meta:
        ordering = ["meeting", "position"]


class CalendarFeed(models.Model):
    """A private calendar address for one person: the token is the secret, and it can be revoked."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
