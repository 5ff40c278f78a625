"""The layout model: what every reader produces, whatever the format.

A document is a flat sequence of blocks in reading order: paragraphs and
tables. Tables hold rows of cells, each cell a list of paragraphs. That is
all the extraction needs to know about .docx, .pdf, .html, markdown and
text alike, so one extraction serves every format.

Where the format has geometry (PDF), a paragraph also carries where it stands
(page, left and right edge, top and bottom in points from the top of the page,
the text column), and what is printed in the margin level with it (`aside`:
the initials of an Action column that is no table). Word documents give an
aside too, when a paragraph ends in a tab to the right margin followed by a
few words. Extraction that needs no geometry ignores it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

LIST_MARKER = re.compile(  # what numbers or bullets a line: its tab or gap after it is no column
    r"^(?:[-–—•●▪■◦○·*\uf0a7\uf0b7\uf0d8\uf076\uf0fc\uf02d]|\(?\d{1,3}(?:\.\d{1,3})*[.):]?|\(?[a-z][.)]|"
    r"\(?[ivx]{1,5}[.)]|[A-Z][.)]|(?:item|minute)\s+\d{1,3}[.:]?|(?:[A-Z]{1,5}\s?)?\d{2,4}/\d{1,4}[.:,]?)$",
    re.I,
)


@dataclass(slots=True)
class Para:
    """One paragraph of plain text (markup removed, whitespace folded)."""

    text: str
    heading: int = 0  # 1-6 for a heading (h1, '#', Word 'Heading 1'), 0 otherwise
    bold: bool = False  # the whole paragraph is bold / strong
    underline: bool = False  # the whole paragraph is underlined
    list_item: bool = False  # a bullet or numbered list entry
    quoted: bool = False  # quoted from elsewhere ('> 5. AOB' in a reply to an email)
    page: int | None = None  # 1-based page, where the format has pages
    aside: str | None = None  # text set apart in the right margin level with this paragraph ('KC/GD')
    lead: str | None = None  # the bold words it opens with when the rest is plain (a run-in heading or label)
    x0: float | None = None  # geometry (PDF only): left and right edge, top and bottom, in points
    x1: float | None = None
    top: float | None = None
    bottom: float | None = None
    column: int = 0  # 0 for the page's only or first text column, 1 for the second ...


@dataclass(slots=True)
class Cell:
    paras: list[Para] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paras if p.text)


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]] = field(default_factory=list)
    page: int | None = None  # page the table starts on
    ruled: bool = True  # False: rebuilt from text aligned in columns, with no lines drawn (PDF, tab stops)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Para | Table


@dataclass(slots=True)
class Layout:
    """A read document: its blocks and anything the reader had to warn about."""

    format: str  # text | markdown | html | docx | pdf
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pages: int = 0
    saved: dt.date | None = None  # when the file says it was last saved (Word, PDF): a tie-breaker only
