"""The people of a partnership's directory, kept by the business team on the web: added, corrected, and two
records of one person merged into one, each change audited.

A merge moves whatever points at the record that goes to the record that stays. What points at a Person is
read from Person's relations (`_relations`, hidden ones too), not listed here: a table added later that
names people is moved too, and this module imports no other app (the apps' layers stay as they are).
Where a row of the removed record would duplicate one of the kept record (both attended one meeting, both
sit on one board, both own one action), the kept record's row stands and the other is dropped.

Every write here is audited by the recorder's signals (who acted: the request's user, or whoever
`audit.acting_as` names at a terminal). This module does not import the audit app: the recorder reads the
directory's models, and the apps' domain modules form layers (tests/test_layers.py). A merge is told in the
trail by its rows: each row moved (changed), each duplicate dropped and the removed record (deleted), and the
removed name learnt as another spelling of the kept record (created).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import ForeignObjectRel

from boardkeeper.directory.models import Partnership, Person, PersonAlias
from boardkeeper.directory.services import organisation_named
from boardkeeper.lib.versioning import StaleEdit

NAME_LENGTH = 200  # Person.full_name, job_title, Organisation.name and PersonAlias.alias
INITIALS_LENGTH = 20

# How the confirmation page names what moves, by the label of the model that points at a person
WORDS = {
    "actions.action": ("action they own", "actions they own"),
    "meetings.attendance": ("meeting attended", "meetings attended"),
    "directory.membership": ("board membership", "board memberships"),
    "directory.personalias": ("other spelling or initials", "other spellings and initials"),
    "reviews.review": ("case review they are named on", "case reviews they are named on"),
    "accounts.invitation": ("invitation", "invitations"),
    "actions.calendarfeed": ("calendar address", "calendar addresses"),
}


class PersonRefused(Exception):
    """A change to the directory that cannot be made, with a message for a person."""


class PersonExists(PersonRefused):
    """Someone of that name is already in the directory: added only when the business team says it is
    another person of the same name."""

    def __init__(self, existing: Person):
        super().__init__(
            f"{existing.full_name} is already in the directory"
            + (f" ({existing.organisation.name})" if existing.organisation else "")
            + ". If this is someone else with the same name, say so to add them."
        )
        self.existing = existing


@dataclass(frozen=True, slots=True)
class Seen:
    """A person's details as the correction page showed them, sent back with the correction: if the row
    no longer says this, someone else corrected it first."""

    full_name: str
    organisation: str
    job_title: str

    @classmethod
    def of(cls, person: Person) -> Seen:
        return cls(
            person.full_name, person.organisation.name if person.organisation else "", person.job_title
        )


def _text(value: str | None, what: str, *, required: bool = False, length: int = NAME_LENGTH) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise PersonRefused(f"Enter the person's {what}.")
    if len(text) > length:
        raise PersonRefused(f"The {what} is at most {length} characters (this one has {len(text)}).")
    return text


def same_name(partnership: Partnership, name: str, *, exclude: int | None = None) -> Person | None:
    """Someone of the partnership called `name` (any case), or known by it as another spelling."""
    people = Person.objects.filter(partnership=partnership).select_related("organisation")
    if exclude is not None:
        people = people.exclude(pk=exclude)
    return (
        people.filter(full_name__iexact=name).first()
        or people.filter(aliases__alias__iexact=name, aliases__kind=PersonAlias.Kind.NAME).first()
    )


def person_add(
    *,
    partnership: Partnership,
    full_name: str,
    organisation: str | None,
    job_title: str = "",
    initials: str = "",
    same_name_is_someone_else: bool = False,
) -> Person:
    """A new person in the directory. Someone of the same name is refused (PersonExists) unless the
    business team says this is someone else: minutes would otherwise be matched to either at random."""
    name = _text(full_name, "full name", required=True)
    organisation = _text(organisation, "organisation")
    title = _text(job_title, "job title")
    initials = _text(initials, "initials", length=INITIALS_LENGTH)
    with transaction.atomic():
        existing = same_name(partnership, name)
        if existing is not None and not same_name_is_someone_else:
            raise PersonExists(existing)
        person = Person.objects.create(
            partnership=partnership,
            full_name=name,
            organisation=organisation_named(partnership, organisation),
            job_title=title,
        )
        if initials:
            PersonAlias.objects.create(person=person, alias=initials, kind=PersonAlias.Kind.INITIALS)
    return person


def person_correct(
    *,
    person: Person,
    seen: Seen | None,
    full_name: str,
    organisation: str | None,
    job_title: str,
) -> Person:
    """Correct a person's name, organisation and job title.

    Person has no version: `seen` is what the page showed, compared with the row locked for the update.
    If they differ someone else corrected the person first: nothing is saved and StaleEdit carries the
    row as it now is. (`seen=None`: no check, for the terminal.)"""
    name = _text(full_name, "full name", required=True)
    organisation = _text(organisation, "organisation")
    title = _text(job_title, "job title")
    with transaction.atomic():
        current = (
            Person.objects.select_for_update().filter(pk=person.pk).first()  # no join: PostgreSQL locks rows
        )
        if current is None:
            raise StaleEdit(None)
        if seen is not None and Seen.of(current) != seen:
            raise StaleEdit(current)
        other = same_name(current.partnership, name, exclude=current.pk)
        if other is not None and name.casefold() != current.full_name.casefold():
            raise PersonRefused(
                f"{other.full_name} is already in the directory: if they are the same person, merge the "
                "two records instead."
            )
        current.full_name = name
        current.organisation = organisation_named(current.partnership, organisation)
        current.job_title = title
        current.save()  # audited, field by field, by the signals
    return current


# Merging ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moving:
    """The rows of one kind that point at the removed record: how many move, how many are dropped as
    duplicates of the kept record's."""

    label: str
    moved: int
    dropped: int

    def words(self) -> str:
        one, many = WORDS.get(self.label, (self.label, self.label))
        text = f"{self.moved + self.dropped} {one if self.moved + self.dropped == 1 else many}"
        if self.dropped:
            text += f" ({self.dropped} already the kept record's too: kept once)"
        return text


@dataclass(frozen=True)
class MergePlan:
    keep: Person
    remove: Person
    moving: list[Moving] = field(default_factory=list)
    account_moves: bool = False
    new_alias: str | None = None  # the removed record's name, learnt as another spelling of the kept one
    refusal: str | None = None  # why the merge cannot be made, if it cannot

    def lines(self) -> list[str]:
        lines = [m.words() for m in self.moving if m.moved or m.dropped]
        if self.account_moves:
            lines.append(f"their Boardkeeper account ({self.remove.user})")
        return lines


@dataclass(frozen=True)
class MergeResult:
    keep: Person
    removed_name: str
    removed_id: int
    plan: MergePlan


def _relations() -> list[tuple[type[models.Model], models.Field[Any, Any], bool]]:
    """Every (model, field, is many-to-many) that points at a Person, but the Person's own fields."""
    found: list[tuple[type[models.Model], models.Field[Any, Any], bool]] = []
    # hidden too: attendance's deputy_for
    rels = [r for r in Person._meta.get_fields(include_hidden=True) if isinstance(r, ForeignObjectRel)]
    # a many-to-many's own table, made by Django or a model of its own (ActionOwner): moved through its field
    through = {getattr(r.field.remote_field, "through", None) for r in rels if r.many_to_many}
    for rel in rels:
        model = rel.related_model
        if (
            not isinstance(model, type)
            or model._meta.auto_created
            or model in through
            or rel.field.model is not model
        ):
            continue
        found.append((model, rel.field, bool(rel.many_to_many)))
    return sorted(found, key=lambda r: (r[0]._meta.label_lower, r[1].name))


def _together_with(model: type[models.Model], name: str) -> list[list[str]]:
    """The other fields of each unique constraint of `model` that includes the field `name` (attendance's
    meeting, a membership's board, an alias's text): a moved row clashing on them is a duplicate."""
    groups = [list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    groups += [list(g) for g in model._meta.unique_together]
    out = []
    for group in groups:
        if name in group:
            out.append([_attname(model, f) for f in group if f != name])
    return out


def _attname(model: type[models.Model], name: str) -> str:
    found = model._meta.get_field(name)
    return found.attname if isinstance(found, models.Field) else name


def _duplicates(
    model: type[models.Model], fk: models.Field[Any, Any], keep: Person, remove: Person
) -> tuple[list[models.Model], list[models.Model]]:
    """The rows pointing at `remove` through `fk`: those that move, and those that would duplicate a row of
    `keep` (and are dropped)."""
    rows = list(model._default_manager.filter(**{fk.name: remove}).order_by("pk"))
    groups = _together_with(model, fk.name)
    if not groups or not rows:
        return rows, []
    kept = list(model._default_manager.filter(**{fk.name: keep}).values(*{a for g in groups for a in g}))
    taken = [{tuple(row[a] for a in g) for row in kept} for g in groups]
    moving, dropped = [], []
    for row in rows:
        keys = [tuple(getattr(row, a) for a in g) for g in groups]
        if any(key in seen for key, seen in zip(keys, taken, strict=True)):
            dropped.append(row)
        else:
            moving.append(row)
            for key, seen in zip(keys, taken, strict=True):
                seen.add(key)
    return moving, dropped


def _refusal(keep: Person, remove: Person) -> str | None:
    if keep.pk == remove.pk:
        return "Choose another record: a record cannot be merged with itself."
    if keep.partnership_id != remove.partnership_id:
        return "Only two records of the same partnership can be merged."
    if keep.user_id is not None and remove.user_id is not None:
        return (
            f"Both records have a Boardkeeper account ({keep.user} and {remove.user}): an account is one "
            "person's, so these cannot be merged. Ask the person which account they use, remove the other "
            "from the partnership's access, then merge."
        )
    return None


def _alias_for(keep: Person, remove: Person, aliases: list[str]) -> str | None:
    name = remove.full_name
    known = {keep.full_name.casefold(), *(a.casefold() for a in aliases)}
    return None if name.casefold() in known else name


def merge_plan(keep: Person, remove: Person) -> MergePlan:
    """What merging `remove` into `keep` would move, for the confirmation page (reads only)."""
    refusal = _refusal(keep, remove)
    moving: list[Moving] = []
    if refusal is None:
        for model, fk, many in _relations():
            if many:
                owners = model._default_manager.filter(**{fk.name: remove})
                both = owners.filter(pk__in=model._default_manager.filter(**{fk.name: keep}).values("pk"))
                moving.append(Moving(model._meta.label_lower, owners.count() - both.count(), both.count()))
            elif fk.name == "deputy_for":
                continue  # counted with who deputised: not a row of theirs
            else:
                rows, dropped = _duplicates(model, fk, keep, remove)
                moving.append(Moving(model._meta.label_lower, len(rows), len(dropped)))
    aliases = list(PersonAlias.objects.filter(person=keep).values_list("alias", flat=True))
    return MergePlan(
        keep=keep,
        remove=remove,
        moving=moving,
        account_moves=remove.user_id is not None and keep.user_id is None,
        new_alias=_alias_for(keep, remove, aliases),
        refusal=refusal,
    )


def people_merge(*, keep: Person, remove: Person) -> MergeResult:
    """Merge two records of one person: everything that points at `remove` moves to `keep`, `remove`'s
    name is kept as another spelling of `keep` (so later minutes that use it match), and `remove` is
    deleted. Refused (PersonRefused) across partnerships, and when both have an account. Both rows are
    locked first, so two merges of one record cannot cross."""
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in Person.objects.select_for_update()
            .filter(pk__in=[keep.pk, remove.pk])
            .order_by("pk")  # no join (PostgreSQL locks no outer join's rows); in one order, no deadlock
        }
        if keep.pk not in locked or remove.pk not in locked:
            raise PersonRefused("One of the two records is no longer in the directory: nothing was merged.")
        keep, remove = locked[keep.pk], locked[remove.pk]
        plan = merge_plan(keep, remove)
        if plan.refusal:
            raise PersonRefused(plan.refusal)
        for model, fk, many in _relations():
            if many:
                for row in model._default_manager.filter(**{fk.name: remove}).order_by("pk"):
                    related = getattr(row, fk.name)
                    related.remove(remove)  # audited by m2m_changed, on the row
                    related.add(keep)  # nothing if the kept record was there already
            else:
                moving, dropped = _duplicates(model, fk, keep, remove)
                for row in dropped:
                    row.delete()  # a duplicate of the kept record's own row: audited as deleted
                for row in moving:
                    value: Person | None = keep
                    if fk.name == "deputy_for" and getattr(row, "person_id", None) == keep.pk:
                        value = None  # they cannot deputise for themselves
                    setattr(row, fk.name, value)
                    row.save(update_fields=[fk.name])  # audited as changed
        if plan.new_alias:
            PersonAlias.objects.create(
                person=keep, alias=plan.new_alias[:NAME_LENGTH], kind=PersonAlias.Kind.NAME
            )
        if plan.account_moves:
            account = remove.user
            remove.user = None
            remove.save(update_fields=["user"])  # the account is one person's: freed before it moves
            keep.user = account
            keep.save(update_fields=["user"])
        if keep.organisation_id is None and remove.organisation_id is not None:
            keep.organisation_id = remove.organisation_id
            keep.save(update_fields=["organisation"])
        if not keep.job_title and remove.job_title:
            keep.job_title = remove.job_title
            keep.save(update_fields=["job_title"])
        removed_name, removed_id = remove.full_name, remove.pk
        remove.delete()  # audited as deleted
    return MergeResult(keep=keep, removed_name=removed_name, removed_id=removed_id, plan=plan)
