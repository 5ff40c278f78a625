"""Text from bytes, and clean text: what the text, markdown and HTML readers share.

`decode` turns a file's bytes into text (UTF-8, UTF-16 with a BOM, else Windows-1252 with a
warning) and refuses binary data; `clean_text` folds whitespace and drops invisible characters.
"""

from __future__ import annotations

import re

from ..errors import MinutesError

_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 with a warning."""
    warning = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise MinutesError("the file says it is UTF-16 text but is not") from exc
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            warning = "the text is not UTF-8; it was read as Windows-1252"
    sample = text[:65536]
    controls = len(_CONTROLS.findall(sample))
    if "\x00" in sample or controls > len(sample) * 0.02 + 2:
        raise MinutesError("the file is not a text document (it contains binary data)")
    return _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")), warning


def clean_text(text: str) -> str:
    """Fold whitespace and drop invisible characters."""
    return _SPACES.sub(" ", _INVISIBLE_RE.sub("", text).replace("\n", " ")).strip()
