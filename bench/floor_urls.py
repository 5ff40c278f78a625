"""The floor under every signed-in page, for bench/national.py: the application's URLs and two pages of the
benchmark's own, served only in its worker (never by the application).

- a page that reads nothing: what any signed-in request costs before its view does anything (the session
  and the user read, the middleware, the response);
- the layout alone: that and base.html (the header, the navigation, the footer) with no content.

A list page's time less the layout's is what the page itself does: its queries and its content.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path


def nothing(request: HttpRequest) -> HttpResponse:
    return HttpResponse("signed in", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html", {})


urlpatterns = [
    path("bench-floor/nothing/", nothing, name="bench_floor_nothing"),
    path("bench-floor/layout/", layout, name="bench_floor_layout"),
    path("", include("boardkeeper.urls")),
]
