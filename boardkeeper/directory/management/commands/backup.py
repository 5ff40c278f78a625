"""`boardkeeper backup PATH`: the database and the uploaded files, copied consistently into a new directory."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat, pluralize

from boardkeeper.lib.backup import ENGINE_NAMES, BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup, or pg_dump) and the uploaded files into PATH, "
        "a new directory, with a manifest of checksums and row counts. Safe while the server runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a directory that does not exist yet (or is empty)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup(Path(options["path"]))
        except BackupError as e:
            raise CommandError(str(e), returncode=e.returncode) from e
        except (OSError, DatabaseError, sqlite3.Error) as e:
            raise CommandError(f"The backup failed, and nothing was left behind: {e}") from e
        self.stdout.write(
            f"Backed up the {ENGINE_NAMES[result.engine]} database ({result.rows} rows in {result.tables} tables) and "
            f"{result.files} uploaded file{pluralize(result.files)} ({filesizeformat(result.bytes)}) to {result.path}."
        )
