"""The document as read, laid out for the preview: each paragraph and table cell with an address ('s4',
's4-2-1'), cut where an action's or decision's quote stands so the page can mark it, and a link target for
each quote ('#q-a3' for action 3, '#q-d1' for decision 1; the paragraph's own address where a quote overlaps
one already marked there).

Plain text only: the page escapes every piece, so nothing in a document becomes markup."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Piece:
    text: str
    mark: str | None = None  # the mark's id ('q-a3') where this piece is a quote
    label: str = ""  # 'Action 4', for the mark's title and the screen reader


@dataclass
class Unit:
    address: str  # 's4' or 's4-2-1'
    text: str
    pieces: list[Piece] = field(default_factory=list)

    @property
    def worth_an_action(self) -> bool:
        """Enough words to be an action: a few, not a heading cell's one or two."""
        return len(self.text.split()) >= 4


@dataclass
class Block:
    heading: int = 0
    unit: Unit | None = None  # a paragraph
    rows: list[list[Unit]] | None = None  # a table


@dataclass
class SourceView:
    blocks: list[Block]
    targets: dict[str, str]  # 'a3' / 'd1' -> the id to link to, for the quotes found
    left_out: int = 0


def _pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def source_view(document: dict[str, Any] | None, minutes: dict[str, Any]) -> SourceView:
    """The document's units with each quote marked where it is first found (whitespace aside)."""
    units: list[Unit] = []
    blocks: list[Block] = []
    for b, raw in enumerate((document or {}).get("blocks", [])):
        if "rows" in raw:
            rows = [
                [Unit(f"s{b}-{r}-{c}", text) for c, text in enumerate(row)]
                for r, row in enumerate(raw["rows"])
            ]
            units.extend(u for row in rows for u in row)
            blocks.append(Block(rows=rows))
        else:
            unit = Unit(f"s{b}", raw.get("p", ""))
            units.append(unit)
            blocks.append(Block(heading=raw.get("h", 0), unit=unit))
    quotes = [(f"a{i}", f"Action {i + 1}", a.get("quote")) for i, a in enumerate(minutes.get("actions", []))]
    quotes += [
        (f"d{i}", f"Decision {i + 1}", d.get("quote")) for i, d in enumerate(minutes.get("decisions", []))
    ]
    spans: dict[str, list[tuple[int, int, str, str]]] = {}
    targets: dict[str, str] = {}
    for key, label, quote in quotes:
        pattern = _pattern(quote or "")
        if pattern is None:
            continue
        for unit in units:
            found = pattern.search(unit.text)
            if found is None:
                continue
            taken = spans.setdefault(unit.address, [])
            if any(found.start() < end and start < found.end() for start, end, _, _ in taken):
                targets[key] = unit.address  # one mark a place: the paragraph stands for it
            else:
                taken.append((found.start(), found.end(), f"q-{key}", label))
                targets[key] = f"q-{key}"
            break
    for unit in units:
        unit.pieces = _pieces(unit.text, sorted(spans.get(unit.address, [])))
    return SourceView(blocks, targets, (document or {}).get("left_out", 0))


def _pieces(text: str, spans: list[tuple[int, int, str, str]]) -> list[Piece]:
    pieces: list[Piece] = []
    at = 0
    for start, end, mark, label in spans:
        if start > at:
            pieces.append(Piece(text[at:start]))
        pieces.append(Piece(text[start:end], mark, label))
        at = end
    if at < len(text) or not pieces:
        pieces.append(Piece(text[at:]))
    return pieces
