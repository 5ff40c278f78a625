"""`boardkeeper backup`, `restore` and `export_partnership`: a round trip that loses no row and no byte,
restores that refuse a non-empty installation or a changed backup, backups that refuse a used directory
and leave nothing behind when they fail, and an export of one partnership that holds nothing of another
and no secret."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cast import SEED_DOCX, Cast
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from boardkeeper.actions import services as action_services
from boardkeeper.actions.models import Action, ActionOwner, ActionUpdate
from boardkeeper.directory.models import Person
from boardkeeper.imports import services as meeting_services
from boardkeeper.lib import backup as backups
from boardkeeper.plan.calendar_feeds import calendar_feed_create
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import ChangeRequest, Review
from boardkeeper.search.models import SearchEntry

REPORT = b"PK\x03\x04 version 1 of the Child Q report \xe2\x80\x94 not a real document"
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite round trip")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql" or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="needs DATABASE_URL at PostgreSQL, and pg_dump and pg_restore",
)


@dataclass
class Run:
    code: int
    out: str
    err: str


def boardkeeper(data: Path, *args: str | Path, database_url: str | None = None) -> Run:
    """The command as a person at a terminal runs it, on the installation in `data`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_TASKS")}
    env["BOARDKEEPER_DATA"] = str(data)
    if database_url:
        env["DATABASE_URL"] = database_url
    done = subprocess.run(
        [sys.executable, "-m", "boardkeeper.cli", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def fill(cast: Cast) -> Review:
    """The seed minutes, an update of one of their actions, and a review with a report and two requests."""
    meeting = meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting
    action = meeting.actions.order_by("position").first()
    assert action is not None
    action_services.action_update(
        action=action, user=cast.manager, version=action.version, status="in_progress", note="Under way ✓"
    )
    review = review_services.notification_record(
        partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=dt.date(2022, 4, 8)
    )
    version = review_services.version_add(
        review=review,
        user=cast.manager,
        number="1",
        dated=dt.date(2022, 9, 1),
        summary="First draft",
        upload=SimpleUploadedFile("Child Q report.docx", REPORT),
    )
    for n, who in enumerate(["Designated Nurse", "Head of Service"], start=1):
        review_services.change_request_add(
            version=version,
            requested_by=who,
            organisation="ICB",
            requested_on=dt.date(2022, 9, n + 5),
            request=f"Change {n}: say the referral was acknowledged.",
        )
    return review


def media_files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # a WITHOUT ROWID table (the search index's FTS5 shadow tables) is read in its primary key's order
        plain = {r[0] for r in db.execute("SELECT name FROM pragma_table_list WHERE wr = 0")}
        return {
            n: db.execute(f'SELECT * FROM "{n}"' + (" ORDER BY rowid" if n in plain else "")).fetchall()
            for n in names
        }


def dumpdata() -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("dumpdata", "--all", stdout=out)
    return list(json.loads(out.getvalue()))


def manifest_of(path: Path) -> dict[str, Any]:
    return dict(json.loads((path / "manifest.json").read_text(encoding="utf-8")))


# The round trip -------------------------------------------------------------------------------------------


@on_sqlite
def test_a_backup_restored_onto_a_new_installation_loses_no_row_and_no_byte(
    transactional_db: None, cast: Cast, tmp_path: Path
) -> None:
    fill(cast)
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    assert out.getvalue().startswith("Backed up the SQLite database (")
    assert "2 uploaded files" in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b", "uploads"]  # nothing half-written beside it

    manifest = manifest_of(tmp_path / "b")
    assert manifest["engine"] == "sqlite"
    # the latest migration of each app applied (what a restore must find the new installation at)
    latest = [name for app, name in MigrationLoader(connection).graph.leaf_nodes() if app == "directory"]
    assert manifest["migrations"]["reviews"] and manifest["migrations"]["directory"] == latest
    assert manifest["rows"]["reviews.ChangeRequest"] == 2
    assert manifest["rows"]["actions.ActionUpdate"] == ActionUpdate.objects.count() >= 1
    assert manifest["rows"]["actions.Action"] == Action.objects.count() > 0
    original_media = media_files(Path(django_settings.MEDIA_ROOT))
    assert len(original_media) == 2  # the minutes and the report
    assert {
        k.removeprefix("uploads/"): v["sha256"]
        for k, v in manifest["files"].items()
        if k != "database.sqlite3"
    } == original_media

    # an empty but migrated installation
    data = tmp_path / "restored"
    assert boardkeeper(data, "migrate", "--verbosity", "0").code == 0
    restored = boardkeeper(data, "restore", tmp_path / "b")
    assert restored.code == 0, restored.err
    assert restored.out.startswith("Restored the SQLite database of ")
    assert "2 uploaded files" in restored.out

    assert sqlite_tables(data / "boardkeeper.sqlite3") == sqlite_tables(
        Path(connection.settings_dict["NAME"])
    )
    dumped = boardkeeper(data, "dumpdata", "--all")
    assert dumped.code == 0, dumped.err
    assert json.loads(dumped.out) == dumpdata()
    assert media_files(data / "uploads") == original_media


@on_sqlite
def test_a_backup_restores_onto_a_database_with_no_tables(
    transactional_db: None, cast: Cast, tmp_path: Path
) -> None:
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    data = tmp_path / "fresh"  # never migrated: not even a database file
    restored = boardkeeper(data, "restore", tmp_path / "b")
    assert restored.code == 0, restored.err
    assert "0 uploaded files" in restored.out
    assert sqlite_tables(data / "boardkeeper.sqlite3") == sqlite_tables(
        Path(connection.settings_dict["NAME"])
    )


@on_postgresql
def test_a_postgresql_backup_restores_onto_a_new_database(
    transactional_db: None, cast: Cast, tmp_path: Path
) -> None:
    import psycopg

    fill(cast)
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    assert out.getvalue().startswith("Backed up the PostgreSQL database (")
    assert (tmp_path / "b" / "database.pgdump").is_file()
    db = connection.settings_dict
    name = f"boardkeeper_restore_{uuid.uuid4().hex[:12]}"
    url = "postgres://{}:{}@{}:{}/{}".format(
        quote(db["USER"] or "", safe=""),
        quote(str(db["PASSWORD"] or ""), safe=""),
        db["HOST"] or "127.0.0.1",
        db["PORT"] or "5432",
        name,
    )
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
    try:
        data = tmp_path / "restored"
        restored = boardkeeper(data, "restore", tmp_path / "b", database_url=url)
        assert restored.code == 0, restored.err
        dumped = boardkeeper(data, "dumpdata", "--all", database_url=url)
        assert dumped.code == 0, dumped.err
        assert json.loads(dumped.out) == dumpdata()
        assert media_files(data / "uploads") == media_files(Path(django_settings.MEDIA_ROOT))
        again = boardkeeper(data, "restore", tmp_path / "b", database_url=url)
        assert again.code == 2 and "This installation is not empty (" in again.err
    finally:
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


# Refusals -------------------------------------------------------------------------------------------------


def test_restore_refuses_an_installation_that_is_not_empty(cast: Cast, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tmp_path / "b"))
    message = str(refused.value)
    assert message.startswith("This installation is not empty (")
    assert "4 users" in message and "2 partnerships" in message and "4 partnership roles" in message
    assert message.endswith("restore only onto a new, empty installation.")
    assert refused.value.returncode == 2


def test_restore_refuses_a_changed_or_damaged_backup(db: None, tmp_path: Path) -> None:
    media = Path(django_settings.MEDIA_ROOT)
    (media / "minutes" / "ab").mkdir(parents=True)
    (media / "minutes" / "ab" / "abcd").write_bytes(b"the minutes, as they came")
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    database = backups.DATABASE_FILES[connection.vendor]

    def refusal(change: Any) -> str:
        copy = tmp_path / f"copy-{uuid.uuid4().hex}"
        shutil.copytree(tmp_path / "b", copy)
        change(copy)
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(copy))
        assert refused.value.returncode == 2
        assert "\n" not in str(refused.value)
        return str(refused.value)

    def flip_a_byte(copy: Path) -> None:
        file = copy / "uploads" / "minutes" / "ab" / "abcd"
        file.write_bytes(b"The minutes, as they came")

    assert refusal(flip_a_byte) == (
        "uploads/minutes/ab/abcd does not match its checksum in the manifest: "
        "the backup is damaged or was changed."
    )

    def edit_the_manifest(copy: Path) -> None:
        manifest = manifest_of(copy)
        manifest["files"][database]["sha256"] = "0" * 64
        (copy / "manifest.json").write_text(json.dumps(manifest))

    assert refusal(edit_the_manifest).startswith(f"{database} does not match its checksum in the manifest")

    def add_a_file(copy: Path) -> None:
        (copy / "uploads" / "extra").write_bytes(b"not from the backup")

    assert (
        refusal(add_a_file)
        == "uploads/extra is in the backup but not in its manifest: the backup was changed."
    )

    def lose_a_file(copy: Path) -> None:
        (copy / "uploads" / "minutes" / "ab" / "abcd").unlink()

    assert refusal(lose_a_file) == "uploads/minutes/ab/abcd is missing from the backup."

    def break_the_manifest(copy: Path) -> None:
        (copy / "manifest.json").write_text('{"format": 1, "engine":')

    assert "manifest.json in " in refusal(break_the_manifest)
    assert "cannot be read" in refusal(break_the_manifest)
    assert refusal(lambda copy: (copy / "manifest.json").unlink()).endswith(
        "is not a Boardkeeper backup: it has no manifest.json."
    )


def test_backup_refuses_a_directory_that_is_not_empty(db: None, tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(used))
    assert str(refused.value) == f"{used} exists and is not empty: give a new directory for the backup."
    assert refused.value.returncode == 2
    assert [p.name for p in used.iterdir()] == ["notes.txt"]

    run = boardkeeper(tmp_path / "data", "backup", used)  # at a terminal: one line, exit status 2
    assert (run.code, run.out) == (2, "")
    assert run.err.strip().splitlines() == [
        f"CommandError: {used} exists and is not empty: give a new directory for the backup."
    ]


def test_a_failed_backup_leaves_nothing_behind(db: None, tmp_path: Path, monkeypatch: Any) -> None:
    media = Path(django_settings.MEDIA_ROOT)
    media.mkdir(parents=True)
    (media / "a-file").write_bytes(b"bytes")

    def unreadable(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(backups, "sha256_of", unreadable)
    (tmp_path / "backups").mkdir()
    with pytest.raises(CommandError) as failed:
        call_command("backup", str(tmp_path / "backups" / "b"))
    assert str(failed.value).startswith("The backup failed, and nothing was left behind: ")
    assert list((tmp_path / "backups").iterdir()) == []


# A partnership's export -----------------------------------------------------------------------------------


def test_a_partnership_export_holds_its_records_and_nothing_of_another_or_secret(
    cast: Cast, tmp_path: Path
) -> None:
    review = fill(cast)
    other_review = review_services.notification_record(
        partnership=cast.other_partnership,
        user=cast.outsider,
        pseudonym="Child Z",
        aware_on=dt.date(2022, 4, 8),
    )
    someone = Person.objects.filter(partnership=cast.partnership).first()
    assert someone is not None
    feed = calendar_feed_create(person=someone)

    out = io.StringIO()
    call_command("export_partnership", "warwickshire", "--output", str(tmp_path / "export.json"), stdout=out)
    assert out.getvalue().startswith("Exported ")
    text = (tmp_path / "export.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["partnership"] == "warwickshire"
    assert dt.datetime.fromisoformat(document["exported_at"])
    records = document["records"]
    models = {r["model"] for r in records}
    assert {
        "directory.partnership",
        "directory.board",
        "directory.person",
        "directory.organisation",
        "meetings.meeting",
        "meetings.attendance",
        "meetings.agendaitem",
        "meetings.sourcedocument",
        "actions.action",
        "actions.actionupdate",
        "actions.calendarfeed",
        "reviews.review",
        "reviews.reportversion",
        "reviews.changerequest",
        "reviews.stagechange",
        "accounts.partnershiprole",
    } <= models
    assert not models & {"auth.user", "accounts.twofactor", "accounts.recoverycode", "sessions.session"}
    # the search index is made from the records (and again by `search --rebuild`): not exported twice
    assert SearchEntry.objects.filter(partnership=cast.partnership).exists()
    assert "search.searchentry" not in models
    assert records[0] == {
        "model": "directory.partnership",
        "pk": cast.partnership.pk,
        "fields": {
            "name": "Warwickshire Safeguarding",
            "slug": "warwickshire",
            "undated_amber_months": 3,
            "undated_red_months": 6,
        },
    }

    assert review.pseudonym in text and "Under way ✓" in text  # UTF-8, not escaped
    for action in Action.objects.filter(board=cast.board):
        assert any(r["model"] == "actions.action" and r["fields"]["text"] == action.text for r in records)
    # who owns each action: the owner links, a model of their own (ActionOwner), with the people
    owners = {
        (r["fields"]["action"], r["fields"]["person"]) for r in records if r["model"] == "actions.actionowner"
    }
    assert owners and owners == set(
        ActionOwner.objects.filter(action__board=cast.board).values_list("action_id", "person_id")
    )
    assert {r["pk"] for r in records if r["model"] == "reviews.changerequest"} == set(
        ChangeRequest.objects.values_list("pk", flat=True)
    )
    roles = [r["fields"] for r in records if r["model"] == "accounts.partnershiprole"]
    assert sorted(r["user"][0] for r in roles) == ["amrita", "pete", "victor"]  # by username

    # nothing of the other partnership
    assert "Child Z" not in text and "Elsewhere" not in text and "olga" not in text
    assert (cast.other_partnership.pk, "directory.partnership") not in {
        (r["pk"], r["model"]) for r in records
    }
    assert not [r for r in records if r["fields"].get("partnership") == cast.other_partnership.pk]
    assert not [r for r in records if r["model"] == "directory.board" and r["pk"] == cast.other_board.pk]
    assert not [r for r in records if r["model"] == "reviews.review" and r["pk"] == other_review.pk]

    # no secret, no file bytes
    assert cast.manager.password not in text and "md5$" not in text
    assert feed.token not in text
    assert not [r for r in records if {"password", "token", "data"} & set(r["fields"])]
    source = next(r["fields"] for r in records if r["model"] == "meetings.sourcedocument")
    assert source["name"] == SEED_DOCX.name and source["file"].startswith("minutes/")

    printed = io.StringIO()
    call_command("export_partnership", "warwickshire", stdout=printed)

    def business(rs: list[dict[str, Any]]) -> list[dict[str, Any]]:  # the first export is now in the audit
        return [r for r in rs if r["model"] != "audit.auditevent"]

    assert business(json.loads(printed.getvalue())["records"]) == business(records)

    with pytest.raises(CommandError, match="No partnership has the slug 'nowhere' "):
        call_command("export_partnership", "nowhere")


def _claim_one_more_action(backup: Path) -> None:
    """The manifest counts a row the database does not hold (the files' checksums still match)."""
    manifest = manifest_of(backup)
    manifest["rows"]["actions.Action"] += 1
    (backup / "manifest.json").write_text(json.dumps(manifest))


@on_sqlite
def test_restore_counts_the_rows_before_it_replaces_anything(cast: Cast, tmp_path: Path) -> None:
    fill(cast)
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    _claim_one_more_action(tmp_path / "b")
    data = tmp_path / "new"
    assert boardkeeper(data, "migrate", "--verbosity", "0").code == 0
    before = sqlite_tables(data / "boardkeeper.sqlite3")
    refused = boardkeeper(data, "restore", tmp_path / "b")
    assert refused.code == 2, refused.err
    assert "does not hold the rows its manifest counted (actions.Action" in refused.err
    assert "nothing was restored" in refused.err and "Traceback" not in refused.err
    assert sqlite_tables(data / "boardkeeper.sqlite3") == before  # the installation as it was
    assert not list(data.glob("*.restoring")) and not (data / "uploads").exists()


@on_sqlite
def test_a_backup_that_names_the_owner_links_the_old_way_restores(
    transactional_db: None, cast: Cast, tmp_path: Path
) -> None:
    """Backups made before actions 0007 count the owners of actions under Django's own many-to-many model,
    'actions.Action_owner_people'; the table, and so the rows, are the same."""
    fill(cast)
    assert ActionOwner.objects.exists()
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    manifest = manifest_of(tmp_path / "b")
    manifest["rows"]["actions.Action_owner_people"] = manifest["rows"].pop("actions.ActionOwner")
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    data = tmp_path / "new"
    assert boardkeeper(data, "migrate", "--verbosity", "0").code == 0
    restored = boardkeeper(data, "restore", tmp_path / "b")
    assert restored.code == 0, restored.err
    with closing(sqlite3.connect(data / "boardkeeper.sqlite3")) as db:
        (n,) = db.execute("SELECT COUNT(*) FROM actions_action_owner_people").fetchone()
    assert n == ActionOwner.objects.count()
    manifest["rows"]["actions.Action_owner_people"] += 1  # and a real difference is still found
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    refused = boardkeeper(tmp_path / "other", "restore", tmp_path / "b")
    assert "actions.Action_owner_people" in refused.err and refused.code == 2


@on_postgresql
def test_a_postgresql_restore_counts_the_rows_in_a_scratch_database_first(
    transactional_db: None, cast: Cast, tmp_path: Path
) -> None:
    import psycopg

    fill(cast)
    call_command("backup", str(tmp_path / "b"), stdout=io.StringIO())
    _claim_one_more_action(tmp_path / "b")
    db = connection.settings_dict
    name = f"boardkeeper_restore_{uuid.uuid4().hex[:12]}"
    url = "postgres://{}:{}@{}:{}/{}".format(
        quote(db["USER"] or "", safe=""),
        quote(str(db["PASSWORD"] or ""), safe=""),
        db["HOST"] or "127.0.0.1",
        db["PORT"] or "5432",
        name,
    )
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"'.encode())
        scratch_before = {r[0] for r in admin.execute("SELECT datname FROM pg_database").fetchall()}
    try:
        refused = boardkeeper(tmp_path / "new", "restore", tmp_path / "b", database_url=url)
        assert refused.code == 2, refused.err
        assert "does not hold the rows its manifest counted (actions.Action" in refused.err
        with psycopg.connect(**{**params, "dbname": name}) as target:
            tables = target.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        assert tables == (0,)  # nothing restored into it
        with psycopg.connect(**params, autocommit=True) as admin:
            after = {r[0] for r in admin.execute("SELECT datname FROM pg_database").fetchall()}
        assert after == scratch_before  # the scratch database it made is gone, and only it
    finally:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())
