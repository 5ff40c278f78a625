"""`boardkeeper extract` through its real interface: a subprocess running `python -m boardkeeper.cli`.

Good documents exit 0 with the structure on stdout. Bad input exits 2 with exactly one
plain-words line on stderr, nothing on stdout and never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from shared import SEED_DOCX  # the demo's sample, in the package

FIXTURES = Path(__file__).parent / "fixtures"
SEED = "warwickshire-executive-board-2022-02-23"
SEED_TXT = FIXTURES / f"{SEED}.txt"
SCHEMA = FIXTURES / "minutes.schema.json"  # copy of ../shared/contracts/minutes.schema.json


def run_extract(
    path: Path | str, *, as_json: bool = False, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "boardkeeper.cli", "extract", str(path)]
    if as_json:
        args.append("--json")
    return subprocess.run(
        args, capture_output=True, text=True, encoding="utf-8", timeout=timeout, check=False
    )


def assert_clean_rejection(proc: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr naming the problem (containing each of `words`)."""
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    message = lines[0]
    assert message.startswith("boardkeeper: "), message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def explicit_actions(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in doc["actions"] if a["origin"] != "prose"]


# ------------------------------------------------------------- a small schema checker
# Enough of JSON Schema for the contract: type, required, properties, items, enum,
# pattern and format "date". (jsonschema is not a dependency of the project.)

_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "null": type(None),
    "boolean": bool,
    "integer": int,
    "number": (int, float),
}


def schema_errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    errors: list[str] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, _TYPES[n]) and not (n in ("integer", "number") and isinstance(value, bool))
            for n in names
        )
        if not ok:
            return [f"{where}: {value!r} is not of type {names}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if schema.get("format") == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                errors.append(f"{where}: {value!r} is not an ISO date")
    if isinstance(value, dict):
        errors.extend(f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in value)
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                errors.extend(schema_errors(value[key], sub, f"{where}.{key}"))
    if isinstance(value, list) and "items" in schema:
        for i, entry in enumerate(value):
            errors.extend(schema_errors(entry, schema["items"], f"{where}[{i}]"))
    return errors


def test_the_schema_checker_catches_contract_violations() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    bad = {
        "source": {"name": "x", "sha256": "nothex", "format": "rtf"},
        "meeting": {"title": None, "date": "23/02/2022"},
        "people": [{"name": "A", "attendance": "maybe"}],
        "items": [{"number": 4, "title": "T", "discussion": ""}],
        "actions": [{"item": None, "text": "t", "owners": "Pete", "origin": "prose"}],
    }
    errors = "\n".join(schema_errors(bad, schema))
    for expected in (
        "missing 'warnings'",
        "$.source.sha256",
        "$.source.format",
        "$.meeting.date",
        "missing 'next_meeting_date'",
        "$.people[0].attendance",
        "$.items[0].number",
        "$.actions[0].owners",
    ):
        assert expected in errors


# ------------------------------------------------------------- good documents


def test_python_dash_m_boardkeeper_cli_shows_usage() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "boardkeeper.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0
    assert "extract" in proc.stdout


@pytest.fixture(scope="module")
def seed_json() -> dict[str, Any]:
    proc = run_extract(SEED_TXT, as_json=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def test_it_reads_the_seed_minutes_meeting_dates(seed_json: dict[str, Any]) -> None:
    assert seed_json["meeting"]["date"] == "2022-02-23"
    assert seed_json["meeting"]["next_meeting_date"] == "2022-03-11"
    assert seed_json["source"]["format"] == "text"
    assert seed_json["source"]["name"] == SEED_TXT.name


def test_it_finds_the_seed_minutes_people_items_and_actions(seed_json: dict[str, Any]) -> None:
    assert len(seed_json["people"]) == 8
    assert len(seed_json["items"]) == 11
    assert len(explicit_actions(seed_json)) == 8


def test_it_resolves_initials_to_the_action_owner(seed_json: dict[str, Any]) -> None:
    matches = [a for a in seed_json["actions"] if a["text"] == "PH to share examples of incidents"]
    assert len(matches) == 1
    assert matches[0]["owners"] == ["Pete Hill"]


def test_its_json_follows_the_contract(seed_json: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema_errors(seed_json, schema) == []


def test_it_prints_a_readable_summary_without_json() -> None:
    proc = run_extract(SEED_TXT)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Warwickshire Safeguarding Executive Board" in proc.stdout
    assert "Pete Hill" in proc.stdout
    assert "PH to share examples of incidents" in proc.stdout


def test_it_sniffs_a_docx_by_content_whatever_its_name(tmp_path: Path) -> None:
    renamed = tmp_path / "x.pdf"
    shutil.copyfile(SEED_DOCX, renamed)
    proc = run_extract(renamed, as_json=True)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["source"]["format"] == "docx"
    assert doc["source"]["name"] == "x.pdf"
    assert len(explicit_actions(doc)) == 8


CP1252_MINUTES = """Parish Council Minutes
Meeting held on 12 March 2024 at the Village Hall

Present: Cllr Jane Smith (Chair), Cllr Tom Brown
Apologies: Cllr Mary Green

1. Minutes of the last meeting
The minutes were agreed as a true record.

2. Finance
The clerk reported a balance of £1,250. The Chair said the “playground fund” wasn’t yet spent.

3. Date of next meeting
The next meeting will be held on 9 April 2024.
"""


def test_it_reads_windows_1252_text_and_warns(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_bytes(CP1252_MINUTES.encode("cp1252"))
    proc = run_extract(path, as_json=True)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert any("windows-1252" in w.lower() for w in doc["warnings"]), doc["warnings"]
    # the characters were decoded, not replaced
    discussion = " ".join(item["discussion"] for item in doc["items"])
    assert "£1,250" in discussion
    assert "“playground fund” wasn’t" in discussion


# ------------------------------------------------------------- bad input


def test_it_rejects_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert_clean_rejection(run_extract(path, as_json=True), "empty")


def test_it_rejects_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(random.Random(20220223).randbytes(4096))
    assert_clean_rejection(run_extract(path, as_json=True))


def test_it_rejects_a_file_over_the_size_limit_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: takes no disk, would take 200 MB of memory to read
    proc = run_extract(path, as_json=True, timeout=30)
    assert_clean_rejection(proc, "MB", "limit")


def test_it_rejects_a_missing_file(tmp_path: Path) -> None:
    assert_clean_rejection(run_extract(tmp_path / "no-such-minutes.docx", as_json=True), "no such file")


def test_it_survives_ten_thousand_nested_divs(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    body = "<div>" * 10_000 + "Minutes of the board meeting held on 1 May 2024" + "</div>" * 10_000
    path.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    proc = run_extract(path, as_json=True)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (0, 2), proc.stderr
    if proc.returncode == 2:
        assert_clean_rejection(proc)
    else:
        assert json.loads(proc.stdout)["source"]["format"] == "html"


def test_it_rejects_a_png_image(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 512)
    assert_clean_rejection(run_extract(path, as_json=True), "PNG")


def test_it_rejects_a_legacy_word_doc_and_says_to_save_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "minutes.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert_clean_rejection(run_extract(path, as_json=True), ".docx")


# ------------------------------------------------------------- output that cannot be written


def test_it_prints_json_to_a_stdout_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_bytes(CP1252_MINUTES.encode("cp1252"))
    args = [sys.executable, "-m", "boardkeeper.cli", "extract", str(path), "--json"]
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run(
        args, capture_output=True, text=True, encoding="utf-8", env=env, timeout=60, check=False
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0
    assert "£1,250" in json.dumps(json.loads(proc.stdout), ensure_ascii=False)


def test_it_exits_quietly_when_the_reader_of_its_output_goes_away() -> None:
    args = [sys.executable, "-m", "boardkeeper.cli", "extract", str(SEED_TXT), "--json"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # no reader from the start: every write gets EPIPE
    stderr = proc.stderr.read().decode("utf-8", "replace")
    proc.wait(timeout=60)
    assert "Traceback" not in stderr, stderr


# ------------------------------------------------------------- inputs that must not hang
# A linear engine reads each of these in well under a second; each once took tens of
# seconds (quadratic regex backtracking or pairwise comparison), which the 50 MB limit
# would have made unbounded. The subprocess is killed at the timeout.

HANG_TIMEOUT = 8.0


def _extract_within_timeout(tmp_path: Path, text: str) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text(text, encoding="utf-8")
    proc = run_extract(path, as_json=True, timeout=HANG_TIMEOUT)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 2), proc.stderr


def test_it_does_not_hang_on_unclosed_markdown_links(tmp_path: Path) -> None:
    _extract_within_timeout(tmp_path, "[" * 100_000 + "](" * 100_000)


def test_it_does_not_hang_on_a_long_sentence_with_will_be(tmp_path: Path) -> None:
    _extract_within_timeout(tmp_path, "A " * 60_000 + "will be done by Pete Hill.")


def test_it_does_not_hang_on_many_dates(tmp_path: Path) -> None:
    _extract_within_timeout(tmp_path, "12 March 2024 " * 40_000)


def test_it_does_not_hang_on_a_long_action_table(tmp_path: Path) -> None:
    rows = "".join(f"| {i} | PH to share item {i} | PH | 12 March 2024 |\n" for i in range(7_000))
    _extract_within_timeout(
        tmp_path, "# Actions\n\n| No | Action | Owner | Due |\n|---|---|---|---|\n" + rows
    )
