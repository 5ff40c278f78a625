"""The meeting itself, from the minutes' header and front matter: its title, its date (the day it was held,
not a date the document was updated, circulated or refers back to), and the date of the next meeting."""

from __future__ import annotations

import datetime as dt
import re

from ..layout import Para, Table
from ..model import Meeting
from .dates import date_without_year, find_dates, first_date
from .items import Sections

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
_TITLE_WORDS = re.compile(
    r"\b(meeting|board|council|committee|group|forum|panel|partnership|minutes)\b", re.I
)


def meeting_of(cut: Sections, order: str) -> Meeting:
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
