"""`boardkeeper actions --partnership NAME [--board NAME] [--status STATUS] [--json]`: the action log, for
people at a terminal and for scripts."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from boardkeeper.actions import services
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.lib.commands import BoardkeeperCommand


class Command(BoardkeeperCommand):
    help = "Print a partnership's action log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument("--board", help="the board's name or slug (default: every board)")
        parser.add_argument(
            "--status",
            action="append",
            choices=Action.Status.values,
            help="only actions with this status (repeat for several)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = Partnership.objects.named(options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"no partnership called {options['partnership']!r}", returncode=2)
        board = None
        if options["board"]:
            board = Board.objects.named(options["board"]).filter(partnership=partnership).first()
            if board is None:
                raise CommandError(
                    f"{partnership.name} has no board called {options['board']!r}", returncode=2
                )
        actions = services.action_log(partnership=partnership, board=board, statuses=options["status"] or ())
        rows = [_row(a) for a in actions]
        try:
            if options["json"]:
                out = {
                    "partnership": partnership.name,
                    "board": board.name if board else None,
                    "actions": rows,
                }
                self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            else:
                self._table(rows)
            self.stdout.flush()
        except BrokenPipeError:  # `| head`: the reader has what it wanted
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit

    def _table(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            self.stdout.write("No actions.")
            return
        header = ("Raised", "Item", "Status", "Due", "Owners", "Action")
        lines = [
            (
                r["meeting_date"],
                r["item"] or "",
                Action.Status(r["status"]).label,
                r["due_date"] or (f"meeting {r['due_meeting']}" if r["due_meeting"] else r["due_text"]),
                ", ".join(r["owners"]),
                r["text"],
            )
            for r in rows
        ]
        widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header) - 1)]
        for line in [header, *lines]:
            self.stdout.write(
                "  ".join(str(v).ljust(w) for v, w in zip(line[:-1], widths, strict=True)) + "  " + line[-1]
            )
        self.stdout.write(f"{len(rows)} actions.")


def _row(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "board": action.meeting.board.name,
        "meeting_date": action.meeting.date.isoformat(),
        "item": action.item.number if action.item else None,
        "text": action.text,
        "owners": services.action_owner_names(action),
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "due_meeting": action.due_meeting.date.isoformat() if action.due_meeting else None,
        "due_text": action.due_text,
        "status": action.status,
    }
