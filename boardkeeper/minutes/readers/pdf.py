"""Read a PDF into a `Layout` with PDFium (pypdfium2), by geometry.

PDFium gives each character with its box and font, and each drawn path. From them this
module makes words (a space character, or a gap wider than a fraction of the font size,
ends a word, so the LaTeX PDFs whose text layer has no spaces are re-spaced from the gaps)
and ruling edges; `geometry.py` rebuilds the page from those: lines and segments, ruled and
unruled tables, text columns, margin asides and paragraphs.

The reader works in two passes. The first reads each page into lines and table drafts and
releases the page, collecting what holds for the whole document; the second drops the lines
that repeat at the top or bottom of most pages (running headers, page numbers), finds the
margin column, and builds the blocks. Tables split across pages are not rejoined here; the
extraction layer does that for every format alike.

PDFium is not safe to call from two threads at once, and a server reads uploads in threads:
one lock serialises the reading (a page takes milliseconds).
"""

from __future__ import annotations

import ctypes
import datetime as dt
import math
import re
import threading
from collections import Counter
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import MinutesError
from ..layout import Block, Layout
from . import geometry
from .geometry import EDGE_TOL, Edge, Line, PageLines, TableDraft, Word

MAX_PAGES = 500
MAX_PAGE_EDGES = 5000  # a chart or drawing, not a table
MAX_PATH_SEGMENTS = 400  # paths with more segments are curves or drawings; only their box counts
WORD_GAP = 0.15  # a gap wider than this many font sizes between two characters is a space
EDGE_BAND = 0.08  # top and bottom 8% of the page: where running headers and page numbers live

DAMAGED = "the PDF is damaged or incomplete (it could not be read)"
CUT_SHORT = "the PDF is damaged or incomplete (it looks cut short, perhaps by an interrupted download)"
PASSWORD = "the PDF is password-protected; remove the password and try again"
ENCRYPTED = "the PDF is encrypted in a way that cannot be read; remove the encryption and try again"
SCANNED = "the PDF has no text layer (it looks scanned); run it through OCR first or supply the Word version"
_PAGE_NUMBER = re.compile(
    r"^(page\s*)?[-–|:]?\s*\d{1,4}\s*[-–]?(\s*(of|/)\s*\d{1,4})?$|^\d{1,4}\s*[|/]\s*page$", re.IGNORECASE
)
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_LOCK = threading.Lock()

# characters that end a word: spaces, line breaks PDFium adds, and the zero-width ones
_BREAKS = frozenset([0, 9, 10, 13, 32, 0xA0, 0x2002, 0x2003, 0x2009, 0x200B, 0x3000, 0xFFFE, 0xFFFF])
_PATH, _IMAGE, _FORM = 2, 3, 5  # FPDF_PAGEOBJ_* types
_FORCE_BOLD = 1 << 18  # font descriptor flag


def read_pdf(data: bytes) -> Layout:
    """Read PDF bytes into a Layout; every failure is a MinutesError."""
    with _LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            code = getattr(exc, "err_code", None)
            if code == pdfium_c.FPDF_ERR_PASSWORD:
                raise MinutesError(PASSWORD) from exc
            if code == pdfium_c.FPDF_ERR_SECURITY:
                raise MinutesError(ENCRYPTED) from exc
            raise MinutesError(CUT_SHORT if _cut_short(data) else DAMAGED) from exc
        except Exception as exc:
            raise MinutesError(DAMAGED) from exc
        try:
            return _read(pdf, data)
        except MinutesError:
            raise
        except MemoryError as exc:
            raise MinutesError("the PDF is too large to read") from exc
        except Exception as exc:  # PDFium reports damage through many paths
            raise MinutesError(DAMAGED) from exc
        finally:
            pdf.close()


def _cut_short(data: bytes) -> bool:
    """No end-of-file marker near the end: the file was cut short."""
    return b"%%EOF" not in data[-2048:]


def _read(pdf: Any, data: bytes) -> Layout:
    n_pages = len(pdf)
    if n_pages > MAX_PAGES:
        raise MinutesError(f"the PDF has more than {MAX_PAGES} pages; minutes are never that long")
    if n_pages == 0:
        raise MinutesError(DAMAGED)
    if _cut_short(data):
        # PDFium rebuilds a broken index by scanning the file; with no end-of-file marker either,
        # the file was cut short: refuse rather than return half the minutes as if they were all.
        raise MinutesError(CUT_SHORT)
    warnings: list[str] = []
    pages: list[PageLines] = []
    saw_images = False
    for index in range(n_pages):
        page = pdf[index]
        try:
            lines, images = _read_page(page, index + 1, warnings)
        finally:
            page.close()
        saw_images = saw_images or images
        pages.append(lines)
    if not any(p.lines or p.tables for p in pages):
        raise MinutesError(SCANNED if saw_images else "the PDF has no text layer (its pages contain no text)")
    for p in pages:
        if not (p.lines or p.tables):
            warnings.append(f"page {p.number} has no text layer (it may be a scanned image); it was skipped")
    furniture = _furniture(pages)
    metrics = geometry.metrics(
        [PageLines(p.number, p.height, p.width, _kept(p, furniture), p.tables) for p in pages]
    )
    blocks: list[Block] = []
    for p in pages:
        drop = {i for i, line in enumerate(p.lines) if _is_furniture(line, p, furniture)}
        blocks.extend(geometry.page_blocks(p, metrics, drop))
    return Layout(format="pdf", blocks=blocks, warnings=warnings, pages=n_pages, saved=_saved(pdf))


_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def _saved(pdf: Any) -> dt.date | None:
    """When the document information says it was last modified (else created): 'D:20240926101500Z'."""
    for key in ("ModDate", "CreationDate"):
        try:
            value = pdf.get_metadata_value(key)
        except Exception:  # damaged document information: no date, the text still reads
            continue
        m = _PDF_DATE.match(value or "")
        if m:
            try:
                return dt.date(*(int(x) for x in m.groups()))
            except ValueError:
                continue
    return None


# -- pass 1: one page into lines and table drafts -----------------------------------


def _read_page(page: Any, number: int, warnings: list[str]) -> tuple[PageLines, bool]:
    width, height = page.get_size()
    out = PageLines(number=number, height=float(height), width=float(width))
    horizontal, vertical, shading, images = _edges(page, float(height))
    words = _words(page, float(height))
    if not words:
        return out, images
    grids: list[geometry.Grid] = []
    if len(horizontal) + len(vertical) > MAX_PAGE_EDGES:
        warnings.append(f"page {number} has too many drawn lines to look for tables; read as plain text")
    else:
        sides, closing = _bridge_shading(shading, vertical, words)
        grids = geometry.ruled_tables(horizontal + closing, vertical + sides)
    _mark_underlines(words, horizontal, grids)
    cell_words: dict[tuple[int, int, int], list[Word]] = {}
    free: list[Word] = []
    for w in words:
        key = geometry.locate(w, grids)
        if key is None:
            free.append(w)
        else:
            cell_words.setdefault(key, []).append(w)
    out.lines = geometry.lines_of(free)
    for ti, grid in enumerate(grids):
        if not any(k[0] == ti for k in cell_words):
            continue  # an empty grid: a box or signature panel, not a table of content
        rows = [
            [geometry.lines_of(cell_words.get((ti, ri, ci), [])) for ci, box in enumerate(row)]
            for ri, row in enumerate(grid.rows)
        ]
        out.tables.append(TableDraft(top=grid.bbox[1], rows=rows))
    return out, images


def _words(page: Any, height: float) -> list[Word]:
    """The page's words: characters joined until a space, a line break or a gap wider than a space."""
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        n = pdfium_c.FPDFText_CountChars(tp)
        unicode_of = pdfium_c.FPDFText_GetUnicode
        box_of = pdfium_c.FPDFText_GetLooseCharBox
        object_of = pdfium_c.FPDFText_GetTextObject
        rect = pdfium_c.FS_RECTF()
        rect_ref = ctypes.byref(rect)
        styles: dict[int | None, tuple[bool, bool, float]] = {}  # text object -> (upright, bold, size)
        words: list[Word] = []
        chars: list[str] = []
        x0 = x1 = top = bottom = size = 0.0
        bold = False

        def close() -> None:
            if chars:
                words.append(Word("".join(chars), x0, x1, top, bottom, size, bold))
                chars.clear()

        for i in range(n):
            code = unicode_of(tp, i)
            if code in _BREAKS or (code < 32 and code != 2):
                close()
                continue
            obj = object_of(tp, i)
            key = ctypes.cast(obj, ctypes.c_void_p).value
            style = styles.get(key)
            if style is None:
                style = styles[key] = _style(obj, tp, i)
            upright, is_bold = style[0], style[1]
            if not upright:
                close()  # rotated or vertical text: a watermark or a margin note, not the minutes
                continue
            box_of(tp, i, rect_ref)
            c_x0, c_x1 = rect.left, rect.right
            c_top, c_bottom = height - rect.top, height - rect.bottom
            char = "-" if code == 2 else chr(code)  # 2: PDFium's mark for a hyphen at a line break
            c_size = style[2]
            if chars and (
                c_x0 - x1 > WORD_GAP * c_size
                or c_x0 < x0 - 0.5 * c_size  # moved back: a new line or a new run
                or abs(c_bottom - bottom) > 0.5 * c_size
            ):
                close()
            if not chars:
                x0, x1, top, bottom, size, bold = c_x0, c_x1, c_top, c_bottom, c_size, is_bold
            else:
                x1 = max(x1, c_x1)
                top, bottom = min(top, c_top), max(bottom, c_bottom)
                bold = bold and is_bold
            chars.append(char)
        close()
        return _without_overprint(words)
    finally:
        textpage.close()


def _without_overprint(words: list[Word]) -> list[Word]:
    """A word printed twice a hair apart (bold faked by overprinting) is one word, in bold."""
    seen: dict[tuple[str, int, int], Word] = {}
    out = []
    for w in words:
        key = (w.text, round(w.x0 / 2), round(w.top / 2))
        first = seen.get(key)
        if first is not None:
            first.bold = True
            continue
        seen[key] = w
        out.append(w)
    return out


def _style(obj: Any, tp: Any, index: int) -> tuple[bool, bool, float]:
    """(upright, bold, size) of a text object: its characters' angle, its font's weight or name, and
    the font size as printed (the size set times the text matrix's scale: Quartz writes size 1, scaled)."""
    angle = pdfium_c.FPDFText_GetCharAngle(tp, index)
    upright = angle < 0.05 or abs(angle - 2 * math.pi) < 0.05
    matrix = pdfium_c.FS_MATRIX()
    scale = 1.0
    if pdfium_c.FPDFText_GetMatrix(tp, index, ctypes.byref(matrix)):
        scale = math.hypot(matrix.c, matrix.d) or 1.0
    size = pdfium_c.FPDFText_GetFontSize(tp, index) * scale
    if not 1.0 <= size <= 400:
        size = 10.0
    if not obj:
        return upright, False, size
    bold = pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_FILL_STROKE
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if font and not bold:
        buffer = ctypes.create_string_buffer(128)
        pdfium_c.FPDFFont_GetBaseFontName(font, buffer, 128)
        weight = pdfium_c.FPDFFont_GetWeight(font)  # from the font descriptor; nonsense (3912) in some files
        bold = (
            bool(_BOLD_NAME.search(buffer.value.decode("latin-1", "replace")))
            or 600 <= weight <= 1000
            or bool(pdfium_c.FPDFFont_GetFlags(font) & _FORCE_BOLD)
        )
    return upright, bold, size


_Shading = tuple[list[Edge], list[Edge]]  # the horizontal and vertical sides of shaded rectangles
_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """The matrix applying `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _matrix_of(obj: Any) -> _Matrix | None:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return None
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _edges(page: Any, height: float) -> tuple[list[Edge], list[Edge], _Shading, bool]:
    """Horizontal and vertical edges of the page's drawn lines and rectangles, the sides of its shaded
    rectangles among them, and whether it has images.

    Objects inside form XObjects are read too, through the form's matrix.
    """
    horizontal: list[Edge] = []
    vertical: list[Edge] = []
    images = False
    shading_h: list[Edge] = []  # the sides of filled, unstroked rectangles
    shading_v: list[Edge] = []
    area = float(page.get_width()) * height
    raw_page = page.raw
    stack: list[tuple[Any, bool, _Matrix]] = [(raw_page, True, _IDENTITY)]
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    budget = 4 * MAX_PAGE_EDGES
    while stack and budget > 0:
        parent, is_page, outer = stack.pop()
        count = (
            pdfium_c.FPDFPage_CountObjects(parent) if is_page else pdfium_c.FPDFFormObj_CountObjects(parent)
        )
        for j in range(count):
            obj = (
                pdfium_c.FPDFPage_GetObject(parent, j)
                if is_page
                else pdfium_c.FPDFFormObj_GetObject(parent, j)
            )
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == _IMAGE:
                images = True
            elif kind == _FORM:
                form = _matrix_of(obj)
                if form is not None:
                    stack.append((obj, False, _compose(form, outer)))
            elif kind == _PATH:
                budget -= 1
                if budget <= 0:
                    break
                if not pdfium_c.FPDFPageObj_GetBounds(
                    obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
                ):
                    continue
                corners = [
                    _apply(outer, x, y) for x in (left.value, right.value) for y in (bottom.value, top.value)
                ]
                x0, x1 = min(p[0] for p in corners), max(p[0] for p in corners)
                y0, y1 = height - max(p[1] for p in corners), height - min(p[1] for p in corners)
                w, h = x1 - x0, y1 - y0
                if h <= 2.0 and w > 2.0:
                    horizontal.append(Edge((y0 + y1) / 2, x0, x1))
                elif w <= 2.0 and h > 2.0:
                    vertical.append(Edge((x0 + x1) / 2, y0, y1))
                elif w * h < 0.5 * area:  # not a page background
                    own = _matrix_of(obj)
                    if own is not None:
                        n_h, n_v = len(horizontal), len(vertical)
                        _path_edges(obj, _compose(own, outer), height, horizontal, vertical)
                        if _shading(obj):
                            shading_h.extend(horizontal[n_h:])
                            shading_v.extend(vertical[n_v:])
    return horizontal, vertical, (shading_h, shading_v), images


def _shading(obj: Any) -> bool:
    """A filled path drawn without a stroke: a shaded cell or band, not a border."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)):
        return False
    return fill.value != pdfium_c.FPDF_FILLMODE_NONE and not stroke.value


def _bridge_shading(
    shading: _Shading, vertical: list[Edge], words: list[Word]
) -> tuple[list[Edge], list[Edge]]:
    """A table shaded on alternate rows ('zebra' striping, or shaded headings and section rows) and
    drawn without borders: its columns' sides stop at each unshaded row. A shaded cell's side goes on
    across the unshaded rows, down and up, to the next shaded band that reaches across it, when no
    word there crosses it. A side with a border drawn on it belongs to a table with borders, which
    needs no bridge; and an unshaded stretch that only the table's outer sides would cross is text
    between two tables, not a row. Returns the bridging sides, and the lines that close the rows after
    the last shaded band."""
    tops, sides = shading
    shaded = {id(e) for e in sides}
    borders = [e for e in vertical if id(e) not in shaded]
    # neighbouring shaded cells draw the side they share once each: one side a place
    sides = list({(round(e.at), round(e.start), round(e.end)): e for e in sides}.values())
    gaps: dict[tuple[int, int], list[Edge]] = {}
    ordered = sorted(words, key=lambda w: w.top)
    for v in sides:
        if any(abs(b.at - v.at) <= EDGE_TOL and b.start < v.end and v.start < b.end for b in borders):
            continue
        below = [h.at for h in tops if _spans(h, v.at) and h.at > v.end + EDGE_TOL]
        above = [h.at for h in tops if _spans(h, v.at) and h.at < v.start - EDGE_TOL]
        # the last shaded band on the page goes on over the text that follows it closely
        down = min(below) if below else _run_below(ordered, v.end)
        for start, end in ((v.end, down), (max(above, default=None), v.start)):
            if start is None or end is None or any(_crosses(w, v.at, start, end) for w in words):
                continue
            gaps.setdefault((round(start), round(end)), []).append(Edge(v.at, start, end))
    bridges: list[Edge] = []
    closing: list[Edge] = []
    for (top, bottom), found in gaps.items():
        left, right = min(e.at for e in found), max(e.at for e in found)
        if not any(w.top >= top - 1 and w.bottom <= bottom + 1 and left <= w.x0 < right for w in words):
            continue  # nothing written between two shaded bands: a space, not a row
        if len({round(e.at) for e in found}) > 2:
            bridges.extend(found)  # an inner side goes across too: the stretch is rows of the table
            end = found[0].end
            if not any(abs(h.at - end) <= EDGE_TOL for h in tops):
                closing.append(Edge(end, left, right))
    return bridges, closing


def _run_below(ordered: list[Word], y: float) -> float | None:
    """The bottom of the lines that follow y closely (no gap wider than a line and a half)."""
    reached = y
    for w in ordered:
        if w.bottom <= y:
            continue
        if w.top - reached > 1.5 * w.size:
            break
        reached = max(reached, w.bottom)
    return reached + 1 if reached > y else None


def _crosses(word: Word, x: float, top: float, bottom: float) -> bool:
    return word.x0 < x - 1 < x + 1 < word.x1 and word.top < bottom and word.bottom > top


def _spans(h: Edge, x: float) -> bool:
    return h.start - EDGE_TOL <= x <= h.end + EDGE_TOL


def _path_edges(obj: Any, m: _Matrix, height: float, horizontal: list[Edge], vertical: list[Edge]) -> None:
    """The straight axis-aligned pieces of a path: a rectangle's four sides, a grid drawn as one path."""
    n = pdfium_c.FPDFPath_CountSegments(obj)
    if n <= 0 or n > MAX_PATH_SEGMENTS:
        return
    px, py = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    prev: tuple[float, float] | None = None
    for k in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(px), ctypes.byref(py)):
            return
        x, y = _apply(m, px.value, py.value)
        point = (x, height - y)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = prev = point
            continue
        if prev is not None and kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _add_edge(prev, point, horizontal, vertical)
        prev = point
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_edge(prev, start, horizontal, vertical)
            prev = start


def _add_edge(
    p: tuple[float, float], q: tuple[float, float], horizontal: list[Edge], vertical: list[Edge]
) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) <= 1.0 and abs(x1 - x0) > 2.0:
        horizontal.append(Edge((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) <= 1.0 and abs(y1 - y0) > 2.0:
        vertical.append(Edge((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _mark_underlines(words: list[Word], horizontal: list[Edge], grids: list[geometry.Grid]) -> None:
    """A thin rule just under a word, not a table border, underlines it."""
    borders = {round(box[k]) for g in grids for row in g.rows for box in row if box for k in (1, 3)}
    rules = [
        e
        for e in horizontal
        if e.end - e.start >= 2 and not ({round(e.at) - 1, round(e.at), round(e.at) + 1} & borders)
    ]
    if not rules or len(rules) > 2000:
        return  # none, or a drawing rather than underlining
    for w in words:
        # An underline sits a little below the baseline, i.e. near the bottom of the glyph box.
        low, high = w.bottom - 0.35 * w.size, w.bottom + 0.3 * w.size
        covered = sum(max(0.0, min(e.end, w.x1) - max(e.start, w.x0)) for e in rules if low <= e.at <= high)
        w.underline = covered >= 0.8 * (w.x1 - w.x0)


# -- pass 2: page furniture ---------------------------------------------------------


def _edge_key(line: Line, page: PageLines) -> tuple[str, int] | None:
    if line.top < page.height * EDGE_BAND:
        position = round(line.top / 4)
    elif line.bottom > page.height * (1 - EDGE_BAND):
        position = -round((page.height - line.bottom) / 4)
    else:
        return None
    return re.sub(r"\d+", "#", line.text.lower()), position


def _furniture(pages: list[PageLines]) -> set[tuple[str, int]]:
    """Edge lines repeated at the same place on at least half the pages (and two or more)."""
    seen: Counter[tuple[str, int]] = Counter()
    for p in pages:
        seen.update({k for line in p.lines if (k := _edge_key(line, p)) is not None})
    text_pages = sum(1 for p in pages if p.lines or p.tables)
    return {k for k, n in seen.items() if n >= 2 and n >= text_pages / 2}


def _is_furniture(line: Line, page: PageLines, furniture: set[tuple[str, int]]) -> bool:
    key = _edge_key(line, page)
    return key is not None and (key in furniture or bool(_PAGE_NUMBER.match(line.text)))


def _kept(page: PageLines, furniture: set[tuple[str, int]]) -> list[Line]:
    return [line for line in page.lines if not _is_furniture(line, page, furniture)]
