"""The signed-in user's personal access tokens for the API: make one (shown once), revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts import tokens
from boardkeeper.accounts.models import ApiToken
from boardkeeper.accounts.permissions import signed_in_user


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What it is for, to tell it from your others: ‘Power BI’, ‘Performance system’.",
        error_messages={"required": "Give the token a name.", "max_length": "Use 100 characters or fewer."},
    )
    days = forms.IntegerField(
        label="Days it lasts",
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        initial=ApiToken.DEFAULT_DAYS,
        help_text=f"From 1 to {ApiToken.MAX_DAYS}. Make a new one before it ends.",
        error_messages={
            "required": "Say how many days the token lasts.",
            "invalid": "Enter a number of days, like 90.",
            "min_value": "A token lasts at least 1 day.",
            "max_value": f"A token lasts at most {ApiToken.MAX_DAYS} days.",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your tokens. A POST makes one (`action` create, the default: shown once, on the page it answers
    with) or revokes one (`action` revoke, `token` its id, after the confirmation `?revoke=<id>` shows)."""
    user = signed_in_user(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    made: str | None = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        token = get_object_or_404(ApiToken, user=user, pk=_id(request.POST.get("token")))
        if tokens.token_revoke(token=token, user=user):
            messages.success(request, f"The token ‘{token.name}’ is revoked: it no longer works.")
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        try:
            _, made = tokens.token_create(
                user=user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except tokens.TokenRefused as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    confirm = None
    if request.method == "GET" and "revoke" in request.GET:
        confirm = get_object_or_404(ApiToken, user=user, pk=_id(request.GET.get("revoke")), revoked_at=None)
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "made": made,
            "confirm": confirm,
            "tokens": tokens.tokens_of(user),
            "now": timezone.now(),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )


def _id(value: str | None) -> int:
    """A token's id from a form or the address; 0 (found for nobody) when it is not a number."""
    return int(value) if value and value.isdigit() and len(value) < 10 else 0
