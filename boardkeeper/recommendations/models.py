"""One ledger of recommendations: every case review's and every inspection's, each run to the agencies'
actions (rows of the action log), the evidence they were done, and a later check of impact.

A recommendation comes from exactly one source, a review or an inspection. One not implemented says why
(a safeguarding adults board's yearly report must). One that makes again what an earlier recommendation
made is flagged (`repeats`); the business team may clear a wrong flag (`repeat_checked` then keeps it
cleared).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Organisation, Partnership
from boardkeeper.inspections.models import Inspection
from boardkeeper.reviews.models import Review, Theme


class Recommendation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        NOT_IMPLEMENTED = "not_implemented", "Not implemented"

    class Impact(models.TextChoices):
        CHANGED = "changed", "Practice changed"
        PARTLY = "partly", "Practice partly changed"
        NOT_CHANGED = "not_changed", "No change found"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="recommendations")
    review = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.CASCADE, related_name="recommendations"
    )
    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.CASCADE, related_name="recommendations"
    )
    number = models.CharField(max_length=20, blank=True)  # as the report numbers it: '3', '3a'
    text = models.TextField()
    made_on = models.DateField()  # the source's date: the report's publication, or the inspection's
    agencies = models.ManyToManyField(Organisation, blank=True, related_name="recommendations")
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    not_implemented_reason = models.TextField(blank=True)
    impact = models.CharField(max_length=20, choices=Impact.choices, blank=True)  # '' not yet checked
    impact_checked_on = models.DateField(null=True, blank=True)
    impact_method = models.TextField(blank=True)  # how it was tested: 'a multi-agency audit of 20 cases'
    impact_finding = models.TextField(blank=True)
    repeats = models.ForeignKey(  # an earlier recommendation this one makes again
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeated_by"
    )
    repeat_checked = models.BooleanField(default=False)  # the business team has confirmed or cleared it
    version = models.PositiveIntegerField(default=1)  # for refusing stale edits
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review__isnull=False, inspection__isnull=True)
                | Q(review__isnull=True, inspection__isnull=False),
                name="recommendation_one_source",
            )
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return f"Recommendation {self.number}" if self.number else f"Recommendation {self.pk}"

    @property
    def source(self) -> Review | Inspection:
        source = self.review if self.review_id else self.inspection
        assert source is not None
        return source


class RecommendationAction(models.Model):
    """An action of the action log that answers the recommendation."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="recommendation_links")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "action"], name="recommendation_action_unique")
        ]


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.recommendation_id}/{uuid.uuid4().hex}"  # never the uploader's file name


class Evidence(models.Model):
    """Evidence that the recommendation (or one of its actions) was done: a note, and a file if there is one."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="evidence")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField()
    file = models.FileField(upload_to=evidence_path, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
