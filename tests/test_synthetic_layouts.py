"""Minutes in twenty layouts the development corpus does not have, against hand-written gold annotations.

The documents are synthetic (invented people and bodies); `build_synthetic.py` and `build_heldout.py`
beside them made them. Each test names what a reader or extractor must get right for one layout.
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from boardkeeper.minutes import Minutes, extract

FIXTURES = Path(__file__).parent / "fixtures"
# 'synthetic' and 'heldout' are two sets written at different times by different hands
GOLDS = sorted(FIXTURES.glob("synthetic/gold/*.json")) + sorted(FIXTURES.glob("heldout/gold/*.json"))


def norm(s: str | None) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", (s or "").casefold().replace("&", " and "))).strip()


def load(gold_path: Path) -> tuple[dict[str, Any], Minutes]:
    gold = json.loads(gold_path.read_text())
    doc = gold_path.parent.parent / gold["file"]
    return gold, extract(doc.read_bytes(), doc.name)


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_meeting_date_and_next_meeting(gold_path: Path) -> None:
    gold, m = load(gold_path)
    assert str(m.meeting.date) == gold["meeting"]["date"]
    assert (str(m.meeting.next_meeting_date) if m.meeting.next_meeting_date else None) == gold["meeting"][
        "next_meeting_date"
    ]


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_every_person_with_their_attendance(gold_path: Path) -> None:
    gold, m = load(gold_path)
    got = {norm(p.name): p.attendance for p in m.people}
    want = {norm(p["name"]): p["attendance"] for p in gold["people"]}
    assert got == want


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_items_numbered_as_printed(gold_path: Path) -> None:
    gold, m = load(gold_path)
    assert [(i.number, norm(i.title)) for i in m.items] == [
        (i["number"], norm(i["title"])) for i in gold["items"]
    ]


@pytest.mark.parametrize("gold_path", GOLDS, ids=lambda p: p.stem)
def test_every_explicit_action_once_with_its_owners(gold_path: Path) -> None:
    gold, m = load(gold_path)
    got = [a for a in m.actions if a.origin != "prose"]
    assert len(got) == len(gold["actions"])
    for want in gold["actions"]:
        match = [a for a in got if norm(want["text"]) in norm(a.text) or norm(a.text) in norm(want["text"])]
        assert match, f"missing action: {want['text']}"
        assert sorted(map(norm, match[0].owners)) == sorted(map(norm, want["owners"])), want["text"]
