"""Signing in: the password (throttled), the second factor (set up at first sign-in), and who has access."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts import access as access_changes
from boardkeeper.accounts import security
from boardkeeper.accounts.invitation_views import access_page
from boardkeeper.accounts.models import PartnershipRole, TwoFactor
from boardkeeper.accounts.permissions import get_partnership_for_user, signed_in_user
from boardkeeper.audit import recorder
from boardkeeper.audit.models import AuditEvent

TOO_MANY = (
    "Too many failed sign-ins to this account or from this address. Wait 15 minutes and try again, "
    "or ask your partnership's business team."
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, counting the attempt before it tries the password, and refusing to try it
    after too many recent failures."""

    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))
        ip = recorder.client_ip(self.request) if self.request else None
        if not username:
            return super().clean()
        if not security.sign_in_allowed(username, ip):
            recorder.event(AuditEvent.Action.SIGN_IN_FAILED, username=username[:150], detail="throttled")
            raise forms.ValidationError(TOO_MANY, code="throttled")
        cleaned = super().clean()  # a wrong password raises: its attempt stays counted
        security.attempt_succeeded(*(key for key, _ in security.sign_in_keys(username, ip)))
        return cleaned


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes.",
        error_messages={"required": "Enter the code.", "max_length": "Enter the code."},
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _verified(request: HttpRequest) -> HttpResponse:
    request.session.cycle_key()  # a new session key once fully signed in
    request.session[security.SESSION_KEY] = True
    return redirect(_next(request))


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second factor at sign-in: a code from the app, or a recovery code."""
    user = signed_in_user(request)
    device = TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return redirect(reverse("two_factor_setup") + "?" + urlencode({"next": _next(request)}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not security.second_factor_allowed(user):
            form.add_error(None, TOO_MANY)
        else:
            code = form.cleaned_data["code"]
            if security.verify_code(device, code):
                security.attempt_succeeded(security.second_factor_key(user))
                recorder.event(AuditEvent.Action.TWO_FACTOR, detail="authenticator code")
                return _verified(request)
            if security.use_recovery_code(user, code):
                security.attempt_succeeded(security.second_factor_key(user))
                recorder.event(AuditEvent.Action.TWO_FACTOR, detail="recovery code")
                messages.success(request, "You signed in with a recovery code. It cannot be used again.")
                return _verified(request)
            recorder.event(AuditEvent.Action.TWO_FACTOR_FAILED)
            form.add_error(
                "code", "The code is not right, or it has been used. Enter the code your app shows now."
            )
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: add Boardkeeper to an authenticator app, prove it with a code, keep the recovery codes."""
    user = signed_in_user(request)
    if TwoFactor.objects.filter(user=user, confirmed_at__isnull=False).exists():
        return redirect(reverse("two_factor") + "?" + urlencode({"next": _next(request)}))
    device = security.device_for(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not security.second_factor_allowed(user):
            form.add_error(None, TOO_MANY)
        elif security.verify_code(device, form.cleaned_data["code"]):
            security.attempt_succeeded(security.second_factor_key(user))
            security.confirm(device)
            codes = security.new_recovery_codes(user)
            recorder.event(AuditEvent.Action.TWO_FACTOR, detail="authenticator app set up")
            request.session.cycle_key()
            request.session[security.SESSION_KEY] = True
            text = "\n".join(
                [
                    f"Boardkeeper recovery codes for {user.get_username()}",
                    "Each works once, instead of a code from the app.",
                    "",
                    *codes,
                    "",
                ]
            )  # a download made in the page itself (a data: link): the codes are never kept to be fetched again
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "codes_text": text, "next": _next(request)},
            )
        else:
            recorder.event(AuditEvent.Action.TWO_FACTOR_FAILED, detail="set-up")
            form.add_error("code", "The code is not right. Enter the code your app shows now.")
    key = " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))
    return render(
        request, "accounts/two_factor_setup.html", {"form": form, "key": key, "next": _next(request)}
    )


@never_cache
@require_GET
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the set-up, as SVG: only while the authenticator is not yet confirmed."""
    user = signed_in_user(request)
    device = get_object_or_404(TwoFactor, user=user, confirmed_at__isnull=True)
    out = io.BytesIO()  # a whole SVG document (with its namespace): an <img> draws nothing less
    segno.make(security.provisioning_uri(device), error="m").save(out, kind="svg", scale=5, xmldecl=False)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


# Who has access ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def access(request: HttpRequest, slug: str) -> HttpResponse:
    """The accounts with a role in the partnership; the business team changes a role, resets a second
    factor, or removes access at once (`action`: role, second_factor, remove, the default)."""
    acc = get_partnership_for_user(request, slug, edit=True)
    me = signed_in_user(request)
    if request.method == "POST":
        role = get_object_or_404(
            PartnershipRole, partnership=acc.partnership, user_id=request.POST.get("user") or 0
        )
        target: User = role.user
        name = target.get_full_name() or target.username
        action = request.POST.get("action", "remove")
        try:
            if action == "role":
                changed = access_changes.role_change(
                    partnership=acc.partnership, target=target, role=request.POST.get("role", "")
                )
                messages.success(request, f"{name} is now {changed.get_role_display().lower()}.")
                if target.pk == me.pk and changed.role != PartnershipRole.Role.BUSINESS_TEAM:
                    return redirect("partnership", slug=slug)  # this page is the business team's
            elif action == "second_factor":
                access_changes.second_factor_reset(partnership=acc.partnership, target=target, by=me)
                messages.success(
                    request,
                    f"{name}'s authenticator app is reset: they set it up again at their next sign-in.",
                )
            else:
                deactivated = access_changes.access_remove(partnership=acc.partnership, target=target, by=me)
                messages.success(
                    request,
                    f"{name} no longer has access"
                    + (": the account is deactivated and signed out." if deactivated else "."),
                )
        except access_changes.AccessRefused as exc:
            messages.error(request, str(exc))
        return redirect("access", slug=slug)
    return access_page(request, acc)
