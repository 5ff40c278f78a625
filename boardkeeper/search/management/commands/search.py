"""`boardkeeper search QUERY --partnership NAME [--kind KIND] [--board NAME] [--json]`: the partnership's
records that match, best first, for people at a terminal and for scripts; `boardkeeper search --rebuild`
indexes every record afresh (after a restore, or to be sure)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Q

from boardkeeper.directory.models import Board
from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.recommendations.management.commands.recommendations import partnership_named, write_out
from boardkeeper.search import indexer, services
from boardkeeper.search.models import SearchEntry


class Command(BoardkeeperCommand):
    help = (
        "Search a partnership's record (items, decisions, actions, meetings, people, reviews, escalations)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "query", nargs="?", default="", help="the words to find; a phrase in double quotes"
        )
        parser.add_argument("--partnership", help="the partnership's name or slug")
        parser.add_argument("--board", help="only this board's records (its name or slug)")
        parser.add_argument(
            "--kind", action="append", choices=SearchEntry.Kind.values, help="only this kind (repeat)"
        )
        parser.add_argument("--limit", type=int, default=50, help="at most this many results (default 50)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of lines")
        parser.add_argument("--rebuild", action="store_true", help="index every record afresh, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            write_out(self, f"Indexed {indexer.rebuild()} records.\n")
            return
        if not options["partnership"]:
            raise CommandError("say which partnership: --partnership NAME", returncode=2)
        if not options["query"].strip():
            raise CommandError("say what to find: boardkeeper search WORDS --partnership NAME", returncode=2)
        partnership = partnership_named(options["partnership"])
        boards: list[int] = []
        if options["board"]:
            board = Board.objects.filter(partnership=partnership).named(options["board"]).first()
            if board is None:
                raise CommandError(
                    f"{partnership.name} has no board called {options['board']!r}", returncode=2
                )
            boards = [board.pk]
        filters = services.Filters(board_ids=boards, kinds=options["kind"] or [])
        limit = max(1, min(options["limit"], 1000))
        results = services.search(options["query"], Q(partnership=partnership), filters, limit=limit)
        rows: list[dict[str, Any]] = [
            {
                "kind": hit.entry.kind,
                "id": hit.entry.record_id,
                "title": hit.entry.title,
                "where": hit.entry.context,
                "date": hit.entry.date.isoformat() if hit.entry.date else None,
                "board": hit.entry.board.name if hit.entry.board else None,
                "url": hit.entry.url,
                "snippet": services.plain(hit.snippet),
            }
            for hit in results.hits
        ]
        if options["json"]:
            write_out(
                self,
                json.dumps({"query": options["query"], "count": results.count, "results": rows}, indent=2)
                + "\n",
            )
            return
        lines = [f"{results.count} result{'' if results.count == 1 else 's'} for {options['query']!r}"]
        for hit in results.hits:
            lines.append(f"{hit.entry.kind:<10} {hit.entry.title[:70]}  ({hit.entry.context})")
        write_out(self, "\n".join(lines) + "\n")
