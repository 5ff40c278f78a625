"""The search index: one row a searchable record, written from the records (`indexer.py`), never edited by
hand. The full-text part lives beside it in each database's own way (`backends.py`): a generated tsvector
column with a GIN index on PostgreSQL, an FTS5 table kept by triggers on SQLite."""

from __future__ import annotations

from django.db import models

from boardkeeper.directory.models import Board, Partnership


class SearchEntry(models.Model):
    class Kind(models.TextChoices):
        ITEM = "item", "Item"
        DECISION = "decision", "Decision"
        ACTION = "action", "Action"
        MEETING = "meeting", "Meeting"
        PERSON = "person", "Person"
        REVIEW = "review", "Case review"
        ESCALATION = "escalation", "Escalation"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    record_id = models.PositiveBigIntegerField()  # the record's primary key in its own table
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(null=True, blank=True)
    title = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    context = models.CharField(max_length=300, blank=True)  # where it is: 'Executive Board, 23 February 2022'
    url = models.CharField(max_length=300)  # the page that shows it, as it was when indexed

    # made from the records and made again by `boardkeeper search --rebuild`: not one of a partnership's
    # records, so its export leaves it out (lib/partnership_export.py)
    DERIVED = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_id"], name="search_entry_unique_record")
        ]
        indexes = [models.Index(fields=["partnership", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}: {self.title[:60]}"
