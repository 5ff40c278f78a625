"""`boardkeeper import FILE --partnership NAME --board NAME`: the import service without the preview."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from boardkeeper.directory.models import Board, Partnership
from boardkeeper.imports import services
from boardkeeper.lib.commands import BoardkeeperCommand


class Command(BoardkeeperCommand):
    help = "Import minutes into the record."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument("--board", required=True, help="the board's name or slug")
        parser.add_argument("--user", help="the username recorded as importer (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        partnership = Partnership.objects.named(options["partnership"]).first()
        if partnership is None:
            raise CommandError(f"no partnership called {options['partnership']!r}", returncode=2)
        board = Board.objects.named(options["board"]).filter(partnership=partnership).first()
        if board is None:
            raise CommandError(f"{partnership.name} has no board called {options['board']!r}", returncode=2)
        users = get_user_model().objects
        username = options["user"]
        user = (
            users.filter(username=username).first() if username else users.filter(is_superuser=True).first()
        )
        if user is None:
            raise CommandError("no user to record as the importer: pass --user USERNAME", returncode=2)
        try:
            size = os.path.getsize(path)
            if size == 0:
                raise CommandError(f"{path}: the file is empty", returncode=2)
            if size > settings.MAX_UPLOAD_BYTES:
                limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
                raise CommandError(
                    f"{path}: the file is larger than {limit} MB, the most Boardkeeper reads", returncode=2
                )
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from exc
        try:
            result = services.import_file(board=board, user=user, name=os.path.basename(path), data=data)
        except services.ImportRefused as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        meeting = result.meeting
        if result.already_imported:
            self.stdout.write(f"Already imported: {meeting} (meeting {meeting.pk}).")
            return
        self.stdout.write(
            f"Imported {meeting} (meeting {meeting.pk}): {meeting.items.count()} items, {result.actions} actions; "
            f"{result.people_matched} people recognised, {result.people_created} added to the directory."
        )
