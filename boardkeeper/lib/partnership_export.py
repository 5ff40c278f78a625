"""A partnership's records as JSON: every row reachable from it through foreign keys, in an order that loads,
with no credential, secret or file bytes. Walks every installed model, so models added later join in."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

EXPORT_HOPS = 4
# fields never exported, whatever model they are on: credentials, two-factor secrets, calendar tokens,
# session data (a BinaryField is never exported either: file bytes stay out of an export)
SECRET_FIELD = re.compile(r"password|passwd|secret|token|session|otp|hash|(^|_)key$", re.IGNORECASE)


def _forward_links(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.get_fields()
        if isinstance(f, models.ForeignKey) and f.concrete and isinstance(f.related_model, type)
    ]  # OneToOneField is a ForeignKey


def _path_to(
    model: type[models.Model], partnership_model: type[models.Model], hops: int, *, required: bool
) -> str | None:
    """The shortest lookup from `model` to the partnership through foreign keys (only non-null ones when
    `required`), or None."""
    queue: deque[tuple[type[models.Model], list[str]]] = deque([(model, [])])
    seen = {model}
    while queue:
        current, trail = queue.popleft()
        if len(trail) >= hops:
            continue
        for link in _forward_links(current):
            if required and link.null:
                continue
            target = link.related_model
            assert isinstance(target, type)
            if target is partnership_model:
                return "__".join([*trail, link.name])
            if target not in seen:
                seen.add(target)
                queue.append((target, [*trail, link.name]))
    return None


def partnership_paths(
    partnership_model: type[models.Model], hops: int = EXPORT_HOPS
) -> dict[type[models.Model], str]:
    """Each model whose foreign keys lead to a partnership within `hops`: the shortest lookup to it."""
    paths: dict[type[models.Model], str] = {partnership_model: "pk"}
    for model in apps.get_models():
        if model is partnership_model or model._meta.proxy or getattr(model, "DERIVED", False):
            continue  # a model that says it is DERIVED (the search index) is rebuilt from the records
        if any(
            f.attname == "partnership_id" and not f.is_relation for f in model._meta.concrete_fields
        ):  # a plain column, no foreign key (the audit trail outlives what it describes)
            paths[model] = "partnership_id"
            continue
        # through required links first: a path through an optional one (a change request's agency) would
        # leave out every row where it is empty; an optional link only when no required path exists
        path = _path_to(model, partnership_model, hops, required=True) or _path_to(
            model, partnership_model, hops, required=False
        )
        if path:
            paths[model] = path
    return paths


def _dependency_order(chosen: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models referred to before the models that refer to them (a cycle keeps the given order)."""
    remaining = list(chosen)
    done: list[type[models.Model]] = []
    while remaining:
        for model in remaining:
            needs = {
                f.related_model
                for f in model._meta.get_fields()
                if f.concrete and (f.many_to_one or f.one_to_one or f.many_to_many)
            }
            if not any(other in needs for other in remaining if other is not model):
                break
        else:
            model = remaining[0]
        remaining.remove(model)
        done.append(model)
    return done


def exported_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.Field)
        and f.concrete
        and not f.primary_key
        and not isinstance(f, models.BinaryField)
        and not SECRET_FIELD.search(f.name)
    ]


def export_partnership(partnership: models.Model) -> dict[str, Any]:
    """All of a partnership's records as Django's serializer writes them, secrets and file bytes left out."""
    paths = partnership_paths(type(partnership))
    by_depth = sorted(paths, key=lambda m: paths[m].count("__") + (0 if m is type(partnership) else 1))
    records: list[dict[str, Any]] = []
    for model in _dependency_order(by_depth):
        lookup = paths[model]
        m2m = [f.name for f in model._meta.many_to_many if f.name in exported_fields(model)]
        queryset = (
            model._base_manager.filter(**{lookup: partnership.pk}).order_by("pk").prefetch_related(*m2m)
        )
        records.extend(
            serializers.serialize(
                "python", queryset, fields=exported_fields(model), use_natural_foreign_keys=True
            )
        )
    return {
        "partnership": getattr(partnership, "slug", str(partnership.pk)),
        "exported_at": timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        "records": records,
    }


def export_json(document: dict[str, Any]) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
