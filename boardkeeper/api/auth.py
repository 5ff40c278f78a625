"""Who a request to the API is: the user of its bearer token, and nobody else.

The API reads no session cookie, so a browser signed in to Boardkeeper cannot be made to call it (no CSRF
to guard against); a request without a usable token is refused (401) before any view runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer

from boardkeeper.accounts import tokens


class TokenRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BearerToken(HttpBearer):
    openapi_description = "A personal access token from 'API tokens' under your account: `Bearer bk_...`."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            raise TokenRefused("Send a personal access token: Authorization: Bearer <token>.")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise TokenRefused("Send the token as: Authorization: Bearer <token>.")
        return self.authenticate(request, raw)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            user = tokens.token_user(token)
        except tokens.TokenRefused as exc:
            raise TokenRefused(str(exc)) from exc
        # the web's permission helpers read request.user: from here on it is the token's user (the
        # session's, if a cookie came too, is replaced: the API acts only for its token)
        request.user = user
        return user
