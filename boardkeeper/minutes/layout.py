"""The layout model: what every reader produces, whatever the format.

A document is a flat sequence of blocks in reading order: paragraphs and
tables. Tables hold rows of cells, each cell a list of paragraphs. That is
all the extraction needs to know about .docx, .pdf, .html, markdown and
text alike, so one extraction serves every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
