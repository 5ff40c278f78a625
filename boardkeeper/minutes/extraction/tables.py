"""Tables: rejoining what page breaks split, and telling what a table is for.

A Word table that runs over pages arrives from PDF or text exports as one table
a page, each starting with the repeated header row, and a row cut by the page
break arrives as a row with an empty first cell. Both are rejoined here, for
every format alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..layout import LIST_MARKER, Block, Cell, Para, Table

# a line that cannot end a sentence: 'submit it to the ICB by 31' / 'December 2024'
_UNFINISHED = re.compile(r"\b(?:\d{1,2}|by|to|the|of|and|or|for|on|in|at|with|from|a|an)$", re.I)
_SENTENCE_END = re.compile(r"[.!?:;)\]\"'\u201d]\s*$")


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def row_key(row: list[Cell]) -> tuple[str, ...]:
    return tuple(_key(c.text) for c in row)


def merge_tables(blocks: list[Block]) -> list[Block]:
    """Join a table to the one before it when it repeats its header row (a page break)."""
    out: list[Block] = []
    last_table: Table | None = None
    for block in blocks:
        if isinstance(block, Para):
            if block.text:
                out.append(block)
                last_table = None if not _is_page_furniture(block) else last_table
            continue
        if (
            last_table is not None
            and block.rows
            and last_table.rows
            and any(row_key(block.rows[0]) == row_key(r) for r in last_table.rows[:3])  # a title row may lead
            and any(row_key(block.rows[0]))
        ):
            repeated = {row_key(r) for r in last_table.rows[:3]}
            rows = _copy(block).rows
            while rows and row_key(rows[0]) in repeated:
                rows = rows[1:]  # the header rows repeated on the new page (a title row and the header)
            _append_rows(last_table, rows)
            continue
        table = _copy(block)
        _rejoin_rows(table)
        out.append(table)
        last_table = table
    return out


def _copy(table: Table) -> Table:
    """Rows and cells of our own: rejoining pages must not change the reader's layout."""
    return Table([[Cell(list(c.paras)) for c in row] for row in table.rows], page=table.page)


def _is_page_furniture(para: Para) -> bool:
    return bool(re.fullmatch(r"(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?", para.text.strip(), re.I))


def _append_rows(table: Table, rows: list[list[Cell]]) -> None:
    start = len(table.rows)
    table.rows.extend(list(r) for r in rows)
    _rejoin_rows(table, start=max(start, 1))


def _rejoin_rows(table: Table, start: int = 1) -> None:
    """A row whose first cell is empty while its neighbours are numbered continues the row above."""
    if table.width < 3:
        return
    numbered = sum(1 for r in table.rows if r and re.match(r"^\s*\d", r[0].text))
    if numbered < 2:
        return
    i = max(start, 1)
    while i < len(table.rows):
        row = table.rows[i]
        if row and not row[0].text.strip() and i > 0 and len(row) == len(table.rows[i - 1]):
            prev = table.rows[i - 1]
            if any(c.text for c in row[1:]) and prev[0].text.strip():
                for a, b in zip(prev, row, strict=True):
                    _join_cells(a, b)
                del table.rows[i]
                continue
        i += 1


def _join_cells(a: Cell, b: Cell) -> None:
    if not b.paras:
        return
    # a sentence cut by the page break carries on in lower case; 'Present the plan' under 'Circulate
    # the profile' (stacked actions, owners) is the next entry
    first = b.paras[0].text
    cut = bool(a.paras) and (first[:1].islower() or bool(_UNFINISHED.search(a.paras[-1].text)))
    if a.paras and first and cut and not _SENTENCE_END.search(a.paras[-1].text):
        head = b.paras[0]
        last = a.paras[-1]
        a.paras[-1] = Para(f"{last.text} {head.text}".strip(), bold=last.bold and head.bold)
        a.paras.extend(b.paras[1:])
    else:
        a.paras.extend(b.paras)


# ---------------------------------------------------------------- what a table is

ACTION_WORDS = re.compile(r"\b(action|actions|detail|task|tasks|description|to do|todo|next steps?|what)\b")
ITEM_WORDS = re.compile(r"^(item|items|agenda item|item no|min|minute|minute ref|min ref)$")
OWNER_WORDS = re.compile(
    r"\b(owner|owners|who|resp|responsible|responsibility|lead|by whom|assigned|assignee|actionee|person)\b"
)
STATUS_WORDS = re.compile(r"\b(status|progress|update|rag|outcome)\b")
DUE_WORDS = re.compile(r"\b(due|deadline|by when|target date|when|date)\b")
NUMBER_WORDS = re.compile(r"^(no|number|ref|item|#|id|agenda item|item no|min|minute)$")
DISCUSSION_WORDS = re.compile(r"\b(discussion|minutes|notes|summary|comments)\b")


@dataclass(slots=True)
class Columns:
    """Which column holds what, by header text (-1 where absent)."""

    number: int = -1
    item: int = -1  # the agenda item an action was raised under, in an action log
    action: int = -1
    owner: int = -1
    status: int = -1
    due: int = -1
    discussion: int = -1


def columns(header: list[Cell]) -> Columns:
    cols = Columns()
    for i, cell in enumerate(header):
        k = _key(cell.text)
        if not k or len(k) > 40:
            continue
        if NUMBER_WORDS.match(k) and cols.number < 0 and i == 0:
            cols.number = i
        elif ITEM_WORDS.match(k) and cols.item < 0:
            cols.item = i
        elif DISCUSSION_WORDS.search(k) and cols.discussion < 0:
            cols.discussion = i
        elif ACTION_WORDS.search(k) and OWNER_WORDS.search(k) and cols.action < 0:
            cols.action = i  # 'Action / Lead': the owner is written in the action ('Update the log (KP)')
        elif OWNER_WORDS.search(k) and cols.owner < 0:
            cols.owner = i
        elif ACTION_WORDS.search(k) and cols.action < 0:
            cols.action = i
        elif STATUS_WORDS.search(k) and cols.status < 0:
            cols.status = i
        elif DUE_WORDS.search(k) and cols.due < 0:
            cols.due = i
    return cols


def minutes_header(table: Table) -> int | None:
    """The row holding Item | Discussion | Action | Owner (the board minutes layout), among the
    first three: a title row across the table may come first."""
    if not table.rows or table.width < 2:
        return None
    for r, row in enumerate(table.rows[:3]):
        cols = columns(row)
        if cols.discussion >= 0 and (cols.number >= 0 or cols.action >= 0):
            return r
    return None


def is_minutes_table(table: Table) -> bool:
    return minutes_header(table) is not None


def action_header(table: Table, above: Para | None = None) -> tuple[int, Columns] | None:
    """Where an action table's header is, and its columns: one of its first rows (a title row
    across the table may come first), or a line printed just above the table (-1)."""
    if not table.rows or table.width < 2:
        return None
    for r, row in enumerate(table.rows[:3]):
        cols = columns(row)
        if cols.discussion < 0 and cols.action >= 0 and max(cols.owner, cols.due, cols.status) >= 0:
            return (r, cols) if r + 1 < len(table.rows) else None
    if above is not None and len(above.text) <= 80:
        printed = _header_words(above.text, table.width)
        if printed is not None:
            return -1, printed
    return None


_ROLES: list[tuple[str, re.Pattern[str]]] = [
    ("number", re.compile(r"^(no|number|ref|#|id)$")),
    ("action", ACTION_WORDS),
    ("owner", OWNER_WORDS),
    ("due", DUE_WORDS),
    ("status", STATUS_WORDS),
    ("item", re.compile(r"^(item|items|minute|min)$")),
]


def _header_words(text: str, width: int) -> Columns | None:
    """'Action   Owner   Due date' printed over a table: one role a column, in order."""
    roles: list[str] = []
    for word in _key(text).split():
        role = next((name for name, pattern in _ROLES if pattern.search(word)), None)
        if role is None:
            if not roles or word not in ("required", "date", "agreed", "by", "when", "officer", "name"):
                return None  # a word no header has: a sentence, not a header
            continue  # 'Action Required', 'Due date': part of the role before it
        if not roles or roles[-1] != role:
            roles.append(role)
    if len(roles) != width or "action" not in roles:
        return None
    cols = Columns()
    for i, role in enumerate(roles):
        setattr(cols, role, i)
    return cols


# ---------------------------------------------------------------- tables that only lay text out


def unwrap_numbered_tables(blocks: list[Block]) -> list[Block]:
    """A table that lays out numbered minutes (the number in the first column, the minute beside it,
    perhaps who acts in a narrow last column) is the numbered paragraphs it holds: the number opens
    its paragraph and the last column is read as an aside, like initials in a margin."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table) and _lays_out_minutes(block):
            out.extend(_unwrapped(block))
        else:
            out.append(block)
    return out


def _body(table: Table) -> list[list[Cell]]:
    """The rows under a header of short titles ('Minute' | '' | 'Action'), if the table has one."""
    first = table.rows[0]
    titled = first[0].text and not LIST_MARKER.match(first[0].text.strip())
    if titled and all(len(c.text) <= 30 and "\n" not in c.text for c in first):
        return table.rows[1:]
    return table.rows


def _lays_out_minutes(table: Table) -> bool:
    if table.width not in (2, 3) or len(table.rows) < 4 or is_minutes_table(table) or action_header(table):
        return False
    body = _body(table)
    keys = [row[0].text.strip() for row in body if len(row) == table.width and row[0].text.strip()]
    if len(keys) < 3 or sum(1 for k in keys if LIST_MARKER.match(k)) < 0.8 * len(keys):
        return False
    texts = [row[1].text for row in body if len(row) == table.width]
    if sum(len(t) for t in texts) < 3 * sum(len(k) for k in keys) or max(len(t) for t in texts) < 60:
        return False
    if table.width == 3:  # the last column holds who acts: short entries
        return all(len(p.text) <= 40 for row in body if len(row) == 3 for p in row[2].paras)
    return True


def _unwrapped(table: Table) -> list[Para]:
    paras: list[Para] = []
    for row in _body(table):
        if len(row) < 2:
            paras.extend(p for c in row for p in c.paras if p.text)
            continue
        key = row[0].text.strip()
        own = [p for p in row[1].paras if p.text]
        if key and own:
            first = own[0]
            bold = first.bold or all(p.bold for p in row[0].paras if p.text)
            own[0] = replace(first, text=f"{key} {first.text}", bold=bold)
        elif key:
            own = [p for p in row[0].paras if p.text]
        for aside in (p for c in row[2:] for p in c.paras if p.text):
            # level with the paragraph it stands beside, else the row's first
            at = 0
            if aside.top is not None:
                level = [i for i, p in enumerate(own) if p.top is not None and p.top <= aside.top + 2]
                at = level[-1] if level else 0
            if own:
                joined = f"{own[at].aside} / {aside.text}" if own[at].aside else aside.text
                own[at] = replace(own[at], aside=joined)
        paras.extend(own)
    return paras
