"""`boardkeeper migrate`, `demo` and `import`, run as a person at a terminal runs them: a fresh SQLite
database in BOARDKEEPER_DATA, one process per command."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cast import FIXTURES, SEED_DOCX

from boardkeeper.minutes import extract

SEED_PDF = FIXTURES / "warwickshire-executive-board-2022-02-23.pdf"
SYNTHETIC = FIXTURES / "synthetic" / "01_eastbrook-csp-board-2024-03-14.docx"
DEMO_PASSWORD = "demo-boardkeeper-2026"
INTO_THE_DEMO = ["--partnership", "warwickshire-demo", "--board", "Executive Board", "--user", "manager"]


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class Site:
    data: Path
    demo: Run

    def boardkeeper(self, *args: str | Path) -> Run:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOARDKEEPER_TASKS")}
        env["BOARDKEEPER_DATA"] = str(self.data)
        done = subprocess.run(
            [sys.executable, "-m", "boardkeeper.cli", *map(str, args)],
            cwd=self.data.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def count(self, table: str) -> int:
        with sqlite3.connect(self.data / "boardkeeper.sqlite3") as db:
            (n,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()  # table names are the test's own
        return int(n)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Migrated and set up for the demo, once for the module (each test adds what it imports)."""
    site = Site(tmp_path_factory.mktemp("cli") / "data", Run(0, "", ""))
    migrate = site.boardkeeper("migrate", "--verbosity", "0")
    assert migrate.code == 0, migrate.err
    site.demo = site.boardkeeper("demo")
    return site


def one_line_refusal(run: Run) -> str:
    assert run.code == 2, run
    assert run.out == ""
    assert "Traceback" not in run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("boardkeeper import: ")
    return lines[0]


def test_migrate_writes_the_database_into_boardkeeper_data(site: Site) -> None:
    assert (site.data / "boardkeeper.sqlite3").is_file()
    assert site.count("django_migrations") > 0


def test_the_demo_imports_the_sample_and_prints_the_sign_ins(site: Site) -> None:
    assert site.demo.code == 0, site.demo.err
    assert "Sample minutes imported: Executive Board – 23 February 2022 (8 actions)." in site.demo.out
    assert "Sign in at http://127.0.0.1:8000/ as" in site.demo.out
    assert f"manager / {DEMO_PASSWORD}" in site.demo.out
    assert f"member  / {DEMO_PASSWORD}" in site.demo.out
    assert site.count("meetings_meeting") >= 1
    assert any((site.data / "uploads" / "minutes").rglob("*"))  # the sample kept under BOARDKEEPER_DATA


def test_the_demo_run_again_changes_nothing(site: Site) -> None:
    meetings = site.count("meetings_meeting")
    again = site.boardkeeper("demo")
    assert again.code == 0, again.err
    assert "Sample minutes already there" in again.out
    assert site.count("meetings_meeting") == meetings


def test_the_pdf_of_a_meeting_already_imported_is_refused_in_one_line(site: Site) -> None:
    meetings = site.count("meetings_meeting")
    line = one_line_refusal(site.boardkeeper("import", SEED_PDF, *INTO_THE_DEMO))
    assert line == (
        f"boardkeeper import: {SEED_PDF}: Executive Board already has a meeting on 23 February 2022; "
        "these minutes were not imported again."
    )
    assert site.count("meetings_meeting") == meetings


def test_a_refused_import_leaves_no_copy_of_the_file_behind(site: Site) -> None:
    pending = site.count("meetings_pendingimport")
    one_line_refusal(site.boardkeeper("import", SEED_PDF, *INTO_THE_DEMO))
    assert site.count("meetings_pendingimport") == pending


def test_the_same_file_again_is_reported_as_already_imported(site: Site) -> None:
    meetings = site.count("meetings_meeting")
    run = site.boardkeeper("import", SEED_DOCX, *INTO_THE_DEMO)
    assert run.code == 0, run.err
    assert run.out.startswith("Already imported: Executive Board – 23 February 2022 (meeting ")
    assert site.count("meetings_meeting") == meetings


def test_a_new_meeting_is_imported_with_its_counts(site: Site) -> None:
    minutes = extract(SYNTHETIC.read_bytes(), SYNTHETIC.name)
    items = len(minutes.items)
    actions = sum(1 for a in minutes.actions if a.origin != "prose")
    people = len(minutes.people)
    meetings = site.count("meetings_meeting")
    run = site.boardkeeper("import", SYNTHETIC, *INTO_THE_DEMO)
    assert run.code == 0, run.err
    assert run.err == ""
    assert run.out.startswith("Imported Executive Board – 14 March 2024 (meeting ")
    assert run.out.rstrip().endswith(
        f"{items} items, {actions} actions; 0 people recognised, {people} added to the directory."
    )
    assert site.count("meetings_meeting") == meetings + 1


def test_an_unreadable_file_is_refused_in_one_line(site: Site, tmp_path: Path) -> None:
    noise = tmp_path / "minutes.docx"
    noise.write_bytes(random.Random(3).randbytes(8192))
    tables = ("meetings_meeting", "directory_person", "meetings_pendingimport")
    before = [site.count(t) for t in tables]
    line = one_line_refusal(site.boardkeeper("import", noise, *INTO_THE_DEMO))
    assert line == f"boardkeeper import: {noise}: the file is not a text document (it contains binary data)"
    assert [site.count(t) for t in tables] == before  # nothing written, nothing left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partnership", "nowhere", "--board", "Executive Board"], "no partnership called 'nowhere'"),
        (
            ["--partnership", "warwickshire-demo", "--board", "Nope"],
            "Warwickshire Safeguarding (demo) has no board called 'Nope'",
        ),
        (
            ["--partnership", "warwickshire-demo", "--board", "executive-board"],
            "no user to record as the importer: pass --user USERNAME",
        ),
        (
            ["--partnership", "warwickshire-demo", "--board", "executive-board", "--user", "nobody"],
            "no user to record as the importer: pass --user USERNAME",
        ),
    ],
)
def test_a_wrong_partnership_board_or_user_is_refused_in_one_line(
    site: Site, args: list[str], message: str
) -> None:
    line = one_line_refusal(site.boardkeeper("import", SEED_PDF, *args))
    assert line == f"boardkeeper import: {message}"


def test_a_missing_file_is_refused_in_one_line(site: Site, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-minutes.docx"
    line = one_line_refusal(site.boardkeeper("import", missing, *INTO_THE_DEMO))
    assert line == f"boardkeeper import: {missing}: No such file or directory"


def test_an_empty_or_enormous_file_is_refused_before_it_is_read(site: Site, tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    assert one_line_refusal(site.boardkeeper("import", empty, *INTO_THE_DEMO)) == (
        f"boardkeeper import: {empty}: the file is empty"
    )
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:  # sparse: 51 MB on paper, nothing on disk
        f.truncate(51 * 1024 * 1024)
    assert one_line_refusal(site.boardkeeper("import", huge, *INTO_THE_DEMO)) == (
        f"boardkeeper import: {huge}: the file is larger than 50 MB, the most Boardkeeper reads"
    )
