"""Case pseudonyms mentioned in the minutes ('Family M', 'Child Q', 'Charlie', 'Prada & Jordan').

Safeguarding minutes name the subjects of reviews by pseudonym only. Finding the mentions lets the
review register link an item to its review later. The patterns are conservative: a pseudonym
is reported only where the wording marks it as a case, never any capitalised word.
"""

from __future__ import annotations

import re

from ..layout import Para
from .items import Section
from .owners import Directory

_NAME = r"[A-Z][a-z]{2,}"
_PATTERNS = [
    # 'Family M', 'Child Q', 'Adult B', 'Baby T', 'Siblings A and B'
    re.compile(
        r"\b(?P<case>(?:Family|Child|Children|Adult|Baby|Infant|Sibling|Siblings|Mother|Father|Young Person)\s+[A-Z]{1,2})\b"
    ),
    # 'the LLB for Tom', 'the review for Mason', 'rapid review regarding Star'
    re.compile(
        rf"\b(?:LLB|7MB|CSPR|LCSPR|SAR|DHR|review|briefing|rapid review|learning review)\s+(?:for|into|regarding|about|of)\s+(?P<case>{_NAME})\b"
    ),
    # 'Regarding Mason, AS noted'
    re.compile(rf"^(?:Regarding|Re:?|In respect of|Concerning)\s+(?P<case>{_NAME})\b"),
    # 'the two cases, Arthur and Star have'
    re.compile(rf"\bcases?,?\s+(?P<case>{_NAME})(?:\s+(?:and|&)\s+(?P<case2>{_NAME}))?\b"),
]
# Words without which each pattern cannot match (a substring test is far cheaper than the pattern)
_CUES: list[tuple[str, ...]] = [
    ("Family", "Child", "Adult", "Baby", "Infant", "Sibling", "Mother", "Father", "Young"),
    ("LLB", "7MB", "CSPR", "SAR", "DHR", "eview", "riefing"),
    ("Regarding", "Re:", "Re ", "In respect", "Concerning"),
    ("case",),
]
# A case named as a sub-heading at the start of a paragraph: 'Charlie JCo explained', 'Prada & Jordan AS confirmed'
_LEADING = re.compile(
    rf"^(?P<case>{_NAME}(?:\s+(?:&|and)\s+{_NAME})?|Family\s+[A-Z])\s+(?P<subj>[A-Z][A-Za-z]{{1,3}})\s+[a-z]{{3,}}"
)


def case_mentions(section: Section, d: Directory) -> list[str]:
    found: list[str] = []
    for block in section.blocks:
        if not isinstance(block, Para):
            continue
        text = block.text
        for pattern, cues in zip(_PATTERNS, _CUES, strict=True):
            if not any(c in text for c in cues):
                continue
            for m in pattern.finditer(text):
                for key in ("case", "case2"):
                    name = m.groupdict().get(key)
                    if name and not _is_person(name, d):
                        found.append(name)
        lead = _LEADING.match(text)
        if lead and d.lookup(lead.group("subj")) and not _is_person(lead.group("case"), d):
            found.append(lead.group("case"))
    return list(dict.fromkeys(found))


# Sub-headings that open paragraphs the same way ('Police PH shared ...', 'Health JC reported ...')
_NOT_CASES = frozenset(
    "police health education social care adult adults children child council nhs housing probation schools school "
    "update updates finance safeguarding general other local national regional partnership board panel "
    "review reviews actions action minutes summary background".split()
)


def _is_person(name: str, d: Directory) -> bool:
    """A member of the meeting, an agency or a sub-heading, not a case ('Regarding Amrita, ...')."""
    words = name.split()
    if words[-1].isupper() and d.lookup(words[-1]):
        return True  # 'Adult AS confirmed': AS is a person's initials, not a pseudonym
    if all(w.casefold() in _NOT_CASES or w in ("&", "and") for w in words):
        return True
    return any(d.lookup(part) for part in re.split(r"\s+(?:&|and)\s+", name))
