"""The engine scored on every set of minutes with gold annotations, as `make score` does.

Each set is scored in process with the shared scorer (../shared/tools/score_extraction.py, the
yardstick every session uses) and must not fall below what it scores today. The real minutes of
../shared/corpus2 carry the targets of issue 10; the other sets are regression floors: a change
that fixes one layout and breaks another fails here, per set, with the figures that moved.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from shared import CORPUS, CORPUS2, SHARED

from boardkeeper.minutes import MinutesError, extract

FIXTURES = Path(__file__).parent / "fixtures"

# floors: action F1, owner accuracy, people F1, items F1, dates right (share), prose recall, restated duplicates
# (the most duplicates allowed)
_KEYS = ("action", "owner", "people", "items", "dates", "prose", "dups")
FLOORS: dict[str, dict[str, float]] = {
    name: dict(zip(_KEYS, values, strict=True))
    for name, values in {
        # issue 10's targets on real minutes written elsewhere (the targets were 0.90/0.90/0.90/0.85/
        # all dates/0.60; the floors are today's figures)
        "corpus2": (0.99, 0.98, 0.99, 0.97, 1.0, 0.69, 0),
        # the real development corpus stays where it was
        "corpus": (1.0, 1.0, 1.0, 0.99, 1.0, 0.73, 0),
        # our own synthetic sets, written by other hands at other times
        "synthetic": (1.0, 1.0, 1.0, 1.0, 1.0, 0.78, 3),
        "heldout": (1.0, 1.0, 1.0, 1.0, 1.0, 0.95, 1),
        "blind": (1.0, 0.97, 0.99, 1.0, 1.0, 0.89, 2),
        "office": (0.99, 1.0, 1.0, 1.0, 1.0, 0.95, 2),
        "fresh": (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1),
    }.items()
}
SETS: dict[str, Path] = {
    "corpus2": CORPUS2,
    "corpus": CORPUS,
    "synthetic": FIXTURES / "synthetic",
    "heldout": FIXTURES / "heldout",
    "blind": FIXTURES / "blind",
    "office": FIXTURES / "office",
    "fresh": FIXTURES / "fresh",
}


def _scorer() -> ModuleType:
    path = SHARED / "tools" / "score_extraction.py"
    if not path.is_file():
        pytest.skip(f"needs the shared scorer beside the clone: {path} not found")
    name = "boardkeeper_test_scorer"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def score(folder: Path) -> dict[str, float]:
    """The scorer's TOTAL line for a folder of documents with gold/, computed in process."""
    scorer = _scorer()
    totals: dict[str, Any] = {}
    docs = 0
    for gold_path in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(gold_path.read_text())
        doc = folder / gold["file"]
        try:
            out = extract(doc.read_bytes(), doc.name).to_json()
        except MinutesError:
            out = {}
        docs += 1
        for key, value in scorer.score_doc(gold, out).items():
            if isinstance(value, tuple):
                totals[key] = [a + b for a, b in zip(totals.get(key, [0] * len(value)), value, strict=True)]
            else:
                totals[key] = totals.get(key, 0) + value
    assert docs, f"no gold annotations in {folder}"
    tp, n_pred, n_gold = totals["actions"]
    return {
        "action": scorer.f1(tp, n_pred, n_gold)[2],
        "owner": totals["owners_ok"] / tp if tp else 1.0,
        "people": scorer.f1(*totals["people"])[2],
        "items": scorer.f1(*totals["items"])[2],
        "dates": totals["date_ok"] / docs,
        "prose": totals["prose"][0] / totals["prose"][2] if totals["prose"][2] else 1.0,
        "dups": totals["dups"][0],
    }


@pytest.mark.parametrize("name", list(SETS))
def test_every_set_scores_at_least_its_floor(name: str) -> None:
    folder = SETS[name]
    if not folder.is_dir():
        pytest.skip(f"needs {folder} (the shared corpus of real minutes lives beside the clone)")
    got = score(folder)
    floor = FLOORS[name]
    below = {
        k: (round(got[k], 3), floor[k])
        for k in floor
        if (got[k] > floor[k] if k == "dups" else got[k] < floor[k] - 1e-9)
    }
    assert not below, f"{name}: (score, floor) {below}; all: { {k: round(v, 3) for k, v in got.items()} }"
