"""Restoring a backup (`boardkeeper.lib.backup`) onto an empty installation: verified first, all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from boardkeeper.lib.backup import (
    DATABASE_FILES,
    ENGINE_NAMES,
    FORMAT,
    MANIFEST,
    UPLOADS,
    BackupError,
    count_rows,
    counted_models,
    engine_of,
    files_in_database,
    files_under,
    media_root,
    pg_command,
    run_command,
    sha256_of,
    sqlite_path,
    sqlite_state,
)


@dataclass
class RestoreResult:
    engine: str
    rows: int
    tables: int
    files: int
    bytes: int
    created_at: str
    unapplied_migrations: list[str] = field(default_factory=list)


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
        if file.stat().st_size != entry.get("size") or sha256_of(file) != entry.get("sha256"):
            raise BackupError(
                f"{name} does not match its checksum in the manifest: the backup is damaged or was changed."
            )
    for file in files_under(path):
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

        return count_rows(execute, present, connection.ops.quote_name)


PG_RESTORE_OPTIONS = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]


def _by_table(rows: dict[str, int]) -> dict[str, tuple[str, int]]:
    """Row counts (by model label) by table: (label, rows). Rows are in tables, and a model may be renamed
    on the same table: the owners of actions were Django's own many-to-many model, 'actions.Action_owner_people',
    and are 'actions.ActionOwner' since actions 0007, so an older backup's manifest names them the old way. A
    label no model has now is given Django's default table name."""
    tables = counted_models()
    return {tables.get(label) or label.replace(".", "_").lower(): (label, n) for label, n in rows.items()}


def _differences(manifest: dict[str, Any], rows: dict[str, int]) -> list[str]:
    found = _by_table(rows)
    return [
        f"{label} {found.get(table, (label, 0))[1]} not {n}"
        for table, (label, n) in sorted(_by_table(manifest["rows"]).items(), key=lambda t: t[1][0])
        if found.get(table, (label, 0))[1] != n
    ]


def _check_rows(manifest: dict[str, Any], rows: dict[str, int]) -> None:
    """Refuse (nothing replaced yet) a database whose tables do not hold the rows the manifest counted."""
    differ = _differences(manifest, rows)
    if differ:
        raise BackupError(
            f"The backup's database does not hold the rows its manifest counted ({'; '.join(differ[:5])}): "
            "nothing was restored."
        )


def _postgresql_rows_of(connection: BaseDatabaseWrapper, dump: Path) -> dict[str, int]:
    """The rows of a dump, counted in a scratch database made for it (a name of our own, dropped after)."""
    import psycopg

    scratch = f"boardkeeper_restore_check_{uuid.uuid4().hex[:16]}"
    params = connection.get_connection_params()
    try:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{scratch}"'.encode())
    except psycopg.Error as e:
        raise BackupError(
            "Could not make a scratch database to count the backup's rows before restoring "
            f"({(str(e).strip().splitlines() or [type(e).__name__])[0]}): the database user needs CREATEDB."
        ) from e
    try:
        settings = {**connection.settings_dict, "NAME": scratch}
        args, env = connection.client.settings_to_cmd_args_env(settings, [])
        command = ["pg_restore", *PG_RESTORE_OPTIONS, "--no-password", *args[1:-1], f"--dbname={scratch}"]
        run_command([*command, str(dump)], {**os.environ, **(env or {})})
        with psycopg.connect(**{**params, "dbname": scratch}) as pg:

            def execute(sql: str) -> list[tuple[Any, ...]]:
                return pg.execute(sql.encode()).fetchall()

            present = {
                str(r[0])
                for r in execute(
                    "SELECT c.relname FROM pg_catalog.pg_class c "
                    "WHERE c.relkind IN ('r', 'p') AND pg_catalog.pg_table_is_visible(c.oid)"
                )
            }
            return count_rows(execute, present, connection.ops.quote_name)
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'.encode())  # ours alone


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
        target = sqlite_path(connection)
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = target.with_name(target.name + ".restoring")
        shutil.copyfile(database, incoming)
        try:
            with closing(sqlite3.connect(incoming)) as copy:
                _check_rows(manifest, sqlite_state(copy)[0])  # before anything is replaced
        except BaseException:
            incoming.unlink(missing_ok=True)
            raise
        for suffix in ("-wal", "-shm", "-journal"):  # the old file's: never to be replayed onto the new one
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, target)
    else:
        _check_rows(manifest, _postgresql_rows_of(connection, database))  # before anything is replaced
        command, env = pg_command(connection, "pg_restore", PG_RESTORE_OPTIONS)
        run_command([*command, str(database)], env)
    media = media_root()
    media.mkdir(parents=True, exist_ok=True)
    uploads = [(k, v) for k, v in manifest["files"].items() if k.startswith(UPLOADS + "/")]
    for name, _ in uploads:
        dest = media / Path(name).relative_to(UPLOADS)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path / name, dest)
    rows = _database_rows(connection)
    differ = _differences(manifest, rows)
    if differ:  # checked before, so only a change made meanwhile by something else could bring this
        raise BackupError(
            f"Restored, but the rows differ from the manifest: {'; '.join(differ)}.", refused=False
        )
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    stored, stored_bytes = files_in_database(rows, using)
    return RestoreResult(
        engine=engine,
        rows=sum(rows.values()),
        tables=len(rows),
        files=len(uploads) + stored,
        bytes=sum(int(v["size"]) for _, v in uploads) + stored_bytes,
        created_at=str(manifest.get("created_at", "")),
        unapplied_migrations=[f"{m.app_label}.{m.name}" for m, _ in plan],
    )
