"""An enormous text, markdown or HTML file (issue 12): read as a stream, and only so much of it.

The text reader decodes a file a chunk at a time and reads it line by line, so the text is never
held whole; it keeps at most `MAX_CHARS` characters and `MAX_LINES` lines and table cells, and says
so in a warning; the HTML reader parses at most `MAX_MARKUP_CHARS` of a page. These tests check
what is read (never how long it takes or how much memory: bench/large.py measures those). Big
inputs are made here at run time, not committed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkeeper.minutes import MinutesError, extract
from boardkeeper.minutes.layout import Layout, Para, Table
from boardkeeper.minutes.readers import MAX_BYTES, decoding, html, read, sniff, text
from boardkeeper.minutes.readers.decoding import DecodedText, decode
from boardkeeper.minutes.readers.text import read_decoded_text

SEED_TEXT = (Path(__file__).parent / "fixtures" / "warwickshire-executive-board-2022-02-23.txt").read_bytes()
TOO_LONG = "the document is too long to read whole"


def _repeated(unit: bytes, size: int) -> bytes:
    return unit * (size // len(unit))


def _shape(layout: Layout) -> list[object]:
    return [*map(repr, layout.blocks), layout.warnings, layout.pages, layout.format]


# ------------------------------------------------------------- at full size


def test_a_45_mb_text_file_reads_its_start_and_says_so() -> None:
    big = _repeated(SEED_TEXT, 45 * 1024 * 1024)
    assert len(big) < MAX_BYTES
    one, many = extract(SEED_TEXT, "one.txt"), extract(big, "big.txt")
    assert many.source.format == "text"
    assert TOO_LONG in " ".join(many.warnings) and not one.warnings
    # the first meeting lies well within what is read: it is read as it is alone
    assert many.meeting == one.meeting
    assert [p.name for p in many.people] == [p.name for p in one.people]
    assert [i.title for i in many.items] == [i.title for i in one.items]


def test_one_line_of_45_mb_is_cut_to_the_limit() -> None:
    line = _repeated(b"The board agreed the budget for the year. ", 45 * 1024 * 1024)
    layout = read(line)
    assert len(layout.blocks) == 1
    block = layout.blocks[0]
    assert isinstance(block, Para)
    assert len(block.text) <= text.MAX_CHARS and block.text.startswith("The board agreed the budget")
    assert layout.warnings == [
        f"the document is too long to read whole: only its first {text.MAX_CHARS:,} characters were read"
        f" (the limits are {text.MAX_CHARS:,} characters and {text.MAX_LINES:,} lines and table cells)"
    ]


def test_many_tiny_lines_stop_at_the_line_limit() -> None:
    layout = read(_repeated(b"a\nbc\n\nd e\n\n", 45 * 1024 * 1024))
    assert TOO_LONG in layout.warnings[0]
    assert [b.text for b in layout.blocks[:3] if isinstance(b, Para)] == ["a", "bc", "d e"]
    assert len(layout.blocks) <= text.MAX_LINES


def test_a_45_mb_page_of_html_reads_its_start() -> None:
    body = _repeated(b"<h2>Item</h2><p>The board <b>agreed</b> the budget.</p>", 45 * 1024 * 1024)
    layout = read(b"<!DOCTYPE html><html><body>" + body + b"</body></html>")
    assert layout.format == "html"
    assert layout.warnings == [
        f"the page is too long to read whole: only its first {html.MAX_MARKUP_CHARS:,} characters were read"
    ]
    assert [b.text for b in layout.blocks[:2] if isinstance(b, Para)] == [
        "Item",
        "The board agreed the budget.",
    ]


def test_an_enormous_file_of_spaces_is_empty() -> None:
    with pytest.raises(MinutesError, match="empty"):
        sniff(b" \n\t" * (10 * 1024 * 1024))


# ------------------------------------------------------------- the limits, made small


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "MAX_CHARS", 100)
    monkeypatch.setattr(text, "MAX_LINES", 10)
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 16)


@pytest.mark.usefixtures("small_limits")
def test_within_the_limits_nothing_is_left_out() -> None:
    data = b"Minutes\n\nPresent: A Person\n\n1. Welcome\n\nThe chair opened the meeting.\n"  # 74 characters
    layout = read(data)
    assert not layout.warnings
    assert [b.text for b in layout.blocks if isinstance(b, Para)] == [
        "Minutes",
        "Present: A Person",
        "1. Welcome",
        "The chair opened the meeting.",
    ]


@pytest.mark.usefixtures("small_limits")
def test_a_line_that_crosses_the_character_limit_is_cut_there() -> None:
    layout = read(b"Minutes\n\n" + b"word " * 40 + b"\nnever read\n")
    assert [b.text for b in layout.blocks if isinstance(b, Para)] == ["Minutes", ("word " * 40)[:91].strip()]
    assert "only its first 100 characters were read" in layout.warnings[0]


@pytest.mark.usefixtures("small_limits")
def test_table_cells_count_towards_the_line_limit() -> None:
    rows = b"".join(b"a%d\tb\tc\n" % n for n in range(10))  # three cells a row
    layout = read(b"Item\tOwner\tDue\n" + rows)
    (table,) = layout.blocks
    assert isinstance(table, Table)
    assert len(table.rows) == 3  # the header and two rows, nine cells: the next row would pass ten
    assert TOO_LONG in layout.warnings[0]


@pytest.mark.usefixtures("small_limits")
def test_pages_after_the_limit_are_not_counted() -> None:
    layout = read(b"One\fTwo\f" + b"x\n" * 50 + b"\fFour")
    assert layout.pages == 3
    assert [(b.text, b.page) for b in layout.blocks[:2] if isinstance(b, Para)] == [("One", 1), ("Two", 2)]


# ------------------------------------------------------------- decoding a chunk at a time


@pytest.fixture
def tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 3)


@pytest.mark.usefixtures("tiny_chunks")
def test_a_line_break_split_between_chunks_is_one() -> None:
    for data in (b"ab\r\ncd\r\n\r\nef", b"a\r\n\r\n\r\nb\rc"):
        assert DecodedText.of(data).text() == data.decode().replace("\r\n", "\n").replace("\r", "\n")
        assert list(DecodedText.of(data).chunks()) != [DecodedText.of(data).text()]  # it was chunked


@pytest.mark.usefixtures("tiny_chunks")
def test_one_byte_that_is_not_utf8_at_the_very_end_makes_the_whole_file_windows_1252() -> None:
    data = "Caf\u00e9 minutes \u2013 agreed\n".encode() * 100 + b"\x92"
    decoded, warning = decode(data)
    assert warning == "the text is not UTF-8; it was read as Windows-1252"
    assert decoded == data.decode("cp1252", errors="replace")


@pytest.mark.usefixtures("tiny_chunks")
def test_utf16_broken_at_the_very_end_is_refused() -> None:
    data = ("Minutes of the board\n" * 5).encode("utf-16") + b"x"  # an odd number of bytes
    with pytest.raises(MinutesError, match="says it is UTF-16"):
        read(data)


@pytest.mark.usefixtures("tiny_chunks")
def test_characters_split_between_chunks_are_whole() -> None:
    for codec in ("utf-8", "utf-16"):
        data = ("\U0001f600 \u00e9t\u00e9 \u2019x\u200b\n" * 5).encode(codec)
        assert DecodedText.of(data).text() == data.decode(codec).replace("\u200b", "")


LINES = st.sampled_from(
    [
        "",
        "   ",
        "Minutes of the board",
        "Present:",
        "Jane Smith (Chair)",
        "1. Welcome",
        "2.\tMatters arising",
        "ACTION: JS to write to the council",
        "Item\tDiscussion\tOwner",
        "3\t<p>Budget <b>agreed</b></p>\tJS",
        "| a | b |",
        "|---|---|",
        "## Heading",
        "**Decisions**",
        "- a bullet",
        "Name          Role          Organisation",
        "a line that is wrapped at some width and goes on to the",
        "next line, where it ends.",
        "---",
        "title: Board",
        "body: |",
        "  Indented body text",
        "\f",
        "r\u00e9sum\u00e9 \u2019quoted\u2019 \u200bx",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINES, max_size=40), crlf=st.booleans(), markdown=st.booleans())
def test_reading_a_chunk_at_a_time_is_reading_it_whole(
    monkeypatch: pytest.MonkeyPatch, lines: list[str], crlf: bool, markdown: bool
) -> None:
    """Chunks of 5 bytes (lines, line breaks and characters split anywhere) read as the whole text does."""
    source = ("\r\n" if crlf else "\n").join(lines)
    data = source.encode()
    whole_text, warning = decode(data)
    try:
        whole = _shape(read_decoded_text(whole_text, warning, markdown=markdown))
    except MinutesError as exc:
        whole = [str(exc)]
    monkeypatch.setattr(decoding, "CHUNK_BYTES", 5)
    try:
        streamed = _shape(text.read_decoded_stream(DecodedText.of(data), markdown=markdown))
    except MinutesError as exc:
        streamed = [str(exc)]
    assert streamed == whole
