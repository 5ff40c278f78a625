"""The audit trail in words a person reads: field labels, record names, dates and choices as the pages show them.

The trail keeps what was written, as it was written ('due_meeting_id': [null, 3]); this module reads it for
people ('Due at meeting: none → 11 March 2022'). The records the entries name (and the records their foreign
keys point at) are read in one query per model for a whole page of entries, never one per entry, so a page of
the log runs the same queries however many entries it shows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.apps import apps
from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone

from boardkeeper.lib.plain_sql import any_of, select_models

NONE = "none"
# labels better than the field's own name, wherever the field occurs
LABELS = {
    "due_meeting": "Due at meeting",
    "owner_people": "Owners (people)",
    "owner_teams": "Owners (teams)",
    "by": "By",
    "on": "On",
}
# the fields that name a record of a model without a name of its own (a decision's text, a stage change's note)
NAME_FIELDS = ("title", "topic", "name", "pseudonym", "text", "summary", "description", "note", "reason")
_NO_NAME = re.compile(r"^\w+ object \(\d+\)$")  # Django's name for a record with no __str__


@dataclass(frozen=True, slots=True)
class Change:
    """One field's change: from what to what, or who was added to or removed from a list."""

    label: str
    before: str = ""
    after: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def text(self) -> str:
        """The change as one line: 'Status: Open → Done', 'Owners (people): added Pete Hill'."""
        if self.is_list:
            parts = [f"added {', '.join(self.added)}"] if self.added else []
            parts += [f"removed {', '.join(self.removed)}"] if self.removed else []
            return f"{self.label}: {'; '.join(parts)}"
        return f"{self.label}: {self.before} → {self.after}"


def capitalised(text: Any) -> str:
    """Sentence case: the first letter up, the rest as written ('due meeting' → 'Due meeting')."""
    words = str(text)
    return words[:1].upper() + words[1:]


class Entry(Protocol):
    """What this module reads of an entry: an AuditEvent, or the audit log's row read as a tuple."""

    model: str
    object_id: str
    object_repr: str
    changes: Any


E = TypeVar("E", bound=Entry)


@functools.cache  # the models are fixed while the process runs: looked up once, not twice an entry
def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):  # a model since removed: the trail outlives it
        return None


@functools.cache  # a model's fields are fixed: gathered once, not twice an entry
def _fields_by_key(model: type[models.Model]) -> dict[str, Any]:
    """Every field by the keys the trail uses: attname ('due_meeting_id'), name, and many-to-many name."""
    found: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        found[f.name] = f
        found[f.attname] = f
    for m in model._meta.many_to_many:
        found[m.name] = m
    return found


def _has_own_name(model: type[models.Model]) -> bool:
    return model.__str__ is not models.Model.__str__


def _parent_field(model: type[models.Model]) -> models.ForeignKey[Any, Any] | None:
    """The first foreign key to a record that is not a user: what a nameless record belongs to."""
    for f in model._meta.concrete_fields:
        target: Any = f.related_model
        if (
            isinstance(f, models.ForeignKey)
            and target is not None
            and target._meta.label != settings.AUTH_USER_MODEL
        ):
            return f
    return None


def record_name(obj: models.Model) -> str:
    """A record's name: its own str(), or for a model without one, the text that names it and what it
    belongs to ('Child Q (Rapid review)' for a review's stage change). Reads only what is loaded."""
    model = type(obj)
    if _has_own_name(model):
        return str(obj)
    text = next((str(getattr(obj, n)) for n in NAME_FIELDS if getattr(obj, n, "")), "")
    text = text if len(text) <= 80 else text[:79] + "…"
    parent = _parent_field(model)
    if parent is not None and parent.is_cached(obj):  # loaded with it: naming it costs no query
        owner = getattr(obj, parent.name)
        if owner is not None:
            return f"{text} – {record_name(owner)}" if text else record_name(owner)
    return text or f"{capitalised(model._meta.verbose_name)} {obj.pk}"


def value_name(obj: models.Model) -> str:
    """A record a foreign key points at, as a change shows it: a meeting by its date, others by name."""
    if obj._meta.label_lower == "meetings.meeting":
        return f"{obj.date:%-d %B %Y}"  # type: ignore[attr-defined]
    return record_name(obj)


def _date(value: Any) -> str:
    try:
        return f"{dt.date.fromisoformat(str(value)):%-d %B %Y}"
    except ValueError:
        return str(value)


def _datetime(value: Any) -> str:
    try:
        when = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return f"{when:%-d %B %Y, %H:%M}"


@functools.cache  # a field's choices are fixed while the process runs: flattened once, not each value
def _choices(field: Any) -> dict[Any, Any]:
    return dict(field.flatchoices)


def _plain(field: Any, value: Any, names: dict[Any, str]) -> str:
    """One value of a field in words."""
    if value is None or value == "":
        return NONE
    if isinstance(field, models.ForeignKey):
        return names.get(value) or f"{capitalised(field.related_model._meta.verbose_name)} {value}"  # type: ignore[union-attr]
    if getattr(field, "choices", None):
        return str(_choices(field).get(value, value))
    if isinstance(value, bool) or isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField):
        return _datetime(value)
    if isinstance(field, models.DateField):
        return _date(value)
    if isinstance(field, models.TimeField):
        return str(value)[:5]
    return str(value)


def _label(key: str, field: Any) -> str:
    if field is None:  # a field since removed
        name = key[:-3] if key.endswith("_id") else key
        return LABELS.get(name) or capitalised(name.replace("_", " "))
    return LABELS.get(field.name) or capitalised(field.verbose_name)


@dataclass(frozen=True, slots=True)
class _Found:
    """A record read, with its name where it was asked for: as the record an entry names (`name`: 'Executive
    Board – 11 March 2022') and as a foreign key's value (`value`: '11 March 2022')."""

    obj: models.Model
    name: str
    value: str


@dataclass
class _Lookups:
    """The keys to read, per model, as strings: of the records the entries name (`records`) and of the
    records their foreign keys point at (`values`); and what was read (`found`)."""

    records: dict[type[models.Model], set[str]]
    values: dict[type[models.Model], set[str]]
    found: dict[type[models.Model], dict[str, _Found]]

    def read(self, known: Iterable[models.Model] = ()) -> None:
        """One query per model (see `_named`) for the keys not among the `known` records."""
        have: dict[type[models.Model], dict[str, models.Model]] = defaultdict(dict)
        for obj in known:
            have[obj._meta.model][str(obj.pk)] = obj  # the model, not the request's lazy wrapper of it
        for model in dict.fromkeys([*self.records, *self.values]):
            records, values = self.records.get(model, set()), self.values.get(model, set())
            found = {
                key: _Found(
                    obj, record_name(obj) if key in records else "", value_name(obj) if key in values else ""
                )
                for key, obj in have[model].items()
                if key in records or key in values
            }
            found.update(_named(model, records - found.keys(), values - found.keys()))
            self.found[model] = found

    def get(self, model: type[models.Model], pk: Any) -> _Found | None:
        return self.found.get(model, {}).get(str(pk))


def _pk(model: type[models.Model], value: Any) -> Any:
    try:
        return model._meta.pk.to_python(value)
    except Exception:  # an id the model could not have ('abc' for a number): nothing to find
        return None


@functools.cache  # the models and their names' code are fixed while the process runs
def _name_joins(model: type[models.Model]) -> tuple[str, ...]:
    """The parents a model's own name reads, for select_related: the foreign keys its __str__ names
    (`self.board` in a meeting's), and theirs in turn ('meeting__board'). Read from the __str__'s code, so
    a model named by its own columns (an action by its text) is read alone."""
    names = set(model.__str__.__code__.co_names)
    joins: list[str] = []
    for f in model._meta.concrete_fields:
        target: Any = f.related_model
        if isinstance(f, models.ForeignKey) and f.name in names and target is not None:
            joins.append(f.name)
            if _has_own_name(target):
                joins.extend(f"{f.name}__{deeper}" for deeper in _name_joins(target))
    return tuple(joins)


@functools.cache
def _parent_joins(model: type[models.Model]) -> tuple[str, ...]:
    """The parents a model without a name of its own is named by: its parent (`_parent_field`, when it
    cannot be empty: what select_related() followed), and what that parent's name reads in turn."""
    parent = _parent_field(model)
    if parent is None or parent.null:
        return ()
    target: Any = parent.related_model
    deeper = _name_joins(target) if _has_own_name(target) else _parent_joins(target)
    return (parent.name, *(f"{parent.name}__{d}" for d in deeper))


def _named(model: type[models.Model], records: set[str], values: set[str]) -> dict[str, _Found]:
    """The records of these keys, read in one plain SELECT (lib.plain_sql: not a queryset built and
    compiled for a page's few keys) and named as asked for.

    A model with a name of its own is read with the parents that name reads (`_name_joins`) and no other:
    joining every parent (an action's board and meeting, the meeting's board, their partnerships) made
    reading a page's 23 actions 4 ms rather than 1 (national data set, PostgreSQL). A model without a name
    of its own is named by its parent, so it is read with that parent and what the parent's name reads
    (`_parent_joins`)."""
    keys = {_pk(model, k) for k in records | values} - {None}
    if not keys:
        return {}
    joins = _name_joins(model) if _has_own_name(model) else _parent_joins(model)
    return _names(_read_joined(model, joins, sorted(keys)), records, values)


def _unread(model: type[models.Model]) -> tuple[str, ...]:
    """Long text (an item's discussion, up to megabytes) never names a record: left unread."""
    return tuple(
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.TextField) and f.name not in NAME_FIELDS
    )


def _read_joined(model: type[models.Model], joins: tuple[str, ...], keys: list[Any]) -> list[models.Model]:
    """The records of these keys with the parents named by `joins` ('board', 'meeting__board') read in the
    same row and cached on them, as select_related leaves them; long text deferred (`_unread`)."""
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name

    def columns(m: type[models.Model]) -> tuple[str, ...]:
        unread = _unread(m)
        return tuple(f.attname for f in m._meta.concrete_fields if f.attname not in unread)

    paths = sorted(joins, key=lambda p: p.count("__"))  # a parent before its parents
    parts: list[Any] = [(model, "t", columns(model))]
    aliases: dict[str, tuple[str, type[models.Model]]] = {"": ("t", model)}
    joined: list[tuple[str, Any]] = []  # for each path: the path of what holds its key, and the key
    sql = f"FROM {quote(model._meta.db_table)} t"
    for n, path in enumerate(paths):
        holder, _, name = path.rpartition("__")
        alias, holder_model = aliases[holder]
        f: Any = holder_model._meta.get_field(name)
        target = f.related_model
        sql += (
            f" LEFT JOIN {quote(target._meta.db_table)} j{n}"
            f" ON j{n}.{quote(target._meta.pk.column)} = {alias}.{quote(f.column)}"
        )
        aliases[path] = (f"j{n}", target)
        parts.append((target, f"j{n}", columns(target)))
        joined.append((holder, f))
    test, params = any_of(connection, f"t.{quote(model._meta.pk.column)}", keys)
    sql += f" WHERE {test}"
    found = []
    for row in select_models(parts, sql, params):
        read = dict(zip(["", *paths], row, strict=True))
        for (holder, f), path in zip(joined, paths, strict=True):
            if read[holder] is not None:
                f.set_cached_value(read[holder], read[path])
        found.append(row[0])
    return found


def _names(rows: Iterable[models.Model], records: set[str], values: set[str]) -> dict[str, _Found]:
    found = {}
    for obj in rows:
        key = str(obj.pk)
        name = record_name(obj) if key in records else ""
        found[key] = _Found(obj, name, value_name(obj) if key in values else "")
    return found


def annotate(events: Iterable[E], *, records: bool = True, known: Iterable[models.Model] = ()) -> list[E]:
    """Give each event `readable_changes` (a list of Change), and with `records` `record_kind`,
    `record_name`, `record` ('Kind: name') and `link` ((model label, pk) of the record, or of what it
    belongs to, for a link). Queries: one per model named, however many events (`_named`), none for the
    records the caller has read already (`known`: the request's partnership and user, named as they are)."""
    events = list(events)
    lookups = _Lookups(defaultdict(set), defaultdict(set), {})
    for event in events:
        model = model_of(event.model)
        if model is None:
            continue
        if records and event.object_id:
            lookups.records[model].add(str(event.object_id))
        fields = _fields_by_key(model)
        for key, change in (event.changes or {}).items():
            field = fields.get(key)
            if isinstance(field, models.ForeignKey) and isinstance(change, list):
                target = field.related_model
                lookups.values[target].update(str(v) for v in change if v not in (None, ""))  # type: ignore[index]
    lookups.read(known)
    for event in events:
        _describe(event, lookups, records=records)
    return events


def _describe(event: Entry, lookups: _Lookups, *, records: bool) -> None:
    model = model_of(event.model)
    changes: list[Change] = []
    fields = _fields_by_key(model) if model is not None else {}
    for key, change in (event.changes or {}).items():
        field = fields.get(key)
        if getattr(field, "primary_key", False):
            continue  # its number: the record is named already
        label = _label(key, field)
        if isinstance(change, dict):
            changes.append(
                Change(label, added=tuple(change.get("added", ())), removed=tuple(change.get("removed", ())))
            )
            continue
        before, after = [*change, None, None][:2] if isinstance(change, list) else (None, change)
        names: dict[Any, str] = {}
        if isinstance(field, models.ForeignKey):
            for value in (before, after):
                found = lookups.get(field.related_model, value) if value not in (None, "") else None  # type: ignore[arg-type]
                if found is not None:
                    names[value] = found.value
        changes.append(Change(label, _plain(field, before, names), _plain(field, after, names)))
    event.readable_changes = changes  # type: ignore[attr-defined]
    if not records:
        return
    event.record_kind = capitalised(model._meta.verbose_name) if model is not None else ""  # type: ignore[attr-defined]
    found = lookups.get(model, event.object_id) if model is not None and event.object_id else None
    if found is not None:
        name = found.name
    elif event.object_repr and not _NO_NAME.match(event.object_repr):
        name = event.object_repr
    else:
        name = f"number {event.object_id}" if event.object_id else ""
    event.record_name = name  # type: ignore[attr-defined]
    event.record = f"{event.record_kind}: {name}" if event.model else ""  # type: ignore[attr-defined]
    event.link = _link_of(event, model, found.obj if found is not None else None)  # type: ignore[attr-defined]


def _link_of(
    event: Entry, model: type[models.Model] | None, obj: models.Model | None
) -> tuple[tuple[str, Any], ...]:
    """(label, pk) of the record, and of each record it belongs to, nearest first: the view links to the
    first that has a page. A removed record is linked through what it belonged to (read from its entry)."""
    if model is None:
        return ()
    chain: list[tuple[str, Any]] = []
    if obj is not None:
        chain.append((event.model, obj.pk))
    for f in model._meta.concrete_fields:
        if isinstance(f, models.ForeignKey) and f.related_model is not None:
            if obj is not None:
                value = getattr(obj, f.attname)
            else:
                change = (event.changes or {}).get(f.attname)
                value = next((v for v in change if v is not None), None) if isinstance(change, list) else None
            if value is not None:
                chain.append((f.related_model._meta.label_lower, value))  # type: ignore[union-attr]
    return tuple(chain)
