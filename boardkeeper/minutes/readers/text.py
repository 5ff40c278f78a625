"""Plain text and markdown reader.

Handles what minutes arrive as when they are not Word or PDF: markdown pages
(front matter, headings, pipe tables, bullets, **bold** lines), text exports of
Word tables (tab-separated cells, sometimes with HTML inside), and
`pdftotext -layout` output (wrapped lines, form feeds between pages).

An enormous file is read as a stream, a line at a time as it is decoded, and only its start is kept
(MAX_CHARS, MAX_LINES; docs/benchmarks.md, 'An enormous text file').
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator

from ..errors import MinutesError
from ..layout import LIST_MARKER, Block, Cell, Layout, Para, Table
from .decoding import DecodedText, clean_text

_HTML_DOC = re.compile(r"<(!doctype\s+html|html[\s>]|body[\s>]|head[\s>])", re.I)
_HTML_TAG = re.compile(r"</?(p|div|table|tr|td|h[1-6]|span|br|li|ul|ol|b|i|u|strong|em|a)\b[^>]*>", re.I)


def _tab_rows(text: str) -> int:
    """Lines that read as rows of a tab-separated table (not indentation)."""
    return sum(
        1
        for line in text.splitlines()
        if line[:1] not in ("", "\t", " ") and sum(1 for c in line.split("\t") if c.strip()) >= 2
    )


SNIFF_CHARS = 200_000  # how much of the text tells HTML and markdown from plain text


def looks_like_html(text: str) -> bool:
    head = text[:SNIFF_CHARS]
    if _HTML_DOC.search(head):
        return True
    tags = len(_HTML_TAG.findall(head))
    # A tab-separated export carries HTML inside its cells but is a table, not a page.
    return tags >= 10 and _tab_rows(head) * 10 < tags


def looks_like_markdown(text: str) -> bool:
    head = text[:SNIFF_CHARS]
    signs = (
        len(re.findall(r"(?m)^#{1,6} \S", head))
        + len(re.findall(r"(?m)^\s*\|.*\|\s*$", head))
        + len(re.findall(r"\*\*[^*\n]+\*\*", head))
        + len(re.findall(r"(?m)^\d+\\\.", head))
        + (5 if head.startswith("---\n") else 0)
    )
    return signs >= 3


# ---------------------------------------------------------------- reading

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_BULLET = re.compile(r"^(\s*)(?:[-*+\u2022\u25cf\u25aa\u2023\u2043o]|\d+[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?[-=]{3,}:?\s*(\|\s*:?[-=]{3,}:?\s*)*\|?\s*$")
_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*|[a-z]|[ivx]{1,5})[.)]\s+\S", re.I)
_KRAMDOWN_ATTR = re.compile(r"^\s*\{:.*\}\s*$")


def read_text(data: bytes, *, markdown: bool) -> Layout:
    return read_decoded_stream(DecodedText.of(data), markdown=markdown)


def read_decoded_text(text: str, warning: str | None, *, markdown: bool) -> Layout:
    """Text already in memory (tests, and callers that made it themselves)."""
    return _read(lambda: iter((text,)), warning, markdown=markdown)


def read_decoded_stream(decoded: DecodedText, *, markdown: bool) -> Layout:
    """A file's text read line by line as it is decoded: the text is never held whole.

    What the reader keeps is the layout; besides it, a few lines at a time (a table's rows only as
    blocks). Three passes over the bytes, each decoding a quarter of a megabyte at a time: front
    matter (only when the file opens with '---'), each page's wrap width, then the lines themselves.
    Each stops at MAX_CHARS or MAX_LINES.
    """
    return _read(decoded.chunks, decoded.warning, markdown=markdown)


# What the reader keeps of an enormous file: a board's minutes are some hundreds of lines and some
# tens of thousands of characters; these are a hundred times that (and as much as the page beside an
# import shows, minutes/source_text.py). A layout takes two to four times its text in memory and the
# extraction as much again, so reading stops at these, with a warning, and the engine stays under
# its 100 MB on a 50 MB file (docs/benchmarks.md, 'An enormous text file').
MAX_CHARS = 1_000_000  # characters, line breaks included
MAX_LINES = 100_000  # lines and table cells (each is an object or two in the layout, however short)


def _read(chunks: Callable[[], Iterator[str]], warning: str | None, *, markdown: bool) -> Layout:
    layout = Layout(format="markdown" if markdown else "text")
    if warning:
        layout.warnings.append(warning)
    cut: list[int] = []  # where the main pass stopped, when it stopped at the limits

    def whole(cut: list[int] | None = None) -> Iterator[str]:
        return _lines(chunks(), cut)

    if _starts_with(chunks(), "---\n"):
        body, front = _split_front_matter(whole)
    else:
        body, front = whole, []
    blocks = layout.blocks
    for key, value in front:
        blocks.append(Para(f"{key}: {value}" if value else key, list_item=False))
    widths = _page_widths(_paged(body(None)))
    stream = _paged(body(cut))
    for number, width in enumerate(widths, start=1):
        page = _Lines(_page(stream))
        _read_lines(page, width, blocks, page=number if len(widths) > 1 else None, markdown=markdown)
    layout.pages = len(widths)
    if cut:
        layout.warnings.append(
            f"the document is too long to read whole: only its first {cut[0]:,} characters were read"
            f" (the limits are {MAX_CHARS:,} characters and {MAX_LINES:,} lines and table cells)"
        )
    if not any(isinstance(b, Table) or b.text for b in blocks):
        raise MinutesError("the document has no text")
    return layout


def _lines(chunks: Iterable[str], cut: list[int] | None = None) -> Iterator[str]:
    """The text's lines, as `text.split("\n")` gives them (an empty last one after a final line break).

    They stop at MAX_CHARS characters (a line that goes past it is cut short) or MAX_LINES lines
    and table cells; then the number of characters given is appended to `cut`.
    """
    chars = count = 0  # characters given (line breaks included), lines and table cells given
    pending: list[str] = []  # the start of a line that goes on in the next chunk
    size = 0  # its length
    for chunk in chunks:
        if "\n" not in chunk:
            pending.append(chunk)
            size += len(chunk)
            if chars + size > MAX_CHARS:
                break
            continue
        parts = chunk.split("\n")
        if pending:
            pending.append(parts[0])
            parts[0] = "".join(pending)
        last = parts.pop()
        for line in parts:
            chars += len(line) + 1
            count += 1 + line.count("\t")
            if chars > MAX_CHARS or count > MAX_LINES:
                chars -= len(line) + 1
                if count <= MAX_LINES:  # a line that goes past MAX_CHARS: its start
                    line = line[: MAX_CHARS - chars]
                    yield line
                    chars += len(line)
                if cut is not None:
                    cut.append(chars)
                return
            yield line
        pending, size = [last], len(last)
    line = "".join(pending)  # the last line, or one that goes past MAX_CHARS
    pending.clear()
    fits = count + 1 + line.count("\t") <= MAX_LINES
    if fits and chars + len(line) <= MAX_CHARS:
        yield line
        return
    if fits:  # too long: its start
        line = line[: MAX_CHARS - chars]
        yield line
        chars += len(line)
    if cut is not None:
        cut.append(chars)


def _paged(lines: Iterable[str]) -> Iterator[str | None]:
    """The lines with None between pages (a form feed parts two pages, within a line too)."""
    for line in lines:
        if "\f" in line:
            parts = line.split("\f")
            yield parts[0]
            for part in parts[1:]:
                yield None
                yield part
        else:
            yield line


def _page(stream: Iterator[str | None]) -> Iterator[str]:
    """The stream's lines up to the end of the page (the None after it is taken too)."""
    for line in stream:
        if line is None:
            return
        yield line


class _Lines:
    """A page's lines, read from a stream as the reader asks for them; those it has left behind are let go.

    `get(i)` is line i, or None past the page's end. The reader asks for the line before the current
    one and lines ahead of it, never further back, so `release(i)` lets go of every line before i.
    """

    __slots__ = ("_base", "_buf", "_it")

    def __init__(self, it: Iterator[str]) -> None:
        self._it = it
        self._buf: list[str] = []
        self._base = 0  # the line number of _buf[0]

    def get(self, i: int) -> str | None:
        k = i - self._base
        buf = self._buf
        while k >= len(buf):
            line = next(self._it, None)
            if line is None:
                return None
            buf.append(line)
        return buf[k]

    def release(self, i: int) -> None:
        k = i - self._base
        if k > 256:  # in batches: deleting from the front of a list moves the rest
            del self._buf[:k]
            self._base = i


def _split_front_matter(
    whole: Callable[[list[int] | None], Iterator[str]],
) -> tuple[Callable[[list[int] | None], Iterator[str]], list[tuple[str, str]]]:
    """Front matter as metadata lines; block scalars in it (a page body kept in YAML) become the body.

    Front matter is the lines between a first line '---' and the next line '---' that has a line
    break after it (the third line at the earliest). `whole()` gives the text's lines; returns the
    body's lines (a new iterator each call) and the metadata.
    """
    end = _front_matter_end(whole(None))
    if end is None:
        return whole, []
    lines = list(itertools.islice(whole(None), 1, end))
    meta: list[tuple[str, str]] = []
    bodies: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        km = re.match(r"^([A-Za-z_][\w-]*):\s*(.*)$", line)
        i += 1
        if not km:
            continue
        key, value = km.group(1), km.group(2).strip()
        if value[:1] in ("|", ">"):
            block: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
            bodies.append("\n".join(b[indent:] for b in block))
        elif value:
            meta.append((key, value.strip("\"'")))
    head = "\n\n".join(bodies).split("\n")

    def body(cut: list[int] | None = None) -> Iterator[str]:
        return itertools.chain(head, itertools.islice(whole(cut), end + 1, None))

    return body, [("front-matter " + k, v) for k, v in meta]


def _starts_with(chunks: Iterator[str], prefix: str) -> bool:
    start = ""
    for chunk in chunks:
        start += chunk[: len(prefix)]
        if len(start) >= len(prefix):
            break
    return start.startswith(prefix)


def _front_matter_end(lines: Iterator[str]) -> int | None:
    """The number of the line '---' that closes front matter, or None."""
    previous = ""
    for number, line in enumerate(lines):
        if number >= 3 and previous == "---":
            return number - 1
        previous = line
    return None


def _read_lines(lines: _Lines, width: int, blocks: list[Block], *, page: int | None, markdown: bool) -> None:
    """Reads one page's lines into blocks; `width` is the width its text was wrapped at (0: none)."""
    para: list[str] = []
    para_list = False
    prev_indent = 0
    entry_per_line = False

    def flush() -> None:
        nonlocal para, para_list
        if para:
            joined = " ".join(para)
            block = _make_para(joined, list_item=para_list)
            block.quoted = joined.startswith(">")
            block.page = page
            blocks.append(block)
        para, para_list = [], False

    def add(block: Block) -> None:
        block.page = page
        blocks.append(block)

    i = 0
    while (raw := lines.get(i)) is not None:
        lines.release(i - 1)
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or _KRAMDOWN_ATTR.match(stripped) or stripped in ("---", "***", "___"):
            entry_per_line = False  # 'Attendees:' then one name a line, until a blank line
            flush()
            i += 1
            continue
        # Pipe table (markdown) or tab-separated table (a Word table saved as text)
        if stripped.startswith("|") and _MD_TABLE_RULE.match(lines.get(i + 1) or ""):
            flush()
            i = _pipe_table(lines, i, add)
            continue
        if "\t" in line and len(stripped.split("\t")) >= 2 and not _numbered_tab(stripped):
            flush()
            i = _tab_table(lines, i, add)
            continue
        if "\t" in stripped:
            line = raw = " ".join(stripped.split("\t"))  # '1.<tab>Matters arising': a number and its title
            stripped = line.strip()
        if not markdown and _aligned_columns(line) >= 3:
            flush()
            i = _aligned_table(lines, i, add)
            continue
        hm = _MD_HEADING.match(line)
        if hm:
            flush()
            add(_make_para(hm.group(2), heading=len(hm.group(1))))
            i += 1
            continue
        hard_break = raw.endswith("\\") or raw.endswith("  ")
        if not markdown and "    " in stripped and _COLUMN_GAP.search(_NUMBER_GAP.sub(r"\1 ", stripped)):
            flush()  # a line laid out in columns is a row of its own, never part of a sentence
            hard_break = True
        emphasis = _is_whole_emphasis(stripped) if ("*" in stripped or "_" in stripped) else False
        bullet = _BULLET.match(line)
        numbered_any = _NUMBERED.match(line.replace("\\.", "."))
        caps = _is_caps_heading(stripped)
        starts_block = bool(bullet) or bool(numbered_any) or caps or bool(_LABEL_LINE.match(stripped))
        if starts_block or emphasis or stripped.startswith(">"):
            flush()
            numbered = bool(numbered_any) and "\\." not in line  # an escaped '1\\.' is not a list
            para_list = (bool(bullet) and not numbered) or (
                markdown and numbered and _in_numbered_run(lines, i)
            )
        elif (
            para
            and (entry_per_line or (not markdown and _ends_line(para[-1], width)))
            and not _continues(para[-1], prev_indent, raw)
        ):
            flush()
        line_text = stripped.rstrip("\\").strip()
        # a wide gap inside a line parts two columns ('Zara Pemberton      Panel Administrator')
        if not markdown and "  " in line_text:
            # '1.    Welcome': the gap after a number is no column
            line_text = _COLUMN_GAP.sub(", ", _NUMBER_GAP.sub(r"\1 ", line_text))
        para.append(line_text)
        entry_per_line = entry_per_line or bool(_LABEL_ALONE.match(stripped))
        prev_indent = len(raw) - len(raw.lstrip())
        if hard_break or emphasis or caps or (numbered_any and _is_heading_line(stripped)):
            flush()
        i += 1
    flush()


# A line that opens with a label ('Action:', 'Present:', 'ACTION –', 'Apologies:') starts a paragraph of its own.
_LABEL_LINE = re.compile(
    r"^(?:\*\*)?(?:ACTION\b|(?:[A-Z][A-Za-z'\u2019]*)(?:\s+[A-Za-z'\u2019]+){0,3}\s*:(?!//)\s)",
)


def _is_caps_heading(s: str) -> bool:
    """'ITEM 3 MATTERS ARISING', 'NEW ACTIONS': a short line in capitals is a heading of its own."""
    if len(s) > 90 or not s.isupper() or " " not in s.strip():
        return False  # str.isupper is one C call; most lines leave here
    return sum(c.isalpha() for c in s) >= 6


_LABEL_ALONE = re.compile(r"^(?:\*\*)?[A-Z][A-Za-z ()']{2,40}:(?:\*\*)?$")
_NUMBER_GAP = re.compile(r"^((?:item\s+|minute\s+)?\(?[\dA-Za-z]{1,3}(?:[./]\d{1,4})*[.):]?)\s{2,}", re.I)
_COLUMN_GAP = re.compile(r"(?<=[^\s:,;|])\s{4,}(?=\S)")
_GAP = re.compile(r"\S(?:\S| (?! ))*")


def _segments(line: str) -> list[tuple[int, str]]:
    """(column, text) of each run of text in a line, runs parted by two or more spaces."""
    return [(m.start(), m.group(0)) for m in _GAP.finditer(line)]


def _aligned_columns(line: str) -> int:
    """How many columns a space-aligned line has (pdftotext -layout tables, typed tables)."""
    if "  " not in line.strip():
        return 0  # no run of spaces inside the line: no columns
    segs = _segments(line)
    if len(segs) < 3 or any(len(t) > 60 for _, t in segs):
        return 0
    return len(segs)


def _aligned_table(lines: _Lines, i: int, add: Callable[[Block], None]) -> int:
    """A table laid out with spaces: columns from its first line, wrapped cells rejoined.

    A line whose first column is empty and which starts in lower case carries on the row above
    (a wrapped cell); one that starts with a capital is a new row with an empty first cell.
    """
    starts = [c for c, _ in _segments(lines.get(i) or "")]
    rows: list[list[list[str]]] = []
    while (line := lines.get(i)) is not None and line.strip():
        segs = _segments(line.rstrip())
        if segs[0][0] < starts[0] - 2 or (len(segs) == 1 and len(segs[0][1]) > 70):
            break  # text back at the margin: the table is over
        cells: list[list[str]] = [[] for _ in starts]
        for col, text in segs:
            k = max((n for n, st in enumerate(starts) if st <= col + 2), default=0)
            cells[k].append(text)
        continues = not cells[0] and rows and next((t for c in cells for t in c), "")[:1].islower()
        if continues:
            for k, texts in enumerate(cells):
                rows[-1][k].extend(texts)
        else:
            rows.append(cells)
        i += 1
    add(Table([[Cell([Para(clean_text(" ".join(c)))] if c else []) for c in row] for row in rows]))
    return i


def _page_widths(lines: Iterable[str | None]) -> list[int]:
    """Each page's wrap width (`_wrap_width`), from the lengths of its lines counted in one pass."""
    widths: list[int] = []
    counts = [0] * (_WIDEST + 2)  # lines by length; the last counts every line longer than _WIDEST
    for line in lines:
        if line is None:
            widths.append(_wrap_width(counts))
            counts = [0] * (_WIDEST + 2)
        elif "|" not in line and "\t" not in line:
            length = len(line.rstrip())
            if length:
                counts[min(length, _WIDEST + 1)] += 1
    widths.append(_wrap_width(counts))
    return widths


_WIDEST = 140  # text wrapped wider than this is taken for unwrapped


def _wrap_width(counts: list[int]) -> int:
    """The width text was wrapped at: the longer lines' typical length (0 when lines are not wrapped).

    `counts[n]` is how many of the page's lines (not blank, not table rows) are n characters long.
    """
    total = sum(counts)
    if total < 8:
        return 0
    rank = int(total * 0.9)  # the 90th percentile: the rank-th length, counted from 0, shortest first
    seen = 0
    for length, count in enumerate(counts):
        seen += count
        if seen > rank:
            return length if length <= _WIDEST else 0
    return 0  # pragma: no cover - seen reaches total > rank


def _ends_line(previous: str, width: int) -> bool:
    """Whether a line ends its paragraph: short lines in wrapped text, or any line in unwrapped text."""
    if not width:
        return True
    return len(previous) < width * 0.6


def _in_numbered_run(lines: _Lines, i: int) -> bool:
    """'1. ... / 2. ... / 3. ...' on consecutive lines is a markdown list, not a run of headings."""
    near = [lines.get(j) for j in (i - 1, i + 1) if j >= 0]
    return any(_NUMBERED.match(n) for n in near if n is not None)


def _continues(previous: str, indent: int, line: str) -> bool:
    """A line that carries on the one before: it ends mid-phrase, or the next line hangs indented under it."""
    return previous.endswith(("-", "\u2013", "\u2014", ",")) or len(line) - len(line.lstrip()) > indent + 2


_BOLD_LINE = re.compile(r"(\*\*|__)[^*_].*(\*\*|__):?|\*[^*].*\*")


def _is_whole_emphasis(s: str) -> bool:
    return bool(_BOLD_LINE.fullmatch(s.rstrip("\\").strip()))


def _is_heading_line(s: str) -> bool:
    """A short numbered line with no sentence in it ('5. Roadmap') is a heading, never the start of prose."""
    s = s.replace("\\.", ".").rstrip("\\").strip()
    m = _NUMBERED.match(s)
    if not m:
        return False
    return len(s) <= 90 and not re.search(r"[.;]\s*$", s[m.end() - 1 :])


def _make_para(raw: str, *, heading: int = 0, list_item: bool = False) -> Para:
    text = raw.replace("\\.", ".").replace("\\", "")
    bold = _is_whole_emphasis(text)
    if list_item:
        text = _BULLET.sub("", text, count=1)
    text = re.sub(r"^>\s*", "", text)
    text = _strip_inline_markdown(text)
    return Para(clean_text(text), heading=heading, bold=bold and not heading, list_item=list_item)


_INLINE_MD = [
    (
        re.compile(r"!?\[([^\[\]\n]*)\]\([^()\n]*\)"),
        r"\1",
    ),  # images and links keep their text (linear: no nesting)
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
]


def _strip_inline_markdown(text: str) -> str:
    if not any(c in text for c in "[*_`"):
        return text
    for pattern, repl in _INLINE_MD:
        text = pattern.sub(repl, text)
    return text


def _cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _pipe_table(lines: _Lines, i: int, add: Callable[[Block], None]) -> int:
    rows = [[Cell([_make_para(c)]) for c in _cells(lines.get(i) or "")]]
    i += 2
    while (line := lines.get(i)) is not None and line.strip().startswith("|"):
        if not _MD_TABLE_RULE.match(line):
            rows.append([Cell([_make_para(c)] if c else []) for c in _cells(line)])
        i += 1
    add(Table(rows))
    return i


def _numbered_tab(line: str) -> bool:
    """'1.<tab>Matters arising': a tab after a number or bullet, not between the cells of a table."""

    parts = [p for p in line.split("\t") if p.strip()]
    return len(parts) == 2 and bool(LIST_MARKER.match(parts[0].strip()))


def _tab_table(lines: _Lines, i: int, add: Callable[[Block], None]) -> int:
    """Consecutive tab-separated lines as one table; a cell's HTML is read into paragraphs."""
    from .html import fragment_paras

    rows: list[list[Cell]] = []
    while (line := lines.get(i)) is not None and "\t" in line and line.strip():
        row: list[Cell] = []
        for raw in line.split("\t"):
            raw = raw.strip()
            if "<" in raw and ">" in raw:
                row.append(Cell(fragment_paras(raw)))
            else:
                row.append(Cell([Para(clean_text(raw))] if raw.strip() else []))
        rows.append(row)
        i += 1
    add(Table(rows))
    return i
