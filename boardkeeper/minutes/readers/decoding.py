"""Text from bytes, and clean text: what the text, markdown and HTML readers share.

`DecodedText.of` works out how a file's bytes are text (UTF-8, UTF-16 with a BOM, else Windows-1252
with a warning) and refuses binary data; its `chunks` give the text a quarter of a megabyte at a time, so an
enormous file is never held as text twice over (`decode` gives it whole). `clean_text` folds
whitespace and drops invisible characters.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import MinutesError

_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# A run of spaces that is more than one ordinary space: a lone ' ' is left alone, so ordinary prose
# matches nowhere and re.sub gives back the string as it is, not a copy built from a piece a word
_SPACES = re.compile(
    r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
)
CHUNK_BYTES = 1 << 18  # bytes decoded at a time (a chunk of one-letter lines is a list of 128K strings)
_SAMPLE_CHARS = 65536  # the start of the text that is checked for binary data


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's bytes with the codec that reads them; the text itself is made a chunk at a time."""

    data: bytes
    codec: str  # utf-16 | utf-8-sig | cp1252
    warning: str | None = None

    @classmethod
    def of(cls, data: bytes) -> DecodedText:
        """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 with a warning.

        The whole file is checked (a chunk at a time) before a codec is chosen: one byte that is not
        UTF-8 anywhere makes it all Windows-1252. Raises MinutesError for binary data.
        """
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            if not _decodes(data, "utf-16"):
                raise MinutesError("the file says it is UTF-16 text but is not")
            decoded = cls(data, "utf-16")
        elif _decodes(data, "utf-8-sig"):
            decoded = cls(data, "utf-8-sig")
        else:
            decoded = cls(data, "cp1252", "the text is not UTF-8; it was read as Windows-1252")
        sample = decoded._raw_head(_SAMPLE_CHARS)
        controls = len(_CONTROLS.findall(sample))
        if "\x00" in sample or controls > len(sample) * 0.02 + 2:
            raise MinutesError("the file is not a text document (it contains binary data)")
        return decoded

    def chunks(self) -> Iterator[str]:
        """The text in order, a chunk at a time: line ends as '\\n', invisible characters dropped.

        Joined, the chunks are exactly `decode`'s text: a '\\r' at the end of a chunk waits for the
        next one, in case it is half of a '\\r\\n'.
        """
        decoder = self._decoder()
        view = memoryview(self.data)
        pending = ""
        for start in range(0, len(view), CHUNK_BYTES):
            text = pending + decoder.decode(view[start : start + CHUNK_BYTES])
            pending = "\r" if text.endswith("\r") else ""
            if pending:
                text = text[:-1]
            if text:
                yield _normalise(text)
        rest = pending + decoder.decode(b"", final=True)
        if rest:
            yield _normalise(rest)

    def head(self, chars: int) -> str:
        """The first `chars` characters of the text (all of it when it is shorter)."""
        parts: list[str] = []
        size = 0
        for chunk in self.chunks():
            parts.append(chunk)
            size += len(chunk)
            if size >= chars:
                break
        return "".join(parts)[:chars]

    def text(self) -> str:
        return "".join(self.chunks())

    def _decoder(self) -> codecs.IncrementalDecoder:
        return codecs.getincrementaldecoder(self.codec)("replace" if self.codec == "cp1252" else "strict")

    def _raw_head(self, chars: int) -> str:
        """The first `chars` characters as decoded, before line ends and invisible characters are touched."""
        size = chars * 4 + 4  # no character takes more than four bytes in these codecs (and a BOM)
        return self._decoder().decode(self.data[:size], final=len(self.data) <= size)[:chars]


def _decodes(data: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for start in range(0, len(view), CHUNK_BYTES):
            decoder.decode(view[start : start + CHUNK_BYTES])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _normalise(text: str) -> str:
    return _INVISIBLE_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 with a warning."""
    decoded = DecodedText.of(data)
    return decoded.text(), decoded.warning


def clean_text(text: str) -> str:
    """Fold whitespace and drop invisible characters."""
    return _SPACES.sub(" ", _INVISIBLE_RE.sub("", text).replace("\n", " ")).strip()
