"""Django REST framework (with drf-spectacular) or django-ninja for the public API: the same endpoint, both ways.

    .venv/bin/python bench/api_frameworks.py [--actions 400] [--repeat 300]

One process, SQLite in a temporary directory (BOARDKEEPER_DATA), DEBUG off. One partnership, one board,
eight meetings, `--actions` actions with owners. The endpoint: a partnership's actions, 50 a page, read
with `action_log` (the web's query) and written as JSON with the same fields, built minimally with each
framework (no authentication: both are marked login-not-required, so only the framework differs).
Measured through Django's test Client (URL resolution, the middleware, the view, the queries, the JSON):
two warm-up requests, then `--repeat` timed ones of page 1 and page 3 alternately, the two frameworks
interleaved request by request; median and p95
(nearest rank). Start-up: the import of each framework in a fresh interpreter after django.setup()
(best of three), the first request, and building the OpenAPI schema once.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import _nearest_rank

PAGE = 50
NINJA: list[Any] = []  # the ninja API built, for its schema


def import_cost(module: str) -> float:
    """Seconds to import `module` (and what it pulls in) after Django is set up, in a fresh interpreter."""
    code = (
        "import os, time, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'boardkeeper.settings');"
        f"django.setup(); t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    )
    runs = [
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        for _ in range(3)
    ]
    return min(runs)


def build_data(n: int) -> str:
    from django.contrib.auth.models import User

    from boardkeeper.actions.models import Action
    from boardkeeper.directory.models import Board, Partnership, Person
    from boardkeeper.meetings.models import Meeting

    partnership = Partnership.objects.create(name="Bench Safeguarding", slug="bench")
    board = Board.objects.create(partnership=partnership, name="Executive", slug="executive")
    user = User.objects.create_user("bench")
    people = [Person(partnership=partnership, full_name=f"Person {i}") for i in range(20)]
    Person.objects.bulk_create(people)
    meetings = [Meeting(board=board, date=dt.date(2025, 1, 1) + dt.timedelta(days=30 * i)) for i in range(8)]
    Meeting.objects.bulk_create(meetings)
    actions = [
        Action(
            board=board,
            meeting=meetings[i % 8],
            position=i,
            text=f"Action {i}: report back on the audit of referrals",
            origin=Action.Origin.MANUAL,
            due_date=dt.date(2025, 6, 1) if i % 3 else None,
        )
        for i in range(n)
    ]
    Action.objects.bulk_create(actions)
    through = Action.owner_people.through
    through.objects.bulk_create(
        through(action_id=a.pk, person_id=people[i % 20].pk) for i, a in enumerate(actions)
    )
    del user
    return partnership.slug


def row(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "text": a.text,
        "status": a.status,
        "due_date": a.due_date.isoformat() if a.due_date else None,
        "meeting_date": a.meeting.date.isoformat(),
        "owners": [p.full_name for p in a.owner_people.all()],
        "version": a.version,
    }


def ninja_urls() -> list[Any]:
    from django.contrib.auth.decorators import login_not_required
    from django.http import HttpRequest
    from django.shortcuts import get_object_or_404
    from django.urls import path
    from ninja import NinjaAPI, Schema

    from boardkeeper.actions.services import action_log
    from boardkeeper.directory.models import Partnership

    class ActionOut(Schema):
        id: int
        text: str
        status: str
        due_date: dt.date | None
        meeting_date: dt.date
        owners: list[str]
        version: int

    class PageOut(Schema):
        count: int
        next: str | None
        results: list[ActionOut]

    api = NinjaAPI(urls_namespace="bench_ninja", docs_url=None)
    NINJA.append(api)

    @api.get("/p/{slug}/actions", response=PageOut)
    def actions(request: HttpRequest, slug: str, page: int = 1) -> dict[str, Any]:
        partnership = get_object_or_404(Partnership, slug=slug)
        qs = action_log(partnership=partnership)
        count = qs.count()
        rows = [row(a) for a in qs[(page - 1) * PAGE : page * PAGE]]
        more = page * PAGE < count
        return {"count": count, "next": f"?page={page + 1}" if more else None, "results": rows}

    patterns = api.urls[0]
    for p in patterns:
        p.callback = login_not_required(p.callback)
    return [path("ninja/", (patterns, api.urls[1], api.urls[2]))]


def drf_urls() -> list[Any]:
    from django.conf import settings
    from django.contrib.auth.decorators import login_not_required
    from django.shortcuts import get_object_or_404
    from django.urls import path

    settings.REST_FRAMEWORK = {
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    }
    from rest_framework import pagination, serializers
    from rest_framework.generics import ListAPIView

    from boardkeeper.actions.services import action_log
    from boardkeeper.directory.models import Partnership

    class ActionSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        text = serializers.CharField()
        status = serializers.CharField()
        due_date = serializers.DateField(allow_null=True)
        meeting_date = serializers.DateField(source="meeting.date")
        owners = serializers.SerializerMethodField()
        version = serializers.IntegerField()

        def get_owners(self, a: Any) -> list[str]:
            return [p.full_name for p in a.owner_people.all()]

    class Pages(pagination.PageNumberPagination):
        page_size = PAGE

    class Actions(ListAPIView):  # type: ignore[type-arg]
        serializer_class = ActionSerializer
        pagination_class = Pages

        def get_queryset(self) -> Any:
            return action_log(partnership=get_object_or_404(Partnership, slug=self.kwargs["slug"]))

    return [path("drf/p/<slug:slug>/actions", login_not_required(Actions.as_view()))]


def measure(client: Any, urls: dict[str, str], repeat: int) -> dict[str, dict[str, float]]:
    """Each framework's first request, then both warmed up, then the timed requests interleaved (one of
    each in turn), so that a busy moment of the machine falls on both alike."""
    first: dict[str, Any] = {}
    for name, url in urls.items():
        start = time.perf_counter()
        response = client.get(url)
        first[name] = (time.perf_counter() - start, len(response.content))
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        client.get(url + "?page=3")
    times: dict[str, list[float]] = {name: [] for name in urls}
    for i in range(repeat):
        for name, url in urls.items():
            target = url if i % 2 else url + "?page=3"
            t = time.perf_counter()
            response = client.get(target)
            times[name].append(time.perf_counter() - t)
            assert response.status_code == 200
    return {
        name: {
            "first_ms": first[name][0] * 1000,
            "median_ms": _nearest_rank(times[name], 50) * 1000,
            "p95_ms": _nearest_rank(times[name], 95) * 1000,
            "bytes": first[name][1],
        }
        for name in urls
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-api-")
    os.environ.update(BOARDKEEPER_DATA=tmp, DEBUG="false", DJANGO_SETTINGS_MODULE="boardkeeper.settings")
    os.environ.pop("DATABASE_URL", None)
    imports = {
        "django-ninja": import_cost("ninja"),
        "DRF + drf-spectacular": import_cost("rest_framework.generics, drf_spectacular.openapi"),
    }

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import clear_url_caches

    call_command("migrate", verbosity=0)
    slug = build_data(args.actions)
    module = type(sys)("bench_api_urls")
    module.urlpatterns = ninja_urls() + drf_urls()  # type: ignore[attr-defined]
    sys.modules["bench_api_urls"] = module
    settings.ROOT_URLCONF = "bench_api_urls"
    clear_url_caches()
    client = Client(HTTP_HOST="localhost")
    results = measure(
        client,
        {"django-ninja": f"/ninja/p/{slug}/actions", "DRF + drf-spectacular": f"/drf/p/{slug}/actions"},
        args.repeat,
    )
    schema_s = {}
    t = time.perf_counter()
    NINJA[0].get_openapi_schema()
    schema_s["django-ninja"] = time.perf_counter() - t
    from drf_spectacular.generators import SchemaGenerator

    t = time.perf_counter()
    SchemaGenerator(patterns=module.urlpatterns[1:]).get_schema(request=None, public=True)  # type: ignore[attr-defined]
    schema_s["DRF + drf-spectacular"] = time.perf_counter() - t
    print(f"{args.actions} actions on SQLite, {args.repeat} timed requests (page 1 and page 3 alternately)")
    for name, r in results.items():
        print(
            f"  {name:24} median {r['median_ms']:.2f} ms  p95 {r['p95_ms']:.2f} ms  first request "
            f"{r['first_ms']:.1f} ms  import {imports[name] * 1000:.0f} ms  page {r['bytes']} bytes  "
            f"schema {schema_s[name] * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
