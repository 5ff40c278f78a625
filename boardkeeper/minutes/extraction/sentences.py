"""Sentences: a paragraph cut into sentences, and text reduced to a key for comparing.

Shared by the readers of explicit actions (`actions`), of commitments in the discussion
(`commitments`) and of decisions (`decisions`).
"""

from __future__ import annotations

import re

from .people import NOT_AFTER_TITLE_STOP

SENTENCE = re.compile(
    rf"(?<=[.!?]){NOT_AFTER_TITLE_STOP}(?<!\bNo\.)\s+(?=[A-Z(\"'])"
)  # 'Dr. Lomax agreed to ...' is one sentence


def norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", s.casefold()).strip()
