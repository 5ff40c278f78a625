"""Keep the index current where records are saved or deleted one at a time (the forms, the services).
Bulk writes send no signals: the import indexes its meeting itself (`indexer.index_meeting`), and
`boardkeeper search --rebuild` rebuilds everything.

A row also reads records other than its own, and follows them too: a board's name is in the rows of its
meetings, items, decisions and actions; a person's aliases in the person's; a review's themes in the
review's; the minutes' status (approved or not, an UPDATE that sends `row_updated`) in the meeting's."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Board, Person, PersonAlias
from boardkeeper.escalations.models import Escalation
from boardkeeper.lib.versioning import row_updated
from boardkeeper.meetings.models import AgendaItem, Decision, Meeting
from boardkeeper.reviews.models import Review
from boardkeeper.search import indexer
from boardkeeper.search.models import SearchEntry

Kind = SearchEntry.Kind
KINDS: dict[type[models.Model], str] = {
    AgendaItem: Kind.ITEM,
    Decision: Kind.DECISION,
    Action: Kind.ACTION,
    Person: Kind.PERSON,
    Review: Kind.REVIEW,
    Escalation: Kind.ESCALATION,
}


def saved(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """A record saved: its row replaced (a fixture's raw save is left to the rebuild)."""
    if raw or indexer.is_paused():
        return
    if isinstance(instance, Meeting):
        indexer.index_meeting(instance)  # its items, decisions and actions carry its date and board
        return
    indexer.reindex(KINDS[sender], [instance.pk])


def updated(sender: type[models.Model], pk: int, **kwargs: Any) -> None:
    """A versioned UPDATE (an action's status, a review's or an escalation's details) or a meeting's
    minutes approved or not: its row replaced."""
    if indexer.is_paused():
        return
    if sender is Meeting:
        indexer.reindex(Kind.MEETING, [pk])
    elif sender in KINDS:
        indexer.reindex(KINDS[sender], [pk])


def board_renaming(sender: type[Board], instance: Board, raw: bool = False, **kwargs: Any) -> None:
    """The name a board had before this save, to tell a rename (rare, and many rows) from other saves."""
    if not raw and instance.pk is not None:
        instance._search_old_name = (  # type: ignore[attr-defined]
            Board.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        )


def board_saved(sender: type[Board], instance: Board, raw: bool = False, **kwargs: Any) -> None:
    old = getattr(instance, "_search_old_name", None)
    if not raw and not indexer.is_paused() and old is not None and old != instance.name:
        indexer.reindex_board(instance.pk)


def alias_changed(sender: type[PersonAlias], instance: PersonAlias, raw: bool = False, **kwargs: Any) -> None:
    if not raw and not indexer.is_paused():
        indexer.reindex(Kind.PERSON, [instance.person_id])


def themes_changed(
    sender: Any, instance: models.Model, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    """A review's themes set, added or taken away (from either side of the relation)."""
    if action not in ("post_add", "post_remove", "post_clear") or indexer.is_paused():
        return
    if not reverse:
        indexer.reindex(Kind.REVIEW, [instance.pk])
    elif pk_set:  # a theme's reviews: the ones added or removed (a clear from the theme's side names none)
        indexer.reindex(Kind.REVIEW, pk_set)


def deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    indexer.forget(Kind.MEETING if sender is Meeting else KINDS[sender], [instance.pk])


def migrated(sender: Any, **kwargs: Any) -> None:
    """An installation upgraded to a version with search: its records indexed once, after its migrations."""
    if sender.name != "boardkeeper.search":
        return
    if not SearchEntry.objects.exists() and indexer.records_exist():
        indexer.rebuild()


def connect() -> None:
    models_: list[type[models.Model]] = [Meeting, *KINDS]
    for model in models_:
        post_save.connect(saved, sender=model, dispatch_uid=f"search-saved-{model.__name__}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"search-deleted-{model.__name__}")
    row_updated.connect(updated, dispatch_uid="search-updated")
    pre_save.connect(board_renaming, sender=Board, dispatch_uid="search-board-renaming")
    post_save.connect(board_saved, sender=Board, dispatch_uid="search-board-saved")
    post_save.connect(alias_changed, sender=PersonAlias, dispatch_uid="search-alias-saved")
    post_delete.connect(alias_changed, sender=PersonAlias, dispatch_uid="search-alias-deleted")
    m2m_changed.connect(themes_changed, sender=Review.themes.through, dispatch_uid="search-themes")
    post_migrate.connect(migrated, dispatch_uid="search-migrated")
