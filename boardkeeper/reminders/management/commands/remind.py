"""`boardkeeper remind [--dry-run] [--json] [--date YYYY-MM-DD]`: send today's reminders by e-mail. Run it
once a day (cron or a systemd timer); a second run the same day sends only what is new."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.reminders import services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be a date, YYYY-MM-DD, not {value!r}", returncode=2) from None


class Command(BoardkeeperCommand):
    help = "Send today's reminders: owners their actions, the business team its clocks and agendas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would be sent; send nothing")
        parser.add_argument("--json", action="store_true", help="print what was (or would be) sent, as JSON")
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["date"]) if options["date"] else timezone.localdate()
        dry_run = bool(options["dry_run"])
        try:
            reminders = services.reminders_send(today=today, dry_run=dry_run)
            failed: list[services.Reminder] = []
        except services.RemindersFailed as exc:
            failed, reminders = exc.failed, exc.sent
        if options["json"]:
            self.stdout.write(json.dumps([r.as_json() for r in reminders], ensure_ascii=False, indent=2))
        else:
            items = sum(len(r.items) for r in reminders)
            verb = "Would send" if dry_run else "Sent"
            self.stdout.write(
                f"{verb} {len(reminders)} e-mail{'s' if len(reminders) != 1 else ''} "
                f"({items} item{'s' if items != 1 else ''}) for {today:%-d %B %Y}."
            )
        if failed:
            raise CommandError(
                f"{len(failed)} e-mail(s) could not be sent (to try again, run it again): "
                + ", ".join(r.recipient for r in failed),
                returncode=1,
            )
