"""The API against its own OpenAPI schema (/api/v1/schema/), by schemathesis: generated requests to every
operation, in-process through the WSGI application (no network), with a valid token, and each answer
checked against the schema (status, content type, body) and for server errors. Bounded: a few dozen
examples an operation. Half the generated partnership slugs and ids are replaced by the cast's real ones,
so the answers with data are checked, not only the 404s."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from cast import Cast
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from boardkeeper.accounts import tokens
from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting
from boardkeeper.reviews import services as review_services
from boardkeeper.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
EXAMPLES = 30


@pytest.fixture
def real(seeded: Cast, held: Meeting) -> Iterator[dict[str, Any]]:
    """The cast's records, and a token of its business team; the WSGI application's requests keep the
    test's database connection (as Django's test client does), so they see them and roll back with them."""
    cast = seeded
    pete = Person.objects.create(partnership=cast.partnership, full_name="Pete Member", user=cast.member)
    action = Action.objects.filter(meeting=held).order_by("position").first()
    assert action is not None
    action.owner_people.add(pete)
    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Child Q",
        kind="lcspr",
        on=dt.date(2026, 1, 5),
    )
    _, raw = tokens.token_create(user=cast.manager, name="schemathesis")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            "headers": {"Authorization": f"Bearer {raw}"},
            "slug": cast.partnership.slug,
            "meeting_id": held.pk,
            "action_id": action.pk,
            "review_id": review.pk,
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_the_api_answers_as_its_schema_says(case: Any, real: dict[str, Any]) -> None:
    """Valid requests (half of them to the real records) answered as documented; invalid ones (made
    with the token, so that they reach the validation) answered without a server error and as documented.
    Unknown query parameters are ignored, as by most APIs, so the negative data check is not run."""
    if case.meta is None or not case.meta.generation.mode.is_negative:
        params = case.path_parameters or {}
        for name in ("slug", "meeting_id", "action_id", "review_id"):
            if name in params and len(str(params[name])) % 2 == 0:
                params[name] = real[name]
    case.call_and_validate(headers=real["headers"], excluded_checks=[negative_data_rejection])
