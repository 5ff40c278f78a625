"""Matching the people minutes name to the partnership's directory."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from boardkeeper.directory.models import Organisation, Partnership, Person, PersonAlias


@dataclass(frozen=True, slots=True)
class Match:
    person: Person | None
    reason: str  # for the preview: 'same name', 'same initials and organisation', ''


def directory_of(partnership: Partnership) -> list[Person]:
    """Everyone in the partnership with what matching needs, in three queries."""
    return list(
        Person.objects.filter(partnership=partnership)
        .select_related("organisation")
        .prefetch_related(Prefetch("aliases", queryset=PersonAlias.objects.all()))
    )


def person_match(people: list[Person], *, name: str, initials: str | None, organisation: str | None) -> Match:
    """The directory person a name in the minutes is, or no one.

    1. the same full name (any case), or a known other spelling;
    2. the same surname with a first name that agrees ('M Storey', 'Martin Storey') and no
       organisation that disagrees;
    3. the same initials (case counts: JC is not JCo) at the same organisation.
    Anything less is a new person: two people are never merged on a guess.
    """
    key = name.casefold().strip()
    org = (organisation or "").casefold().strip()
    for p in people:
        if p.full_name.casefold() == key or any(
            a.kind == PersonAlias.Kind.NAME and a.alias.casefold() == key for a in p.aliases.all()
        ):
            return Match(p, "same name")
    words = key.split()
    for p in people:
        theirs = p.full_name.casefold().split()
        if (
            len(words) >= 2
            and len(theirs) >= 2
            and words[-1] == theirs[-1]
            and _first_names_agree(words[0], theirs[0])
        ):
            their_org = p.organisation.name.casefold() if p.organisation else ""
            if not org or not their_org or org == their_org:
                return Match(p, "same surname and first name")
    if initials:
        for p in people:
            their_org = p.organisation.name.casefold() if p.organisation else ""
            same_initials = any(
                a.kind == PersonAlias.Kind.INITIALS and a.alias == initials for a in p.aliases.all()
            )
            if same_initials and org and org == their_org:
                return Match(p, "same initials and organisation")
    return Match(None, "")


def _first_names_agree(a: str, b: str) -> bool:
    a, b = a.rstrip("."), b.rstrip(".")
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def organisation_named(partnership: Partnership, name: str | None) -> Organisation | None:
    if not name:
        return None
    existing = Organisation.objects.filter(partnership=partnership, name__iexact=name.strip()).first()
    return existing or Organisation.objects.create(partnership=partnership, name=name.strip()[:200])
