"""`boardkeeper escalations --partnership NAME [--status STATUS] [--json]`: the escalations register, each
escalation with its stage, its stage history (targets, and whether each ran past its target) and its linked
actions, for people at a terminal and for scripts (a nightly check of overdue stages)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from boardkeeper.escalations import services
from boardkeeper.escalations.models import STAGES, Escalation
from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.recommendations.management.commands.recommendations import (
    action_row,
    held_for,
    partnership_named,
    table,
    write_out,
)


class Command(BoardkeeperCommand):
    help = "Print a partnership's escalations: stage, stage history with targets, actions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument(
            "--status",
            action="append",
            choices=Escalation.Status.values,
            help="only escalations with this status (repeat for several)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_named(options["partnership"])
        today = timezone.localdate()
        rules = services.rules_for(partnership)
        held = held_for(partnership, today)
        escalations = (
            Escalation.objects.filter(partnership=partnership)
            .select_related("raised_by")
            .prefetch_related(
                "stages",
                "action_links__action__meeting__board",
                "action_links__action__owner_people",
                "action_links__action__owner_teams",
            )
            .order_by("-opened_on", "-pk")
        )
        if options["status"]:
            escalations = escalations.filter(status__in=options["status"])
        rows: list[dict[str, Any]] = []
        for e in escalations:
            history = [
                {
                    "stage": s.stage,
                    "name": rules.name(s.stage),
                    "started_on": s.started_on.isoformat(),
                    "target_on": s.target_on.isoformat(),
                    "ended_on": s.ended_on.isoformat() if s.ended_on else None,
                    "past_target": (s.ended_on or today) > s.target_on,
                    "note": s.note,
                }
                for s in sorted(e.stages.all(), key=lambda s: (s.started_on, s.pk))
            ]
            current = next((h for h in reversed(history) if h["ended_on"] is None), None)
            rows.append(
                {
                    "id": e.pk,
                    "reference": e.reference,
                    "pseudonym": e.pseudonym or None,
                    "raised_by_org": e.raised_by_org,
                    "raised_by": e.raised_by.full_name if e.raised_by else None,
                    "about_agency": e.about_agency,
                    "concern": e.concern,
                    "status": e.status,
                    "stage": e.stage,
                    "stage_name": rules.name(e.stage),
                    "opened_on": e.opened_on.isoformat(),
                    "closed_on": e.closed_on.isoformat() if e.closed_on else None,
                    "target_on": current["target_on"] if current and e.is_open else None,
                    "overdue": bool(current and e.is_open and current["past_target"]),
                    "outcome": e.outcome,
                    "learning": e.learning,
                    "stages": history,
                    "actions": [action_row(link.action, held, today) for link in e.action_links.all()],
                }
            )
        if options["json"]:
            out = {
                "partnership": partnership.name,
                "stages": [
                    {"stage": s, "name": rules.name(s), "working_days": rules.days(s)} for s in STAGES
                ],
                "escalations": rows,
            }
            write_out(self, json.dumps(out, ensure_ascii=False, indent=2))
            return
        if not rows:
            write_out(self, "No escalations.")
            return
        lines = [
            (
                r["reference"],
                r["opened_on"],
                Escalation.Status(r["status"]).label,
                f"{r['stage']}: {r['stage_name']}",
                r["target_on"] or "-",
                "OVERDUE" if r["overdue"] else "",
                f"{r['raised_by_org']} about {r['about_agency']}"
                + (f" ({r['pseudonym']})" if r["pseudonym"] else ""),
            )
            for r in rows
        ]
        header = ("Reference", "Raised", "Status", "Stage", "Target", "", "Concern")
        write_out(self, table(header, lines) + f"\n{len(rows)} escalations.")
