"""Extraction: Layout in, Minutes out."""

from __future__ import annotations

import re

from ..layout import Layout, Para, Table
from ..model import Item, Minutes, Person, Source
from .actions import explicit_actions
from .cases import case_mentions
from .commitments import prose_actions
from .dates import date_order
from .decisions import decisions
from .items import Section, Sections, sections
from .meeting import meeting_of
from .owners import Directory
from .people import merge_people, people_from_blocks
from .tables import merge_tables, unwrap_numbered_tables

_ATTENDANCE_ITEM = re.compile(r"apolog|attend|present|roll\s*call|participants|welcome", re.I)


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
    meeting = meeting_of(cut, order)
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


def _discussion(section: Section) -> str:
    parts = []
    for block in section.blocks:
        if isinstance(block, Para):
            parts.append(block.text)
        else:
            parts.extend(" | ".join(c.text for c in row) for row in block.rows)
    return "\n\n".join(p for p in parts if p)
