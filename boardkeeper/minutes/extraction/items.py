"""Items: cutting a document into its agenda items.

Tried in order, the first that fits wins:
1. a minutes table (Item | Discussion | Action | Owner): each numbered row is an item;
2. numbered headings ('5. Roadmap', '#### 0.1. issue 291'), in rising order;
3. an agenda list near the top, when the body has no numbering of its own;
4. headings by style: the shallowest heading level used three times or more,
   else short paragraphs that are wholly bold or underlined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..layout import Block, Cell, Para, Table
from .people import label_of
from .tables import Columns, columns, is_minutes_table, minutes_header


@dataclass(slots=True)
class Section:
    number: str | None
    title: str
    blocks: list[Block] = field(default_factory=list)
    # (action paragraphs, owner paragraphs) from a minutes table's action and owner columns
    column_actions: list[tuple[list[Para], list[Para]]] = field(default_factory=list)
    heading: Para | None = None


@dataclass(slots=True)
class Sections:
    preamble: list[Block]
    items: list[Section]
    strategy: str
    agenda: list[str] = field(default_factory=list)


_NUMBERED = re.compile(
    r"^\s*(?P<n>\d{1,2}(?:\.\d{1,2})*)(?:\\?\.(?=\s|[A-Z])|\s|,\s+(?=[A-Z]{2}))\s*(?P<rest>\S.*)$"
)  # '7, SECRETARY'S REPORT': a comma typed for the stop before a title in capitals
_GLUED = re.compile(r"^(.*?[.!?])\s+(\d{1,2})\.\s+([A-Z](?:[^.!?]|(?<=\d)\.(?=\d)){2,80})$")
_AGENDA = re.compile(r"^\W*agenda\W*$", re.I)
_BULLET_TEXT = re.compile(r"^[-\u2013\u2022*\s]+")


def sections(blocks: list[Block]) -> Sections:
    for table_index, block in enumerate(blocks):
        if isinstance(block, Table) and is_minutes_table(block):
            return _from_minutes_table(blocks, table_index)
    numbered = _numbered_headings(blocks)
    styled = _styled_headings(blocks)
    plain_numbers = not any(
        isinstance(b, Para) and (b.heading or b.bold or b.underline)
        for b in (blocks[i] for i, *_ in numbered)
    )
    if numbered and not (plain_numbers and len(styled) > len(numbered)):
        return _cut(blocks, numbered, "numbered")
    agenda = _agenda_list(blocks)
    if agenda:
        items = [Section(None, t) for t in agenda]
        # the items come from the agenda; the body stays one run of text under no item
        return Sections(preamble=list(blocks), items=items, strategy="agenda", agenda=agenda)
    if styled:
        return _cut(blocks, styled, "styled")
    return Sections(preamble=list(blocks), items=[], strategy="none")


_CAPS_RUN_IN = re.compile(r"^(?P<title>(?:[A-Z0-9][A-Z0-9'\u2019&,/-]*[:.]?\s+){2,}?)(?=\(?[a-z]|[A-Z][a-z])")


def _title_and_rest(text: str) -> tuple[str, str]:
    """'Those Attending: Cllr J ...' -> ('Those Attending', 'Cllr J ...')."""
    text = text.strip().strip("*_").strip()
    caps = _CAPS_RUN_IN.match(text)
    if caps and len(text) > len(caps.group("title")) + 10:
        # 'NEXT MEETING MONDAY 8 APRIL (back a week because of Easter) ...': the capitals are the title
        return caps.group("title").strip(" :.-\u2013"), text[caps.end() :].strip()
    if ":" in text:
        head, _, rest = text.partition(":")
        rest = rest.strip()
        # 'Those Attending: Cllr J ...' carries content after the colon; 'Open Discussion: How to ...' is all title
        if 2 <= len(head) <= 90 and rest and (len(rest) > 60 or rest.endswith(".")):
            return head.strip(), rest
    return text.rstrip(":").rstrip(".").strip(), ""


def _from_minutes_table(blocks: list[Block], index: int) -> Sections:
    table = blocks[index]
    assert isinstance(table, Table)
    header = minutes_header(table) or 0
    cols = columns(table.rows[header])
    disc = cols.discussion
    items: list[Section] = []
    trailing: list[Block] = []
    header_rows: list[list[Cell]] = []  # 'Present' | names ... rows before the first item
    for row in table.rows[header + 1 :]:
        filled = [c for c in row if c.text]
        if len(filled) == 1 and (len(row) == 1 or len({c.text for c in row if c.text}) == 1):
            trailing.extend(filled[0].paras)  # a row across the table ('Date of next meeting: ...')
            continue
        if len(row) <= disc:
            continue
        if not items and row[0].text and label_of(row[0].text):
            header_rows.append(row)
            continue
        first = [p.text for p in row[0].paras if p.text]
        if cols.number == 0 and len(first) >= 2 and re.fullmatch(r"\d{1,2}[a-z]?\.?", first[0]):
            # 'Agenda item' cell holding the number and the title on lines of their own
            section = Section(first[0].rstrip("."), " ".join(first[1:]), heading=row[0].paras[1])
            section.blocks.extend(p for p in row[disc].paras if p.text)
            _column_actions_of(section, row, cols)
            items.append(section)
            continue
        number = row[0].text.strip().rstrip(".").strip() if cols.number == 0 else None
        paras = [p for p in row[disc].paras if p.text]
        numbered = _NUMBERED.match(number or "")
        if numbered and not re.fullmatch(r"[\d.]+", number or ""):
            # '3. Performance dashboard' in the Item column: the title is there, the notes are all discussion
            number = numbered.group("n")
            section = Section(number, numbered.group("rest").strip(), heading=row[0].paras[0])
            section.blocks.extend(paras)
            _column_actions_of(section, row, cols)
            items.append(section)
            continue
        if not paras:
            continue
        title_para, body = paras[0], paras[1:]
        title, rest = title_para.text, ""
        if len(title) > 120:  # no title line: the first sentence stands for one
            title, _, rest = title.partition(". ")
        section = Section(number or None, title.strip(), heading=title_para)
        if rest:
            section.blocks.append(Para(rest))
        section.blocks.extend(body)
        _column_actions_of(section, row, cols)
        items.append(section)
    preamble = list(blocks[:index])
    if header:
        preamble.append(Table(table.rows[:header]))  # the title row over the header
    if header_rows:
        preamble.append(Table(header_rows))
    after = trailing + list(blocks[index + 1 :])
    if items:
        items[-1].blocks.extend(after)
    return Sections(preamble=preamble, items=items, strategy="minutes-table")


# Ways an item heading is numbered: (family, pattern with groups n and rest)
_FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    (
        "item",
        re.compile(
            r"^\s*(?:agenda\s+)?item\s*(?P<n>\d{1,3}(?:\.\d{1,2})*)\s*[:.)\-\u2013\u2014]?\s+(?P<rest>\S.*)$",
            re.I,
        ),
    ),
    ("number", _NUMBERED),
    # '1)' numbers points inside an item as often as items: only as a heading or in bold
    ("paren", re.compile(r"^\s*(?P<n>\d{1,2})\s?\)\s+(?P<rest>\S.*)$")),
    (
        "ref",
        re.compile(
            r"^\s*(?:minute\s+)?(?P<n>(?:[A-Z]{1,5}\s?)?\d{2,4}/\d{1,4})\.?\s*[:,\-\u2013]?\s+(?P<rest>\S.*)$",
            re.I,
        ),
    ),
    ("roman", re.compile(r"^\s*(?P<n>[IVX]{1,5})[.)]\s+(?P<rest>\S.*)$")),
    ("letter", re.compile(r"^\s*\(?(?P<n>[a-z])[.)]\s+(?P<rest>\S.*)$")),
    ("capital", re.compile(r"^\s*(?P<n>[A-Z])[.)]\s+(?P<rest>\S.*)$")),
]


def _column_actions_of(section: Section, row: list[Cell], cols: Columns) -> None:
    if 0 <= cols.action < len(row):
        owner_cell = row[cols.owner] if 0 <= cols.owner < len(row) else Cell()
        acts = [p for p in row[cols.action].paras if p.text]
        if acts:
            section.column_actions.append((acts, [p for p in owner_cell.paras if p.text]))


def _numbered_headings(blocks: list[Block]) -> list[tuple[int, str | None, str, str]]:
    """(block index, number, title, rest of line) of each numbered item heading.

    Each numbering family ('5.', 'Item 5:', '23/41', 'e)') is tried; the one with most headings in
    rising order wins. Numbers that fall back (a list '1. 2. 3.' inside item 4, or the next
    meeting's agenda appended at the end) are skipped, not taken as a new sequence.
    """
    best: list[tuple[int, str | None, str, str]] = []
    for family, pattern in _FAMILIES:
        found = _headings_of(blocks, family, pattern)
        if len(found) > len(best):
            best = found
    return best


# What a heading of each family can start with (the 'number' family also finds glued headings, so it always runs)
_MAY_START: dict[str, Callable[[str], bool]] = {
    "item": lambda head: head.lower().startswith(("item", "agenda")),
    "paren": lambda head: head[:1].isdigit(),
    "ref": lambda head: head[:1].isdigit() or head[:1].isupper(),
    "letter": lambda head: head[:1].islower() or head[:1] == "(",
    "capital": lambda head: head[:1].isupper() and head[1:2] in (".", ")"),
    "roman": lambda head: bool(head) and head[0] in "IVX",
}


def _value(family: str, number: str) -> float:
    if family in ("letter", "capital"):
        return float(ord(number.lower()) - ord("a") + 1)
    if family == "ref":
        return float(number.split("/")[1])
    if family == "roman":
        return float(_roman(number))
    parts = number.split(".")
    return float(".".join(parts[:2]))


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for a, b in zip(numeral, numeral[1:] + " ", strict=True):
        total += -values[a] if values.get(b, 0) > values[a] else values[a]
    return total


def _headings_of(
    blocks: list[Block], family: str, pattern: re.Pattern[str]
) -> list[tuple[int, str | None, str, str]]:
    found: list[tuple[int, str | None, str, str]] = []
    levels: list[int] = []
    last = -1.0
    inner: float | None = None  # the last number of a list that fell back below the items' numbers
    inner_sig: _Look = (False, 0, False, None)  # how that list's entries look
    head_sig: _Look = (False, 0, False, None)  # and how the headings look
    headings_seen = 0
    for i, block in enumerate(blocks):
        if not isinstance(block, Para) or not block.text or block.quoted:
            continue
        text = block.text.replace("\\.", ".")
        if family != "number" and not _MAY_START[family](text.lstrip()[:8]):
            continue  # the first characters rule the family out; its pattern need not run
        m = pattern.match(text) if len(text) < 400 or family == "number" else None
        if not m:
            g = _GLUED.match(text) if family == "number" and text[-1:] not in ".:;" else None
            if g and found and int(g.group(2)) == int(last) + 1:
                found.append((i, g.group(2), g.group(3).strip(), "glued:" + g.group(1)))
                levels.append(0)
                last = float(g.group(2))
            continue
        number, rest = m.group("n"), m.group("rest")
        value = _value(family, number)
        sig = _signature(block)
        if found and "." not in number:
            falls_back = value < last
            runs_on = (
                inner is not None
                and value == inner + 1
                # the last heading's number again while a list runs is the list's; the next one, if it looks so
                and (value == last or _nearer(sig, inner_sig, head_sig, run=inner))
            )
            if falls_back or runs_on:
                # a list numbered afresh inside an item (or after the last one) runs on by its own
                # numbers: '10.' after its '9.' is the list's when it looks like the list, not the items
                inner, inner_sig = value, sig
                continue
        if block.list_item and not block.heading and not (block.bold or _capitals(rest)):
            continue  # a numbered list in the text; Word's numbered headings are bold or in capitals
        if family == "paren" and not (
            block.heading or block.bold or _next_in_line(found, value, last, sig, head_sig)
        ):
            continue  # '1)' numbers points inside an item as often as items: plain only when it runs on
        if family == "number" and "." in number and not block.heading:
            continue  # '2.1 Participants' is a sub-item unless it is styled as a heading
        lead = pattern.match(block.lead) if block.lead and text.startswith(block.lead) else None
        if lead and block.lead:
            # a run-in heading: '1. Minutes' in bold, then the minute itself in plain text
            title, tail = lead.group("rest").strip().rstrip(":.").strip(), text[len(block.lead) :].strip()
        else:
            title, tail = _title_and_rest(rest)
        sentence = bool(re.search(r"[a-z]{3,}[.!?]$", rest if not tail else title)) and len(title) > 60
        if (
            family == "number"
            and not block.heading
            and not re.match(r"^\s*[\d.]+(?:\\?\.)", text)
            and (sentence or len(title) > 60)
        ):
            continue  # '1 The Chairman welcomed ...' is a numbered sentence, not a heading
        # a numbered paragraph with its points listed under it is an outline heading, however long
        outline = i + 1 < len(blocks) and is_point(blocks[i + 1]) and not block.list_item
        if outline:
            title, tail = _first_sentence(title, tail)
        elif not block.heading and (
            len(title) > 100 or sentence or not (title[:1].isupper() or title[:1].isdigit())
        ):
            continue
        inner = None
        head_sig = sig
        if block.heading:
            headings_seen += 1
        found.append((i, number, title, tail))
        levels.append(block.heading)
        last = value
    found = _without_subitems(found, levels)
    if len({n for _, n, _, _ in found}) < min(3, len(found)):
        return []  # '0.5mm', '0.625mm': one number again and again is no numbering
    if len(found) >= 3 or (found and headings_seen == len(found) and len(found) >= 2):
        return found
    return []


_Look = tuple[bool, int, bool, float | None]


def is_point(block: Block) -> bool:
    """A bullet or numbered list entry."""
    return isinstance(block, Para) and block.list_item


def _first_sentence(title: str, tail: str) -> tuple[str, str]:
    """'Breaches of the TOS. James Rutt gave ...': a title's first sentence, the rest its text."""
    head, dot, rest = title.partition(". ")
    if dot and rest[:1].isupper() and len(head) <= 80:
        return head.strip(), f"{rest} {tail}".strip()
    return title.rstrip("."), tail


def _capitals(text: str) -> bool:
    """'MINUTES OF THE FEBRUARY MEETING These were moved ...': the words it opens with are in capitals."""
    words = text.split()[:3]
    return len(words) >= 2 and all(w.isupper() for w in words[:2]) and sum(c.isalpha() for c in words[0]) >= 2


def _signature(para: Para) -> _Look:
    """How a paragraph looks: bold, heading level, list entry, and its indent where known."""
    return para.bold, para.heading, para.list_item, para.x0


def _next_in_line(found: Sequence[object], value: float, last: float, look: _Look, heading: _Look) -> bool:
    """An unstyled '11)' after a styled '10)' at the same indent: the next item, its author's bold forgotten."""
    if not found or value != last + 1 or look[3] is None or heading[3] is None:
        return False
    return abs(look[3] - heading[3]) <= 4


def _nearer(look: _Look, a: _Look, b: _Look, *, run: float) -> bool:
    """Whether a paragraph looks more like `a` (a list's entries) than like `b` (the headings): by
    style, then by indent; where nothing tells them apart, a list already two entries long runs on."""
    if (look[:3] == a[:3]) != (look[:3] == b[:3]):
        return look[:3] == a[:3]
    if look[3] is None or a[3] is None or b[3] is None:
        return run >= 2
    return abs(look[3] - a[3]) < abs(look[3] - b[3])


def _without_subitems(
    found: list[tuple[int, str | None, str, str]], levels: list[int]
) -> list[tuple[int, str | None, str, str]]:
    """Drop '3.1' headings that sit under a '3' heading found at a shallower level."""
    tops = {
        (n or "").split(".")[0]: lv
        for (_, n, _, _), lv in zip(found, levels, strict=True)
        if n and "." not in n
    }
    out = []
    for entry, level in zip(found, levels, strict=True):
        number = entry[1] or ""
        parent = number.split(".")[0]
        if "." in number and parent in tops and (level == 0 or tops[parent] == 0 or level > tops[parent]):
            continue
        out.append(entry)
    return out


_AGENDA_FIELD = re.compile(
    r"^\W*(?:agenda(?:\s+items)?|(?:meeting\s+)?objectives|items?\s+for\s+discussion|topics)\W*$", re.I
)


def _agenda_list(blocks: list[Block]) -> list[str]:
    for i, block in enumerate(blocks[:40]):
        if isinstance(block, Table):
            # a form's field ('Meeting objectives:' | '-Discuss skills audit' / '-Decide on tasks')
            for row in block.rows:
                if len(row) >= 2 and _AGENDA_FIELD.match(row[0].text) and len(row[1].paras) >= 2:
                    return [_BULLET_TEXT.sub("", p.text).rstrip(".:").strip() for p in row[1].paras if p.text]
            continue
        if isinstance(block, Para) and _AGENDA.match(block.text):
            entries = []
            for b in blocks[i + 1 :]:
                if isinstance(b, Para) and b.list_item and b.text:
                    entries.append(b.text.rstrip(".:"))
                elif entries or not isinstance(b, Para) or b.heading:
                    break
            if len(entries) >= 3:
                return entries
    return []


def _is_attendance_label(para: Para) -> bool:
    label = label_of(para.text)
    return label is not None and label[0] != "role"


def _styled_headings(blocks: list[Block]) -> list[tuple[int, str | None, str, str]]:
    # bold lines above the attendance are the letterhead and the title, not items
    header_end = max(
        (i for i, b in enumerate(blocks[:60]) if isinstance(b, Para) and _is_attendance_label(b)), default=-1
    )
    paras = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Para) and b.text]
    levels: dict[int, int] = {}
    first_h = next((b.heading for _, b in paras if b.heading), 0)
    seen_title = False
    for _, b in paras:
        if b.heading:
            if b.heading == first_h and not seen_title:
                seen_title = True
                continue
            levels[b.heading] = levels.get(b.heading, 0) + 1
    level = min((lv for lv, n in levels.items() if n >= 3), default=0)
    found: list[tuple[int, str | None, str, str]] = []
    if level:
        started = False
        for i, b in paras:
            if b.heading and b.heading < level and started is False:
                continue
            if b.heading == level:
                started = True
                title, tail = _title_and_rest(b.text)
                found.append((i, None, title, tail))
        return found
    # where some headings are underlined, only bold-and-underlined paragraphs are headings
    any_underline = any(p.underline for _, p in paras)
    groups: dict[bool, list[tuple[int, str | None, str, str]]] = {False: [], True: []}
    for i, b in paras:
        if i <= header_end or b.quoted:
            continue
        styled = (b.bold and b.underline) if any_underline else b.bold
        if styled and len(b.text) <= 100 and not b.text.endswith("."):
            title, tail = _title_and_rest(b.text)
            groups[b.list_item].append((i, None, title, tail))
    # bold list entries (Word 'List Number' headings) and bold plain lines are two styles: the
    # more numerous one is the item headings, the other sub-headings inside them
    found = max(groups.values(), key=len)
    return found if len(found) >= 3 else []


def _cut(blocks: list[Block], heads: list[tuple[int, str | None, str, str]], strategy: str) -> Sections:
    items: list[Section] = []
    starts = [h[0] for h in heads]
    preamble = list(blocks[: starts[0]])
    for n, (index, number, title, tail) in enumerate(heads):
        end = starts[n + 1] if n + 1 < len(heads) else len(blocks)
        head_para = blocks[index]
        assert isinstance(head_para, Para)
        section = Section(number, title, heading=head_para)
        if tail.startswith("glued:"):
            # the heading was glued to the end of the previous item's last paragraph
            if items:
                items[-1].blocks.append(Para(tail[len("glued:") :]))
            else:
                preamble.append(Para(tail[len("glued:") :]))
        elif tail:
            section.blocks.append(Para(tail))
        section.blocks.extend(blocks[index + 1 : end])
        items.append(section)
    return Sections(preamble=preamble, items=items, strategy=strategy)
