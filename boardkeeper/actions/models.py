"""The action log and the forward plan (its tables stay in this app: `boardkeeper.plan` works on them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from boardkeeper.directory.models import Board, Person, Team
from boardkeeper.meetings.models import AgendaItem, Meeting

AMBER_WITHIN = dt.timedelta(days=14)  # due this soon: amber
AMBER_AFTER_MEETINGS = 2  # no due date, and the board has met this many times since: amber


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
    owner_people = models.ManyToManyField(Person, blank=True, related_name="actions")
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

    class Meta:
        ordering = ["meeting__date", "position"]
        indexes = [models.Index(fields=["board", "status"])]

    def __str__(self) -> str:
        return self.text[:80]

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

    def flag(self, today: dt.date, *, meetings_since: int) -> Flag:
        """The RAG flag; `meetings_since` is how many meetings the board has held since it was raised.

        1. Done or dropped: green (nothing left to chase).
        2. Open (open, in progress, carried forward) and due before today: red.
        3. Open and due within 14 days: amber.
        4. Open with no due date or meeting, and the board has met twice or more since it was raised
           (carried through more than one meeting): amber.
        5. Otherwise: green, on track.
        """
        if self.status == Action.Status.DONE:
            return Flag("green", "Done")
        if self.status == Action.Status.DROPPED:
            return Flag("green", "Dropped")
        due = self.due_on
        if due is not None and due < today:
            return Flag("red", "Overdue")
        if due is not None and due <= today + AMBER_WITHIN:
            return Flag("amber", "Due today" if due == today else "Due within 14 days")
        if due is None and meetings_since >= AMBER_AFTER_MEETINGS:
            return Flag("amber", f"No due date; open through {meetings_since} meetings")
        return Flag("green", "On track")

    def history(self) -> list[ActionUpdate]:
        """Its updates, oldest first, each with its author's person read (for `ActionUpdate.who`)."""
        return list(self.updates.select_related("author__person").order_by("created_at", "pk"))


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
