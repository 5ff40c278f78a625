"""Invitations on the web: the business team invites, sends again or cancels (on 'Who has access'); the
person invited follows the link, chooses a password, then sets up the second factor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts import invitations
from boardkeeper.accounts.models import Invitation, PartnershipRole
from boardkeeper.accounts.permissions import Access, get_partnership_for_user, signed_in_user
from boardkeeper.directory.models import Partnership, Person


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "required": "Enter the email address to send the invitation to.",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk.",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        widget=forms.RadioSelect,
        choices=PartnershipRole.Role.choices,
        error_messages={"required": "Choose their role."},
    )
    person = forms.ChoiceField(
        label="Who they are in the directory",
        required=False,
        help_text="Their account is linked to them: My actions lists the actions they own.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(partnership=partnership, user__isnull=True).order_by("full_name")
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not in the directory yet")] + [
            (str(p.pk), p.full_name) for p in people.only("pk", "full_name")
        ]


class AcceptForm(forms.Form):
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput,
        help_text="At least 12 characters. A few unrelated words make a good one.",
        error_messages={"required": "Choose a password."},
    )
    again = forms.CharField(
        label="The password again",
        widget=forms.PasswordInput,
        error_messages={"required": "Enter the password again."},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("password") and data.get("again") and data["password"] != data["again"]:
            self.add_error("again", "The two passwords are not the same.")
        return data


@require_http_methods(["GET", "POST"])
def access_invite(request: HttpRequest, slug: str) -> HttpResponse:
    acc = get_partnership_for_user(request, slug, edit=True)
    if request.method == "GET":
        return redirect(reverse("access", args=[slug]) + "#invite")
    form = InviteForm(request.POST, partnership=acc.partnership)
    if form.is_valid():
        person = (
            Person.objects.filter(partnership=acc.partnership, pk=form.cleaned_data["person"]).first()
            if form.cleaned_data["person"]
            else None
        )
        try:
            invitation, token = invitations.invitation_create(
                partnership=acc.partnership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                person=person,
                by=signed_in_user(request),
            )
        except invitations.InvitationRefused as exc:
            form.add_error("email", str(exc))
        else:
            invitations.invitation_send(invitation, token, base=request.build_absolute_uri("/").rstrip("/"))
            messages.success(
                request, f"Invitation sent to {invitation.email}. The link works once, for 7 days."
            )
            return redirect("access", slug=slug)
    return access_page(request, acc, invite=form)


def _invitation(request: HttpRequest, slug: str, pk: int) -> tuple[Invitation, str] | HttpResponse:
    acc = get_partnership_for_user(request, slug, edit=True)
    invitation = get_object_or_404(Invitation, partnership=acc.partnership, pk=pk)
    if request.method == "GET":
        return redirect(reverse("access", args=[slug]) + "#invitations")
    return invitation, slug


@require_http_methods(["GET", "POST"])
def invitation_resend(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _invitation(request, slug, pk)
    if isinstance(found, HttpResponse):
        return found
    invitation, _ = found
    try:
        invitations.invitation_resend(
            invitation, by=signed_in_user(request), base=request.build_absolute_uri("/").rstrip("/")
        )
    except invitations.InvitationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Invitation sent again to {invitation.email}, with a new link: the old one no longer works.",
        )
    return redirect("access", slug=slug)


@require_http_methods(["GET", "POST"])
def invitation_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _invitation(request, slug, pk)
    if isinstance(found, HttpResponse):
        return found
    invitation, _ = found
    invitations.invitation_cancel(invitation)
    messages.success(request, f"Invitation of {invitation.email} cancelled: its link no longer works.")
    return redirect("access", slug=slug)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the e-mail: choose a password, then (signed in) the second factor."""
    found = invitations.invitation_by_token(token)
    if found.invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"problem": found.problem}, status=404)
    invitation = found.invitation
    if request.user.is_authenticated:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"problem": "You are signed in already. Sign out, then follow the link in the e-mail again."},
            status=409,
        )
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"].strip(),
                last_name=form.cleaned_data["last_name"].strip(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("password", message)
        except invitations.InvitationRefused as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="boardkeeper.accounts.backends.UserWithPersonBackend")
            return redirect("two_factor_setup")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation})


def access_page(request: HttpRequest, acc: Access, *, invite: Any = None) -> HttpResponse:
    """'Who has access': the accounts, the invitations waiting, and the form to invite someone."""
    roles = (
        PartnershipRole.objects.filter(partnership=acc.partnership)
        .select_related("user__two_factor", "user__person")
        .order_by("user__username")
    )
    now = timezone.now()
    waiting = (
        Invitation.objects.filter(partnership=acc.partnership, accepted_at=None, cancelled_at=None)
        .select_related("person", "invited_by")
        .order_by("-created_at")
    )
    return render(
        request,
        "accounts/access.html",
        {
            "access": acc,
            "roles": roles,
            "me": signed_in_user(request),
            "invitations": [(i, i.expires_at <= now) for i in waiting],
            "invite": invite or InviteForm(partnership=acc.partnership),
            "role_choices": PartnershipRole.Role.choices,
        },
        status=400 if invite is not None and invite.errors else 200,
    )
