"""Signing in safely: the second factor (TOTP with recovery codes) and throttling of failed attempts.

A code is accepted in the 30-second step it belongs to or the one either side (clocks drift), and only
once: the step of the last accepted code is stored, and a code of that step or an earlier one is
refused. Sign-ins are counted per account and per address, and second factors per account, before the
password or code is tried (`Throttle`); a right one is given back, so only failures hold anyone up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time

import pyotp
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from boardkeeper.accounts.models import RecoveryCode, Throttle, TwoFactor

ISSUER = "Boardkeeper"
STEP = 30
WINDOW = 1  # steps either side
RECOVERY_CODES = 10
THROTTLE_PERIOD = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
MAX_SECOND_FACTOR_FAILURES = 5
SESSION_KEY = "bk_two_factor"  # set in the session once the second factor is given


def device_for(user: User) -> TwoFactor:
    """The user's authenticator: the confirmed one, or a new secret waiting for its first code."""
    device, _ = TwoFactor.objects.get_or_create(user=user, defaults={"secret": pyotp.random_base32()})
    return device


def provisioning_uri(device: TwoFactor) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER)


def _step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


@transaction.atomic
def verify_code(device: TwoFactor, code: str, *, now: float | None = None) -> bool:
    """True for a right code not used before; the step it belongs to is then spent."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(device.secret)
    current = _step(now)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            # spend it: only if no code of this step or a later one was accepted (two requests at once)
            spent = TwoFactor.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            if spent:
                device.last_step = step
            return bool(spent)
    return False


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten new codes (the old ones stop working), shown once: only their hashes are kept."""
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    return bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at=None).update(
            used_at=timezone.now()
        )
    )


@transaction.atomic
def confirm(device: TwoFactor) -> None:
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])


def attempt_allowed(key: str, limit: int, *, now: dt.datetime | None = None) -> bool:
    """Count one attempt against `key`, before it is tried: False (count it not, try it not) when `limit`
    attempts were already counted in the current period. One conditional UPDATE decides, so of thirty
    attempts at once, `limit` pass: the database serialises the writes to the row (PostgreSQL re-reads the
    row a waiting UPDATE would change; SQLite writes one at a time)."""
    now = now or timezone.now()
    Throttle.objects.bulk_create([Throttle(key=key, window_start=now)], ignore_conflicts=True)
    stale = Q(window_start__lte=now - THROTTLE_PERIOD)
    return bool(
        Throttle.objects.filter(key=key)
        .filter(stale | Q(count__lt=limit))
        .update(
            count=Case(When(stale, then=Value(1)), default=F("count") + 1),
            window_start=Case(When(stale, then=Value(now)), default=F("window_start")),
        )
    )


def attempt_succeeded(*keys: str) -> None:
    """A right password or code gives back the attempt it was counted as: only failures hold an account up."""
    Throttle.objects.filter(key__in=keys, count__gt=0).update(count=F("count") - 1)


def sign_in_keys(username: str, ip: str | None) -> list[tuple[str, int]]:
    keys = [(f"account:{username.strip().lower()[:150]}", MAX_FAILURES_PER_ACCOUNT)]
    if ip is not None:
        keys.append((f"address:{ip}", MAX_FAILURES_PER_ADDRESS))
    return keys


def sign_in_allowed(username: str, ip: str | None) -> bool:
    """Count this sign-in against the account and the address; False if either has had too many lately."""
    return all([attempt_allowed(key, limit) for key, limit in sign_in_keys(username, ip)])


def second_factor_key(user: User) -> str:
    return f"second-factor:{user.pk}"


def second_factor_allowed(user: User) -> bool:
    return attempt_allowed(second_factor_key(user), MAX_SECOND_FACTOR_FAILURES)
