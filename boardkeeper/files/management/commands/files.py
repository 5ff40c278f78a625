"""`boardkeeper files to-database [--dry-run]`: copy the uploads saved on disk (MEDIA_ROOT) into the
database, for an installation moving to `BOARDKEEPER_FILES=database` (several servers).

Each file is stored under the name its record keeps, read back and compared (size and SHA-256) before it
counts as moved; a file already in the database with the same bytes is left as it is, and one there with
other bytes stops the move with a plain message. Nothing on disk is removed: remove MEDIA_ROOT yourself
once the servers run with `BOARDKEEPER_FILES=database` and the pages open the files. Run it again at any
time: it moves only what is not there yet.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.management.base import CommandError, CommandParser

from boardkeeper.files.models import StoredFile
from boardkeeper.files.storage import DatabaseStorage
from boardkeeper.lib.backup import files_under, media_root
from boardkeeper.lib.commands import BoardkeeperCommand


def _sha256(stream: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BoardkeeperCommand):
    help = "Copy the uploads saved on disk into the database (for BOARDKEEPER_FILES=database)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        move = sub.add_parser("to-database", help="copy every file of MEDIA_ROOT into the database")
        move.add_argument("--dry-run", action="store_true", help="say what would be copied, copy nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.FILES != "database":
            raise CommandError(
                "Set BOARDKEEPER_FILES=database first: the files are copied for an installation that reads "
                "them from the database.",
                returncode=2,
            )
        root = media_root()
        storage = DatabaseStorage()
        moved = kept = 0
        size = 0
        for path in files_under(root) if root.is_dir() else []:
            name = path.relative_to(root).as_posix()
            with path.open("rb") as f:
                digest = _sha256(f)
            stored = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
            if stored is not None:
                with storage.open(name) as there:
                    if stored != path.stat().st_size or _sha256(there) != digest:
                        raise CommandError(
                            f"{name} is in the database already with other bytes: nothing more was copied. "
                            "Look at both before going on.",
                            returncode=1,
                        )
                kept += 1
                continue
            if options["dry_run"]:
                moved, size = moved + 1, size + path.stat().st_size
                continue
            with path.open("rb") as f:
                saved = storage.save(name, File(f, name=name))
            if saved != name:
                storage.delete(saved)
                raise CommandError(f"{name} could not be stored under its own name: nothing more was copied.")
            with storage.open(name) as there:
                if _sha256(there) != digest:
                    storage.delete(name)
                    raise CommandError(
                        f"{name} did not read back as it was written: nothing more was copied."
                    )
            moved, size = moved + 1, size + path.stat().st_size
        verb = "Would copy" if options["dry_run"] else "Copied"
        self.stdout.write(
            f"{verb} {moved} file{'s' * (moved != 1)} ({size / 1_048_576:.1f} MB) from {root} into the database; "
            f"{kept} already there."
        )
