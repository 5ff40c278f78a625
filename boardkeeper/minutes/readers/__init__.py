"""Readers: bytes in, `Layout` out. The reader is chosen by content, never by file name."""

from __future__ import annotations

import ctypes
import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import MinutesError
from ..layout import Layout, Para

if TYPE_CHECKING:
    from .decoding import DecodedText

MAX_BYTES = 50 * 1024 * 1024  # minutes are rarely over 5 MB; 50 MB leaves room for embedded images


def sniff(data: bytes) -> str:
    """The format of `data` by its content: docx, pdf, html, markdown or text.

    Raises MinutesError for content that is not a minutes document at all.
    """
    return _sniff(data)[0]


def _sniff(data: bytes) -> tuple[str, DecodedText | None]:
    """The format, and for text formats how the bytes decode (the text itself is made as it is read)."""
    head = data[:1024]
    if not data or data.isspace():  # (data.strip() would copy an enormous file)
        raise MinutesError("the file is empty")
    if head.lstrip(b"\r\n\t \x00\xef\xbb\xbf").startswith(b"%PDF-") or b"%PDF-" in head:
        return "pdf", None
    if head.startswith(b"PK\x03\x04"):
        return "docx", None  # the docx reader says so if the archive is some other zip
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise MinutesError(
            "this is an old Word 97-2003 (.doc) file or another Office binary; "
            "open it in Word or LibreOffice and save it as .docx"
        )
    if head.startswith(b"{\\rtf"):
        raise MinutesError("this is a Rich Text (.rtf) file; save it as .docx or PDF")
    for magic, what in _BINARY_MAGIC:
        if head.startswith(magic):
            raise MinutesError(f"this is {what}, not a minutes document")
    from .decoding import DecodedText
    from .text import SNIFF_CHARS, looks_like_html, looks_like_markdown

    decoded = DecodedText.of(data)
    start = decoded.head(SNIFF_CHARS)
    if looks_like_html(start):
        return "html", decoded
    if looks_like_markdown(start):
        return "markdown", decoded
    return "text", decoded


_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)


def read(data: bytes) -> Layout:
    """Read any supported document into a Layout, choosing the reader by content."""
    if len(data) > MAX_BYTES:
        raise MinutesError(
            f"the file is {len(data) / 1048576:.0f} MB; the limit is {MAX_BYTES // 1048576} MB"
        )
    return _typed_bullets(_read(data))


def _read(data: bytes) -> Layout:
    kind, decoded = _sniff(data)
    # Heavy parsers are imported only when a document of their kind arrives.
    if kind == "pdf":
        from .pdf import read_pdf

        try:
            return read_pdf(data)
        finally:
            _give_back_memory()
    if kind == "docx":
        from .docx import read_docx

        try:
            return read_docx(data)
        finally:
            _give_back_memory()
    assert decoded is not None
    if kind == "html":
        from .html import read_decoded_stream as read_html_stream

        return read_html_stream(decoded)
    from .text import read_decoded_stream

    return read_decoded_stream(decoded, markdown=kind == "markdown")


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None  # not glibc: nothing to do
    return trim


def _give_back_memory() -> None:
    """Return the heap libxml2 and PDFium freed to the system (glibc keeps it otherwise).

    A worker that imports years of minutes reads thousands of files in one process: without this
    its resident memory climbs by megabytes a Word file to a high-water mark of over 100 MB
    (measured by bench/extract.py); with it, it stays near what one file needs. Trimming costs
    a fraction of a millisecond.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_BULLET_CHARS = re.compile(
    r"^[\u00b7\u2022\u25aa\u25cf\u25e6\u2023\u2043\u25a0\uf0b7\uf0a7o\u2013-]\s+(?=\S)"
)


def _typed_bullets(layout: Layout) -> Layout:
    """A paragraph that starts with a typed bullet ('· Sam P to write ...') is a list entry, in every format."""
    for block in layout.blocks:
        paras = (
            [block] if isinstance(block, Para) else [p for row in block.rows for c in row for p in c.paras]
        )
        for para in paras:
            m = _BULLET_CHARS.match(para.text)
            if m and (para.text[0] not in "o-\u2013" or len(para.text) > 3):
                para.text = para.text[m.end() :]
                para.list_item = True
    return layout
