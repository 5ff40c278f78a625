"""Invitations: the business team (or, on an empty installation, the person installing) invites someone
by e-mail with a role and the person they are in the directory; the one-time link, valid for seven days,
leads to choosing a password, then the second factor.

Only the link's SHA-256 is stored: a database read does not give anyone a way in. Sending again makes a
new link (the old one stops working); accepting is done once, under a row lock, so two clicks on one link
make one account."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boardkeeper.accounts.models import Invitation, PartnershipRole
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Partnership, Person
from boardkeeper.lib.mail import send_templated


class InvitationRefused(Exception):
    """An invitation that cannot be made, sent or accepted, with a message for a person."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _normal(email: str) -> str:
    local, _, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


def base_url() -> str:
    """Where the installation is reached, for links in e-mails sent outside a request (the command line,
    reminders): `BOARDKEEPER_BASE_URL`."""
    return str(getattr(settings, "BASE_URL", "http://127.0.0.1:8000")).rstrip("/")


def link_of(token: str, base: str | None = None) -> str:
    return (base or base_url()) + reverse("invitation_accept", args=[token])


def invitation_create(
    *,
    partnership: Partnership,
    email: str,
    role: str,
    person: Person | None,
    by: User | None,
    now: dt.datetime | None = None,
) -> tuple[Invitation, str]:
    """A new invitation and its token (for the link). An earlier invitation of the same address to this
    partnership still waiting is cancelled: one live link a person."""
    now = now or timezone.now()
    email = _normal(email)
    try:
        validate_email(email)
    except ValidationError:
        raise InvitationRefused(f"{email!r} is not an email address.") from None
    if role not in PartnershipRole.Role.values:
        raise InvitationRefused(f"No such role: {role}. Choose business_team, member or viewer.")
    if PartnershipRole.objects.filter(
        partnership=partnership, user__email__iexact=email, user__is_active=True
    ).exists():
        raise InvitationRefused(f"{email} already has access to {partnership.name}.")
    if person is not None:
        if person.partnership_id != partnership.pk:
            raise InvitationRefused(f"{person.full_name} is not in {partnership.name}'s directory.")
        if person.user_id is not None:
            raise InvitationRefused(f"{person.full_name} already has an account.")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        for earlier in Invitation.objects.filter(
            partnership=partnership, email__iexact=email, accepted_at=None, cancelled_at=None
        ):
            earlier.cancelled_at = now
            earlier.save(update_fields=["cancelled_at"])
        invitation = Invitation.objects.create(
            partnership=partnership,
            email=email,
            role=role,
            person=person,
            token_hash=_hash(token),
            invited_by=by,
            expires_at=now + dt.timedelta(days=Invitation.VALID_DAYS),
        )
    return invitation, token


def invitation_send(invitation: Invitation, token: str, *, base: str | None = None) -> None:
    """The e-mail: who invites them, to what, with which role, and the link; nothing of any case."""
    send_templated(
        to=invitation.email,
        subject=f"You are invited to {invitation.partnership.name} on Boardkeeper",
        template="invitation",
        context={
            "partnership": invitation.partnership.name,
            "role": invitation.get_role_display(),
            "inviter": (
                invitation.invited_by.get_full_name() or invitation.invited_by.username
                if invitation.invited_by
                else "The business team"
            ),
            "link": link_of(token, base),
            "expires": invitation.expires_at,
        },
    )
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())


def invitation_resend(
    invitation: Invitation, *, by: User | None, base: str | None = None, now: dt.datetime | None = None
) -> Invitation:
    """Send a waiting (or expired, not accepted nor cancelled) invitation again, with a new link and seven
    days from now; the old link stops working."""
    now = now or timezone.now()
    if invitation.accepted_at or invitation.cancelled_at:
        raise InvitationRefused("This invitation was accepted or cancelled: invite them again instead.")
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.expires_at = now + dt.timedelta(days=Invitation.VALID_DAYS)
    invitation.invited_by = by or invitation.invited_by
    invitation.save(update_fields=["token_hash", "expires_at", "invited_by"])
    invitation_send(invitation, token, base=base)
    return invitation


def invitation_cancel(invitation: Invitation, *, now: dt.datetime | None = None) -> None:
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = now or timezone.now()
        invitation.save(update_fields=["cancelled_at"])


@dataclass
class Found:
    invitation: Invitation | None
    problem: str = ""  # why the link does not work, for the page


def invitation_by_token(token: str, *, now: dt.datetime | None = None) -> Found:
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_related("partnership", "person").filter(token_hash=_hash(token)).first()
    )
    if invitation is None:
        return Found(None, "This invitation link is not valid: it may have been replaced by a newer one.")
    if invitation.accepted_at is not None:
        return Found(None, "This invitation has already been used. Sign in with the password you chose.")
    if invitation.cancelled_at is not None:
        return Found(None, "This invitation was cancelled.")
    if invitation.expires_at <= now:
        return Found(None, "This invitation has expired: invitations last 7 days.")
    return Found(invitation)


def invitation_accept(
    *, token: str, password: str, first_name: str = "", last_name: str = "", now: dt.datetime | None = None
) -> User:
    """The account the invitation gives: made with this password (Django's validators) and linked to their
    person; the partnership role given. Once only: a second use, or a link replaced, expired or cancelled
    meanwhile, is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        found = invitation_by_token(token, now=now)
        if found.invitation is None:
            raise InvitationRefused(found.problem)
        invitation = Invitation.objects.select_for_update().get(pk=found.invitation.pk)
        if not invitation.is_pending(now):
            raise InvitationRefused(
                "This invitation has already been used. Sign in with the password you chose."
            )
        if User.objects.filter(username__iexact=invitation.email).exists():
            raise InvitationRefused(
                f"There is already an account for {invitation.email}: sign in with it, and ask the business "
                "team to give it access."
            )
        user = User(
            username=invitation.email, email=invitation.email, first_name=first_name, last_name=last_name
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
        PartnershipRole.objects.create(user=user, partnership=invitation.partnership, role=invitation.role)
        person = invitation.person
        if person is not None and Person.objects.filter(pk=person.pk, user__isnull=True).exists():
            person.user = user
            person.save(update_fields=["user"])
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.event(
            AuditEvent.Action.ACCESS,
            user,
            partnership_id=invitation.partnership_id,
            detail=f"invitation accepted: {invitation.get_role_display()}",
        )
    return user
