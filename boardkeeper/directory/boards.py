"""A partnership's boards and subgroups, and their members with their roles: made and changed by the
business team (on the web, or `boardkeeper board add`), each change audited."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from boardkeeper.directory.models import Board, Membership, Partnership, Person

NAME_LENGTH = 200  # Partnership.name and Board.name
SLUG_LENGTH = 80  # Partnership.slug and Board.slug


class BoardRefused(Exception):
    """A board or membership change that cannot be made, with a message for a person."""


def unique_slug(name: str, fallback: str, taken: Callable[[str], bool]) -> str:
    """The name's slug, or with -2, -3, ... when `taken` says the plain one is."""
    base = slugify(name)[:SLUG_LENGTH].strip("-") or fallback
    slug, n = base, 1
    while taken(slug):
        n += 1
        suffix = f"-{n}"
        slug = base[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
    return slug


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise BoardRefused("Enter the board's name.")
    if len(name) > NAME_LENGTH:
        raise BoardRefused(f"A board's name is at most {NAME_LENGTH} characters (this one has {len(name)}).")
    return name


def _clash(partnership: Partnership, name: str, board: Board | None = None) -> None:
    boards = Board.objects.filter(partnership=partnership).exclude(pk=getattr(board, "pk", None))
    existing = boards.filter(name__iexact=name).first()
    if existing is not None:
        raise BoardRefused(
            f"{partnership.name} already has a board called {existing.name!r} (slug {existing.slug})"
        )
    existing = boards.filter(slug=name).first()
    if existing is not None:  # `--board NAME` at the terminal would not know which was meant
        raise BoardRefused(f"{name!r} is the slug of {partnership.name}'s board {existing.name!r}")


def _parent(partnership: Partnership, parent: Board | None, board: Board | None = None) -> Board | None:
    if parent is None:
        return None
    if parent.partnership_id != partnership.pk:
        raise BoardRefused("A subgroup belongs to a board of the same partnership.")
    seen: Board | None = parent
    while seen is not None:  # no board is its own subgroup, however far down
        if board is not None and seen.pk == board.pk:
            raise BoardRefused(f"{board.name} cannot be a subgroup of itself or of one of its subgroups.")
        seen = seen.parent
    return parent


def board_add(*, partnership: Partnership, name: str, parent: Board | None = None) -> Board:
    name = _name(name)
    _clash(partnership, name)
    parent = _parent(partnership, parent)
    boards = Board.objects.filter(partnership=partnership)

    def taken(slug: str) -> bool:
        # nor another board's name: `--board NAME` finds one by either
        return boards.filter(Q(slug=slug) | Q(name__iexact=slug)).exists()

    try:
        with transaction.atomic():
            return Board.objects.create(
                partnership=partnership, name=name, slug=unique_slug(name, "board", taken), parent=parent
            )
    except IntegrityError as exc:  # made at the same moment by someone else
        raise BoardRefused(f"{partnership.name} already has a board called {name!r}") from exc


def board_change(*, board: Board, name: str, parent: Board | None) -> Board:
    """Rename a board, or make it a subgroup of another (or of none). Its address (slug) stays, so links
    and bookmarks keep working."""
    name = _name(name)
    _clash(board.partnership, name, board)
    board.parent = _parent(board.partnership, parent, board)
    board.name = name
    board.save(update_fields=["name", "parent"])
    return board


def member_add(*, board: Board, person: Person, role: str) -> Membership:
    if person.partnership_id != board.partnership_id:
        raise BoardRefused(f"{person.full_name} is not in {board.partnership.name}'s directory.")
    if role not in Membership.Role.values:
        raise BoardRefused("Choose the member's role.")
    if Membership.objects.filter(board=board, person=person).exists():
        raise BoardRefused(f"{person.full_name} is a member of the {board.name} already.")
    return Membership.objects.create(board=board, person=person, role=role)


def member_change(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise BoardRefused("Choose the member's role.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def member_remove(*, membership: Membership) -> None:
    membership.delete()
