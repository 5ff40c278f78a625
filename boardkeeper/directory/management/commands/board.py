"""`boardkeeper board add NAME --partnership NAME` and `boardkeeper board list [--partnership NAME]
[--json]`: a partnership's boards, made from the command line (audited as the person at the terminal)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from boardkeeper.directory.boards import BoardRefused, board_add
from boardkeeper.directory.management.commands.partnership import clean_name
from boardkeeper.directory.management.terminal import acting_at_the_terminal, partnership_named
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.lib.commands import BoardkeeperCommand


class Command(BoardkeeperCommand):
    help = "Make a board in a partnership, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="add|list")
        add = sub.add_parser("add", help="make a board in a partnership; its slug is printed")
        add.add_argument("name", metavar="NAME", help="the board's name, e.g. 'Executive Board'")
        add.add_argument(
            "--partnership", required=True, metavar="NAME", help="the partnership's name or slug"
        )
        listing = sub.add_parser("list", help="the boards: partnership, name and slug")
        listing.add_argument(
            "--partnership", metavar="NAME", help="the partnership's name or slug (default: every one)"
        )
        listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "add":
            self._add(options["name"], partnership_named(options["partnership"]))
        else:
            only = options["partnership"]
            self._list(partnership_named(only) if only else None, as_json=options["json"])

    def _add(self, given: str, partnership: Partnership) -> None:
        name = clean_name(given, "board")
        try:
            with acting_at_the_terminal():
                board = board_add(partnership=partnership, name=name)
        except BoardRefused as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(board.slug)

    def _list(self, partnership: Partnership | None, *, as_json: bool) -> None:
        boards = Board.objects.select_related("partnership").order_by("partnership__name", "name")
        if partnership is not None:
            boards = boards.filter(partnership=partnership)
        rows = [{"partnership": b.partnership.name, "name": b.name, "slug": b.slug} for b in boards]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write('No boards yet: make one with boardkeeper board add NAME --partnership "NAME"')
            return
        width = max(len(r["partnership"]) for r in rows)
        name_width = max(len(r["name"]) for r in rows)
        for r in rows:
            self.stdout.write(f"{r['partnership']:<{width}}  {r['name']:<{name_width}}  {r['slug']}")
