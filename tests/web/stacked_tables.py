"""Tables stacked on a phone (`bk-stack-on-phone`, `bk-table-reflow`): boardkeeper.css hides their header row
below 40em and stands each row as a block, so a cell names its column itself, with `data-label` (drawn
before it as 'Owner: '). The cells that do not, for tests/web/test_stacked_tables.py (pages one at a time)
and tests/web/test_browser_phone.py (every page of the permission walk)."""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html

STACKED = (
    "//table[contains(concat(' ', normalize-space(@class), ' '), ' bk-stack-on-phone ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' bk-table-reflow ')]"
)
CONTROLS = ".//button | .//select | .//textarea | .//input[not(@type='hidden')]"


@dataclass(frozen=True)
class Unnamed:
    columns: tuple[str, ...]  # the table's column headers: which table
    column: str  # the header of the cell's column
    label: str | None  # its data-label, when it has one that is not its column's header
    text: str

    def __str__(self) -> str:
        said = f"data-label={self.label!r}" if self.label is not None else "no data-label"
        return f"{' | '.join(self.columns)}: a {self.column!r} cell ({self.text[:40]!r}) has {said}"


def unnamed_cells(html: str | bytes, *, row_named_by_first_cell: bool = False) -> list[Unnamed]:
    """Each `<td>` of a stacked table that shows something (not empty; not a message across the whole row)
    and does not name its column: `data-label` is its column's header.

    With `row_named_by_first_cell`, the rule every page keeps (boardkeeper.css): a label is needed where a
    value alone would not say what it is, and is what the cell is about. A row's first cell names the row
    (the action, the person: the log's rows made in Python leave it bare) and a control carries its own
    label, so neither needs one; and a label may be shorter than its header ('Status' under 'Status and
    flag')."""
    found = []
    for table in lxml.html.fromstring(html).xpath(STACKED):
        columns = tuple(" ".join(th.text_content().split()) for th in table.xpath("./thead/tr[1]/th"))
        for row in table.xpath("./tbody/tr"):
            column = 0
            for cell in row.xpath("./td | ./th"):
                first, at, column = column == 0, column, column + int(cell.get("colspan") or 1)
                text = " ".join(cell.text_content().split())
                if cell.tag != "td" or not text or int(cell.get("colspan") or 1) >= len(columns):
                    continue
                header = columns[at] if at < len(columns) else ""
                label = cell.get("data-label")
                if row_named_by_first_cell:
                    if label or first or cell.xpath(CONTROLS):
                        continue
                elif label == header:
                    continue
                found.append(Unnamed(columns, header, label, text))
    return found
