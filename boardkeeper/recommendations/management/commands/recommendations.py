"""`boardkeeper recommendations --partnership NAME [--status STATUS] [--json]`: the ledger of recommendations,
every case review's and every inspection's, each with its source, status, actions, evidence and impact.

For the installation's operator (everything of the partnership, as `reviews clocks`) and for scripts.
`boardkeeper inspections` prints each inspection's recommendations in the same shape (`recommendation_row`).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Iterable
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import timezone

from boardkeeper.actions.models import Action
from boardkeeper.actions.services import MeetingsHeld, action_owner_names
from boardkeeper.directory.models import Partnership
from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations.models import Recommendation


def partnership_named(name: str) -> Partnership:
    """The partnership a person at a terminal names, or a refusal with exit code 2."""
    partnership: Partnership | None = Partnership.objects.named(name).first()
    if partnership is None:
        raise CommandError(f"no partnership called {name!r}", returncode=2)
    return partnership


def write_out(command: BoardkeeperCommand, text: str) -> None:
    try:
        command.stdout.write(text)
        command.stdout.flush()
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def recommendations_of(partnership: Partnership) -> QuerySet[Recommendation]:
    """Every recommendation of the partnership with what its row needs, read in a fixed number of queries."""
    return (
        Recommendation.objects.filter(partnership=partnership)
        .select_related("review", "inspection", "repeats__review", "repeats__inspection")
        .prefetch_related(
            "agencies",
            "themes",
            "evidence",
            "action_links__action__meeting__board",
            "action_links__action__owner_people",
            "action_links__action__owner_teams",
        )
        .order_by("-made_on", "pk")
    )


def held_for(partnership: Partnership, today: dt.date) -> MeetingsHeld:
    return MeetingsHeld(Meeting.objects.filter(board__partnership=partnership), today)


def action_row(action: Action, held: MeetingsHeld, today: dt.date) -> dict[str, Any]:
    flag = held.flag(action, today)
    return {
        "id": action.pk,
        "board": action.meeting.board.name,
        "text": action.text,
        "owners": action_owner_names(action),
        "due_date": _iso(action.due_date),
        "status": action.status,
        "flag": {"colour": flag.colour, "reason": flag.reason},
    }


def source_of(recommendation: Recommendation) -> dict[str, Any]:
    if recommendation.review is not None:
        review = recommendation.review
        return {
            "kind": "review",
            "id": review.pk,
            "title": review.pseudonym,
            "type": review.get_kind_display(),
        }
    inspection = recommendation.inspection
    assert inspection is not None  # a recommendation has exactly one source
    return {
        "kind": "inspection",
        "id": inspection.pk,
        "title": inspection.title,
        "type": inspection.get_body_display(),
    }


def recommendation_row(recommendation: Recommendation, held: MeetingsHeld, today: dt.date) -> dict[str, Any]:
    repeats = recommendation.repeats
    return {
        "id": recommendation.pk,
        "number": recommendation.number,
        "text": recommendation.text,
        "made_on": recommendation.made_on.isoformat(),
        "source": source_of(recommendation),
        "status": recommendation.status,
        "status_label": recommendation.get_status_display(),
        "not_implemented_reason": recommendation.not_implemented_reason or None,
        "agencies": sorted(a.name for a in recommendation.agencies.all()),
        "themes": sorted(t.name for t in recommendation.themes.all()),
        "actions": [action_row(link.action, held, today) for link in recommendation.action_links.all()],
        "evidence": [
            {
                "id": e.pk,
                "note": e.note,
                "file_name": e.file_name or None,
                "action_id": e.action_id,
                "added_on": timezone.localdate(e.added_at).isoformat(),
            }
            for e in recommendation.evidence.all()
        ],
        "impact": (
            {
                "result": recommendation.impact,
                "label": recommendation.get_impact_display(),
                "checked_on": _iso(recommendation.impact_checked_on),
                "method": recommendation.impact_method,
                "finding": recommendation.impact_finding,
            }
            if recommendation.impact
            else None
        ),
        "repeats": (
            {
                "id": repeats.pk,
                "number": repeats.number,
                "source": source_of(repeats),
                "checked": recommendation.repeat_checked,
            }
            if repeats is not None
            else None
        ),
    }


def _short(text: str, most: int = 30) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def table(header: tuple[str, ...], lines: Iterable[tuple[str, ...]]) -> str:
    """Columns padded to their widest; the last column (the long text) runs on."""
    rows = [header, *lines]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(row[:-1], widths, strict=True)) + "  " + row[-1] for row in rows
    )


class Command(BoardkeeperCommand):
    help = "Print a partnership's recommendations: source, status, actions, evidence, impact."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument(
            "--status",
            action="append",
            choices=Recommendation.Status.values,
            help="only recommendations with this status (repeat for several)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_named(options["partnership"])
        recommendations = recommendations_of(partnership)
        if options["status"]:
            recommendations = recommendations.filter(status__in=options["status"])
        today = timezone.localdate()
        held = held_for(partnership, today)
        rows = [recommendation_row(r, held, today) for r in recommendations]
        if options["json"]:
            out = {"partnership": partnership.name, "recommendations": rows}
            write_out(self, json.dumps(out, ensure_ascii=False, indent=2))
            return
        if not rows:
            write_out(self, "No recommendations.")
            return
        lines = [
            (
                r["made_on"],
                f"{_short(r['source']['title'])} {r['number']}".strip(),
                r["status_label"],
                str(len(r["actions"])),
                "repeats" if r["repeats"] else "",
                r["text"]
                + (
                    f" (not implemented: {r['not_implemented_reason']})"
                    if r["not_implemented_reason"]
                    else ""
                ),
            )
            for r in rows
        ]
        header = ("Made", "Source", "Status", "Actions", "Flag", "Recommendation")
        write_out(self, table(header, lines) + f"\n{len(rows)} recommendations.")
