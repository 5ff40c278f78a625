"""Read a PDF into a `Layout` with pdfplumber.

A PDF has no paragraphs or tables, only positioned glyphs and ruling lines, so
both are reconstructed: ruled tables with pdfplumber's table finder, and
paragraphs (outside tables and inside every cell) from the vertical rhythm of
the text lines, since a gap larger than the usual line pitch is where a
paragraph ends.

The reader works in two passes. The first reads each page into lines and table
grids (then releases the page), collecting the document's usual line pitch and
the lines at the top and bottom edge of each page. The second drops the lines
that repeat on most pages (running headers, page numbers) and builds the
blocks. Tables split across pages are not rejoined here; the extraction layer
does that for every format alike.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice, pairwise
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect, PDFXRefFallback
from pdfminer.pdfpage import PDFPage
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import MinutesError
from ..layout import Block, Cell, Layout, Para, Table

MAX_PAGES = 500
MAX_PAGE_EDGES = 5000  # table finding is super-linear in ruling lines; a chart page can hold thousands
PARA_GAP = 1.3  # a line pitch this many times the usual one starts a new paragraph
EDGE_BAND = 0.08  # top and bottom 8% of the page: where running headers and page numbers live

DAMAGED = "the PDF is damaged or incomplete (it could not be read)"
PASSWORD = "the PDF is password-protected; remove the password and try again"
SCANNED = "the PDF has no text layer (it looks scanned); run it through OCR first or supply the Word version"
_BULLET = re.compile(r"^[-–—•●▪■◦○·*\uf0a7\uf0b7\uf0d8\uf076\uf0fc]\s+")
_NUMBERED = re.compile(r"^(\d{1,3}(\.\d{1,3})*[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\))\s")
_PAGE_NUMBER = re.compile(r"^(page\s*)?[-–]?\s*\d{1,4}\s*[-–]?(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)


@dataclass(slots=True)
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    underline: bool = False


@dataclass(slots=True)
class _Line:
    words: list[_Word]
    top: float
    bottom: float
    size: float
    text: str = ""
    bold: bool = False


# A table row in pass 1: each cell's lines, or None for a grid slot no cell starts in.
_DraftRow = list[list[_Line] | None]


@dataclass(slots=True)
class _TableDraft:
    top: float
    rows: list[_DraftRow]


@dataclass(slots=True)
class _Page:
    number: int
    height: float
    lines: list[_Line] = field(default_factory=list)  # outside tables
    tables: list[_TableDraft] = field(default_factory=list)


def read_pdf(data: bytes) -> Layout:
    """Read PDF bytes into a Layout; every failure is a MinutesError."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else None
        if isinstance(cause, PDFPasswordIncorrect):
            raise MinutesError(PASSWORD) from exc
        if isinstance(cause, PDFEncryptionError):
            raise MinutesError(
                "the PDF is encrypted in a way that cannot be read; remove the encryption and try again"
            ) from exc
        raise MinutesError(DAMAGED) from exc
    except Exception as exc:
        raise MinutesError(DAMAGED) from exc
    try:
        with pdf:
            return _read(pdf, data[-2048:])
    except MinutesError:
        raise
    except RecursionError as exc:
        raise MinutesError("the PDF is nested too deeply to read (it may be damaged)") from exc
    except MemoryError as exc:
        raise MinutesError("the PDF is too large to read") from exc
    except Exception as exc:  # pdfminer raises many kinds of error on damaged files
        raise MinutesError(DAMAGED) from exc


def _read(pdf: Any, tail: bytes) -> Layout:
    # Count through the page tree before pdfplumber builds a Page for every page.
    if sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1)) > MAX_PAGES:
        raise MinutesError(f"the PDF has more than {MAX_PAGES} pages; minutes are never that long")
    warnings: list[str] = []
    if any(isinstance(x, PDFXRefFallback) for x in pdf.doc.xrefs):
        # pdfminer rebuilt a missing or broken index by scanning the file. With no
        # end-of-file marker either, the file was cut short: refuse rather than
        # return half the minutes as if they were all.
        if b"%%EOF" not in tail:
            raise MinutesError(
                "the PDF is incomplete (it looks cut short, perhaps by an interrupted download)"
            )
        warnings.append("the PDF's index was damaged; its text was recovered but may be incomplete")
    pages: list[_Page] = []
    saw_images = False
    for page in pdf.pages:
        saw_images = saw_images or bool(page.objects.get("image"))
        pages.append(_read_page(page, warnings))
        page.close()  # drop pdfplumber's per-page caches: memory stays flat
    if not any(p.lines or p.tables for p in pages):
        raise MinutesError(SCANNED if saw_images else "the PDF has no text layer (its pages contain no text)")
    for p in pages:
        if not (p.lines or p.tables):
            warnings.append(f"page {p.number} has no text layer (it may be a scanned image); it was skipped")
    pitch = _usual_pitch(pages)
    furniture = _furniture(pages)
    blocks: list[Block] = []
    for p in pages:
        blocks.extend(_blocks(p, pitch, furniture))
    return Layout(format="pdf", blocks=blocks, warnings=warnings, pages=len(pages))


# -- pass 1: one page into lines and table grids --------------------------------


def _read_page(page: Any, warnings: list[str]) -> _Page:
    out = _Page(number=page.page_number, height=float(page.height))
    words = [_word(w) for w in page.extract_words(return_chars=True) if w.get("upright", True)]
    words = [w for w in words if w.text.strip()]
    if not words:
        return out
    tables: list[Any] = []
    n_edges = len(page.lines) + len(page.rects) + len(page.curves)
    if n_edges > MAX_PAGE_EDGES:
        warnings.append(f"page {out.number} has too many drawn lines to look for tables; read as plain text")
    elif n_edges:
        tables = _real_tables(page.find_tables())
    _mark_underlines(words, _rules(page, tables))
    # Each word goes to the cell its centre falls in, or stays free text.
    grids = [_grid(t) for t in tables]
    cell_words: dict[tuple[int, int, int], list[_Word]] = {}
    free: list[_Word] = []
    for w in words:
        key = _locate(w, tables, grids)
        if key is None:
            free.append(w)
        else:
            cell_words.setdefault(key, []).append(w)
    out.lines = _lines(free)
    for ti, (table, grid) in enumerate(zip(tables, grids, strict=True)):
        if not any(k[0] == ti for k in cell_words):
            continue  # an empty grid: a box or signature panel, not a table of content
        rows: list[_DraftRow] = [
            [
                None if bbox is None else _lines(cell_words.get((ti, ri, ci), []))
                for ci, bbox in enumerate(row)
            ]
            for ri, row in enumerate(grid)
        ]
        out.tables.append(_TableDraft(top=float(table.bbox[1]), rows=_drop_spanned(rows, grid)))
    return out


def _word(w: dict[str, Any]) -> _Word:
    chars = w.get("chars") or []
    return _Word(
        text=w["text"],
        x0=float(w["x0"]),
        x1=float(w["x1"]),
        top=float(w["top"]),
        bottom=float(w["bottom"]),
        size=float(chars[0].get("size", 0)) if chars else float(w["bottom"] - w["top"]),
        bold=bool(chars) and all("bold" in str(c.get("fontname", "")).lower() for c in chars),
    )


def _real_tables(found: list[Any]) -> list[Any]:
    """Tables worth keeping: more than one cell (a lone box is a frame), not inside another table."""
    found = [t for t in found if len(t.cells) > 1]
    keep = []
    for i, t in enumerate(found):
        inside = any(
            j != i and _contains(o.bbox, t.bbox) and (_area(o.bbox) > _area(t.bbox) or j < i)
            for j, o in enumerate(found)
        )
        if not inside:
            keep.append(t)
    return keep


def _contains(outer: tuple[float, ...], inner: tuple[float, ...], tol: float = 1.0) -> bool:
    return (
        outer[0] - tol <= inner[0]
        and outer[1] - tol <= inner[1]
        and inner[2] <= outer[2] + tol
        and inner[3] <= outer[3] + tol
    )


def _area(b: tuple[float, ...]) -> float:
    return (b[2] - b[0]) * (b[3] - b[1])


def _grid(table: Any) -> list[list[tuple[float, float, float, float] | None]]:
    # pdfplumber aligns each row's cells to the table's distinct left edges, with
    # None where no cell starts: under a cell spanning columns or rows.
    return [list(row.cells) for row in table.rows]


def _locate(w: _Word, tables: list[Any], grids: list[list[list[Any]]]) -> tuple[int, int, int] | None:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    for ti, table in enumerate(tables):
        x0, top, x1, bottom = table.bbox
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        for ri, row in enumerate(grids[ti]):
            for ci, bbox in enumerate(row):
                if bbox is not None and bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]:
                    return ti, ri, ci
    return None


def _drop_spanned(rows: list[_DraftRow], grid: list[list[Any]]) -> list[_DraftRow]:
    """Drop the grid slots a horizontally merged cell covers; a slot covered from above stays, empty.

    That matches the Word reader: a merged cell appears once in its row, and
    the continuation of a vertically merged cell is an empty cell.
    """
    xs = sorted({bbox[0] for row in grid for bbox in row if bbox is not None})
    out: list[_DraftRow] = []
    for row, cells in zip(grid, rows, strict=True):
        kept: list[list[_Line] | None] = []
        reach = float("-inf")  # right edge of the last real cell in this row
        for ci, (bbox, lines) in enumerate(zip(row, cells, strict=True)):
            if bbox is not None:
                kept.append(lines)
                reach = bbox[2]
            elif ci >= len(xs) or reach <= xs[ci] + 1:
                kept.append([])  # covered from the row above
        if kept:
            out.append(kept)
    return out


def _rules(page: Any, tables: list[Any]) -> list[tuple[float, float, float]]:
    """Thin horizontal rules (x0, x1, y) that could be underlines: not table borders."""
    borders = {round(y) for t in tables for c in t.cells for y in (c[1], c[3])}
    rules = []
    for obj in (*page.lines, *page.rects):
        if abs(obj["bottom"] - obj["top"]) > 1.5 or obj["x1"] - obj["x0"] < 2:
            continue
        y = (obj["top"] + obj["bottom"]) / 2
        if round(y) in borders or round(y) - 1 in borders or round(y) + 1 in borders:
            continue
        rules.append((float(obj["x0"]), float(obj["x1"]), float(y)))
    return rules if len(rules) < 2000 else []  # a drawing, not underlining


def _mark_underlines(words: list[_Word], rules: list[tuple[float, float, float]]) -> None:
    if not rules:
        return
    for w in words:
        # An underline sits a little below the baseline, i.e. near the bottom of the glyph box.
        low, high = w.bottom - 0.35 * w.size, w.bottom + 0.3 * w.size
        covered = sum(max(0.0, min(x1, w.x1) - max(x0, w.x0)) for x0, x1, y in rules if low <= y <= high)
        w.underline = covered >= 0.8 * (w.x1 - w.x0)


def _lines(words: list[_Word]) -> list[_Line]:
    """Group words into visual lines: words whose vertical extents mostly overlap."""
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines:
            cur = lines[-1]
            overlap = min(cur.bottom, w.bottom) - max(cur.top, w.top)
            if overlap >= 0.5 * min(cur.bottom - cur.top, w.bottom - w.top):
                cur.words.append(w)
                cur.top, cur.bottom = min(cur.top, w.top), max(cur.bottom, w.bottom)
                continue
        lines.append(_Line([w], w.top, w.bottom, w.size))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        line.text = " ".join(w.text for w in line.words)
        line.size = statistics.median(w.size for w in line.words)
        line.bold = all(w.bold for w in line.words)
    return lines


# -- pass 2: furniture, paragraphs, blocks ----------------------------------------


def _usual_pitch(pages: list[_Page]) -> float:
    """The document's normal line pitch as a multiple of font size (about 1.15 for single spacing)."""
    ratios = []
    for p in pages:
        regions = [p.lines] + [c for t in p.tables for row in t.rows for c in row if c]
        for lines in regions:
            for a, b in pairwise(lines):
                gap = b.top - a.top
                if a.size > 0 and abs(a.size - b.size) < 0.5 and 0.8 * a.size < gap < 3 * a.size:
                    ratios.append(gap / a.size)
    if len(ratios) < 4:
        return 1.2
    # A low percentile: paragraph gaps are larger, and even a page of mostly
    # one-line paragraphs has some wrapped lines that show the true pitch.
    return sorted(ratios)[len(ratios) // 7]


def _edge_key(line: _Line, page: _Page) -> tuple[str, int] | None:
    if line.top < page.height * EDGE_BAND:
        position = round(line.top / 4)
    elif line.bottom > page.height * (1 - EDGE_BAND):
        position = -round((page.height - line.bottom) / 4)
    else:
        return None
    return re.sub(r"\d+", "#", line.text.lower()), position


def _furniture(pages: list[_Page]) -> set[tuple[str, int]]:
    """Edge lines repeated at the same place on at least half the pages (and two or more)."""
    seen: Counter[tuple[str, int]] = Counter()
    for p in pages:
        seen.update({k for line in p.lines if (k := _edge_key(line, p)) is not None})
    text_pages = sum(1 for p in pages if p.lines or p.tables)
    return {k for k, n in seen.items() if n >= 2 and n >= text_pages / 2}


def _blocks(page: _Page, pitch: float, furniture: set[tuple[str, int]]) -> list[Block]:
    lines = []
    for line in page.lines:
        key = _edge_key(line, page)
        if key is not None and (key in furniture or _PAGE_NUMBER.match(line.text)):
            continue
        lines.append(line)
    blocks: list[Block] = []
    pending: list[_Line] = []
    tables = sorted(page.tables, key=lambda t: t.top)
    ti = 0
    for line in lines:  # already in top-to-bottom order
        while ti < len(tables) and tables[ti].top <= line.top:
            blocks.extend(_paras(pending, pitch, page.number))
            pending = []
            blocks.append(_table(tables[ti], pitch, page.number))
            ti += 1
        pending.append(line)
    blocks.extend(_paras(pending, pitch, page.number))
    blocks.extend(_table(t, pitch, page.number) for t in tables[ti:])
    return blocks


def _table(draft: _TableDraft, pitch: float, page: int) -> Table:
    rows = [[Cell(_paras(lines or [], pitch, page)) for lines in row] for row in draft.rows]
    return Table(rows=rows, page=page)


def _paras(lines: list[_Line], pitch: float, page: int) -> list[Para]:
    groups: list[list[_Line]] = []
    for line in lines:
        prev = groups[-1][-1] if groups else None
        if (
            prev is None
            or line.top - prev.top > PARA_GAP * pitch * prev.size
            or abs(line.size - prev.size) > 0.15 * prev.size  # a heading and its text
            or line.bold != prev.bold  # a bold line and plain lines are not one paragraph
            or _BULLET.match(line.text)
            or _NUMBERED.match(line.text)
        ):
            groups.append([line])
        else:
            groups[-1].append(line)
    return [_para(g, page) for g in groups]


def _para(lines: list[_Line], page: int) -> Para:
    text = lines[0].text
    for line in lines[1:]:
        # A line ending in a hyphen glued to a word ('Coleridge-') continues that word.
        glue = "" if len(text) > 1 and text.endswith("-") and not text[-2].isspace() else " "
        text += glue + line.text
    text = " ".join(text.split())
    bullet = _BULLET.match(text)
    if bullet:  # Word keeps bullets out of the text; so do we
        text = text[bullet.end() :]
    words = [w for line in lines for w in line.words]
    return Para(
        text,
        bold=all(w.bold for w in words),
        underline=all(w.underline for w in words),
        list_item=bool(bullet),
        page=page,
    )
