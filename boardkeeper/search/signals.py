"""Keep the index current where records are saved or deleted one at a time (the forms, the services).
Bulk writes send no signals: the import indexes its meeting itself (`indexer.index_meeting`), and
`boardkeeper search --rebuild` rebuilds everything."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import post_delete, post_migrate, post_save

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
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
    """A versioned UPDATE (an action's status, a review's or an escalation's details): its row replaced."""
    if sender in KINDS and not indexer.is_paused():
        indexer.reindex(KINDS[sender], [pk])


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
    post_migrate.connect(migrated, dispatch_uid="search-migrated")
