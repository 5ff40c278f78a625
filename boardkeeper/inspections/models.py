"""Inspections and reports about the partnership's agencies (Ofsted ILACS, a JTAI, HMICFRS, CQC, an inquiry
such as IICSA, a peer review), each with its recommendations (`boardkeeper.recommendations`) and, through
them, its improvement plan: the plan's actions are actions of the action log, updated in one place.

An inspection's report is public; its plan is the board's: every member of the partnership reads it, the
business team changes it.
"""

from __future__ import annotations

from django.db import models

from boardkeeper.directory.models import Board, Partnership


class Inspection(models.Model):
    class Body(models.TextChoices):
        OFSTED = "ofsted", "Ofsted"
        CQC = "cqc", "Care Quality Commission (CQC)"
        HMICFRS = "hmicfrs", "HM Inspectorate of Constabulary and Fire & Rescue Services (HMICFRS)"
        PROBATION = "probation", "HM Inspectorate of Probation"
        JOINT = "joint", "Joint targeted area inspection (JTAI)"
        INQUIRY = "inquiry", "Inquiry (such as IICSA)"
        PEER = "peer", "Peer review"
        OTHER = "other", "Other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="inspections")
    board = models.ForeignKey(  # the board that owns the improvement plan
        Board, null=True, blank=True, on_delete=models.SET_NULL, related_name="inspections"
    )
    body = models.CharField(max_length=20, choices=Body.choices)
    title = models.CharField(max_length=300)  # 'Ofsted ILACS', 'JTAI: children's mental health'
    inspected_on = models.DateField()  # the inspection's (first) day, or the report's date
    published_on = models.DateField(null=True, blank=True)
    judgement = models.CharField(max_length=300, blank=True)  # the overall judgement or headline
    summary = models.TextField(blank=True)
    mentioned_as = models.CharField(max_length=300, blank=True)  # words minutes name it by: 'HMIC, HMICFRS'
    version = models.PositiveIntegerField(default=1)  # for refusing stale edits
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "inspected_on"])]

    def __str__(self) -> str:
        return self.title
