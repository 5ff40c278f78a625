"""The minutes engine: a minutes document (bytes) in, structured minutes out.

Pure Python: nothing here imports Django, so the engine is fast to test,
usable from the command line and replaceable.
"""

from __future__ import annotations

import hashlib
from typing import Any

from .errors import MinutesError
from .model import Action, Decision, Item, Meeting, Minutes, Person, Source

__all__ = [
    "Action",
    "Decision",
    "Item",
    "Meeting",
    "Minutes",
    "MinutesError",
    "Person",
    "Source",
    "extract",
    "extract_with_text",
]


def extract(data: bytes, name: str) -> Minutes:
    """Read a minutes document (.docx, .pdf, .html, .md or .txt, told apart by content).

    Raises MinutesError, with a message for a person, for anything that is not
    readable minutes; nothing else escapes.
    """
    return extract_with_text(data, name, text=False)[0]


def extract_with_text(data: bytes, name: str, *, text: bool = True) -> tuple[Minutes, dict[str, Any] | None]:
    """`extract`, and the document as read (`source_text`: its paragraphs and tables as plain JSON), for
    showing the minutes beside what was taken from them."""
    from .extraction import extract_layout
    from .readers import read
    from .source_text import source_text

    layout = read(data)
    source = Source(name=name, sha256=hashlib.sha256(data).hexdigest(), format=layout.format)
    try:
        minutes = extract_layout(layout, source)
    except RecursionError as exc:  # pragma: no cover - the readers bound depth; this is a last guard
        raise MinutesError("the document is nested too deeply to read") from exc
    return minutes, source_text(layout) if text else None
