"""Background work for reminders: today's, sent once a day (a scheduler enqueues it, or `boardkeeper remind`)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from boardkeeper.reminders import services


@task()
def reminders_send_today() -> int:
    """Send today's reminders; how many e-mails went."""
    return len(services.reminders_send(today=timezone.localdate()))
