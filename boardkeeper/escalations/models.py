"""The escalations register: concerns one partner raises about another agency's practice, or about the
system, under the partnership's escalation (resolution) protocol.

An escalation names no one but by a case pseudonym ('Child Q'). It climbs the protocol's four stages
(practitioner, manager, senior leader, the partnership or independent scrutineer: each partnership names
its own, `EscalationRules`); each stage it reaches is a row of its history (`EscalationStage`) with the
date it began, its target (working days from that date, by the rules) and the date it ended.
"""

from __future__ import annotations

from django.db import models

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Partnership, Person
from boardkeeper.meetings.models import AgendaItem

STAGES = (1, 2, 3, 4)
DEFAULT_NAMES = ("Practitioner", "Manager", "Senior leader", "Partnership / independent scrutineer")
DEFAULT_DAYS = (5, 5, 10, 10)


class EscalationRules(models.Model):
    """A partnership's protocol: the names of its four stages and each stage's target in working days."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="escalation_rules")
    region = models.CharField(
        max_length=3, choices=[("ENG", "England"), ("WLS", "Wales")], default="ENG"
    )  # whose bank holidays
    stage_1_name = models.CharField(max_length=60, default=DEFAULT_NAMES[0])
    stage_2_name = models.CharField(max_length=60, default=DEFAULT_NAMES[1])
    stage_3_name = models.CharField(max_length=60, default=DEFAULT_NAMES[2])
    stage_4_name = models.CharField(max_length=60, default=DEFAULT_NAMES[3])
    stage_1_days = models.PositiveSmallIntegerField(default=DEFAULT_DAYS[0])
    stage_2_days = models.PositiveSmallIntegerField(default=DEFAULT_DAYS[1])
    stage_3_days = models.PositiveSmallIntegerField(default=DEFAULT_DAYS[2])
    stage_4_days = models.PositiveSmallIntegerField(default=DEFAULT_DAYS[3])

    def name(self, stage: int) -> str:
        return str(getattr(self, f"stage_{stage}_name"))

    def days(self, stage: int) -> int:
        return int(getattr(self, f"stage_{stage}_days"))

    def choices(self) -> list[tuple[int, str]]:
        return [(s, f"Stage {s}: {self.name(s)}") for s in STAGES]


class Escalation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="escalations")
    reference = models.CharField(max_length=20)  # 'ESC-2026-001': per partnership and year
    raised_by_org = models.CharField(max_length=200)  # the agency or service that raised it
    raised_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="escalations_raised"
    )
    about_agency = models.CharField(max_length=200)  # the agency or service it is about
    concern = models.TextField()  # no personal data: a case is named only by its pseudonym
    pseudonym = models.CharField(max_length=100, blank=True)
    stage = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    learning = models.TextField(blank=True)
    named_people = models.ManyToManyField(Person, blank=True, related_name="escalations")  # need to know
    version = models.PositiveIntegerField(default=1)  # for refusing stale edits
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="escalation_unique_reference")
        ]
        indexes = [models.Index(fields=["partnership", "status", "stage"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class EscalationStage(models.Model):
    """A stage the escalation reached: when, its target, when it ended (None: it is there now)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="stages")
    stage = models.PositiveSmallIntegerField()
    started_on = models.DateField()
    target_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        indexes = [models.Index(fields=["ended_on", "target_on"])]


class EscalationAction(models.Model):
    """An action of the action log that came out of the escalation."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="escalation_links")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "action"], name="escalation_action_unique")
        ]


class EscalationItem(models.Model):
    """An item of minutes where the escalation was discussed, linked by hand: the minutes may not name its
    pseudonym (items that do are found without a link)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="item_links")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="escalation_links")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["escalation", "item"], name="escalation_item_unique")]
