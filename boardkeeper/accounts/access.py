"""Changing someone's access to a partnership: their role, removing it, and resetting their second factor.
Each audited; none of them can leave a partnership without an active member of its business team."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from boardkeeper.accounts.models import PartnershipRole, RecoveryCode, TwoFactor
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Partnership


class AccessRefused(Exception):
    """A change of access that cannot be made, with a message for the person asking."""


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _role_of(partnership: Partnership, target: User) -> PartnershipRole:
    role = PartnershipRole.objects.select_for_update().filter(partnership=partnership, user=target).first()
    if role is None:
        raise AccessRefused(f"{_name(target)} has no access to {partnership.name}.")
    return role


def _others_in_the_business_team(partnership: Partnership, target: User) -> int:
    # the rows are locked: two changes at once cannot each leave the other as the last one and remove it
    return (
        PartnershipRole.objects.select_for_update()
        .filter(partnership=partnership, role=PartnershipRole.Role.BUSINESS_TEAM, user__is_active=True)
        .exclude(user=target)
        .count()
    )


def role_change(*, partnership: Partnership, target: User, role: str) -> PartnershipRole:
    if role not in PartnershipRole.Role.values:
        raise AccessRefused("Choose business team, board member or viewer.")
    with transaction.atomic():
        current = _role_of(partnership, target)
        if current.role == role:
            return current
        if current.role == PartnershipRole.Role.BUSINESS_TEAM and not _others_in_the_business_team(
            partnership, target
        ):
            raise AccessRefused(
                f"{_name(target)} is the last member of the business team: give someone else that role first."
            )
        before = current.get_role_display()
        current.role = role
        current.save(update_fields=["role"])
        audit.event(
            AuditEvent.Action.ACCESS,
            target,
            partnership_id=partnership.pk,
            detail=f"role changed: {before} → {current.get_role_display()}",
        )
    return current


def access_remove(*, partnership: Partnership, target: User, by: User) -> bool:
    """Remove the role; an account left with no partnership is deactivated (its sessions end on their next
    request). Returns whether it was deactivated."""
    if target.pk == by.pk:
        raise AccessRefused("You cannot remove your own access. Ask another member of the business team.")
    with transaction.atomic():
        role = _role_of(partnership, target)
        if role.role == PartnershipRole.Role.BUSINESS_TEAM and not _others_in_the_business_team(
            partnership, target
        ):
            raise AccessRefused(f"{_name(target)} is the last member of the business team.")
        role.delete()
        others = PartnershipRole.objects.filter(user=target).exists()
        if not others and target.is_active:
            target.is_active = False
            target.save(update_fields=["is_active"])
        audit.event(
            AuditEvent.Action.ACCESS,
            target,
            partnership_id=partnership.pk,
            detail="access removed" + ("" if others else "; account deactivated"),
        )
    return not others


def second_factor_reset(*, partnership: Partnership, target: User, by: User) -> None:
    """A lost phone: the authenticator and the recovery codes go; at their next sign-in they set up the app
    again (after their password)."""
    if target.pk == by.pk:
        raise AccessRefused(
            "You cannot reset your own second factor: use a recovery code, or ask another member of the business team."
        )
    with transaction.atomic():
        _role_of(partnership, target)
        TwoFactor.objects.filter(user=target).delete()
        RecoveryCode.objects.filter(user=target).delete()
        audit.event(
            AuditEvent.Action.TWO_FACTOR,
            target,
            partnership_id=partnership.pk,
            detail="second factor reset by the business team: set up again at next sign-in",
        )
