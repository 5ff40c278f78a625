"""`boardkeeper partnership add NAME` and `boardkeeper partnership list [--json]`: setting up an empty
installation from the command line (a partnership, then its boards with `boardkeeper board add`).

What is made is audited as the person at the terminal: their operating-system user name, with no
Boardkeeper account (there may be none yet)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from boardkeeper.directory.boards import NAME_LENGTH, unique_slug
from boardkeeper.directory.management.terminal import acting_at_the_terminal
from boardkeeper.directory.models import Partnership
from boardkeeper.lib.commands import BoardkeeperCommand


def clean_name(name: str, what: str) -> str:
    """The name with its spaces trimmed, or a refusal: none given, or longer than the record keeps."""
    name = " ".join(name.split())
    if not name:
        raise CommandError(f"a {what} needs a name", returncode=2)
    if len(name) > NAME_LENGTH:
        raise CommandError(
            f"a {what}'s name is at most {NAME_LENGTH} characters (this one has {len(name)})", returncode=2
        )
    return name


class Command(BoardkeeperCommand):
    help = "Make a partnership, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="add|list")
        add = sub.add_parser("add", help="make a partnership; its slug is printed")
        add.add_argument(
            "name", metavar="NAME", help="the partnership's name, e.g. 'Warwickshire Safeguarding'"
        )
        listing = sub.add_parser("list", help="every partnership: name, slug and number of boards")
        listing.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "add":
            self._add(options["name"])
        else:
            self._list(as_json=options["json"])

    def _add(self, given: str) -> None:
        name = clean_name(given, "partnership")
        existing = Partnership.objects.filter(name__iexact=name).first()
        if existing is not None:
            raise CommandError(
                f"a partnership called {existing.name!r} already exists (slug {existing.slug})", returncode=2
            )
        existing = Partnership.objects.filter(slug=name).first()
        if existing is not None:  # `--partnership NAME` would not know which was meant
            raise CommandError(f"{name!r} is the slug of the partnership {existing.name!r}", returncode=2)

        def taken(slug: str) -> bool:
            # nor another's name: `--partnership NAME` finds one by either
            return Partnership.objects.filter(Q(slug=slug) | Q(name__iexact=slug)).exists()

        slug = unique_slug(name, "partnership", taken)
        try:
            with transaction.atomic(), acting_at_the_terminal():
                Partnership.objects.create(name=name, slug=slug)
        except IntegrityError as exc:  # made at the same moment by someone else
            raise CommandError(f"a partnership called {name!r} already exists", returncode=2) from exc
        self.stdout.write(slug)

    def _list(self, *, as_json: bool) -> None:
        rows = [
            {"name": p.name, "slug": p.slug, "boards": p.board_count}
            for p in Partnership.objects.annotate(board_count=Count("boards")).order_by("name")
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No partnerships yet: make one with boardkeeper partnership add NAME")
            return
        width = max(len(r["name"]) for r in rows)
        slug_width = max(len(r["slug"]) for r in rows)
        for r in rows:
            boards = f"{r['boards']} {'board' if r['boards'] == 1 else 'boards'}"
            self.stdout.write(f"{r['name']:<{width}}  {r['slug']:<{slug_width}}  {boards}")
