"""`boardkeeper actions --partnership NAME [--board NAME] [--status STATUS] [--json]`: the action log, for
people at a terminal and for scripts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from django.db.models import Q

from boardkeeper.actions import services
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Partnership


def actions_command(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="boardkeeper actions", description="Print a partnership's action log."
    )
    parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
    parser.add_argument("--board", help="the board's name or slug (default: every board)")
    parser.add_argument(
        "--status",
        action="append",
        choices=Action.Status.values,
        help="only actions with this status (repeat for several)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)

    def fail(message: str) -> int:
        print(f"boardkeeper actions: {message}", file=sys.stderr)
        return 2

    partnership = Partnership.objects.filter(
        Q(name__iexact=args.partnership) | Q(slug=args.partnership)
    ).first()
    if partnership is None:
        return fail(f"no partnership called {args.partnership!r}")
    board = None
    if args.board:
        board = Board.objects.filter(
            Q(name__iexact=args.board) | Q(slug=args.board), partnership=partnership
        ).first()
        if board is None:
            return fail(f"{partnership.name} has no board called {args.board!r}")
    actions = services.action_log(partnership=partnership, board=board, statuses=args.status or ())
    rows = [_row(a) for a in actions]
    try:
        if args.json:
            out = {"partnership": partnership.name, "board": board.name if board else None, "actions": rows}
            json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            _table(rows)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - Python flushes stdout again at exit
    return 0


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


def _table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("No actions.")
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
        print("  ".join(str(v).ljust(w) for v, w in zip(line[:-1], widths, strict=True)) + "  " + line[-1])
    print(f"{len(rows)} actions.")
