"""Decisions: the sentences that record what the meeting agreed, resolved or decided."""

from __future__ import annotations

import re

from ..layout import Para
from ..model import Decision
from .items import Section
from .sentences import SENTENCE, norm

_DECISION = re.compile(
    r"\b(it\s+was\s+(?:agreed|resolved|decided)|all\s+agreed|(?:unanimously\s+)?agreed\s+that|^resolved\b|"
    r"resolution\s*#?\d*|decision:|motion\s+(?:passed|carried)|unanimously\s+agreed|was\s+approved|approved\s+unanimously)",
    re.I,
)
_DECISION_WORDS = ("agreed", "resolv", "decided", "decision", "motion", "approved")


def decisions(sections: list[Section]) -> list[Decision]:
    out: list[Decision] = []
    seen: set[str] = set()
    for section in sections:
        for block in section.blocks:
            if not isinstance(block, Para):
                continue
            low = block.text.lower()
            # a case-insensitive alternation is slow; most paragraphs have none of its words
            if not any(w in low for w in _DECISION_WORDS) or not _DECISION.search(block.text):
                continue
            for sentence in SENTENCE.split(block.text):
                if _DECISION.search(sentence) and len(sentence) < 600:
                    key = norm(sentence)
                    if key in seen:
                        continue
                    seen.add(key)
                    out.append(Decision(item=section.number, text=sentence.strip(), quote=block.text))
    return out
