"""Personal access tokens of the public API: made (shown once), revoked, and checked on each request.

A token is `bk_` and 43 random URL-safe characters (256 bits); only its SHA-256 is stored, so a copy of
the database gives nobody a usable token. Each token is throttled (`REQUESTS_PER_PERIOD` in the sign-in
throttle's period), counted before the request is served, as sign-ins are."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boardkeeper.accounts import security
from boardkeeper.accounts.models import ApiToken, Throttle
from boardkeeper.audit import recorder as audit

PREFIX = "bk_"
REQUESTS_PER_PERIOD = 600  # in security.THROTTLE_PERIOD (15 minutes): a report refresh is a few dozen
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last_used_at is written at most this often


class TokenRefused(ValueError):
    """The token cannot be made (a bad name or number of days) or used; the message says why."""


@dataclass(frozen=True)
class Throttled(Exception):
    retry_after: int  # seconds


def hash_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@audit.acts
@transaction.atomic
def token_create(*, user: User, name: str, days: int = ApiToken.DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` (1 to 365): the row, and the token itself, to show once."""
    name = " ".join(name.split())
    if not name:
        raise TokenRefused("Give the token a name, to tell it from your others.")
    if len(name) > 100:
        raise TokenRefused("The name must be 100 characters or fewer.")
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise TokenRefused(f"A token lasts from 1 to {ApiToken.MAX_DAYS} days.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:10],
        token_hash=hash_of(raw),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, raw


@audit.acts
@transaction.atomic
def token_revoke(*, token: ApiToken, user: User) -> bool:
    """Revoke `token` at once (`user` is who does it); False if it was already revoked."""
    now = timezone.now()
    if not ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now):
        return False
    audit.updated(token, {"revoked_at": now})
    token.revoked_at = now
    return True


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))


def token_user(raw: str, *, now: dt.datetime | None = None) -> User:
    """The active user of a usable token, its use counted: TokenRefused (401) for a token that is unknown,
    revoked or expired, or whose account is deactivated; Throttled (429) past the limit."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_of(raw.strip())).first()
    if token is None:
        raise TokenRefused("The token is not recognised.")
    if token.revoked_at is not None:
        raise TokenRefused("The token has been revoked.")
    if token.expires_at <= now:
        raise TokenRefused("The token has expired: make a new one on your API tokens page.")
    if not token.user.is_active:
        raise TokenRefused("The token's account is deactivated.")
    key = f"api-token:{token.pk}"
    if not security.attempt_allowed(key, REQUESTS_PER_PERIOD, now=now):
        started = Throttle.objects.filter(key=key).values_list("window_start", flat=True).first() or now
        wait = (started + security.THROTTLE_PERIOD - now).total_seconds()
        raise Throttled(max(1, int(wait) + 1))
    # bookkeeping, not a change of the record: a conditional UPDATE (no audit row), at most once a minute
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at=None) | Q(last_used_at__lt=now - LAST_USED_EVERY)
    ).update(last_used_at=now)
    return token.user
