"""Signing in safely: the second factor (TOTP with recovery codes) and throttling of failed attempts.

A code is accepted in the 30-second step it belongs to or the one either side (clocks drift), and only
once: the step of the last accepted code is stored, and a code of that step or an earlier one is
refused. Failed sign-ins are counted from the audit trail, per account and per address.
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
from django.utils import timezone

from boardkeeper.accounts.models import RecoveryCode, TwoFactor
from boardkeeper.audit.models import AuditEvent

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


def sign_in_refused(username: str, ip: str | None) -> bool:
    """Too many failed sign-ins lately, for this account or from this address."""
    since = timezone.now() - THROTTLE_PERIOD
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, at__gte=since)
    if failures.filter(username__iexact=username).count() >= MAX_FAILURES_PER_ACCOUNT:
        return True
    return ip is not None and failures.filter(ip=ip).count() >= MAX_FAILURES_PER_ADDRESS


def second_factor_refused(user: User) -> bool:
    since = timezone.now() - THROTTLE_PERIOD
    return (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.TWO_FACTOR_FAILED, user=user, at__gte=since
        ).count()
        >= MAX_SECOND_FACTOR_FAILURES
    )
