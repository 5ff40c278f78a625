"""`boardkeeper import PATH... --partnership NAME --board NAME`: the import service without the preview.

One file is imported as it always was (one line, exit 2 when refused). Several files, a folder or a .zip
are a back catalogue: each document is imported whole or refused with its reason, and the run goes on,
with a progress bar on stderr (plain lines when stderr is not a terminal) and a summary on stdout.
"""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import CommandError, CommandParser

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.management.terminal import partnership_named, quoted
from boardkeeper.directory.models import Board
from boardkeeper.imports import services
from boardkeeper.imports.sources import SourceRefused, is_archive, read_file, sources_of
from boardkeeper.lib.commands import BoardkeeperCommand


class Command(BoardkeeperCommand):
    help = "Import minutes into the record: files, folders (recursively) and .zip archives."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="a file, a folder or a .zip")
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument("--board", required=True, help="the board's name or slug")
        parser.add_argument("--user", help="the username recorded as importer (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[str] = options["paths"]
        partnership = partnership_named(options["partnership"])
        board = Board.objects.named(options["board"]).filter(partnership=partnership).first()
        if board is None:
            raise CommandError(
                f"{partnership.name} has no board called {options['board']!r}; "
                f"make one with: boardkeeper board add {quoted(options['board'])} --partnership {quoted(partnership.name)}",
                returncode=2,
            )
        users = get_user_model().objects
        username = options["user"]
        user = (
            users.filter(username=username).first() if username else users.filter(is_superuser=True).first()
        )
        if user is None:
            raise CommandError("no user to record as the importer: pass --user USERNAME", returncode=2)
        if len(paths) == 1 and not os.path.isdir(paths[0]) and not is_archive(paths[0]):
            self._one_file(paths[0], board, user)
        else:
            self._catalogue(paths, board, user)

    def _one_file(self, path: str, board: Board, user: User) -> None:
        try:
            data = read_file(path)
            result = services.import_file(board=board, user=user, name=os.path.basename(path), data=data)
        except (SourceRefused, services.ImportRefused) as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        self.stdout.write(_outcome(result))

    def _catalogue(self, paths: list[str], board: Board, user: User) -> None:
        """Each document read, imported whole or refused with its reason; the run goes on (a document
        that fails in a way nobody foresaw is refused with the error, not the end of the run)."""
        imported = already = 0
        refused: list[tuple[str, str]] = []
        # the run is audited as the importer once (each import would act as them afresh, and look up again
        # the partnership its rows belong to)
        with sources_of(paths) as sources, audit.acting_as(user):
            progress = Progress(self.stderr, len(sources))
            for source in sources:
                progress.start(source.name)
                try:
                    data = source.read()
                    result = services.import_file(board=board, user=user, name=source.filename, data=data)
                except (SourceRefused, services.ImportRefused) as exc:
                    refused.append((source.name, str(exc)))
                    progress.done(f"refused: {exc}")
                    continue
                except Exception as exc:  # one document's fault, recorded; the run goes on
                    refused.append((source.name, f"could not be imported ({type(exc).__name__}: {exc})"))
                    progress.done("refused")
                    continue
                if result.already_imported:
                    already += 1
                else:
                    imported += 1
                self.stdout.write(f"{source.name}: {_outcome(result)}")
                progress.done("already imported" if result.already_imported else "imported")
            progress.finish()
        total = imported + already + len(refused)
        self.stdout.write(
            f"{total} {'file' if total == 1 else 'files'}: {imported} imported, {already} already imported, "
            f"{len(refused)} refused ({progress.elapsed():.1f} s)."
        )
        for name, reason in refused:
            self.stdout.write(f"Refused: {name}: {reason}")
        if refused:
            raise CommandError(f"{len(refused)} of {total} files refused", returncode=2)


def _outcome(result: services.ImportResult) -> str:
    meeting = result.meeting
    if result.already_imported:
        return f"Already imported: {meeting} (meeting {meeting.pk})."
    return (
        f"Imported {meeting} (meeting {meeting.pk}): {meeting.items.count()} items, {result.actions} actions; "
        f"{result.people_matched} people recognised, {result.people_created} added to the directory."
    )


class Progress:
    """Count done of total, the file being read, the rate and the time left: one line rewritten with \\r
    at a terminal, a plain line a file otherwise (a log, a pipe)."""

    def __init__(self, out: Any, total: int) -> None:
        self.out, self.total, self.count = out, total, 0
        self.terminal = out.isatty()
        self.began = time.monotonic()
        self.current = ""

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def _figures(self) -> str:
        seconds = self.elapsed()
        if not self.count or not seconds:
            return ""
        rate = self.count / seconds
        left = (self.total - self.count) / rate
        return f"{rate:.1f} files/s, {int(left) // 60}:{int(left) % 60:02d} left"

    def start(self, name: str) -> None:
        self.current = name
        if self.terminal:
            width = shutil.get_terminal_size().columns
            done = self.count * 20 // max(self.total, 1)
            line = f"[{'#' * done}{'.' * (20 - done)}] {self.count}/{self.total} {self._figures()}  "
            room = max(width - 1 - len(line), 10)
            line += name if len(name) <= room else "…" + name[-(room - 1) :]  # the end: the file's name
            self.out.write("\r" + line[: width - 1].ljust(width - 1), ending="")
            self.out.flush()

    def done(self, what: str) -> None:
        self.count += 1
        if not self.terminal:
            self.out.write(f"[{self.count}/{self.total}] {self.current}: {what} ({self._figures()})")

    def finish(self) -> None:
        if self.terminal and self.total:
            self.out.write("\r" + " " * (shutil.get_terminal_size().columns - 1) + "\r", ending="")
            self.out.flush()
