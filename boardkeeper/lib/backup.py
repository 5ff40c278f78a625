"""Backups of a whole installation, their restore onto an empty one, and a partnership's export.

A backup is a directory: the database (``database.sqlite3``, a copy made with SQLite's online backup
API, or ``database.pgdump``, ``pg_dump --format=custom``), ``uploads/`` (a copy of MEDIA_ROOT) and
``manifest.json`` (when, which engine, the migration state, every file's size and sha256 and the rows
of every model). The database is copied before the uploads: files are written before the rows that
name them are committed, so every file the copied database refers to is in the copy.

Nothing here is specific to a list of models: row counts, the emptiness check and the export walk
every installed model, so models added later join in without a change here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
EXPORT_HOPS = 4
# fields never exported, whatever model they are on: credentials, two-factor secrets, calendar tokens,
# session data (a BinaryField is never exported either: file bytes stay out of an export)
SECRET_FIELD = re.compile(r"password|passwd|secret|token|session|otp|hash|(^|_)key$", re.IGNORECASE)


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


@dataclass
class RestoreResult:
    engine: str
    rows: int
    tables: int
    files: int
    bytes: int
    created_at: str
    unapplied_migrations: list[str] = field(default_factory=list)


# The database ---------------------------------------------------------------------------------------------


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


def _count_rows(
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


def _sqlite_path(connection: BaseDatabaseWrapper) -> Path:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return Path(name)


def _sqlite_state(db: sqlite3.Connection) -> tuple[dict[str, int], dict[str, list[str]]]:
    def execute(sql: str) -> list[tuple[Any, ...]]:
        return db.execute(sql).fetchall()

    present = {r[0] for r in execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    rows = _count_rows(execute, present, _quote_sqlite)
    applied = execute("SELECT app, name FROM django_migrations") if "django_migrations" in present else []
    return rows, _latest_migrations((str(a), str(n)) for a, n in applied)


def _backup_sqlite(connection: BaseDatabaseWrapper, out: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    source = _sqlite_path(connection)
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: nothing to back up.")
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(out)) as dst:
        src.backup(dst)  # one step: a consistent copy, taken under a read lock while the server runs
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file, no -wal beside it
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copy of the database failed its check ({check}).", refused=False)
        return _sqlite_state(dst)


def _pg_command(
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


def _run(command: list[str], env: dict[str, str]) -> None:
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

    command, env = _pg_command(connection, "pg_dump", ["--format=custom", f"--file={out}"])
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
            rows = _count_rows(execute, present, connection.ops.quote_name)
            applied = (
                execute("SELECT app, name FROM django_migrations") if "django_migrations" in present else []
            )
            assert snapshot is not None
            _run([command[0], f"--snapshot={snapshot[0]}", *command[1:]], env)
            pg.rollback()
    except psycopg.Error as e:
        raise BackupError(
            f"Could not read the database: {(str(e).strip().splitlines() or [type(e).__name__])[0]}",
            refused=False,
        ) from e
    return rows, _latest_migrations((str(a), str(n)) for a, n in applied)


# Files ----------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def counted(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError  # pragma: no cover


# Backup ---------------------------------------------------------------------------------------------------


def backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a backup to `path`, a new (or empty) directory: all of it, or nothing."""
    path = Path(path).absolute()
    if path.exists() and not path.is_dir():
        raise BackupError(f"{path} exists and is not a directory: give a new directory for the backup.")
    if path.is_dir() and any(path.iterdir()):
        raise BackupError(f"{path} exists and is not empty: give a new directory for the backup.")
    media = _media_root()
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
            p.relative_to(work).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
            for p in _files_under(work)
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
    return BackupResult(
        path=path,
        engine=engine,
        rows=sum(rows.values()),
        tables=len(rows),
        files=len(upload_files),
        bytes=sum(int(v["size"]) for _, v in upload_files),
    )


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


# Restore --------------------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    path = Path(path)
    if not path.is_dir():
        raise BackupError(f"{path} is not a directory: give the directory `boardkeeper backup` wrote.")
    file = path / MANIFEST
    if not file.is_file():
        raise BackupError(f"{path} is not a Boardkeeper backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise BackupError(f"{MANIFEST} in {path} cannot be read ({e}): the backup is damaged.") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} in {path} is not a manifest this Boardkeeper knows (format {FORMAT}).")
    for key, kind in (("engine", str), ("files", dict), ("rows", dict), ("migrations", dict)):
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"{MANIFEST} in {path} has no valid {key!r}: the backup is damaged.")
    if manifest["engine"] not in DATABASE_FILES:
        raise BackupError(f"{MANIFEST} in {path} names an unknown engine {manifest['engine']!r}.")
    return manifest


def verify(path: Path) -> dict[str, Any]:
    """The manifest, once every file of the backup is there with the size and sha256 it records."""
    path = Path(path)
    manifest = read_manifest(path)
    listed: dict[str, Any] = manifest["files"]
    database = DATABASE_FILES[manifest["engine"]]
    if database not in listed:
        raise BackupError(f"{MANIFEST} does not list {database}: the backup is damaged.")
    for name, entry in sorted(listed.items()):
        file = path / name
        if not isinstance(entry, dict) or Path(name).is_absolute() or ".." in Path(name).parts:
            raise BackupError(f"{MANIFEST} has an invalid entry for {name}: the backup is damaged.")
        if not file.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if file.stat().st_size != entry.get("size") or _sha256(file) != entry.get("sha256"):
            raise BackupError(
                f"{name} does not match its checksum in the manifest: the backup is damaged or was changed."
            )
    for file in _files_under(path):
        name = file.relative_to(path).as_posix()
        if name != MANIFEST and name not in listed:
            raise BackupError(f"{name} is in the backup but not in its manifest: the backup was changed.")
    return manifest


def contents(using: str = DEFAULT_DB_ALIAS) -> dict[type[models.Model], int]:
    """Rows of Boardkeeper's own models and users in the database (tables not there count as empty)."""
    connection = connections[using]
    present = set(connection.introspection.table_names())
    user_model = get_user_model()
    found: dict[type[models.Model], int] = {}
    for model in [user_model, *apps.get_models()]:
        if model in found or model._meta.proxy or not model._meta.managed:
            continue
        if model is not user_model and not model._meta.app_config.name.startswith("boardkeeper."):
            continue
        if model._meta.db_table in present:
            n = model._base_manager.using(using).count()
            if n:
                found[model] = n
    return found


def _noun(model: type[models.Model], n: int) -> str:
    one, many = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
    if n == 1 or many != one + "s":
        return one if n == 1 else many  # a plural the model gives
    if one.endswith("person"):
        return one[: -len("person")] + "people"
    if one.endswith(("s", "x", "sh", "ch")):
        return one + "es"
    if one.endswith("y") and one[-2:-1] not in "aeiou":
        return one[:-1] + "ies"
    return many


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known: set[tuple[str, str]] = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update((app, name) for app, name in migration.replaces)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest["migrations"].items())
        for name in names
        if (app, name) not in known
    ]


def _database_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:

        def execute(sql: str) -> list[tuple[Any, ...]]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        return _count_rows(execute, present, connection.ops.quote_name)


def restore(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> RestoreResult:
    """Bring a backup back onto this installation, which must be empty."""
    path = Path(path).absolute()
    manifest = verify(path)
    connection = connections[using]
    engine = engine_of(connection)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {ENGINE_NAMES[manifest['engine']]} database and this installation uses "
            f"{ENGINE_NAMES[engine]}: restore it onto {ENGINE_NAMES[manifest['engine']]}."
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            f"This backup comes from a newer Boardkeeper (migration {unknown[0]} is unknown here): "
            "upgrade Boardkeeper, then restore."
        )
    there = contents(using)
    if there:
        found = ", ".join(f"{n} {_noun(m, n)}" for m, n in there.items())
        raise BackupError(
            f"This installation is not empty ({found}): restore only onto a new, empty installation."
        )
    database = path / DATABASE_FILES[engine]
    connections.close_all()
    if engine == "sqlite":
        target = _sqlite_path(connection)
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = target.with_name(target.name + ".restoring")
        shutil.copyfile(database, incoming)
        for suffix in ("-wal", "-shm", "-journal"):  # the old file's: never to be replayed onto the new one
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, target)
    else:
        command, env = _pg_command(
            connection,
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"],
        )
        _run([*command, str(database)], env)
    media = _media_root()
    media.mkdir(parents=True, exist_ok=True)
    uploads = [(k, v) for k, v in manifest["files"].items() if k.startswith(UPLOADS + "/")]
    for name, _ in uploads:
        dest = media / Path(name).relative_to(UPLOADS)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path / name, dest)
    rows = _database_rows(connection)
    differ = [
        f"{label} {rows.get(label, 0)} not {n}"
        for label, n in sorted(manifest["rows"].items())
        if label in rows and rows[label] != n
    ]
    if differ:
        raise BackupError(
            f"Restored, but the rows differ from the manifest: {'; '.join(differ)}.", refused=False
        )
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreResult(
        engine=engine,
        rows=sum(rows.values()),
        tables=len(rows),
        files=len(uploads),
        bytes=sum(int(v["size"]) for _, v in uploads),
        created_at=str(manifest.get("created_at", "")),
        unapplied_migrations=[f"{m.app_label}.{m.name}" for m, _ in plan],
    )


# A partnership's export -----------------------------------------------------------------------------------


def _forward_links(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.concrete and isinstance(f.related_model, type)
    ]  # OneToOneField is a ForeignKey


def partnership_paths(
    partnership_model: type[models.Model], hops: int = EXPORT_HOPS
) -> dict[type[models.Model], str]:
    """Each model whose foreign keys lead to a partnership within `hops`: the shortest lookup to it."""
    paths: dict[type[models.Model], str] = {partnership_model: "pk"}
    for model in apps.get_models():
        if model is partnership_model or model._meta.proxy:
            continue
        if any(
            f.attname == "partnership_id" and not f.is_relation for f in model._meta.concrete_fields
        ):  # a plain column, no foreign key (the audit trail outlives what it describes)
            paths[model] = "partnership_id"
            continue
        queue: deque[tuple[type[models.Model], list[str]]] = deque([(model, [])])
        seen = {model}
        while queue:
            current, trail = queue.popleft()
            if len(trail) >= hops:
                continue
            for link in _forward_links(current):
                target = link.related_model
                assert isinstance(target, type)
                if target is partnership_model:
                    paths[model] = "__".join([*trail, link.name])
                    queue.clear()
                    break
                if target not in seen:
                    seen.add(target)
                    queue.append((target, [*trail, link.name]))
    return paths


def _dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models referred to before the models that refer to them (a cycle keeps the given order)."""
    remaining = list(chosen)
    done: list[type[models.Model]] = []
    while remaining:
        for model in remaining:
            needs = {
                f.related_model
                for f in model._meta.get_fields()
                if f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)
            }
            if not any(other in needs for other in remaining if other is not model):
                break
        else:
            model = remaining[0]
        remaining.remove(model)
        done.append(model)
    return done


def exported_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.Field)
        and f.concrete
        and not f.primary_key
        and not isinstance(f, models.BinaryField)
        and not SECRET_FIELD.search(f.name)
    ]


def export_partnership(partnership: models.Model) -> dict[str, Any]:
    """All of a partnership's records as Django's serializer writes them, secrets and file bytes left out."""
    paths = partnership_paths(type(partnership))
    by_depth = sorted(paths, key=lambda m: paths[m].count("__") + (0 if m is type(partnership) else 1))
    records: list[dict[str, Any]] = []
    for model in _dependency_order(by_depth):
        lookup = paths[model]
        m2m = [f.name for f in model._meta.many_to_many if f.name in exported_fields(model)]
        queryset = (
            model._base_manager.filter(**{lookup: partnership.pk}).order_by("pk").prefetch_related(*m2m)
        )
        records.extend(
            serializers.serialize(
                "python", queryset, fields=exported_fields(model), use_natural_foreign_keys=True
            )
        )
    return {
        "partnership": getattr(partnership, "slug", str(partnership.pk)),
        "exported_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "records": records,
    }


def export_json(document: dict[str, Any]) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
