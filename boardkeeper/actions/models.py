"""The action log and the forward plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from boardkeeper.directory.models import Board, Person, Team
from boardkeeper.meetings.models import AgendaItem, Meeting


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
