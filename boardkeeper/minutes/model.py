"""Structured minutes: what the engine returns and `boardkeeper extract --json` prints.

Plain dataclasses, shaped like ../shared/contracts/minutes.schema.json.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Attendance = Literal["present", "in_attendance", "apologies", "absent", "not_recorded"]
Origin = Literal["action_column", "action_marker", "action_table", "prose"]


@dataclass(slots=True)
class Source:
    name: str
    sha256: str
    format: str


@dataclass(slots=True)
class Meeting:
    title: str | None = None
    date: dt.date | None = None
    location: str | None = None
    next_meeting_date: dt.date | None = None


@dataclass(slots=True)
class Person:
    name: str
    attendance: Attendance = "not_recorded"
    initials: str | None = None
    organisation: str | None = None
    role: str | None = None
    deputy_for: str | None = None
    aliases: list[str] = field(default_factory=list)  # other names the minutes use ('@DevR')


@dataclass(slots=True)
class Decision:
    item: str | None
    text: str
    quote: str


@dataclass(slots=True)
class Item:
    number: str | None
    title: str
    discussion: str = ""
    decisions: list[str] = field(default_factory=list)
    case_mentions: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Action:
    item: str | None
    text: str
    owners: list[str]
    origin: Origin
    owner_text: str | None = None
    due: dt.date | None = None
    due_text: str | None = None  # the due date or meeting as written ('by the March meeting')
    status: str | None = None
    quote: str | None = None
    number: str | None = None
    section: str | None = None  # heading it sits under where items are unnumbered


@dataclass(slots=True)
class Minutes:
    source: Source
    meeting: Meeting
    people: list[Person] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object (dates as ISO strings)."""
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
