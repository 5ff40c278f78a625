"""Page geometry: positioned words and ruling lines in, the blocks a person sees out.

A PDF page is glyphs at positions and lines drawn between them; the reader (`pdf.py`) turns
glyphs into words with boxes and drawn paths into horizontal and vertical edges. This module
rebuilds the page from them, with nothing but geometry:

1. **Lines and segments.** Words level with each other form a line; inside a line, a gap much
   wider than a space parts *segments* (a tab stop, a column gutter, a margin).
2. **Ruled tables.** Edges that cross each other form a lattice; its bands and the vertical edges
   crossing each band give the cells, merged cells included. A word belongs to the cell its centre
   falls in, so a cell keeps its own lines at their own heights.
3. **Margin asides.** A short segment standing apart at the right of a line, or alone on a line, in
   a column that recurs down the document (an 'Action' column of initials that is not a table), is
   taken out of the text and attached to the paragraph it is level with.
4. **Text columns.** A run of lines with a gutter no segment crosses, and running text on both
   sides, is two columns: the left column is read before the right.
5. **Unruled tables.** A run of lines whose segments start at the same few x positions
   (an attendance grid of names and initials set with tab stops) is a table, one row a line.
6. **Paragraphs.** Consecutive lines of a region join into a paragraph until a wider gap, a change of
   size or weight, a bullet or number, a change of indentation, or a short line ending a sentence.

Coordinates are points from the top left of the page. Everything here is pure Python over plain
data, so it is tested with made-up words as well as real PDFs.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from ..layout import LIST_MARKER, Block, Cell, Para, Table

SEGMENT_GAP = 1.0  # a gap wider than this many font sizes parts two segments of a line
PARA_GAP = 1.3  # a line pitch this many times the usual one starts a new paragraph
EDGE_TOL = 2.0  # edges this close are one edge
MIN_BAND = 3.0  # rows and columns thinner than this are double borders, not cells

_BULLET = re.compile(r"^[-–—•●▪■◦○·*\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf02d]\s*")
_NUMBERED = re.compile(r"^(\d{1,3}(\.\d{1,3})*[.)]|\(?[a-z]\)|\(?[ivx]{1,5}\))\s")
# a line opening with a label starts a paragraph of its own ('ACTION – Clerk to ...', 'RESOLVED: that ...')
_LABEL_START = re.compile(
    r"^(?:ACTION|Action|RESOLVED|Resolved|AGREED|Agreed|DECISION|Decision|NOTED)S?\b\s*(?::|[-\u2013\u2014]\s)"
)
_SENTENCE_END = re.compile(r"[.!?:;]['\u2019\"\u201d)]?$")


# -- the parts ------------------------------------------------------------------


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    underline: bool = False


@dataclass(slots=True)
class Segment:
    """Words of one line that read together, parted from the next run by a wide gap."""

    text: str
    x0: float
    x1: float
    bold: bool
    underline: bool
    lead: str = ""  # the bold words it opens with (after a list number) when the rest is plain
    gap: float = 0.0  # the space before it, in font sizes (0 for a line's first segment)
    tail_gap: float = 0.0  # the space before its last word, over its usual space between words


@dataclass(slots=True)
class Line:
    segments: list[Segment]
    top: float
    bottom: float
    size: float
    aside: str | None = None  # a margin note level with this line, taken out of its text

    @property
    def text(self) -> str:
        """The segments' texts; columns of words are parted by a comma as a reader hears them
        ('Joanne Fiddler<gap>JF' reads 'Joanne Fiddler, JF'), a sentence across a gap by a space."""
        out = self.segments[0].text
        for seg in self.segments[1:]:
            apart = (
                seg.gap >= 2.0  # a tab stop, not a wide space in a justified line
                and (seg.text[:1].isupper() or seg.text[:1].isdigit())
                and not out.endswith((":", ",", ";", "-", "\u2013"))
            )
            out = f"{out}{', ' if apart else ' '}{seg.text}"
        return out

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.segments)

    @property
    def underline(self) -> bool:
        return all(s.underline for s in self.segments)


@dataclass(slots=True)
class Edge:
    """A drawn horizontal (y, x0..x1) or vertical (x, y0..y1) line."""

    at: float
    start: float
    end: float


@dataclass(slots=True)
class Grid:
    """A ruled table: its box and, row by row, each cell's box (None under a merged cell)."""

    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom
    rows: list[list[tuple[float, float, float, float] | None]]


# -- 1. lines and segments ------------------------------------------------------


def lines_of(words: list[Word], gap: float = SEGMENT_GAP) -> list[Line]:
    """Words grouped into visual lines (top to bottom), each parted into segments at wide gaps."""
    rows: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if rows:
            top, bottom = spans[-1]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(bottom - top, w.bottom - w.top):
                rows[-1].append(w)
                spans[-1] = (min(top, w.top), max(bottom, w.bottom))
                continue
        rows.append([w])
        spans.append((w.top, w.bottom))
    lines = []
    for row, (top, bottom) in zip(rows, spans, strict=True):
        row.sort(key=lambda w: w.x0)
        size = statistics.median(w.size for w in row)
        groups: list[list[Word]] = [[row[0]]]
        for a, b in pairwise(row):
            if b.x0 - a.x1 > gap * max(a.size, b.size, 1.0):
                groups.append([b])
            else:
                groups[-1].append(b)
        segments = [_segment(g) for g in groups]
        for seg, before in zip(segments[1:], segments, strict=False):
            seg.gap = (seg.x0 - before.x1) / max(size, 1.0)
        line = Line(segments, top, bottom, size)
        join_markers(line)
        lines.append(line)
    return lines


def _segment(words: list[Word]) -> Segment:
    # '1.' in plain type before a bold title: the number belongs to the heading
    start = 1 if len(words) > 1 and LIST_MARKER.match(words[0].text) else 0
    bold = all(w.bold for w in words[start:])
    tail_gap = 0.0
    if len(words) >= 4:
        gaps = [b.x0 - a.x1 for a, b in pairwise(words)]
        usual = statistics.median(gaps[:-1])
        tail_gap = gaps[-1] / usual if usual > 0.1 else 0.0
    return Segment(
        tail_gap=tail_gap,
        text=" ".join(w.text for w in words),
        x0=words[0].x0,
        x1=max(w.x1 for w in words),
        bold=bold,
        underline=all(w.underline for w in words),
        lead="" if bold else _lead(words),
    )


def _lead(words: list[Word]) -> str:
    """'1. Minutes Minutes of the 2017 APCM ...' with 'Minutes' in bold: '1. Minutes'."""
    start = 1 if len(words) > 1 and LIST_MARKER.match(words[0].text) else 0
    end = start
    while end < len(words) and words[end].bold:
        end += 1
    if end == start or end == len(words):
        return ""
    return " ".join(w.text for w in words[:end])


def join_markers(line: Line) -> None:
    """'•  text', '5.  Apologies', '52  Apologies': a list marker and the text after its tab are one segment."""
    if len(line.segments) >= 2 and LIST_MARKER.match(line.segments[0].text):
        a, b = line.segments[:2]
        lead = f"{a.text} {b.text if b.bold else b.lead}" if (b.bold or b.lead) and not a.bold else ""
        joined = Segment(f"{a.text} {b.text}", a.x0, b.x1, a.bold and b.bold, b.underline, lead.strip())
        line.segments = [joined, *line.segments[2:]]


# -- 2. ruled tables --------------------------------------------------------------


def _merge_edges(edges: list[Edge]) -> list[Edge]:
    """Collinear edges that touch or overlap are one edge (borders are often drawn cell by cell)."""
    out: list[Edge] = []
    for e in sorted(edges, key=lambda e: (round(e.at), e.start)):
        if out and abs(out[-1].at - e.at) <= EDGE_TOL and e.start <= out[-1].end + EDGE_TOL:
            out[-1].end = max(out[-1].end, e.end)
            continue
        out.append(Edge(e.at, e.start, e.end))
    return out


def _crosses(h: Edge, v: Edge) -> bool:
    return h.start - EDGE_TOL <= v.at <= h.end + EDGE_TOL and v.start - EDGE_TOL <= h.at <= v.end + EDGE_TOL


def _cluster(values: Iterable[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _covered(edges: list[Edge], at: float, start: float, end: float) -> float:
    """How much of [start, end] the edges lying at `at` cover (0 to 1)."""
    total = 0.0
    for e in edges:
        if abs(e.at - at) <= EDGE_TOL:
            total += max(0.0, min(e.end, end) - max(e.start, start))
    return total / max(end - start, 1e-6)


def ruled_tables(horizontal: list[Edge], vertical: list[Edge]) -> list[Grid]:
    """Tables drawn with lines: each connected lattice of two or more rows and columns."""
    hs, vs = _merge_edges(horizontal), _merge_edges(vertical)
    if len(hs) < 2 or len(vs) < 2:
        return []
    # connected components of crossing edges (union-find over the h edges)
    parent = list(range(len(hs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    v_members: list[list[int]] = []
    for v in vs:
        members = [i for i, h in enumerate(hs) if _crosses(h, v)]
        v_members.append(members)
        for a, b in pairwise(members):
            parent[find(a)] = find(b)
    grids = []
    for root in sorted({find(i) for i in range(len(hs))}):
        comp_h = [h for i, h in enumerate(hs) if find(i) == root]
        comp_v = [v for v, m in zip(vs, v_members, strict=True) if m and find(m[0]) == root]
        if len(comp_h) >= 2 and len(comp_v) >= 2:
            grid = _grid(comp_h, comp_v)
            if grid is not None:
                grids.append(grid)
    return grids


def _grid(hs: list[Edge], vs: list[Edge]) -> Grid | None:
    ys = _cluster(h.at for h in hs)
    xs = _cluster(v.at for v in vs)
    bands = [(a, b) for a, b in pairwise(ys) if b - a >= MIN_BAND]
    if not bands or len(xs) < 2:
        return None
    rows: list[list[tuple[float, float, float, float] | None]] = []
    above: dict[tuple[float, float], int] = {}  # (x0, x1) of each cell in the row above -> row index
    boxes: list[list[list[float]]] = []  # mutable boxes, so a merged cell can grow downwards
    for top, bottom in bands:
        cuts = [x for x in xs if _covered(vs, x, top, bottom) >= 0.8]
        spans = [(a, b) for a, b in pairwise(cuts) if b - a >= MIN_BAND]
        row: list[tuple[float, float, float, float] | None] = []
        row_boxes: list[list[float]] = []
        here: dict[tuple[float, float], int] = {}
        for a, b in spans:
            key = (round(a), round(b))
            if key in above and _covered(hs, top, a, b) < 0.5 and rows:
                # no border between this cell and the one above: one cell over two rows
                r = above[key]
                boxes[r][[round(c[0]) for c in boxes[r]].index(key[0])][3] = bottom
                row.append(None)
                here[key] = r
                continue
            row.append((a, top, b, bottom))
            row_boxes.append([a, top, b, bottom])
            here[key] = len(rows)
        if not spans:
            continue
        rows.append(row)
        boxes.append(row_boxes)
        above = here
    # write the grown boxes back
    final: list[list[tuple[float, float, float, float] | None]] = []
    for row, row_boxes in zip(rows, boxes, strict=True):
        it = iter(row_boxes)
        final.append([None if cell is None else tuple(next(it)) for cell in row])  # type: ignore[misc]
    cells = sum(1 for row in final for c in row if c is not None)
    if cells < 2 or max(len(r) for r in final) < 2:
        return None  # a box or a column of boxes: a frame, not a table
    return Grid(bbox=(xs[0], ys[0], xs[-1], ys[-1]), rows=final)


def locate(word: Word, grids: list[Grid]) -> tuple[int, int, int] | None:
    """(table, row, cell) whose box holds the word's centre, or None for words outside tables."""
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    for ti, grid in enumerate(grids):
        x0, top, x1, bottom = grid.bbox
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        for ri, row in enumerate(grid.rows):
            for ci, box in enumerate(row):
                if box is not None and box[0] <= cx <= box[2] and box[1] <= cy <= box[3]:
                    return ti, ri, ci
    return None


# -- the page as regions ----------------------------------------------------------


@dataclass(slots=True)
class TableDraft:
    """A table of one page before paragraphs are made: each cell's lines."""

    top: float
    rows: list[list[list[Line]]]
    ruled: bool = True


@dataclass(slots=True)
class PageLines:
    number: int
    height: float
    width: float
    lines: list[Line] = field(default_factory=list)  # outside ruled tables
    tables: list[TableDraft] = field(default_factory=list)


@dataclass(slots=True)
class Metrics:
    """What holds for the whole document: line pitch, the text's left and right edges, the aside column."""

    pitch: float
    left: float
    right: float
    aside_right: float | None  # where the margin column's text ends (right-aligned), if there is one
    aside_left: float | None  # or starts (left-aligned)
    words: frozenset[str] = frozenset()  # every word the document prints, lower-cased (for de-hyphenation)


def usual_pitch(pages: list[PageLines]) -> float:
    """The document's normal line pitch as a multiple of font size (about 1.15 for single spacing)."""
    ratios = []
    for p in pages:
        regions = [p.lines] + [c for t in p.tables for row in t.rows for c in row if c]
        for lines in regions:
            for a, b in pairwise(lines):
                step = b.top - a.top
                if a.size > 0 and abs(a.size - b.size) < 0.5 and 0.8 * a.size < step < 3 * a.size:
                    ratios.append(step / a.size)
    if len(ratios) < 4:
        return 1.2
    # A low percentile: paragraph gaps are larger, and even a page of mostly one-line
    # paragraphs has some wrapped lines that show the true pitch.
    return sorted(ratios)[len(ratios) // 7]


def _aside_candidate(line: Line, left: float, right: float) -> Segment | None:
    """The line's last segment, if it could be a margin note: short, far right, apart from the text."""
    if len(line.segments) > 2:
        return None
    seg = line.segments[-1]
    words = seg.text.split()
    if len(seg.text) > 32 or len(words) > 4 or seg.x0 < left + 0.62 * (right - left):
        return None
    if len(line.segments) == 1 and seg.x1 < left + 0.8 * (right - left):
        return None  # alone on its line but not at the right: a short centred or indented line
    return seg


def metrics(pages: list[PageLines]) -> Metrics:
    xs0 = sorted(line.x0 for p in pages for line in p.lines)
    xs1 = sorted(line.x1 for p in pages for line in p.lines)
    if not xs0:
        return Metrics(usual_pitch(pages), 0.0, 0.0, None, None)
    left, right = xs0[len(xs0) // 10], xs1[min(len(xs1) - 1, len(xs1) * 19 // 20)]
    candidates = [
        seg for p in pages for line in p.lines if (seg := _aside_candidate(line, left, right)) is not None
    ]
    aside_right = _column_at([c.x1 for c in candidates], tol=10.0)
    aside_left = _column_at([c.x0 for c in candidates], tol=4.0)
    # the better supported alignment wins (initials are right-aligned by a right tab, or left-aligned)
    n_right = sum(1 for c in candidates if aside_right is not None and abs(c.x1 - aside_right) <= 10)
    n_left = sum(1 for c in candidates if aside_left is not None and abs(c.x0 - aside_left) <= 4)
    if n_right >= n_left:
        aside_left = None
    else:
        aside_right = None
    words = frozenset(
        w.strip(".,;:()[]\"'\u2018\u2019\u201c\u201d").lower()
        for p in pages
        for region in [p.lines] + [c for t in p.tables for row in t.rows for c in row]
        for line in region
        for w in line.text.split()
    )
    return Metrics(usual_pitch(pages), left, right, aside_right, aside_left, words)


def _column_at(xs: list[float], tol: float) -> float | None:
    """The x most of the values sit at (within tol), if at least three do."""
    best, support = None, 0
    for x in xs:
        n = sum(1 for y in xs if abs(y - x) <= tol)
        if n > support:
            best, support = x, n
    return best if support >= 3 else None


def take_asides(lines: list[Line], m: Metrics) -> list[Line]:
    """Take margin notes out of the lines: those level with text stay on their line's `aside`.

    Returns the lines that held nothing but a margin note, for `attach_asides` to give to the
    paragraph they stand beside.
    """
    if m.aside_right is None and m.aside_left is None:
        return []
    alone = []
    for line in lines:
        seg = _aside_candidate(line, m.left, m.right)
        if seg is None:
            _squeezed_aside(line, m)
            continue
        if m.aside_right is not None and abs(seg.x1 - m.aside_right) > 10:
            continue
        if m.aside_left is not None and abs(seg.x0 - m.aside_left) > 4:
            continue
        line.aside = seg.text
        if len(line.segments) == 1:
            alone.append(line)
        else:
            line.segments = line.segments[:-1]
    return alone


_INITIALS_NOTE = re.compile(r"^[A-Z]{2,3}(?:/[A-Z]{2,3})*$")


def _squeezed_aside(line: Line, m: Metrics) -> None:
    """Initials in the margin column pressed against a full last line ('... under the warranty.   BN'):
    closer than a tab's gap, but three times a space away and at the column's right edge."""
    seg = line.segments[-1]
    last = seg.text.rsplit(" ", 1)[-1]
    if m.aside_right is None or abs(seg.x1 - m.aside_right) > 4 or seg.tail_gap < 2.2:
        return
    if _INITIALS_NOTE.match(last):
        line.aside = last
        seg.text = seg.text[: -len(last)].rstrip()


# -- 4. text columns ---------------------------------------------------------------


def _column_run(lines: list[Line], start: int) -> tuple[int, float] | None:
    """(end, gutter x) of a run of two-column running text starting at `start`, if there is one."""
    first = lines[start]
    if len(first.segments) != 2:
        return None
    gutter = (first.segments[0].x1 + first.segments[1].x0) / 2
    right_x0 = first.segments[1].x0
    both = 0
    words_left: list[int] = []
    words_right: list[int] = []
    end = start
    for i in range(start, len(lines)):
        line = lines[i]
        if i > start and line.top - lines[i - 1].bottom > 3 * line.size:
            break
        if any(s.x0 < gutter < s.x1 for s in line.segments) or len(line.segments) > 2:
            break
        if len(line.segments) == 2:
            if abs(line.segments[1].x0 - right_x0) > 6:
                break
            both += 1
            words_left.append(len(line.segments[0].text.split()))
            words_right.append(len(line.segments[1].text.split()))
        end = i + 1
    if end - start < 4 or both < 0.5 * (end - start):
        return None
    if statistics.median(words_left) < 4 or statistics.median(words_right) < 4:
        return None  # short entries in columns: a table, not running text
    # one side running on below the other ends the run at the usual line step; a wider gap is
    # the page's full-width text resuming ('Minute ... Action' under a two-column attendance)
    step = statistics.median(b.top - a.top for a, b in pairwise(lines[start:end])) if end - start > 1 else 0
    while end > start + 1 and len(lines[end - 1].segments) == 1:
        if lines[end - 1].top - lines[end - 2].top <= 1.4 * step:
            break
        end -= 1
    return end, gutter


@dataclass(slots=True)
class ColumnRun:
    """Lines of a two-column run, each column's own."""

    left: list[Line]
    right: list[Line]


def _split_columns(lines: list[Line], gutter: float) -> tuple[list[Line], list[Line]]:
    left: list[Line] = []
    right: list[Line] = []
    for line in lines:
        lsegs = [s for s in line.segments if s.x1 <= gutter]
        rsegs = [s for s in line.segments if s.x0 >= gutter]
        if lsegs:
            left.append(Line(lsegs, line.top, line.bottom, line.size, line.aside if not rsegs else None))
        if rsegs:
            right.append(Line(rsegs, line.top, line.bottom, line.size, line.aside))
    return left, right


# -- 5. unruled tables -------------------------------------------------------------


def _table_run(lines: list[Line], start: int) -> tuple[int, list[float]] | None:
    """(end, column starts) of a run of lines laid out in aligned columns, starting at `start`."""
    if len(lines[start].segments) < 2:
        return None
    end = start + 1
    while end < len(lines):
        line, prev = lines[end], lines[end - 1]
        if line.top - prev.bottom > 2.2 * max(line.size, prev.size):
            break
        if len(line.segments) < 2 and not _continues_cell(line, lines[start:end]):
            # a first cell wrapped onto a line of its own ('(Vice-' / 'Chairman)'), the grid going on after it
            after = lines[end + 1] if end + 1 < len(lines) else None
            wrapped = (
                after is not None
                and len(after.segments) >= 2
                and abs(line.segments[0].x0 - lines[start].segments[0].x0) <= 5
                and after.top - line.bottom <= 2.2 * max(line.size, after.size)
                and _carries_on(lines[end - 1].segments[0].text, line.segments[0].text)
            )
            if not wrapped:
                break
        end += 1
    multi = [line for line in lines[start:end] if len(line.segments) >= 2]
    if len(multi) < 2:
        return None
    starts = _cluster((s.x0 for line in multi for s in line.segments), tol=5.0)
    support = {x: sum(1 for line in multi if any(abs(s.x0 - x) <= 5 for s in line.segments)) for x in starts}
    columns = [x for x in starts if support[x] >= 2]
    first = min(s.x0 for line in multi for s in line.segments)
    if columns and first < columns[0] - 5:
        columns.insert(0, first)  # a label left of the first column ('Present:'), on one row only
    on_column = sum(1 for line in multi for s in line.segments if any(abs(s.x0 - x) <= 5 for x in columns))
    n_segs = sum(len(line.segments) for line in multi)
    if len(columns) < 2 or on_column < 0.75 * n_segs:
        return None
    return end, columns


def _carries_on(text: str, more: str) -> bool:
    """Whether a cell's next line carries its text on: a bracket left open, a word cut at a hyphen,
    or a line starting in lower case."""
    return text.count("(") > text.count(")") or text.endswith("-") or more[:1].islower()


def _continues_cell(line: Line, run: list[Line]) -> bool:
    """A one-segment line inside a grid: a wrapped cell, aligned with a column other than the first."""
    seg = line.segments[0]
    return any(abs(s.x0 - seg.x0) <= 5 for r in run for s in r.segments[1:])


def _unruled_table(lines: list[Line], columns: list[float]) -> TableDraft:
    rows: list[list[list[Line]]] = []
    for line in lines:
        cells: list[list[Segment]] = [[] for _ in columns]
        for s in line.segments:
            k = max((n for n, x in enumerate(columns) if x <= s.x0 + 5), default=0)
            cells[k].append(s)
        if len(line.segments) == 1 and rows and not cells[0]:
            k = next(n for n, c in enumerate(cells) if c)
            rows[-1][k].append(Line(cells[k], line.top, line.bottom, line.size))
            continue
        above = rows[-1][0] if rows else []
        if len(line.segments) == 1 and above and _carries_on(above[-1].text, line.text):
            above.append(Line(cells[0], line.top, line.bottom, line.size))
            continue
        row = [[Line(c, line.top, line.bottom, line.size)] if c else [] for c in cells]
        if line.aside:
            next(cell for cell in reversed(row) if cell)[-1].aside = line.aside
        rows.append(row)
    return TableDraft(top=lines[0].top, rows=rows, ruled=False)


# -- 6. paragraphs -----------------------------------------------------------------


def paragraphs(
    lines: list[Line], m: Metrics, page: int, column: int = 0, breaks: tuple[float, ...] = ()
) -> list[Para]:
    """Lines of one region (free text, a column, a cell) joined into paragraphs; a line starting at
    one of the `breaks` heights starts a paragraph."""
    if not lines:
        return []
    right = max(line.x1 for line in lines)
    left = min(line.x0 for line in lines)
    groups: list[list[Line]] = []
    for line in lines:
        prev = groups[-1][-1] if groups else None
        if (
            prev is None
            or any(abs(line.top - b) <= 2 for b in breaks)
            or _starts_paragraph(line, prev, groups[-1], m.pitch, left, right)
        ):
            groups.append([line])
        else:
            groups[-1].append(line)
    return [_para(g, page, column, m.words) for g in groups]


_WORDS_OF = re.compile(r"[^\W\d_]{2,}")


def _starts_paragraph(
    line: Line, prev: Line, group: list[Line], pitch: float, left: float, right: float
) -> bool:
    text = line.text
    if (
        line.top - prev.top > PARA_GAP * pitch * prev.size
        or abs(line.size - prev.size) > 0.15 * prev.size  # a heading and its text
        or line.bold != prev.bold  # a bold line and plain lines are not one paragraph
        or _BULLET.match(text)
        or _NUMBERED.match(text)
        or _LABEL_START.match(text)
    ):
        return True
    ends_sentence = bool(_SENTENCE_END.search(prev.text))
    if prev.aside and ends_sentence:
        return True  # a margin note marks the last line of what it belongs to
    em = max(prev.size, 1.0)
    if len(group) > 1 and line.x0 < prev.x0 - em and ends_sentence:
        return True  # back out to the margin after an indented run: a new paragraph
    if len(group) > 1 and line.x0 > prev.x0 + em and ends_sentence:
        return True  # a first-line indent
    # a line that stops well short of the region's right edge ends its paragraph when it ends a
    # sentence or the next line starts elsewhere ('1. Police Report' over its indented text); lines
    # broken by hand at one margin ('Name, Role' a line) and lower-case carry-ons stay together
    short = prev.x1 < right - 0.3 * (right - left)
    moved = abs(line.x0 - prev.x0) > 0.5 * em
    # two short lines in a row are entries one a line ('Cllr Bryony Akers – BA' / 'Cllr Dev Malhotra – DM'):
    # a wrapped paragraph has only its last line short
    entries = (
        short
        and line.x1 < right - 0.3 * (right - left)
        and not prev.text.endswith((",", ":", "-", "&", " and"))
    )
    # text flows: a line ends early only when the next word will not fit, so a next line whose first
    # word would have fitted in the room left was broken by hand (an entry a line); a word or two
    # broken off ('Police' / 'PH shared that ...', 'Prada & Jordan') is a run-in heading that stays with its text
    first = line.segments[0]
    word = first.text.split(" ", 1)[0]
    width = (first.x1 - first.x0) * len(word) / max(len(first.text), 1)
    room = right - prev.x1 > width + 2 * em
    by_hand = (
        room
        and len(_WORDS_OF.findall(prev.text)) >= 4
        and not prev.text.endswith((",", ":", "-", "&", " and", " the", " of", " to"))
    )
    return not text[:1].islower() and (
        by_hand or (short and ((ends_sentence and not prev.text.endswith(":")) or moved or entries))
    )


def _para(lines: list[Line], page: int, column: int, words: frozenset[str]) -> Para:
    text = lines[0].text
    for line in lines[1:]:
        text = _join_lines(text, line.text, words)
    text = " ".join(text.split())
    bullet = _BULLET.match(text)
    if bullet and len(text) > bullet.end():  # Word keeps bullets out of the text; so do we
        text = text[bullet.end() :]
    asides = list(dict.fromkeys(line.aside for line in lines if line.aside))
    first = lines[0].segments[0]
    lead = first.lead or (first.text if first.bold and not lines[0].bold else "")
    if not lead and lines[0].bold and len(lines) > 1 and not lines[1].bold:
        lead = lines[0].text
    return Para(
        text,
        bold=all(line.bold for line in lines),
        underline=all(line.underline for line in lines),
        list_item=bool(bullet),
        page=page,
        aside=" / ".join(asides) if asides else None,
        lead=lead or None,
        x0=round(min(line.x0 for line in lines), 1),
        x1=round(max(line.x1 for line in lines), 1),
        top=round(lines[0].top, 1),
        bottom=round(lines[-1].bottom, 1),
        column=column,
    )


_LAST_PART = re.compile(r"([A-Za-z]+)-$")
_FIRST_PART = re.compile(r"^([a-z]+)")


def _join_lines(text: str, more: str, words: frozenset[str]) -> str:
    """A line ending in a hyphen glued to a word continues that word: 'Coleridge-' 'Smith' keeps its
    hyphen, 'di-' 'versity' loses it when the document writes 'diversity' elsewhere."""
    if len(text) < 2 or not text.endswith("-") or text[-2].isspace():
        return f"{text} {more}"
    left, right = _LAST_PART.search(text), _FIRST_PART.match(more)
    if left and right and (left.group(1) + right.group(1)).lower() in words:
        return text[:-1] + more
    return text + more


def attach_asides(paras: list[Para], alone: list[Line]) -> None:
    """Margin notes on lines of their own go to the paragraph they stand nearest, the one above on a tie."""
    for line in alone:
        best: Para | None = None
        best_distance = float("inf")
        for para in paras:
            if para.top is None or para.bottom is None:
                continue
            if para.bottom < line.top:
                distance = line.top - para.bottom
            elif para.top > line.bottom:
                distance = para.top - line.bottom + 2.0  # below it: the one above wins a near tie
            else:
                distance = 0.0
            if distance < best_distance:
                best, best_distance = para, distance
        if best is not None and best_distance <= 3 * line.size:
            notes = [n for n in (best.aside, line.aside) if n]
            best.aside = " / ".join(dict.fromkeys(notes))


# -- the page in reading order ----------------------------------------------------


def page_blocks(page: PageLines, m: Metrics, drop: set[int]) -> list[Block]:
    """The page's blocks top to bottom: paragraphs, ruled and unruled tables, columns read in turn.

    `drop` holds the indexes of lines that are page furniture (running headers, page numbers).
    """
    lines = [line for i, line in enumerate(page.lines) if i not in drop]
    alone = take_asides(lines, m)
    lines = [line for line in lines if line not in alone]
    elements: list[tuple[float, Line | TableDraft | ColumnRun]] = [(t.top, t) for t in page.tables]
    i = 0
    while i < len(lines):
        column = _column_run(lines, i)
        if column:
            end, gutter = column
            elements.append((lines[i].top, ColumnRun(*_split_columns(lines[i:end], gutter))))
            i = end
            continue
        grid = _table_run(lines, i)
        if grid:
            end, starts = grid
            elements.append((lines[i].top, _unruled_table(lines[i:end], starts)))
            i = end
            continue
        elements.append((lines[i].top, lines[i]))
        i += 1
    elements.sort(key=lambda e: e[0])
    blocks: list[Block] = []
    free: list[Para] = []
    pending: list[Line] = []

    def flush() -> None:
        if pending:
            made = paragraphs(pending, m, page.number)
            blocks.extend(made)
            free.extend(made)
            pending.clear()

    for _, element in elements:
        if isinstance(element, Line):
            pending.append(element)
            continue
        flush()
        if isinstance(element, TableDraft):
            blocks.append(table_block(element, m, page.number))
            continue
        for n, side in enumerate((element.left, element.right)):
            made = paragraphs(side, m, page.number, column=n)
            blocks.extend(made)
            free.extend(made)
    flush()
    attach_asides(free, alone)
    return blocks


def table_block(draft: TableDraft, m: Metrics, page: int) -> Table:
    rows = []
    for row in (entry for drawn in draft.rows for entry in _entry_rows(drawn)):
        cells = [paragraphs(lines, m, page, breaks=_entry_tops(lines)) for lines in row]
        # a cell of short entries one under another (owners, dates) at their own heights: the
        # cell beside it breaks where they do, so three actions typed without a gap stay three
        for k, paras in enumerate(list(cells)):
            tops = tuple(p.top for p in paras[1:] if p.top is not None) if _stacked(paras) else ()
            for j in (k - 1, k + 1) if tops else ():
                if 0 <= j < len(row) and not _stacked(cells[j]):
                    cells[j] = paragraphs(row[j], m, page, breaks=tops)
        rows.append([Cell(paras) for paras in cells])
    return Table(rows=rows, page=page, ruled=draft.ruled)


def _entry_rows(row: list[list[Line]]) -> list[list[list[Line]]]:
    """A drawn row whose first cell stacks numbers or references ('54.1' / '54.2' / '54.3'), each
    level with a paragraph beside it, is one row for each: a table shaded only on its headings has
    no rule between the minutes under each heading."""
    keys = row[0] if row else []
    if len(keys) < 2 or not all(LIST_MARKER.match(line.text) for line in keys):
        return [row]
    tops = [line.top for line in keys]
    if any(b - a < 1 for a, b in pairwise(tops)):
        return [row]
    out: list[list[list[Line]]] = [[[] for _ in row] for _ in tops]
    for j, lines in enumerate(row):
        for line in lines:
            k = max((i for i, t in enumerate(tops) if line.top >= t - 2), default=0)
            out[k][j].append(line)
    return out


_INITIALS_ENTRY = re.compile(r"^[A-Z][A-Za-z]?[A-Z]{1,2}(?:\s*[/&,+]\s*[A-Z][A-Za-z]?[A-Z]{1,2})*$")


def _entry_tops(lines: list[Line]) -> tuple[float, ...]:
    """A cell that stacks initials one a line ('LH' / 'RO' / 'LH'): each line its own entry, at its
    own height (a wrapped name or sentence never looks like this)."""
    if len(lines) < 2 or not all(_INITIALS_ENTRY.match(line.text) for line in lines):
        return ()
    return tuple(line.top for line in lines[1:])


def _stacked(paras: list[Para]) -> bool:
    return len(paras) >= 2 and all(len(p.text) <= 40 for p in paras)
