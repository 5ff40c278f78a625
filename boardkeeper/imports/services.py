"""Importing minutes: read in the background, previewed, then written in one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from boardkeeper.actions.due_meetings import due_meetings_attach
from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_update
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import (
    Board,
    Membership,
    Organisation,
    Partnership,
    Person,
    PersonAlias,
    Team,
)
from boardkeeper.directory.services import Match, organisation_named, person_match
from boardkeeper.imports.corrections import ATTENDANCE, included
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
from boardkeeper.meetings.services import existing_import
from boardkeeper.meetings.tasks import read_pending_import
from boardkeeper.minutes import MinutesError, extract
from boardkeeper.plan.forward_plan import forward_plan_from_meeting
from boardkeeper.search.indexer import index_meeting
from boardkeeper.search.indexer import paused as search_paused


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
    chosen: bool = False  # matched (or made new) by a person in the preview, not by the directory's rules

    @property
    def anchor(self) -> str:
        return f"person-{self.index}"

    @property
    def attendance_label(self) -> str:
        return dict(ATTENDANCE).get(self.attendance, self.attendance.replace("_", " ").capitalize())


@dataclass
class ActionPreview:
    index: int
    item: str | None
    text: str
    owners: list[str]
    owner_text: str | None
    quote: str | None
    origin: str
    include: bool = True  # goes into the action log (a commitment of the discussion only when included)
    due: dt.date | None = None
    due_text: str | None = None
    due_meeting: Meeting | None = None

    @property
    def anchor(self) -> str:
        return f"action-{self.index}"

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def label(self) -> str:
        return f"action {self.number}"


@dataclass
class Preview:
    pending: PendingImport
    minutes: dict[str, Any]
    people: list[PersonPreview] = field(default_factory=list)
    actions: list[ActionPreview] = field(default_factory=list)
    duplicate_of: Meeting | None = None  # these very bytes are on record already
    same_day: Meeting | None = None  # the board has minutes of a meeting on the date these give
    other_body: str | None = None  # the minutes' title names a body that is not this board

    @property
    def meeting_date(self) -> dt.date | None:
        date = self.minutes.get("meeting", {}).get("date")
        return dt.date.fromisoformat(date) if date else None

    @property
    def next_meeting_date(self) -> dt.date | None:
        date = self.minutes.get("meeting", {}).get("next_meeting_date")
        return dt.date.fromisoformat(date) if date else None


@audit.acts
def import_upload(
    *, board: Board, user: User, name: str, data: bytes, batch: uuid.UUID | None = None
) -> PendingImport:
    """Keep an uploaded file for import and read it (in the background where a worker is configured);
    `batch` groups the files uploaded together."""
    if not data:
        raise ImportRefused("The file is empty.")
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise ImportRefused(f"The file is larger than {settings.MAX_UPLOAD_BYTES // 1048576} MB.")
    pending = PendingImport.objects.create(
        board=board,
        uploaded_by=user,
        name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        batch=batch,
    )
    read_pending_import.enqueue(str(pending.pk))
    return pending


def _chosen_people(partnership: Partnership, people: list[dict[str, Any]]) -> dict[int, Person]:
    """The directory people chosen by hand in the preview for people of these minutes, by id."""
    ids = [p["match"] for p in people if isinstance(p.get("match"), int)]
    if not ids:
        return {}
    return (
        Person.objects.filter(partnership=partnership, pk__in=ids)
        .select_related("organisation")
        .prefetch_related("aliases")
        .in_bulk()
    )


def import_preview(*, pending: PendingImport) -> Preview:
    """What the import would write: each person matched or new, each action with its owners."""
    partnership = pending.board.partnership
    minutes = pending.extracted or {}
    preview = Preview(pending=pending, minutes=minutes)
    preview.duplicate_of = existing_import(partnership=partnership, sha256=pending.sha256)
    date_text = minutes.get("meeting", {}).get("date")
    if preview.duplicate_of is None and date_text:
        preview.same_day = minutes_on_record(board=pending.board, date=dt.date.fromisoformat(date_text))
    preview.other_body = other_body(minutes.get("meeting", {}).get("title") or "", pending.board)
    people = _directory_for(partnership, minutes.get("people", []))
    chosen = _chosen_people(partnership, minutes.get("people", []))
    for i, p in enumerate(minutes.get("people", [])):
        if p.get("match") == "new":
            match = Match(None, "a new person, as chosen")
        elif p.get("match") is not None:
            match = Match(chosen.get(p["match"]), "as chosen")
        else:
            match = person_match(
                people, name=p["name"], initials=p.get("initials"), organisation=p.get("organisation")
            )
        preview.people.append(
            PersonPreview(
                i,
                p["name"],
                p.get("initials"),
                p.get("organisation"),
                p.get("role"),
                p["attendance"],
                match,
                chosen="match" in p,
            )
        )
    due_meetings = Meeting.objects.filter(
        board=pending.board,
        pk__in=[a["due_meeting"] for a in minutes.get("actions", []) if a.get("due_meeting")],
    ).in_bulk()
    for i, a in enumerate(minutes.get("actions", [])):
        preview.actions.append(
            ActionPreview(
                i,
                a.get("item"),
                a["text"],
                a["owners"],
                a.get("owner_text"),
                a.get("quote"),
                a["origin"],
                include=included(a),
                due=dt.date.fromisoformat(a["due"]) if a.get("due") else None,
                due_text=a.get("due_text"),
                due_meeting=due_meetings.get(a.get("due_meeting") or 0),
            )
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
    date = dt.date.fromisoformat(date_text) if date_text else None
    if date is None:
        raise ImportRefused(
            "The minutes do not say when the meeting was held: enter the date to import them."
        )
    if minutes_on_record(board=pending.board, date=date) is not None:
        raise ImportRefused(_same_day_refusal(pending.board, date))
    stored: list[str] = []  # the file written by _write, removed again if the transaction does not commit
    try:
        with transaction.atomic():
            result = _write(pending, minutes, date, user, stored)
            PendingImport.objects.filter(pk=pending.pk).update(
                # the record now holds the minutes: neither their bytes nor their reading stay here
                status=PendingImport.Status.IMPORTED,
                meeting=result.meeting,
                data=b"",
                extracted=None,
                document=None,
            )
    except BaseException as exc:
        for name in stored:  # no record points at it: the minutes' bytes are not left behind on disk
            SourceDocument.file.field.storage.delete(name)
        if not isinstance(exc, IntegrityError):
            raise
        # confirmed twice at once, the first one won: the same file (one document a partnership), or two
        # renditions of one meeting (one meeting a board a day)
        existing = existing_import(partnership=partnership, sha256=pending.sha256)
        if existing is not None:
            return ImportResult(existing, 0, 0, 0, already_imported=True)
        if Meeting.objects.filter(board=pending.board, date=date).exists():
            raise ImportRefused(_same_day_refusal(pending.board, date)) from exc
        raise
    return result


def minutes_on_record(*, board: Board, date: dt.date) -> Meeting | None:
    """The board's meeting of that day that already has minutes (a meeting only scheduled has none)."""
    return Meeting.objects.filter(board=board, date=date).exclude(status=Meeting.Status.SCHEDULED).first()


def _same_day_refusal(board: Board, date: dt.date) -> str:
    return f"{board.name} already has a meeting on {date:%-d %B %Y}; these minutes were not imported again."


# words that name a body in a title ('Finance Committee', 'Learning and Improvement Subgroup')
_BODY = re.compile(
    r"\b(board|committee|sub-?committee|sub-?group|group|panel|forum|partnership|council|cabinet|"
    r"executive|assembly|network|steering)\b",
    re.I,
)
# words every body's name may hold: they tell no two bodies apart
_NOT_DISTINCTIVE = {
    *"and of the for a an meeting minutes safeguarding board committee subcommittee group subgroup".split(),
    *"panel forum partnership council sub".split(),
}


def other_body(title: str, board: Board) -> str | None:
    """A warning when the minutes' title names a body and none of the board's own words: minutes of
    another committee uploaded to this board by mistake. A title naming no body says nothing."""
    if not _BODY.search(title):
        return None
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", board.name)} - _NOT_DISTINCTIVE
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", title)}
    if not words or words & said:
        return None
    return f"The title, ‘{title}’, names another body than the {board.name}: check these are its minutes."


def _write(
    pending: PendingImport,
    minutes: dict[str, Any],
    date: dt.date,
    user: User,
    stored: list[str],
) -> ImportResult:
    """The writes of an import, confirmed from the preview (`pending`, its upload) or from the command line
    (`import_file`: an unsaved `pending` holding the file), batched: a few queries a kind of row, not a few
    a row.

    1. the meeting (a meeting scheduled from the last minutes now has minutes of its own);
    2. each person matched against the directory, read once, or created; then their new initials and
       spellings, their memberships of the board and their attendance, each kind in one INSERT;
    3. the items, then their decisions and case mentions, then the actions and their owners' links,
       each kind in one INSERT, in the minutes' order (so positions and primary keys run as before);
    4. the forward plan's entries, actions due at a named meeting, and the source file;
    every row's audit event as its own (the same events as row-by-row saves), written together at the end.
    """
    with audit.together(), search_paused():
        board = pending.board
        partnership = board.partnership
        meeting = _meeting(board, date, minutes["meeting"])
        by_name, created, matched = _people(minutes.get("people", []), partnership, board, meeting)
        items = _items(meeting, minutes.get("items", []))
        actions = _actions(minutes.get("actions", []), meeting, items, by_name, user)
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
    index_meeting(meeting)  # written in bulk (no signals) and with the index paused: indexed here, at once
    return ImportResult(meeting, created, matched, actions)


def _meeting(board: Board, date: dt.date, meeting_json: dict[str, Any]) -> Meeting:
    meeting = Meeting.objects.filter(
        board=board, date=date, status=Meeting.Status.SCHEDULED
    ).first() or Meeting(board=board, date=date)
    meeting.title = (meeting_json.get("title") or "")[:300]
    meeting.location = (meeting_json.get("location") or meeting.location or "")[:300]
    next_date = meeting_json.get("next_meeting_date")
    meeting.next_meeting_date = dt.date.fromisoformat(next_date) if next_date else None
    meeting.status = Meeting.Status.MINUTES_DRAFT
    meeting.save()
    return meeting


def _people(
    people: list[dict[str, Any]], partnership: Partnership, board: Board, meeting: Meeting
) -> tuple[dict[str, Person], int, int]:
    """Each person of the minutes as a directory person, matched or new: (by name, created, matched).

    The directory is read once. A new person is created at once (the next names are matched against
    them too, with the initials and spellings they bring, as a person read back from the directory);
    the initials, spellings, memberships and attendance that are not on record yet are created together
    after the loop, once each."""
    directory = _directory_for(partnership, people)
    organisations: dict[str | None, Organisation | None] = {}
    by_name: dict[str, Person] = {}
    created = matched = 0
    aliases: list[PersonAlias] = []
    known_aliases = {(p.pk, a.alias) for p in directory for a in p.aliases.all()}
    members: list[Membership] = []
    attendance: list[Attendance] = []
    existing = set(Attendance.objects.filter(meeting=meeting).values_list("person_id", flat=True))
    matched_people: dict[int, Person] = {}
    new: set[int] = set()  # people created by this import
    chosen = _chosen_people(partnership, people)
    for p in people:
        if p.get("match") == "new":  # none of the directory, as the person importing said
            person = None
        elif p.get("match") is not None:
            # the directory person chosen in the preview (gone since: a new person), and the name these
            # minutes give them learnt as another spelling, so the next minutes match them unaided
            person = chosen.get(p["match"])
            if person is not None and p["name"].casefold() != person.full_name.casefold():
                p = {**p, "aliases": [*p.get("aliases", []), p["name"]]}
        else:
            person = person_match(
                directory, name=p["name"], initials=p.get("initials"), organisation=p.get("organisation")
            ).person
        if person is None:
            organisation = p.get("organisation")
            if organisation not in organisations:
                organisations[organisation] = organisation_named(partnership, organisation)
            person = Person.objects.create(
                partnership=partnership,
                full_name=p["name"][:200],
                organisation=organisations[organisation],
                job_title=(p.get("role") or "")[:200],
            )
            # what directory_of would have read of them: the aliases given them below
            person._prefetched_objects_cache = {"aliases": []}  # type: ignore[attr-defined]
            directory.append(person)
            new.add(person.pk)
            created += 1
        else:
            matched += 1
            matched_people[person.pk] = person
        for alias, kind in [(p.get("initials"), PersonAlias.Kind.INITIALS)] + [
            (a, PersonAlias.Kind.NAME) for a in p.get("aliases", [])
        ]:
            if alias and (person.pk, alias[:200]) not in known_aliases:
                known_aliases.add((person.pk, alias[:200]))
                aliases.append(PersonAlias(person=person, alias=alias[:200], kind=kind))
                if person.pk in new:
                    person._prefetched_objects_cache["aliases"].append(aliases[-1])  # type: ignore[attr-defined]
        by_name[p["name"]] = person
        if p["attendance"] in ("present", "in_attendance"):
            # whoever attends a board belongs to it; the role the minutes give says how
            members.append(Membership(person=person, board=board, role=_membership_role(p)))
        status = "deputy" if p.get("deputy_for") else p["attendance"]
        if status in dict(Attendance.Status.choices) and person.pk not in existing:
            existing.add(person.pk)
            attendance.append(
                Attendance(meeting=meeting, person=person, status=status, role=(p.get("role") or "")[:200])
            )
    audit.created(PersonAlias.objects.bulk_create(aliases), partnership_id=partnership.pk)
    on_board = set(
        Membership.objects.filter(board=board, person_id__in=list(matched_people)).values_list(
            "person_id", flat=True
        )
    )
    new_members = []
    for membership in members:
        if membership.person_id not in on_board:  # the first role given stands, as get_or_create had it
            on_board.add(membership.person_id)
            new_members.append(membership)
    audit.created(Membership.objects.bulk_create(new_members), partnership_id=partnership.pk)
    audit.created(Attendance.objects.bulk_create(attendance), partnership_id=partnership.pk)
    return by_name, created, matched


def _directory_for(partnership: Partnership, people: list[dict[str, Any]]) -> list[Person]:
    """The people of the directory `person_match` could match to these minutes' people, in the
    directory's order: everyone with one of their full names, surnames, spellings or initials. The
    same matches as the whole directory gives (person_match's rules look no further), without making
    every person of a partnership with years of minutes into a model each import: the names are read as
    plain rows, and only the few candidates in full."""
    names = {p["name"].casefold().strip() for p in people}
    surnames = {_surname(n) for n in names}
    initials = {p.get("initials") for p in people if p.get("initials")}
    rows = list(Person.objects.filter(partnership=partnership).values_list("pk", "full_name"))
    candidates = {
        pk for pk, full in rows if full.casefold() in names or _surname(full.casefold()) in surnames
    }
    for person_id, alias, kind in PersonAlias.objects.filter(person__partnership=partnership).values_list(
        "person_id", "alias", "kind"
    ):
        if (kind == PersonAlias.Kind.NAME and alias.casefold() in names) or (
            kind == PersonAlias.Kind.INITIALS and alias in initials
        ):
            candidates.add(person_id)
    order = {pk: i for i, (pk, _) in enumerate(rows)}
    found = (
        Person.objects.filter(pk__in=candidates)
        .select_related("organisation")
        .prefetch_related(Prefetch("aliases", queryset=PersonAlias.objects.all()))
    )
    return sorted(found, key=lambda person: order[person.pk])


def _surname(name: str) -> str | None:
    words = name.split()
    return words[-1] if words else None


def _items(meeting: Meeting, items_json: list[dict[str, Any]]) -> dict[str | None, AgendaItem]:
    """The items in order, then every item's decisions and case mentions: three INSERTs. The first item of
    a number is the one actions of that number belong to."""
    made = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position,
            number=(it.get("number") or "")[:20],
            title=it["title"][:500],
            discussion=it.get("discussion", ""),
        )
        for position, it in enumerate(items_json, start=1)
    )
    audit.created(made, partnership_id=meeting.board.partnership_id)
    audit.created(
        Decision.objects.bulk_create(
            Decision(item=item, text=text)
            for item, it in zip(made, items_json, strict=True)
            for text in it.get("decisions", [])
        ),
        partnership_id=meeting.board.partnership_id,
    )
    audit.created(
        CaseMention.objects.bulk_create(
            CaseMention(item=item, pseudonym=c[:100])
            for item, it in zip(made, items_json, strict=True)
            for c in it.get("case_mentions", [])
        ),
        partnership_id=meeting.board.partnership_id,
    )
    items: dict[str | None, AgendaItem] = {}
    for item, it in zip(made, items_json, strict=True):
        items.setdefault(it.get("number"), item)
    return items


def _actions(
    actions_json: list[dict[str, Any]],
    meeting: Meeting,
    items: dict[str | None, AgendaItem],
    by_name: dict[str, Person],
    user: User,
) -> int:
    """The actions of the minutes in one INSERT, then their owners' links in one INSERT a kind (each
    link's audit event as `owner_people.add` would have written it). Returns how many were written."""
    board = meeting.board
    # only an action log (a table of actions) moves earlier actions on: read them only for one
    earlier = (
        _open_actions_of_earlier_meetings(board, meeting.date)
        if any(a["origin"] == "action_table" for a in actions_json)
        else {}
    )
    made: list[Action] = []
    owners: list[list[str]] = []
    due_meetings = set(
        Meeting.objects.filter(
            board=board, pk__in=[a["due_meeting"] for a in actions_json if a.get("due_meeting")]
        ).values_list("pk", flat=True)
    )
    for position, a in enumerate(actions_json):
        if not included(a):
            # left out in the preview; a commitment found in the discussion joins the log only when the
            # person importing says so
            continue
        if a["origin"] == "action_table" and _update_from_log(a, earlier, meeting, user):
            continue  # the action log of these minutes closes or carries an action already on record
        made.append(
            Action(
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
                due_meeting_id=a.get("due_meeting") if a.get("due_meeting") in due_meetings else None,
            )
        )
        if "owner_refs" in a:  # chosen in the preview
            owners.append(a["owner_refs"])
        else:
            owners.append([f"name:{o}" for o in a["owners"]])
    audit.created(Action.objects.bulk_create(made), partnership_id=board.partnership_id)
    teams: dict[str, Team] = {}
    people_links, team_links = [], []
    linked: set[tuple[str, int, int]] = set()
    for action, its_owners in zip(made, owners, strict=True):
        for owner in its_owners:
            found = _owner(owner, by_name, teams, board.partnership)
            if found is None:
                continue
            field = "owner_people" if isinstance(found, Person) else "owner_teams"
            if (field, action.pk, found.pk) in linked:
                continue  # named twice: linked once, as add() does
            linked.add((field, action.pk, found.pk))
            if isinstance(found, Person):
                people_links.append(Action.owner_people.through(action=action, person=found))
            else:
                team_links.append(Action.owner_teams.through(action=action, team=found))
            audit.added(action, field, [str(found)], partnership_id=board.partnership_id)
    Action.owner_people.through.objects.bulk_create(people_links)
    Action.owner_teams.through.objects.bulk_create(team_links)
    return len(made)


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


def _owner(
    owner: str, by_name: dict[str, Person], teams: dict[str, Team], partnership: Partnership
) -> Person | Team | None:
    """An owner as 'person:Name', 'team:Name', 'name:whatever the minutes say' or 'none': a person of
    these minutes, else a team of the partnership (made when there is none); `teams` keeps the ones
    looked up in this import, so each name is looked up once."""
    kind, _, value = owner.partition(":")
    if kind == "none" or not value:
        return None
    if kind == "directory":  # anyone in the partnership's directory, chosen in the preview
        return (
            Person.objects.filter(partnership=partnership, pk=int(value)).first() if value.isdigit() else None
        )
    if kind in ("person", "name") and value in by_name:
        return by_name[value]
    if value not in teams:
        team = Team.objects.filter(partnership=partnership, name__iexact=value).first()
        teams[value] = team or Team.objects.create(partnership=partnership, name=value[:200])
    return teams[value]


@audit.acts
def import_file(*, board: Board, user: User, name: str, data: bytes) -> ImportResult:
    """Import without a preview (the command line): read now, then written as read, all or nothing.

    The confirm's refusals and messages, without its pending import: the minutes are read by the engine
    and kept in memory (nothing is stored, read back and marked imported). Bytes already imported for
    the partnership give the meeting on record; unreadable minutes, minutes that do not say when the
    meeting was held, and a second set of minutes for a day the board has are refused, leaving nothing
    behind; the file stored by the writes is removed again if they do not commit.
    """
    partnership = board.partnership
    sha256 = hashlib.sha256(data).hexdigest()
    existing = existing_import(partnership=partnership, sha256=sha256)
    if existing is not None:
        return ImportResult(existing, 0, 0, 0, already_imported=True)
    name = name[:255]
    try:
        minutes = extract(data, name).to_json()
    except MinutesError as exc:
        raise ImportRefused(str(exc)) from exc
    date_text = minutes["meeting"].get("date")
    if not date_text:
        raise ImportRefused(
            "The minutes do not say when the meeting was held: enter the date to import them."
        )
    date = dt.date.fromisoformat(date_text)
    if minutes_on_record(board=board, date=date) is not None:
        raise ImportRefused(_same_day_refusal(board, date))
    # what `_write` reads of an upload (its board, name, hash and bytes); never saved
    source = PendingImport(board=board, uploaded_by=user, name=name, sha256=sha256, data=data)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _write(source, minutes, date, user, stored)
    except BaseException as exc:
        for stored_name in stored:  # no record points at it: the minutes' bytes are not left behind
            SourceDocument.file.field.storage.delete(stored_name)
        if not isinstance(exc, IntegrityError):
            raise
        # imported at the same time by someone else, who won (see import_confirm)
        existing = existing_import(partnership=partnership, sha256=sha256)
        if existing is not None:
            return ImportResult(existing, 0, 0, 0, already_imported=True)
        if Meeting.objects.filter(board=board, date=date).exists():
            raise ImportRefused(_same_day_refusal(board, date)) from exc
        raise
