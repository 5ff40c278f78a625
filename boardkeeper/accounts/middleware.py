"""Headers every response carries, and the second factor every signed-in session must give."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from boardkeeper.accounts.security import SESSION_KEY

# No inline scripts or styles anywhere: the page's script and styles are files of our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: for the empty favicon
        "font-src 'self'",
        "connect-src 'self'",  # htmx
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")  # special category data
        return response


# A signed-in session's expiry is pushed on by the requests it makes, at most once in this many seconds: a
# session ends SESSION_COOKIE_AGE seconds after its last request, give or take this much. Saving it on every
# request (SESSION_SAVE_EVERY_REQUEST) was a transaction and an UPDATE for every page read.
SESSION_REFRESH_SECONDS = 60
REFRESHED_KEY = "boardkeeper_refreshed"


def stamp_signed_in_session(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """At sign-in the session is saved anyway: it counts as refreshed then (connected in AccountsConfig)."""
    if request is not None and hasattr(request, "session"):
        request.session[REFRESHED_KEY] = int(time.time())


class SessionRefreshMiddleware:
    """Keeps a session in use alive: marks it changed when it was last saved SESSION_REFRESH_SECONDS ago or
    more, so that SessionMiddleware (outside this one) saves it with a new expiry. Sessions no request read
    (anonymous pages, static files) are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified and session.session_key:
            now = int(time.time())
            if now - int(session.get(REFRESHED_KEY, 0)) >= SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return response


class TwoFactorMiddleware:
    """A session signed in with a password reaches nothing but the second factor's pages (and sign-out)
    until the code is given: set up at first sign-in, asked for at every sign-in after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.get(SESSION_KEY):
            allowed = (
                reverse("two_factor"),
                reverse("two_factor_setup"),
                reverse("two_factor_qr"),
                reverse("logout"),
            )
            # the API answers a token, never a session: its own 401, not a page to give a code on
            if request.path not in allowed and not request.path.startswith(("/static/", "/api/")):
                return redirect(reverse("two_factor") + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
