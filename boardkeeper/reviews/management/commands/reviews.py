"""`boardkeeper reviews clocks [--partnership NAME] [--json]`: every open statutory clock, for people at a
terminal and for scripts (a nightly check, a chaser e-mail)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from boardkeeper.directory.models import Partnership
from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.reviews import services


class Command(BoardkeeperCommand):
    help = "The case review register."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        clocks = sub.add_parser("clocks", help="every open clock: review, clock, due date, status")
        clocks.add_argument(
            "--partnership", help="the partnership's name or slug (default: every partnership)"
        )
        clocks.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        partnerships = Partnership.objects.order_by("name")
        if options["partnership"]:
            partnerships = partnerships.named(options["partnership"])
            if not partnerships.exists():
                raise CommandError(f"no partnership called {options['partnership']!r}", returncode=2)
        today = timezone.localdate()
        rows: list[dict[str, Any]] = []
        for partnership in partnerships:
            for review, clock in services.open_clocks(partnership=partnership, today=today):
                rows.append(
                    {
                        "partnership": partnership.name,
                        "review_id": review.pk,
                        "review": review.pseudonym,
                        "kind": review.kind,
                        "stage": review.stage,
                        "clock": clock.key,
                        "label": clock.label,
                        "due": clock.due.isoformat(),
                        "working_days_left": clock.days_left,
                        "status": clock.colour,
                        "next_step": clock.next_step,
                        "overrun_reason": clock.reason or None,
                    }
                )
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(
                f"{r['due']}  {r['status']:<5}  {r['working_days_left']:>5}  {r['review']:<20}  {r['label']}"
            )
        if not rows:
            self.stdout.write("No open clocks.")
