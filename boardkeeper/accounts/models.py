"""Who may see and change a partnership's records."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from boardkeeper.directory.models import Partnership


class PartnershipRole(models.Model):
    """A user's role in one partnership. Without one, the partnership does not exist for them."""

    class Role(models.TextChoices):
        BUSINESS_TEAM = "business_team", "Business team"  # imports and edits the record
        MEMBER = "member", "Board member"  # views, and updates their own actions
        VIEWER = "viewer", "Viewer"  # views

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_roles"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="partnership_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.partnership}"

    @property
    def can_edit(self) -> bool:
        return self.role == self.Role.BUSINESS_TEAM


class TwoFactor(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): required for every account, set up at first sign-in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor")
    secret = models.CharField(max_length=64)  # base32
    confirmed_at = models.DateTimeField(null=True, blank=True)  # set when the first code is right
    last_step = models.BigIntegerField(default=0)  # the last 30-second step accepted: no code is used twice

    def __str__(self) -> str:
        return f"Authenticator app of {self.user}"


class RecoveryCode(models.Model):
    """A one-time code for when the authenticator app is lost; only its SHA-256 is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)


class Invitation(models.Model):
    """An invitation to a partnership by e-mail: a one-time link, valid for `VALID_DAYS`, leading to a
    password and the second factor. Only the link's hash is kept; the link itself is in the e-mail alone."""

    VALID_DAYS = 7

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=PartnershipRole.Role.choices)
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )  # who they are in the directory: their account is linked to them
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["partnership", "email"])]

    def __str__(self) -> str:
        return f"Invitation of {self.email} ({self.get_role_display()})"

    def is_pending(self, now: Any) -> bool:
        return self.accepted_at is None and self.cancelled_at is None and self.expires_at > now


class Throttle(models.Model):
    """Attempts counted against one key ('account:amrita', 'address:203.0.113.9', 'second-factor:12') in
    the window that began at `window_start`. An attempt is counted before it is tried, by one conditional
    UPDATE (`boardkeeper.accounts.security.attempt_allowed`), so concurrent attempts cannot all pass."""

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)


class ApiToken(models.Model):
    """A personal access token for the public API (`Authorization: Bearer <token>`): it acts with its
    user's roles until it expires or is revoked. The token is shown once, when it is made; only its
    SHA-256 is kept, and its first characters (`prefix`) so that its owner can tell it from another."""

    DEFAULT_DAYS = 90
    MAX_DAYS = 365

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)  # what it is for ('Power BI')
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"API token {self.prefix}… ({self.name}) of {self.user}"

    def is_usable(self, now: Any) -> bool:
        return self.revoked_at is None and self.expires_at > now
