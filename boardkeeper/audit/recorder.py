"""Writing the audit trail.

1. Every model of Boardkeeper's apps (and Django's users) is audited through signals: `pre_save` reads
   an existing row as it is just before it is saved (one query; reading lists costs nothing);
   `post_save` records what was created, or what changed from what to what; `post_delete` what was deleted; `m2m_changed` who was
   added to or removed from a many-to-many (an action's owners, a review's named people).
2. Writes that bypass signals (`QuerySet.update`, `bulk_update`, `bulk_create`, used for version-checked
   edits and imports) call `updated` / `created` themselves.
3. Sign-ins, failed sign-ins, sign-outs, second factors, exports and downloads are recorded with `event`.

Who acted is the request's user (set by `AuditMiddleware`), or whoever `acting_as` names (a background
task, a command). Secrets (password hashes, second-factor secrets, calendar tokens, uploaded bytes) are
never written to the trail.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse

from boardkeeper.audit.models import AuditEvent

AUDITED_APPS = {
    "directory",
    "meetings",
    "actions",
    "reviews",
    "accounts",
    "auth",
    "reminders",
    "escalations",
    "funding",
    "inspections",
    "recommendations",
}
NOT_AUDITED = {
    "meetings.pendingimport",  # a work queue: what it becomes (the meeting and all in it) is audited
    "auth.permission",
    "accounts.recoverycode",  # their use is recorded as a second-factor event
    "reminders.remindersent",  # a record of mail sent, not of business
    "accounts.throttle",  # counters of attempts; each failed attempt is itself an audit event
    "directory.referencechange",  # written by the database when records change (lib/reference.py)
}
SECRET_FIELDS = {"password", "secret", "token", "token_hash", "data", "code_hash", "last_step", "last_login"}
MAX_TEXT = 1000  # characters of a long text kept in the trail (a discussion, a rationale)
SNAPSHOT = "_audit_snapshot"


@dataclass
class Actor:
    user_id: int | None = None
    username: str = ""
    ip: str | None = None
    request: HttpRequest | None = None
    partnerships: dict[tuple[str, Any], int | None] = field(default_factory=dict)  # lookups, cached

    def resolve(self) -> Actor:
        """The request's user, read when the first event is written (not on every request)."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                self.user_id, self.username = user.pk, user.get_username()
            self.request = None
        return self


_actor: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)
# the events of a `together()` block, written in one INSERT when it ends
_pending: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from: REMOTE_ADDR (a proxy in front sets it right, see security.md)."""
    return request.META.get("REMOTE_ADDR") or None


@contextlib.contextmanager
def acting_as(user: Any, ip: str | None = None) -> Iterator[None]:
    """Events written inside are by `user` (a background task acting for whoever asked for it)."""
    actor = Actor(getattr(user, "pk", None), user.get_username() if user is not None else "", ip)
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def acts(fn: Callable[..., Any]) -> Callable[..., Any]:
    """For a service that takes `user=`: what it writes is audited in that user's name, unless a
    request's signed-in user is already acting (then it is theirs)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = kwargs.get("user")
        actor = _actor.get()
        if user is None or (actor is not None and actor.resolve().user_id is not None):
            return fn(*args, **kwargs)
        with acting_as(user, ip=actor.ip if actor is not None else None):
            return fn(*args, **kwargs)

    return wrapper


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(Actor(ip=client_ip(request), request=request))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _audited(model: type[models.Model]) -> bool:
    return model._meta.app_label in AUDITED_APPS and _label(model) not in NOT_AUDITED


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return "(bytes)"
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in SECRET_FIELDS and not isinstance(f, models.BinaryField)
    ]


def _values(instance: models.Model) -> dict[str, Any]:
    state = instance.__dict__
    return {f.attname: _plain(state.get(f.attname)) for f in _fields(type(instance)) if f.attname in state}


def _partnership_path(model: type[models.Model], depth: int = 0) -> list[models.Field[Any, Any]] | None:
    """The foreign keys that lead from `model` to its partnership, shortest first."""
    from boardkeeper.directory.models import Partnership

    if depth > 4:
        return None
    fks = [f for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for f in fks:
        if f.related_model is Partnership:
            return [f]
    best: list[models.Field[Any, Any]] | None = None
    for f in fks:
        if f.related_model is model or f.related_model is None:
            continue
        rest = _partnership_path(f.related_model, depth + 1)  # type: ignore[arg-type]
        if rest is not None and (best is None or len(rest) + 1 < len(best)):
            best = [f, *rest]
    return best


_PATHS: dict[type[models.Model], list[models.Field[Any, Any]] | None] = {}


def _partnership_id(instance: models.Model, actor: Actor) -> int | None:
    from boardkeeper.directory.models import Partnership

    model = type(instance)
    if model is Partnership:
        return int(instance.pk)
    if model not in _PATHS:
        _PATHS[model] = _partnership_path(model)
    path = _PATHS[model]
    if not path:
        return None
    first = getattr(instance, path[0].attname, None)
    if first is None or len(path) == 1:
        return first
    key = (_label(path[0].related_model), first)  # type: ignore[arg-type]
    if key not in actor.partnerships:
        lookup = "__".join(f.name for f in path[1:]) + "_id"
        target = path[0].related_model
        actor.partnerships[key] = (
            target._default_manager.filter(pk=first).values_list(lookup, flat=True).first()  # type: ignore[union-attr]
        )
    return actor.partnerships[key]


def _current() -> Actor:
    actor = _actor.get()
    if actor is None:  # a shell or a command: nobody in particular
        actor = Actor()
        _actor.set(actor)
    return actor.resolve()


def _describe(instance: models.Model | None) -> str:
    if instance is None:
        return ""
    try:
        return str(_plain(str(instance)))[:200]
    except Exception:  # a half-made object whose __str__ cannot run yet: its kind and number will do
        return f"{instance._meta.verbose_name} {instance.pk}"


def _write(
    action: str,
    instance: models.Model | None = None,
    *,
    changes: dict[str, Any] | None = None,
    detail: str = "",
    username: str | None = None,
    user_id: int | None = None,
    partnership_id: int | None = None,
) -> AuditEvent:
    actor = _current()
    event = AuditEvent(
        user_id=user_id if user_id is not None else actor.user_id,
        username=(username if username is not None else actor.username)[:150],
        ip=actor.ip,
        action=action,
        model=_label(type(instance)) if instance is not None else "",
        object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
        object_repr=_describe(instance),
        partnership_id=partnership_id
        if partnership_id is not None
        else (_partnership_id(instance, actor) if instance is not None else None),
        changes=changes or {},
        detail=detail[:300],
    )
    pending = _pending.get()
    if pending is None:
        event.save()
    else:
        pending.append(event)
    return event


@contextlib.contextmanager
def together() -> Iterator[None]:
    """The events recorded inside (signals' too) are written together when the block ends, in one
    INSERT (an import writes hundreds); none if it ends with an exception. Use it inside the transaction
    of the writes it records."""
    if _pending.get() is not None:  # already inside one: its end writes these too
        yield
        return
    pending: list[AuditEvent] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    AuditEvent.objects.bulk_create(pending, batch_size=500)


# Signals ------------------------------------------------------------------------------------------------


_AUDITED: dict[type[models.Model], bool] = {}


def _is_audited(model: type[models.Model]) -> bool:
    audited = _AUDITED.get(model)
    if audited is None:
        audited = _AUDITED[model] = _audited(model)
    return audited


def _on_pre_save(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    """Before an existing row is saved, read it as it is (one query), so the change can be told from
    what to what. Reading lists costs nothing: only saves pay, and a new row needs no read."""
    if raw or instance._state.adding or instance.pk is None or not _is_audited(sender):
        return
    fields = [f.attname for f in _fields(sender)]
    row = sender._base_manager.filter(pk=instance.pk).values(*fields).first()
    if row is not None:
        instance.__dict__[SNAPSHOT] = {k: _plain(v) for k, v in row.items()}


def _snapshot(instance: models.Model) -> dict[str, Any] | None:
    """The row as it was before this save (or as last audited), in the trail's plain form."""
    snapshot: dict[str, Any] | None = instance.__dict__.get(SNAPSHOT)
    return snapshot


def _on_save(
    sender: type[models.Model], instance: models.Model, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not _is_audited(sender):
        return
    now = _values(instance)
    if created:
        _write(
            AuditEvent.Action.CREATE,
            instance,
            changes={k: [None, v] for k, v in now.items() if v not in (None, "")},
        )
    else:
        before = _snapshot(instance) or {}
        diff = {k: [before.get(k), v] for k, v in now.items() if k in before and before[k] != v}
        if diff:
            _write(AuditEvent.Action.UPDATE, instance, changes=diff)
    instance.__dict__.pop(SNAPSHOT, None)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _is_audited(sender):
        before = _values(instance)
        _write(
            AuditEvent.Action.DELETE,
            instance,
            changes={k: [v, None] for k, v in before.items() if v not in (None, "")},
        )


def _on_m2m(
    sender: Any,
    instance: models.Model,
    action: str,
    model: type[models.Model],
    pk_set: set[Any] | None,
    reverse: bool,
    **kwargs: Any,
) -> None:
    if action not in ("post_add", "post_remove") or not pk_set or reverse or not _is_audited(type(instance)):
        return
    name = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
        "related",
    )
    names = [str(o) for o in model._default_manager.filter(pk__in=pk_set)]
    key = "added" if action == "post_add" else "removed"
    _write(AuditEvent.Action.UPDATE, instance, changes={name: {key: sorted(names)}})


def _on_signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _write(AuditEvent.Action.SIGN_IN, username=user.get_username(), user_id=user.pk)


def _on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    _write(AuditEvent.Action.SIGN_IN_FAILED, username=str(credentials.get("username", ""))[:150])


def _on_signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _write(AuditEvent.Action.SIGN_OUT, username=user.get_username(), user_id=user.pk)


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(_on_signed_in, dispatch_uid="audit_signed_in")
    user_login_failed.connect(_on_sign_in_failed, dispatch_uid="audit_sign_in_failed")
    user_logged_out.connect(_on_signed_out, dispatch_uid="audit_signed_out")
    pre_save.connect(_on_pre_save, dispatch_uid="audit_pre_save")
    post_save.connect(_on_save, dispatch_uid="audit_save")
    post_delete.connect(_on_delete, dispatch_uid="audit_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="audit_m2m")


# For writes that bypass signals, and events that are not writes -----------------------------------------


def updated(instance: models.Model, new: dict[str, Any]) -> None:
    """`instance` (as it was) is being changed to `new` by a QuerySet.update or bulk_update."""
    if not _is_audited(type(instance)):
        return
    names = {f.name: f.attname for f in _fields(type(instance))} | {
        f.attname: f.attname for f in _fields(type(instance))
    }
    diff = {}
    for key, value in new.items():
        attname = names.get(key)
        if attname is None or isinstance(value, models.expressions.Combinable):
            continue  # a secret, or an F() expression (the version counter)
        old = _plain(instance.__dict__.get(attname))
        value = _plain(value.pk if isinstance(value, models.Model) else value)
        if old != value:
            diff[attname] = [old, value]
    if diff:
        _write(AuditEvent.Action.UPDATE, instance, changes=diff)


def created(instances: Iterable[models.Model], *, partnership_id: int | None = None) -> None:
    """Rows written by bulk_create (their primary keys set, as on PostgreSQL and SQLite 3.35+).
    `partnership_id`, when the caller knows it, saves looking it up through each row's parent."""
    for instance in instances:
        if _is_audited(type(instance)):
            _write(
                AuditEvent.Action.CREATE,
                instance,
                changes={k: [None, v] for k, v in _values(instance).items() if v not in (None, "")},
                partnership_id=partnership_id,
            )


def added(
    instance: models.Model, field: str, names: Iterable[str], *, partnership_id: int | None = None
) -> None:
    """Rows linked to `instance` through its many-to-many `field` by a bulk_create of the through rows
    (no m2m_changed signal): the event the signal would have written."""
    names = sorted(names)
    if names and _is_audited(type(instance)):
        _write(
            AuditEvent.Action.UPDATE,
            instance,
            changes={field: {"added": names}},
            partnership_id=partnership_id,
        )


def event(
    action: str,
    instance: models.Model | None = None,
    *,
    detail: str = "",
    username: str | None = None,
    user_id: int | None = None,
    partnership_id: int | None = None,
) -> AuditEvent:
    """A sign-in, an export, a download, a change of access: something done, not a field changed."""
    return _write(
        action, instance, detail=detail, username=username, user_id=user_id, partnership_id=partnership_id
    )


def exported(filename: str, *, partnership_id: int | None) -> AuditEvent:
    """A download of records: who, when, which file, whose records."""
    return event(AuditEvent.Action.EXPORT, detail=filename, partnership_id=partnership_id)


def trail_of(instance: models.Model, *, limit: int = 50) -> list[AuditEvent]:
    """A record's own audit trail, newest first: what each change changed, by whom, in words
    (`readable.annotate`: one query per model its changes point at)."""
    from boardkeeper.audit import readable

    return readable.annotate(
        AuditEvent.objects.filter(model=instance._meta.label_lower, object_id=str(instance.pk)).order_by(
            "-at", "-pk"
        )[:limit],
        records=False,
    )
