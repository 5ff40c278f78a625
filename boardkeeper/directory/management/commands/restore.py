"""`boardkeeper restore PATH`: a backup brought back onto an empty installation, checked before and after."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat, pluralize

from boardkeeper.lib.backup import ENGINE_NAMES, BackupError
from boardkeeper.lib.restore import restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `boardkeeper backup` onto this installation, which must be empty "
        "(no records, no users). Every file is checked against the manifest first. Stop the server first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the directory `boardkeeper backup` wrote")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(Path(options["path"]))
        except BackupError as e:
            raise CommandError(str(e), returncode=e.returncode) from e
        except (OSError, DatabaseError, sqlite3.Error) as e:
            raise CommandError(f"The restore failed: {e}") from e
        self.stdout.write(
            f"Restored the {ENGINE_NAMES[result.engine]} database of {result.created_at} ({result.rows} rows in "
            f"{result.tables} tables, as the manifest counts them) and "
            f"{result.files} uploaded file{pluralize(result.files)} ({filesizeformat(result.bytes)})."
        )
        if result.unapplied_migrations:
            self.stdout.write(
                f"The backup predates {len(result.unapplied_migrations)} migration{pluralize(len(result.unapplied_migrations))} of this Boardkeeper: "
                "run `boardkeeper migrate` before starting the server."
            )
