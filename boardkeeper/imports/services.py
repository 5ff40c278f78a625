"""Importing minutes: read in the background, previewed, then written in one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from boardkeeper.actions.due_meetings import due_meetings_attach
from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_update
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Membership, Partnership, Person, PersonAlias, Team
from boardkeeper.directory.services import Match, directory_of, organisation_named, person_match
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import (
    AgendaItem,
    Attendance,
    CaseMention,
    Decision,
    Meeting,
    PendingImport,
    SourceDocument,
)
from boardkeeper.meetings.services import existing_import, import_read
from boardkeeper.meetings.tasks import read_pending_import
from boardkeeper.plan.forward_plan import forward_plan_from_meeting


class ImportRefused(Exception):
    """An import that cannot go ahead, with a message for the person importing."""


@dataclass
class PersonPreview:
    index: int
    name: str
    initials: str | None
    organisation: str | None
    role: str | None
    attendance: str
    match: Match


@dataclass
class ActionPreview:
    index: int
    item: str | None
    text: str
    owners: list[str]
    owner_text: str | None
    quote: str | None
    origin: str


@dataclass
class Preview:
    pending: PendingImport
    minutes: dict[str, Any]
    people: list[PersonPreview] = field(default_factory=list)
    actions: list[ActionPreview] = field(default_factory=list)
    owner_choices: list[tuple[str, str]] = field(default_factory=list)  # (value, label)
    duplicate_of: Meeting | None = None


@audit.acts
def import_upload(*, board: Board, user: User, name: str, data: bytes) -> PendingImport:
    """Keep an uploaded file for import and read it (in the background where a worker is configured)."""
    if not data:
        raise ImportRefused("The file is empty.")
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ImportRefused(f"The file is larger than {settings.MAX_UPLOAD_BYTES // 1048576} MB.")
    pending = PendingImport.objects.create(
        board=board, uploaded_by=user, name=name[:255], sha256=hashlib.sha256(data).hexdigest(), data=data
    )
    read_pending_import.enqueue(str(pending.pk))
    return pending


def import_preview(*, pending: PendingImport) -> Preview:
    """What the import would write: each person matched or new, each action with its owners."""
    partnership = pending.board.partnership
    minutes = pending.extracted or {}
    preview = Preview(pending=pending, minutes=minutes)
    preview.duplicate_of = existing_import(partnership=partnership, sha256=pending.sha256)
    people = directory_of(partnership)
    for i, p in enumerate(minutes.get("people", [])):
        match = person_match(
            people, name=p["name"], initials=p.get("initials"), organisation=p.get("organisation")
        )
        preview.people.append(
            PersonPreview(
                i, p["name"], p.get("initials"), p.get("organisation"), p.get("role"), p["attendance"], match
            )
        )
    for i, a in enumerate(minutes.get("actions", [])):
        preview.actions.append(
            ActionPreview(
                i, a.get("item"), a["text"], a["owners"], a.get("owner_text"), a.get("quote"), a["origin"]
            )
        )
    names = {p.name for p in preview.people}
    teams = sorted({o for a in preview.actions for o in a.owners if o not in names})
    preview.owner_choices = (
        [("", "As the minutes say")]
        + [(f"person:{p.name}", p.name) for p in preview.people]
        + [(f"team:{t}", f"{t} (team)") for t in teams]
        + [("none", "No owner")]
    )
    return preview


@dataclass
class ImportResult:
    meeting: Meeting
    people_created: int
    people_matched: int
    actions: int
    already_imported: bool = False


@audit.acts
def import_confirm(
    *,
    pending: PendingImport,
    user: User,
    owner_overrides: dict[int, str] | None = None,
    meeting_date: dt.date | None = None,
    commitments: set[int] | None = None,
) -> ImportResult:
    """Write the previewed minutes as the board's record, all or nothing.

    1. refuse bytes already imported for this partnership (the existing meeting is returned);
    2. match or create each person, learning their initials;
    3. create the meeting, attendance, items, decisions, case mentions and actions;
    4. keep the source file with its hash.
    """
    board = pending.board
    partnership = board.partnership
    minutes = pending.extracted
    if pending.status != PendingImport.Status.READY or minutes is None:
        raise ImportRefused("These minutes have not been read yet, or could not be read.")
    existing = existing_import(partnership=partnership, sha256=pending.sha256)
    if existing is not None:
        return ImportResult(existing, 0, 0, 0, already_imported=True)
    date_text = minutes["meeting"].get("date")
    date = meeting_date or (dt.date.fromisoformat(date_text) if date_text else None)
    if date is None:
        raise ImportRefused(
            "The minutes do not say when the meeting was held: enter the date to import them."
        )
    clash = (
        Meeting.objects.filter(board=pending.board, date=date)
        .exclude(status=Meeting.Status.SCHEDULED)
        .first()
    )
    if clash is not None:
        raise ImportRefused(
            f"{pending.board.name} already has a meeting on {date:%-d %B %Y}; these minutes were not imported again."
        )
    overrides = owner_overrides or {}
    stored: list[str] = []  # the file written by _write, removed again if the transaction does not commit
    try:
        with transaction.atomic():
            result = _write(pending, minutes, date, overrides, commitments or set(), user, stored)
            PendingImport.objects.filter(pk=pending.pk).update(
                status=PendingImport.Status.IMPORTED, meeting=result.meeting, data=b""
            )
    except BaseException as exc:
        for name in stored:  # no record points at it: the minutes' bytes are not left behind on disk
            SourceDocument.file.field.storage.delete(name)
        if not isinstance(exc, IntegrityError):
            raise
        # the same file confirmed twice at once: the first one won
        existing = existing_import(partnership=partnership, sha256=pending.sha256)
        if existing is None:
            raise
        return ImportResult(existing, 0, 0, 0, already_imported=True)
    return result


def _write(
    pending: PendingImport,
    minutes: dict[str, Any],
    date: dt.date,
    overrides: dict[int, str],
    commitments: set[int],
    user: User,
    stored: list[str],
) -> ImportResult:
    board = pending.board
    partnership = board.partnership
    meeting_json = minutes["meeting"]
    # a meeting scheduled from the last minutes ('next meeting: 11 March') now has minutes of its own
    meeting = Meeting.objects.filter(
        board=board, date=date, status=Meeting.Status.SCHEDULED
    ).first() or Meeting(board=board, date=date)
    meeting.title = (meeting_json.get("title") or "")[:300]
    meeting.location = (meeting_json.get("location") or meeting.location or "")[:300]
    next_date = meeting_json.get("next_meeting_date")
    meeting.next_meeting_date = dt.date.fromisoformat(next_date) if next_date else None
    meeting.status = Meeting.Status.MINUTES_DRAFT
    meeting.save()
    directory = directory_of(partnership)
    by_name: dict[str, Person] = {}
    created = matched = 0
    for p in minutes.get("people", []):
        match = person_match(
            directory, name=p["name"], initials=p.get("initials"), organisation=p.get("organisation")
        )
        person = match.person
        if person is None:
            person = Person.objects.create(
                partnership=partnership,
                full_name=p["name"][:200],
                organisation=organisation_named(partnership, p.get("organisation")),
                job_title=(p.get("role") or "")[:200],
            )
            directory.append(person)
            created += 1
        else:
            matched += 1
        for alias, kind in [(p.get("initials"), PersonAlias.Kind.INITIALS)] + [
            (a, PersonAlias.Kind.NAME) for a in p.get("aliases", [])
        ]:
            if alias:
                PersonAlias.objects.get_or_create(person=person, alias=alias[:200], defaults={"kind": kind})
        by_name[p["name"]] = person
        if p["attendance"] in ("present", "in_attendance"):
            # whoever attends a board belongs to it; the role the minutes give says how
            Membership.objects.get_or_create(
                person=person, board=board, defaults={"role": _membership_role(p)}
            )
        status = "deputy" if p.get("deputy_for") else p["attendance"]
        if status in dict(Attendance.Status.choices):
            Attendance.objects.get_or_create(
                meeting=meeting,
                person=person,
                defaults={"status": status, "role": (p.get("role") or "")[:200]},
            )
    items: dict[str | None, AgendaItem] = {}
    for position, it in enumerate(minutes.get("items", []), start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            number=(it.get("number") or "")[:20],
            title=it["title"][:500],
            discussion=it.get("discussion", ""),
        )
        items.setdefault(it.get("number"), item)
        audit.created(
            Decision.objects.bulk_create(Decision(item=item, text=text) for text in it.get("decisions", []))
        )
        audit.created(
            CaseMention.objects.bulk_create(
                CaseMention(item=item, pseudonym=c[:100]) for c in it.get("case_mentions", [])
            )
        )
    actions = 0
    earlier = _open_actions_of_earlier_meetings(board, date)
    for position, a in enumerate(minutes.get("actions", [])):
        if a["origin"] == "prose" and position not in commitments:
            continue  # a commitment found in the discussion joins the log only when the person importing says so
        if a["origin"] == "action_table" and _update_from_log(a, earlier, meeting, user):
            continue  # the action log of these minutes closes or carries an action already on record
        action = Action.objects.create(
            board=board,
            meeting=meeting,
            item=items.get(a.get("item")),
            position=position,
            text=a["text"],
            owner_text=(a.get("owner_text") or "")[:300],
            due_date=dt.date.fromisoformat(a["due"]) if a.get("due") else None,
            due_text=(a.get("due_text") or "")[:200],
            status=Action.Status.DONE
            if (a.get("status") or "").lower() in ("done", "complete", "completed")
            else Action.Status.OPEN,
            origin=a["origin"],
            quote=a.get("quote") or "",
        )
        owners = [overrides[position]] if position in overrides else [f"name:{o}" for o in a["owners"]]
        for owner in owners:
            _add_owner(action, owner, by_name, partnership)
        actions += 1

    forward_plan_from_meeting(meeting=meeting)
    due_meetings_attach(board=board)
    data = bytes(pending.data)
    doc = SourceDocument(
        partnership=partnership,
        meeting=meeting,
        name=pending.name,
        sha256=pending.sha256,
        format=minutes["source"]["format"],
        size=len(data),
        imported_by=user,
    )
    doc.file.save(pending.sha256, ContentFile(data), save=False)
    stored.append(doc.file.name)
    doc.save()
    return ImportResult(meeting, created, matched, actions)


_LOG_STATUSES = [
    (re.compile(r"\b(done|complete|completed|closed|achieved)\b", re.I), Action.Status.DONE),
    (re.compile(r"\b(dropped|withdrawn|cancelled|no longer)\b", re.I), Action.Status.DROPPED),
    (re.compile(r"\b(carried|carry)\s+forward\b", re.I), Action.Status.CARRIED_FORWARD),
    (re.compile(r"\b(ongoing|in\s+progress|progressing|started)\b", re.I), Action.Status.IN_PROGRESS),
]


def _open_actions_of_earlier_meetings(board: Board, date: dt.date) -> dict[str, Action]:
    open_ = Action.objects.filter(
        board=board,
        meeting__date__lt=date,
        status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS, Action.Status.CARRIED_FORWARD],
    )
    return {_norm(a.text): a for a in open_}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def _update_from_log(a: dict[str, Any], earlier: dict[str, Action], meeting: Meeting, user: User) -> bool:
    """A row of these minutes' action log that is an action already on record: its status moves on.

    The row is matched by its words (a number alone is not trusted across meetings). 'Done' closes
    the action, 'carried forward' carries it, 'ongoing' puts it in progress; the change goes into the
    action's history, citing these minutes.
    """
    action = earlier.get(_norm(a["text"]))
    if action is None:
        return False
    status_text = a.get("status") or ""
    new = next((status for pattern, status in _LOG_STATUSES if pattern.search(status_text)), None)
    if new and new != action.status:
        with contextlib.suppress(StaleEdit):  # someone updated it while the import ran: their edit stands
            action_update(
                action=action,
                user=user,
                version=action.version,
                status=new,
                note=f"From the minutes of {meeting.date:%-d %B %Y}: {status_text}"[:2000],
            )
    return True


def _membership_role(p: dict[str, Any]) -> str:
    role = (p.get("role") or "").casefold()
    if "minute" in role:
        return Membership.Role.MINUTE_TAKER
    if "business manager" in role:
        return Membership.Role.BUSINESS_MANAGER
    if "chair" in role and "vice" not in role:
        return Membership.Role.CHAIR
    return Membership.Role.MEMBER if p["attendance"] == "present" else Membership.Role.ADVISER


def _add_owner(action: Action, owner: str, by_name: dict[str, Person], partnership: Partnership) -> None:
    """An owner as 'person:Name', 'team:Name', 'name:whatever the minutes say' or 'none'."""
    kind, _, value = owner.partition(":")
    if kind == "none" or not value:
        return
    if kind in ("person", "name") and value in by_name:
        action.owner_people.add(by_name[value])
        return
    team = Team.objects.filter(partnership=partnership, name__iexact=value).first()
    if team is None:
        team = Team.objects.create(partnership=partnership, name=value[:200])
    action.owner_teams.add(team)


def import_file(*, board: Board, user: User, name: str, data: bytes) -> ImportResult:
    """Import without a preview (the command line): read now, then confirm as read."""
    existing = existing_import(partnership=board.partnership, sha256=hashlib.sha256(data).hexdigest())
    if existing is not None:
        return ImportResult(existing, 0, 0, 0, already_imported=True)
    pending = PendingImport.objects.create(
        board=board, uploaded_by=user, name=name[:255], sha256=hashlib.sha256(data).hexdigest(), data=data
    )
    import_read(pending_id=str(pending.pk))
    pending.refresh_from_db()
    if pending.status == PendingImport.Status.FAILED:
        error = pending.error
        pending.delete()
        raise ImportRefused(error)
    try:
        result: ImportResult = import_confirm(pending=pending, user=user)  # audited as `user` (acts)
        return result
    except ImportRefused:
        pending.delete()  # nothing of a refused import stays behind, the file least of all
        raise
