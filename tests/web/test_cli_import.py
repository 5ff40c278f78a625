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
        (
            ["--partnership", "nowhere", "--board", "Executive Board"],
            "no partnership called 'nowhere'; make one with: boardkeeper partnership add \"nowhere\"",
        ),
        (
            ["--partnership", "warwickshire-demo", "--board", "Nope"],
            "Warwickshire Safeguarding (demo) has no board called 'Nope'; make one with: "
            'boardkeeper board add "Nope" --partnership "Warwickshire Safeguarding (demo)"',
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


# The back catalogue: several files, folders and .zip archives in one run ---------------------------------

SYNTHETIC_DIR = FIXTURES / "synthetic"


def catalogue_zip(path: Path, members: dict[str, bytes]) -> Path:
    """An archive of `members`; those named '...locked.txt' marked encrypted, as a password-protected
    member is (zipfile writes no encryption: the flag is set in the headers afterwards)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.endswith("locked.txt"):
                raw[info.header_offset + 6] |= 0x1  # the local header's flags
    at = raw.find(b"PK\x01\x02")
    while (
        at != -1
    ):  # each entry of the central directory: flags at 8, the name's length at 28, the name at 46
        length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if bytes(raw[at + 46 : at + 46 + length]).endswith(b"locked.txt"):
            raw[at + 8] |= 0x1
        at = raw.find(b"PK\x01\x02", at + 46)
    path.write_bytes(bytes(raw))
    return path


def summary_of(run: Run) -> str:
    return [line for line in run.out.splitlines() if " imported, " in line][-1]


def test_several_files_are_imported_in_one_run_with_a_summary(site: Site) -> None:
    first, second = SYNTHETIC_DIR / "02_harrowfield-trust-board-2023-11-22.docx", SEED_DOCX
    meetings = site.count("meetings_meeting")
    run = site.boardkeeper("import", first, second, *INTO_THE_DEMO)
    assert run.code == 0, run.err
    assert f"{first}: Imported " in run.out
    assert f"{second}: Already imported: Executive Board – 23 February 2022" in run.out
    assert summary_of(run).startswith("2 files: 1 imported, 1 already imported, 0 refused (")
    assert site.count("meetings_meeting") == meetings + 1


def test_a_folder_is_imported_recursively_and_its_other_files_passed_over(site: Site, tmp_path: Path) -> None:
    folder = tmp_path / "minutes"
    (folder / "2024" / ".hidden").mkdir(parents=True)
    for name in ("04_kestrel-bay-scp-learning-2023-09-05.md", "05_brackenridge-village-hall-2024-05-07.txt"):
        (folder / "2024" / name).write_bytes((SYNTHETIC_DIR / name).read_bytes())
    (folder / "2024" / ".hidden" / "secret.txt").write_text("not minutes")
    (folder / "Thumbs.db").write_bytes(b"\0\1")
    (folder / ".DS_Store").write_bytes(b"\0\1")
    run = site.boardkeeper("import", folder, *INTO_THE_DEMO)
    assert run.code == 0, run.err
    assert summary_of(run).startswith("2 files: 2 imported, 0 already imported, 0 refused (")
    # not at a terminal: a plain line a file on stderr, with the count, the rate and the time left
    progress = run.err.splitlines()
    assert len(progress) == 2
    assert progress[0].startswith(
        f"[1/2] {folder / '2024' / '04_kestrel-bay-scp-learning-2023-09-05.md'}: imported ("
    )
    assert "files/s" in progress[0] and "left)" in progress[0]
    assert "\r" not in run.err


def test_a_zip_is_imported_from_memory_and_each_refused_member_says_why(site: Site, tmp_path: Path) -> None:
    archive = catalogue_zip(
        tmp_path / "catalogue.zip",
        {
            "2023/06_severnside-sab-performance-2023-06-28.txt": (
                SYNTHETIC_DIR / "06_severnside-sab-performance-2023-06-28.txt"
            ).read_bytes(),
            "2023/07_oakfield-primary-fgb-2024-02-08.md": (
                SYNTHETIC_DIR / "07_oakfield-primary-fgb-2024-02-08.md"
            ).read_bytes(),
            "2022/seed.docx": SEED_DOCX.read_bytes(),
            "2022/seed.txt": (FIXTURES / "warwickshire-executive-board-2022-02-23.txt").read_bytes(),
            "empty.txt": b"",
            "locked.txt": b"whatever",
            "__MACOSX/2023/._06.txt": b"\0\1",
            ".hidden.txt": b"hidden",
            "notes.xlsx": b"not read",
        },
    )
    before = {t: site.count(t) for t in ("meetings_meeting", "meetings_pendingimport")}
    run = site.boardkeeper("import", archive, *INTO_THE_DEMO)
    assert run.code == 2
    assert summary_of(run).startswith("6 files: 2 imported, 1 already imported, 3 refused (")
    refused = [line for line in run.out.splitlines() if line.startswith("Refused: ")]
    assert refused == [
        f"Refused: {archive}:2022/seed.txt: Executive Board already has a meeting on 23 February 2022; "
        "these minutes were not imported again.",
        f"Refused: {archive}:empty.txt: the file is empty",
        f"Refused: {archive}:locked.txt: the file is encrypted in the archive",
    ]
    assert run.err.splitlines()[-1] == "boardkeeper import: 3 of 6 files refused"
    assert site.count("meetings_meeting") == before["meetings_meeting"] + 2
    # the command line keeps the minutes in memory: no pending row, imported or refused
    assert site.count("meetings_pendingimport") == before["meetings_pendingimport"]
    assert not (tmp_path / "2023").exists()  # nothing extracted to disk


def test_a_zip_bomb_is_refused_without_being_unpacked(site: Site, tmp_path: Path) -> None:
    archive = catalogue_zip(
        tmp_path / "bomb.zip",
        {"big.txt": b"\0" * (51 * 1024 * 1024), "dense.txt": b"a" * (5 * 1024 * 1024)},
    )
    run = site.boardkeeper("import", archive, *INTO_THE_DEMO)
    assert run.code == 2
    assert [line for line in run.out.splitlines() if line.startswith("Refused: ")] == [
        f"Refused: {archive}:big.txt: the file is larger than 50 MB, the most Boardkeeper reads",
        f"Refused: {archive}:dense.txt: the file would grow more than 200 times uncompressed; not opened",
    ]


def test_a_file_that_cannot_be_read_is_refused_and_the_run_goes_on(site: Site, tmp_path: Path) -> None:
    missing = tmp_path / "missing.docx"
    not_a_zip = tmp_path / "broken.zip"
    not_a_zip.write_bytes(b"PK not really")
    good = SYNTHETIC_DIR / "08_riverside-foodbank-trustees-2023-10-12.txt"
    run = site.boardkeeper("import", missing, not_a_zip, good, *INTO_THE_DEMO)
    assert run.code == 2
    assert summary_of(run).startswith("3 files: 1 imported, 0 already imported, 2 refused (")
    assert f"Refused: {missing}: No such file or directory" in run.out
    assert f"Refused: {not_a_zip}: not a readable .zip file" in run.out
