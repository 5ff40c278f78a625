"""What some template filters write, for the list pages that build their rows in Python (the template
engine's loops and lookups cost more than the rows' SQL): the same text, made faster."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.utils.text import Truncator


def short_day(date: dt.date) -> str:
    """'3 Mar 2022', as the filter date:"j M Y" writes it."""
    return f"{date.day} {date:%b %Y}"


def truncated(text: str, chars: int) -> str:
    """As the filter truncatechars:`chars`. Truncator walks every character (15 ms for the home page's 591
    lines), so it is asked only of a text long enough to be cut or not in NFC form (it gives NFC back)."""
    if len(text) <= chars and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(chars)
