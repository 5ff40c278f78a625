"""The minutes engine: a minutes document (bytes) in, structured minutes out.

Pure Python: nothing here imports Django, so the engine is fast to test,
usable from the command line and replaceable.
"""

from __future__ import annotations

import hashlib

from .errors import MinutesError
from .model import Action, Decision, Item, Meeting, Minutes, Person, Source

__all__ = ["Action", "Decision", "Item", "Meeting", "Minutes", "MinutesError", "Person", "Source", "extract"]


def extract(data: bytes, name: str) -> Minutes:
    """Read a minutes document (.docx, .pdf, .html, .md or .txt, told apart by content).

    Raises MinutesError, with a message for a person, for anything that is not
    readable minutes; nothing else escapes.
    """
    from .extraction import extract_layout
    from .readers import read

    layout = read(data)
    source = Source(name=name, sha256=hashlib.sha256(data).hexdigest(), format=layout.format)
    try:
        return extract_layout(layout, source)
    except RecursionError as exc:  # pragma: no cover - the readers bound depth; this is a last guard
        raise MinutesError("the document is nested too deeply to read") from exc
