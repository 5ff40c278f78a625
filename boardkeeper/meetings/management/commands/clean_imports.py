"""`boardkeeper clean_imports`: readings a stopped worker left tried again or failed, and the uploads never
imported removed with their bytes (the workers do both too; run this from cron where they may be idle)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat, pluralize
from django.utils import timezone

from boardkeeper.meetings import services
from boardkeeper.meetings.tasks import readings_recover


class Command(BaseCommand):
    help = (
        "Try again the readings of uploaded minutes a stopped worker left unfinished, and remove the "
        "uploads never imported after BOARDKEEPER_PENDING_IMPORT_DAYS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        recovered = readings_recover(now=now)
        if recovered.retried:
            n = len(recovered.retried)
            self.stdout.write(f"{n} reading{pluralize(n)} left unfinished by a stopped worker queued again.")
        if recovered.failed:
            n = len(recovered.failed)
            self.stdout.write(
                f"{n} upload{pluralize(n)} failed: {pluralize(n, 'its,their')} reading was stopped on each "
                f"of {services.READING_TRIES} tries."
            )
        removed = services.pending_imports_clean(now=now)
        days = settings.PENDING_IMPORT_DAYS
        if not removed:
            self.stdout.write(f"No upload has waited more than {days} days to be imported.")
            return
        size = sum(r.size for r in removed)
        self.stdout.write(
            f"Removed {len(removed)} upload{pluralize(removed)} never imported after {days} days "
            f"({filesizeformat(size)}):"
        )
        for r in removed:
            self.stdout.write(
                f"  {r.name}: {r.board}, {r.status.lower()}, uploaded {timezone.localtime(r.uploaded_at):%-d %B %Y}"
            )
