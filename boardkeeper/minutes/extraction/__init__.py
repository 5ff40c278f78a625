"""Extraction: Layout in, Minutes out."""

from __future__ import annotations

import datetime as dt
import re

from ..layout import Layout, Para, Table
from ..model import Item, Meeting, Minutes, Person, Source
from .actions import decisions, explicit_actions, prose_actions
from .cases import case_mentions
from .dates import date_order, date_without_year, find_dates, first_date
from .items import Section, Sections, sections
from .owners import Directory
from .people import merge_people, people_from_blocks
from .tables import merge_tables, unwrap_numbered_tables

_NEXT_MEETING = re.compile(
    r"\bnext\s+(?:\w+\s+){0,2}(?:meeting|call|session|catch-up)|\bdate\s+of\s+(?:the\s+)?next\b|\bnext\s+meets?\b",
    re.I,
)
_HELD_ON = re.compile(r"\b(?:held|took\s+place)\s+(?:on|at)\b", re.I)
_DATE_LABEL = re.compile(r"^\W*(?:meeting\s+)?date\b", re.I)
_OTHER_DAY = re.compile(
    r"\b(updated|version|circulated|published|issued|printed|approved\s+on|draft)\b|^\W*(sent|received)\s*:",
    re.I,
)
_PREVIOUS = re.compile(r"\b(previous|last|prior)\s+meeting\b", re.I)
_ATTENDANCE_ITEM = re.compile(r"apolog|attend|present|roll\s*call|participants|welcome", re.I)
_TITLE_WORDS = re.compile(
    r"\b(meeting|board|council|committee|group|forum|panel|partnership|minutes)\b", re.I
)


def extract_layout(layout: Layout, source: Source) -> Minutes:
    blocks = unwrap_numbered_tables(merge_tables(layout.blocks))
    cut = sections(blocks)
    warnings = list(layout.warnings)
    people, roles = _people(cut)
    directory = Directory(people)
    for role, name in roles:
        for who in _split_names(name):
            person = directory.lookup(who)
            if person is None:
                person = Person(name=who, attendance="present")
                directory.add(person)
            person.role = person.role or role
    _fuller_names(people, [b.text for b in blocks if isinstance(b, Para)])
    directory.refresh()  # names were completed: the index must know them by their full names
    texts = [b.text for b in blocks if isinstance(b, Para)]
    texts += [c.text for b in blocks if isinstance(b, Table) for row in b.rows for c in row]
    order = date_order(texts, layout.saved)
    meeting = _meeting(cut, order)
    if meeting.date is None:
        warnings.append("no meeting date could be read from the document")

    items_sections = cut.items if cut.strategy != "agenda" else []
    body = items_sections or [Section(None, "", blocks=list(cut.preamble))]
    if cut.strategy == "agenda":
        body = [Section(None, "", blocks=list(cut.preamble))]
    elif cut.items and cut.preamble:
        body = [Section(None, "", blocks=[b for b in cut.preamble if isinstance(b, Table)]), *body]
    explicit = explicit_actions(body, directory, minutes_table=cut.strategy == "minutes-table", order=order)
    directory.learn_owners([a.owner_text for a in explicit])
    prose = prose_actions(body, directory, explicit)
    found_decisions = decisions(body)
    items = [
        Item(
            number=s.number,
            title=s.title,
            discussion=_discussion(s),
            decisions=[d.text for d in found_decisions if d.item == s.number and s.number is not None],
            case_mentions=case_mentions(s, directory),
        )
        for s in cut.items
    ]
    warnings.extend(directory.warnings)
    if not items:
        warnings.append("no agenda items were recognised")
    return Minutes(
        source=source,
        meeting=meeting,
        people=[p for p in people],
        items=items,
        actions=explicit + prose,
        decisions=found_decisions,
        warnings=warnings,
    )


_HONORIFIC_WORDS = {
    "Mr",
    "Mrs",
    "Ms",
    "Miss",
    "Mx",
    "Dr",
    "Cllr",
    "Prof",
    "Revd",
    "Rev",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
}


def _fuller_names(people: list[Person], texts: list[str]) -> None:
    """'M Storey' in the attendance, 'Martin Storey' in the text: the document's fullest form is the name."""
    for person in people:
        parts = person.name.split()
        if len(parts) != 2 or len(parts[0].rstrip(".")) != 1:
            continue
        initial, surname = parts[0][0], parts[1]
        pattern = re.compile(rf"\b({initial}[a-z]+)\s+{re.escape(surname)}\b")
        firsts = {m.group(1) for text in texts for m in pattern.finditer(text)} - _HONORIFIC_WORDS
        if len(firsts) == 1:
            person.name = f"{firsts.pop()} {surname}"


def _split_names(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*(?:,|;|&|\band\b)\s*", text) if p.strip()]


def _people(cut: Sections) -> tuple[list[Person], list[tuple[str, str]]]:
    """Attendance from the header (paragraphs and tables) and from the first items about attendance."""
    blocks: list[Para | Table] = list(cut.preamble)
    for section in cut.items[:4]:
        if _ATTENDANCE_ITEM.search(section.title):
            blocks.append(Para(section.title + ":"))
            blocks.extend(section.blocks)
    people, roles = people_from_blocks(blocks)
    return merge_people(people), roles


def _meeting(cut: Sections, order: str) -> Meeting:
    meeting = Meeting()
    header: list[str] = []
    front: list[str] = []
    for block in cut.preamble:
        if isinstance(block, Table):
            for row in block.rows:
                header.append(" ".join(c.text for c in row))
        elif block.text.startswith("front-matter "):
            front.append(block.text)
        else:
            header.append(block.text)
    if cut.items and cut.items[0].heading is not None and not header:
        header.append(cut.items[0].title)
    meeting.title = _title(cut, header, front)
    # a line labelled 'Date:' first, then any header line that is not about another day
    # 'meeting held on 30 November 2023' names the day itself; a 'Date:' field may be a cover sheet's
    held = [line for line in header if _HELD_ON.search(line) and not re.match(r"^\s*\d", line)]
    labelled = [line for line in header if _DATE_LABEL.match(line)]
    for line in held + labelled + header:
        if _NEXT_MEETING.search(line) or _PREVIOUS.search(line) or _OTHER_DAY.search(line):
            continue
        d = first_date(line, order)
        if d:
            meeting.date = d
            break
    if meeting.date is None:
        for line in front:
            if re.match(r"front-matter (date|start|meeting)", line):
                meeting.date = first_date(line, order)
                if meeting.date:
                    break
    meeting.next_meeting_date = _next_meeting(cut, header, meeting, order)
    for line in header:
        m = re.match(r"^(?:venue|location|place|where)\s*:\s*(.+)$", line, re.I)
        if m:
            meeting.location = m.group(1).strip()
            break
    return meeting


_GENERIC_HEADING = re.compile(r"^\W*(minutes|agenda|notes|attendees|attendance|attendace|present)\W*$", re.I)


def _title(cut: Sections, header: list[str], front: list[str]) -> str | None:
    """A fields table's 'Meeting' row, else the first heading, else front matter, else a line naming a meeting."""
    for block in cut.preamble:
        if isinstance(block, Table):
            for row in block.rows:
                if len(row) >= 2 and re.match(r"^\W*(meeting|title|board|committee)\W*$", row[0].text, re.I):
                    return row[1].text.strip() or None
    headings = [
        b for b in cut.preamble if isinstance(b, Para) and b.heading and not _GENERIC_HEADING.match(b.text)
    ]
    if headings and headings[0].heading == 1:
        return re.sub(r"\s*[-—–]\s*(minutes|\d{4}-\d\d-\d\d).*$", "", headings[0].text, flags=re.I).strip()
    for line in front:
        if line.startswith("front-matter title: "):
            return line[len("front-matter title: ") :]
    if headings:
        return headings[0].text
    for line in header:
        if _TITLE_WORDS.search(line) and len(line) < 120:
            return line.strip()
    return None


def _next_meeting(cut: Sections, header: list[str], meeting: Meeting, order: str) -> dt.date | None:
    """The next meeting's date: the last mention of the next meeting that gives a date after this one."""
    texts: list[str] = list(header)
    for section in cut.items:
        texts.append(section.title + ":")
        texts.extend(b.text for b in section.blocks if isinstance(b, Para))
    yearless: dt.date | None = None
    for i in range(len(texts) - 1, -1, -1):
        text = texts[i]
        if not _NEXT_MEETING.search(text):
            continue
        # the date may sit in the heading's own line or the line after it ('Date of Next Meeting.' / '9th October')
        follow = texts[i + 1] if i + 1 < len(texts) and len(text) < 80 else ""
        for candidate in (text, follow):
            for _, d in find_dates(candidate, order):
                if meeting.date is None or d > meeting.date:
                    return d
            yearless = yearless or date_without_year(candidate, meeting.date)
    return yearless


def _discussion(section: Section) -> str:
    parts = []
    for block in section.blocks:
        if isinstance(block, Para):
            parts.append(block.text)
        else:
            parts.extend(" | ".join(c.text for c in row) for row in block.rows)
    return "\n\n".join(p for p in parts if p)
