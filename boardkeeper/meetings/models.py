"""Meetings and what happened at them: attendance, items, decisions, and the minutes they came from."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from boardkeeper.directory.models import Board, Partnership, Person


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        MINUTES_DRAFT = "minutes_draft", "Minutes in draft"
        MINUTES_APPROVED = "minutes_approved", "Minutes approved"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    next_meeting_date = models.DateField(null=True, blank=True)  # as these minutes give it
    approved_on = models.DateField(null=True, blank=True)  # the board approved the minutes (status approved)

    class Meta:
        ordering = ["-date"]
        constraints = [
            # one meeting a board a day: two renditions of the same minutes confirmed at once write one
            models.UniqueConstraint(fields=["board", "date"], name="meeting_unique_board_date"),
        ]

    def __str__(self) -> str:
        return f"{self.board} – {self.date:%-d %B %Y}"

    @property
    def minutes_status(self) -> str:
        """The minutes' status in words, as the pages and the files show it: 'Draft minutes', 'Minutes
        approved on 11 March 2022'; a meeting without minutes by its own status ('Scheduled', 'Held')."""
        if self.status == Meeting.Status.MINUTES_APPROVED:
            return (
                f"Minutes approved on {self.approved_on:%-d %B %Y}"
                if self.approved_on
                else "Minutes approved"
            )
        if self.status == Meeting.Status.MINUTES_DRAFT:
            return "Draft minutes"
        return self.get_status_display()


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"
        DEPUTY = "deputy", "Deputy"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    deputy_for = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(max_length=200, blank=True)  # as the minutes give it ('Independent Chair')

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique")]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500)
    discussion = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    quote = models.TextField(blank=True)


class CaseMention(models.Model):
    """A case pseudonym the minutes mention under an item ('Family M'), for the review register to link."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="case_mentions")
    pseudonym = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["pseudonym"])]


def upload_path(instance: SourceDocument, filename: str) -> str:
    # stored under the content hash, never the user's file name
    return f"minutes/{instance.sha256[:2]}/{instance.sha256}"


class SourceDocument(models.Model):
    """The minutes file a meeting was imported from, kept as it came."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    meeting = models.OneToOneField(Meeting, null=True, on_delete=models.SET_NULL, related_name="source")
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    format = models.CharField(max_length=20)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to=upload_path)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # the same bytes are imported once per partnership: a second import finds the first
            models.UniqueConstraint(fields=["partnership", "sha256"], name="source_document_unique_bytes"),
        ]


class PendingImport(models.Model):
    """A file uploaded for import: read in the background, previewed, then confirmed or abandoned."""

    class Status(models.TextChoices):
        READING = "reading", "Being read"
        READY = "ready", "Ready to check"
        FAILED = "failed", "Could not be read"
        IMPORTED = "imported", "Imported"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="pending_imports")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READING)
    error = models.TextField(blank=True)
    extracted = models.JSONField(
        null=True, blank=True
    )  # the minutes as read, then as corrected in the preview
    document = models.JSONField(
        null=True, blank=True
    )  # the text as read (`minutes.source_text`), shown beside
    version = models.PositiveIntegerField(default=1)  # each correction counts one: a stale preview is refused
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # a reading started and not finished (a worker killed): tried again, then marked failed
    reading_started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    batch = models.UUIDField(
        null=True, blank=True, db_index=True
    )  # files uploaded together, followed together
