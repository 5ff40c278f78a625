"""The document as read, for a person to check an extraction against: its paragraphs and tables as
plain JSON (no formatting, no geometry), bounded in size, and each piece of text cut into sentences.

A paragraph is `{"p": text, "h": heading level}`; a table `{"rows": [[cell text, ...], ...]}`, a cell's
paragraphs joined by newlines. Past `limit` characters the rest is left out and counted, so an enormous
file does not become an enormous page.
"""

from __future__ import annotations

from typing import Any

from .extraction.sentences import SENTENCE
from .layout import Layout, Para

LIMIT = 1_000_000  # characters: some hundred times a board's minutes


def source_text(layout: Layout, limit: int = LIMIT) -> dict[str, Any]:
    """`{"blocks": [...], "left_out": characters not kept}`."""
    blocks: list[dict[str, Any]] = []
    kept = left_out = 0
    for block in layout.blocks:
        if isinstance(block, Para):
            size = len(block.text)
            entry: dict[str, Any] = {"p": block.text, "h": block.heading}
        else:
            rows = [[cell.text for cell in row] for row in block.rows]
            size = sum(len(text) for row in rows for text in row)
            entry = {"rows": rows}
        if not size:
            continue
        if kept + size > limit:
            left_out += size
            continue
        kept += size
        blocks.append(entry)
    return {"blocks": blocks, "left_out": left_out}


def sentences(text: str) -> list[str]:
    """The text's sentences, as the engine cuts them (line breaks end one too)."""
    return [s.strip() for line in text.splitlines() for s in SENTENCE.split(line) if s.strip()]
