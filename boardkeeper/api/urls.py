"""/api/v1/: the API's addresses, each open to requests without a session (the token is checked inside)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver

from boardkeeper.api.views import api


def _open(patterns: list[Any]) -> list[URLPattern | URLResolver]:
    """LoginRequiredMiddleware would send a token's request to the sign-in page: the API answers 401 itself."""
    for p in patterns:
        if isinstance(p, URLResolver):
            _open(p.url_patterns)
        else:
            login_not_required(p.callback)
    return patterns


app_name = "api"  # names: api:partnerships, api:action, ... (NinjaAPI urls_namespace)
urlpatterns = _open(api.urls[0])
