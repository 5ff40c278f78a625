"""`boardkeeper inspections --partnership NAME [--json]`: every inspection of the partnership's agencies, each
with its recommendations and their actions (the improvement plan), for people at a terminal and scripts."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from boardkeeper.actions.models import Action
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.recommendations.management.commands.recommendations import (
    held_for,
    partnership_named,
    recommendation_row,
    recommendations_of,
    table,
    write_out,
)


class Command(BoardkeeperCommand):
    help = "Print a partnership's inspections, each with its recommendations and their actions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_named(options["partnership"])
        today = timezone.localdate()
        held = held_for(partnership, today)
        inspections = list(
            Inspection.objects.filter(partnership=partnership)
            .select_related("board")
            .order_by("-inspected_on", "-pk")
        )
        by_inspection: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for recommendation in recommendations_of(partnership).filter(inspection__isnull=False):
            assert recommendation.inspection_id is not None
            by_inspection[recommendation.inspection_id].append(
                recommendation_row(recommendation, held, today)
            )
        for rows in by_inspection.values():  # as the report numbers them: 1, 2, ... 10
            rows.sort(key=lambda r: (len(r["number"]), r["number"], r["id"]))
        out: list[dict[str, Any]] = [
            {
                "id": i.pk,
                "body": i.body,
                "body_label": i.get_body_display(),
                "title": i.title,
                "board": i.board.name if i.board else None,
                "inspected_on": i.inspected_on.isoformat(),
                "published_on": i.published_on.isoformat() if i.published_on else None,
                "judgement": i.judgement,
                "summary": i.summary,
                "mentioned_as": [w.strip() for w in i.mentioned_as.split(",") if w.strip()],
                "recommendations": by_inspection.get(i.pk, []),
            }
            for i in inspections
        ]
        if options["json"]:
            doc = {"partnership": partnership.name, "inspections": out}
            write_out(self, json.dumps(doc, ensure_ascii=False, indent=2))
            return
        if not out:
            write_out(self, "No inspections.")
            return
        blocks = []
        for i in out:
            heading = f"{i['title']}, inspected {i['inspected_on']}"
            if i["published_on"]:
                heading += f", published {i['published_on']}"
            lines = []
            for r in i["recommendations"]:
                lines.append((r["number"] or "-", r["status_label"], "", "", r["text"]))
                for a in r["actions"]:
                    owners = ", ".join(a["owners"]) or "-"
                    lines.append(
                        (
                            "",
                            Action.Status(a["status"]).label,
                            a["flag"]["colour"],
                            a["due_date"] or "-",
                            f"  {a['text']} ({owners})",
                        )
                    )
            body = table(("No.", "Status", "Flag", "Due", "Recommendation / action"), lines)
            if not lines:
                body = "No recommendations recorded."
            blocks.append(f"{heading}\n{body}")
        write_out(self, "\n\n".join(blocks) + f"\n\n{len(out)} inspections.")
