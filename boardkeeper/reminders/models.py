"""Reminders by e-mail: how often each person wants them, and which were sent (never the same twice a day)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReminderPreference(models.Model):
    """How often a person is reminded: every day, on Mondays, or never. Without a row: every day."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKLY = "weekly", "Once a week, on Mondays"
        NONE = "none", "Never"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)

    def __str__(self) -> str:
        return f"Reminders of {self.user}: {self.get_frequency_display()}"


class ReminderSent(models.Model):
    """One thing a person was reminded of on one day ('action:12', 'clock:34:lcspr', 'agenda:56'): a record
    of mail, not of business (not audited)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)  # action | clock | overrun | agenda
    key = models.CharField(max_length=100)
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key", "day"], name="reminder_sent_once_a_day")
        ]
        indexes = [models.Index(fields=["day", "user"])]

    def __str__(self) -> str:
        return f"{self.key} to {self.user_id} on {self.day}"
