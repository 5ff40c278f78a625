"""Backups of a whole installation (restored onto an empty one by `restore`).

A backup is a directory: the database (``database.sqlite3``, a copy made with SQLite's online backup
API, or ``database.pgdump``, ``pg_dump --format=custom``), ``uploads/`` (a copy of MEDIA_ROOT) and
``manifest.json`` (when, which engine, the migration state, every file's size and sha256 and the rows
of every model). Files kept in the database (``BOARDKEEPER_FILES=database``, the ``files`` app) are
rows like any other: the database copy holds them, and the counts below include them. The database is copied before the uploads: files are written before the rows that
name them are committed, so every file the copied database refers to is in the copy.

Nothing here is specific to a list of models: row counts and the emptiness check walk every installed
model, so models added later join in without a change here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore refused (nothing was changed) or failed; the message is one plain line."""

    def __init__(self, message: str, *, refused: bool = True):
        super().__init__(message)
        self.returncode = 2 if refused else 1


@dataclass
class BackupResult:
    path: Path
    engine: str
    rows: int
    tables: int
    files: int  # uploaded files
    bytes: int  # of the uploaded files


# The database


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def counted_models() -> dict[str, str]:
    """Every concrete, managed model with a table of its own (many-to-many tables too): label -> table."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        tables[meta.label] = meta.db_table
    return tables


def count_rows(
    execute: Callable[[str], list[tuple[Any, ...]]], present: set[str], quote: Callable[[str], str]
) -> dict[str, int]:
    return {
        label: int(execute(f"SELECT COUNT(*) FROM {quote(table)}")[0][0])
        for label, table in sorted(counted_models().items())
        if table in present
    }


def _latest_migrations(applied: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Per app, the applied migrations no other applied migration of the app depends on."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    done = set(applied)
    latest: dict[str, list[str]] = {}
    for app, name in sorted(done):
        node = graph.node_map.get((app, name))
        children = {c.key for c in node.children if c.key[0] == app} if node is not None else set()
        if not children & done:
            latest.setdefault(app, []).append(name)
    return latest


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return Path(name)


def sqlite_state(db: sqlite3.Connection) -> tuple[dict[str, int], dict[str, list[str]]]:
    def execute(sql: str) -> list[tuple[Any, ...]]:
        return db.execute(sql).fetchall()

    present = {r[0] for r in execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    rows = count_rows(execute, present, _quote_sqlite)
    applied = execute("SELECT app, name FROM django_migrations") if "django_migrations" in present else []
    return rows, _latest_migrations((str(a), str(n)) for a, n in applied)


def _backup_sqlite(connection: BaseDatabaseWrapper, out: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    source = sqlite_path(connection)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: nothing to back up.")
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(out)) as dst:
        src.backup(dst)  # one step: a consistent copy, taken under a read lock while the server runs
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copy of the database failed its check ({check}).", refused=False)
        return sqlite_state(dst)


def pg_command(
    connection: BaseDatabaseWrapper, program: str, options: list[str]
) -> tuple[list[str], dict[str, str]]:
    """`program` with the connection settings of Django's own `dbshell`: -U/-h/-p, PGPASSWORD and friends."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed: install the PostgreSQL client tools, then try again.")
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    conn = list(args[1:])
    if connection.settings_dict.get("NAME") or not connection.settings_dict["OPTIONS"].get("service"):
        conn[-1] = f"--dbname={conn[-1]}"  # the last argument psql takes is the database name
    return [program, *options, "--no-password", *conn], {**os.environ, **(env or {})}


def run_command(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()] or [
            f"exit status {done.returncode}"
        ]
        raise BackupError(f"{command[0]} failed: {lines[-1].strip()}", refused=False)


def _backup_postgresql(
    connection: BaseDatabaseWrapper, out: Path
) -> tuple[dict[str, int], dict[str, list[str]]]:
    import psycopg

    command, env = pg_command(connection, "pg_dump", ["--format=custom", f"--file={out}"])
    try:
        # one snapshot for the counts, the migration state and pg_dump: they describe the same moment
        with psycopg.connect(**connection.get_connection_params()) as pg:
            pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = pg.execute("SELECT pg_export_snapshot()").fetchone()

            def execute(sql: str) -> list[tuple[Any, ...]]:
                return pg.execute(sql.encode()).fetchall()

            present = {
                str(r[0])
                for r in execute(
                    "SELECT c.relname FROM pg_catalog.pg_class c "
                    "WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)"
                )
            }
            rows = count_rows(execute, present, connection.ops.quote_name)
            applied = (
                execute("SELECT app, name FROM django_migrations") if "django_migrations" in present else []
            )
            assert snapshot is not None
            run_command([command[0], f"--snapshot={snapshot[0]}", *command[1:]], env)
            pg.rollback()
    except psycopg.Error as e:
        raise BackupError(
            f"Could not read the database: {(str(e).strip().splitlines() or [type(e).__name__])[0]}",
            refused=False,
        ) from e
    return rows, _latest_migrations((str(a), str(n)) for a, n in applied)


# Files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_under(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


# Backup


def backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a backup to `path`, a new (or empty) directory: all of it, or nothing."""
    path = Path(path).absolute()
    if path.exists() and not path.is_dir():
        raise BackupError(f"{path} exists and is not a directory: give a new directory for the backup.")
    if path.is_dir() and any(path.iterdir()):
        raise BackupError(f"{path} exists and is not empty: give a new directory for the backup.")
    media = media_root()
    if path.resolve().is_relative_to(media):
        raise BackupError(f"{path} is inside the uploads directory {media}: put the backup elsewhere.")
    connection = connections[using]
    engine = engine_of(connection)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        database = work / DATABASE_FILES[engine]
        if engine == "sqlite":
            rows, migrations = _backup_sqlite(connection, database)
        else:
            rows, migrations = _backup_postgresql(connection, database)
        uploads = work / UPLOADS
        if media.is_dir():
            shutil.copytree(media, uploads)
        else:
            uploads.mkdir()
        files: dict[str, dict[str, Any]] = {
            p.relative_to(work).as_posix(): {"size": p.stat().st_size, "sha256": sha256_of(p)}
            for p in files_under(work)
        }
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": DATABASE_FILES[engine],
            "django": _version("django"),
            "boardkeeper": _version("boardkeeper"),
            "migrations": migrations,
            "rows": rows,
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        if path.is_dir():
            path.rmdir()  # empty: checked above
        work.rename(path)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    upload_files = [(k, v) for k, v in files.items() if k.startswith(UPLOADS + "/")]
    stored, stored_bytes = files_in_database(rows, using)
    return BackupResult(
        path=path,
        engine=engine,
        rows=sum(rows.values()),
        tables=len(rows),
        files=len(upload_files) + stored,
        bytes=sum(int(v["size"]) for _, v in upload_files) + stored_bytes,
    )


STORED_FILES = "files.StoredFile"


def files_in_database(rows: dict[str, int], using: str = DEFAULT_DB_ALIAS) -> tuple[int, int]:
    """The uploaded files kept in the database (counted in `rows`) and their bytes, for the summary."""
    count = rows.get(STORED_FILES, 0)
    if not count:
        return 0, 0
    total = apps.get_model(STORED_FILES).objects.using(using).aggregate(total=models.Sum("size"))["total"]
    return count, int(total or 0)


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""
