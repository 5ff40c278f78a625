"""Corrections made in the preview, before anything lands: the minutes as read, changed by a person.

Each correction is a change to the pending import's reading (`PendingImport.extracted`, the engine's JSON),
saved on the version the page showed (a correction from a stale page is refused, `StaleEdit`). Confirming
writes the corrected reading as `import_confirm` always has; the keys a correction adds are:

- on a person: `match`, the directory person's id they are (chosen by hand), or "new" (none of them);
- on an action: `include` (false: left out; a commitment from the discussion is left out until a person
  includes it), `owner_refs` (owners chosen by hand: 'person:Name' of these minutes, 'directory:<id>',
  'team:Name'), `due_meeting` (a meeting of the board, by id);
- actions added by hand, with origin 'manual' and the sentence of the source they came from as quote.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from boardkeeper.lib.versioning import update_versioned
from boardkeeper.meetings.models import PendingImport
from boardkeeper.minutes.source_text import sentences

ATTENDANCE = [
    ("present", "Present"),
    ("in_attendance", "In attendance"),
    ("apologies", "Apologies"),
    ("absent", "Absent"),
    ("not_recorded", "Not recorded (named in the minutes only)"),
]
NEXT_MEETING = "Next meeting"


class NotInPreview(LookupError):
    """A person or action index the reading does not have (a made-up address, or one since removed)."""


class NotCorrectable(Exception):
    """The import is no longer waiting to be checked (imported, failed, or removed)."""


def correct(*, pending: PendingImport, version: int, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply `change` to a copy of the reading and save it, if the preview is still at `version`."""
    if pending.status != PendingImport.Status.READY or pending.extracted is None:
        raise NotCorrectable("These minutes are no longer waiting to be checked.")
    minutes = copy.deepcopy(pending.extracted)
    change(minutes)
    update_versioned(
        PendingImport.objects.filter(status=PendingImport.Status.READY),
        pk=pending.pk,
        version=version,
        extracted=minutes,
    )
    pending.extracted = minutes
    pending.version = version + 1


def _at(rows: list[dict[str, Any]], index: int) -> dict[str, Any]:
    if not 0 <= index < len(rows):
        raise NotInPreview(index)
    return rows[index]


def person_at(minutes: dict[str, Any], index: int) -> dict[str, Any]:
    return _at(minutes.get("people", []), index)


def action_at(minutes: dict[str, Any], index: int) -> dict[str, Any]:
    return _at(minutes.get("actions", []), index)


def included(action: dict[str, Any]) -> bool:
    """Whether the action goes into the log: as corrected, else all but the commitments of the discussion."""
    return bool(action.get("include", action["origin"] != "prose"))


def meeting_change(*, title: str, date: dt.date | None) -> Callable[[dict[str, Any]], None]:
    def change(minutes: dict[str, Any]) -> None:
        minutes["meeting"]["title"] = title or None
        minutes["meeting"]["date"] = date.isoformat() if date else None

    return change


@dataclass
class PersonCorrection:
    name: str
    initials: str
    organisation: str
    role: str
    attendance: str
    match: int | str  # a directory person's id, "new", or "auto" (as the directory matches the name)


def person_change(index: int, fix: PersonCorrection) -> Callable[[dict[str, Any]], None]:
    def change(minutes: dict[str, Any]) -> None:
        person = person_at(minutes, index)
        old = person["name"]
        person.update(
            name=fix.name,
            initials=fix.initials or None,
            organisation=fix.organisation or None,
            role=fix.role or None,
            attendance=fix.attendance,
        )
        if fix.match == "auto":
            person.pop("match", None)
        else:
            person["match"] = fix.match
        if fix.name != old:
            _renamed(minutes, old, fix.name)

    return change


def _renamed(minutes: dict[str, Any], old: str, new: str) -> None:
    """A person renamed: the actions they own name them by their new name (owners are matched by name)."""
    for action in minutes.get("actions", []):
        action["owners"] = [new if o == old else o for o in action.get("owners", [])]
        if "owner_refs" in action:
            action["owner_refs"] = [
                f"{kind}:{new}" if kind in ("person", "name") and value == old else ref
                for ref in action["owner_refs"]
                for kind, _, value in [ref.partition(":")]
            ]


@dataclass
class ActionCorrection:
    text: str
    item: str | None
    owner_refs: list[str]
    owner_labels: list[str]
    due: dt.date | None
    due_meeting: int | str | None  # a meeting's id, NEXT_MEETING, or None


def _apply(action: dict[str, Any], fix: ActionCorrection) -> None:
    action.update(
        text=fix.text,
        item=fix.item,
        owner_refs=fix.owner_refs,
        owners=fix.owner_labels,
        due=fix.due.isoformat() if fix.due else None,
    )
    action["owner_text"] = ", ".join(fix.owner_labels) or None
    action.pop("due_meeting", None)
    if fix.due_meeting == NEXT_MEETING:
        action["due_text"] = NEXT_MEETING  # given the board's next meeting once it is on record
    elif fix.due_meeting is not None:
        action["due_meeting"] = fix.due_meeting
        action["due_text"] = None
    elif action.get("due_text") and _names_a_meeting(action["due_text"]):
        action["due_text"] = None  # the meeting it was due at is taken away


def _names_a_meeting(text: str) -> bool:
    return bool(re.search(r"\bmeeting\b", text, re.I))


def action_change(index: int, fix: ActionCorrection) -> Callable[[dict[str, Any]], None]:
    def change(minutes: dict[str, Any]) -> None:
        _apply(action_at(minutes, index), fix)

    return change


def action_include(index: int, include: bool) -> Callable[[dict[str, Any]], None]:
    def change(minutes: dict[str, Any]) -> None:
        action_at(minutes, index)["include"] = include

    return change


def action_add(fix: ActionCorrection, quote: str) -> Callable[[dict[str, Any]], None]:
    def change(minutes: dict[str, Any]) -> None:
        action: dict[str, Any] = {"origin": "manual", "quote": quote or None, "status": None, "include": True}
        _apply(action, fix)
        minutes.setdefault("actions", []).append(action)

    return change


def unit_text(document: dict[str, Any] | None, address: str) -> str | None:
    """The text of one paragraph ('s4') or table cell ('s4-2-1') of the document as read."""
    match = re.fullmatch(r"s(\d+)(?:-(\d+)-(\d+))?", address or "")
    blocks = (document or {}).get("blocks", [])
    if not match or int(match[1]) >= len(blocks):
        return None
    block = blocks[int(match[1])]
    if match[2] is None:
        return str(block["p"]) if "p" in block else None
    rows = block.get("rows")
    row, cell = int(match[2]), int(match[3])
    if rows is None or row >= len(rows) or cell >= len(rows[row]):
        return None
    return str(rows[row][cell])


def unit_sentences(document: dict[str, Any] | None, address: str) -> list[str]:
    text = unit_text(document, address)
    return sentences(text) if text else []
