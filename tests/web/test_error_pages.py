"""The 403 and 404 pages: the site's own, with its header, navigation and sign-out, saying what happened and
what to do next. Django renders 403.html and 404.html itself (DEBUG is off under test, as in production)."""

from __future__ import annotations

from typing import Any

import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from boardkeeper.imports import services as meeting_services
from boardkeeper.meetings.models import Meeting


@pytest.fixture
def seeded(cast: Cast) -> Meeting:
    return meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


def has_the_sites_header(text: str) -> bool:
    return all(words in text for words in ("Boardkeeper", "My actions", "My calendar", "Sign out"))


def is_styled(response: Any) -> bool:
    """The site's own page: its stylesheet (GOV.UK Frontend's and ours) and script, as every other page."""
    html = response.content.decode()
    return "boardkeeper.css" in html and "boardkeeper.js" in html and 'class="govuk-template__body"' in html


def test_a_404_for_a_signed_in_user_has_the_header_and_says_what_to_do(cast: Cast) -> None:
    response = signed_in(cast.viewer).get("/no/such/page/")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    text = text_of(response)
    assert has_the_sites_header(text)
    assert "Page not found" in text and "ask that partnership’s business team" in text
    assert f'href="{reverse("home")}"' in response.content.decode()
    assert is_styled(response)


def test_a_record_of_another_partnership_is_not_found_the_same_way(cast: Cast, seeded: Meeting) -> None:
    response = signed_in(cast.outsider).get(reverse("meeting", args=[seeded.pk]))
    assert response.status_code == 404
    assert "Page not found" in text_of(response) and "Sign out" in text_of(response)
    assert "No such partnership" not in text_of(response)  # the internal reason is not shown


def test_a_403_has_the_header_the_reason_and_what_to_do(cast: Cast, seeded: Meeting) -> None:
    url = reverse("import_upload", args=[cast.partnership.slug, cast.board.slug])
    response = signed_in(cast.viewer).get(url)
    assert response.status_code == 403
    assert response.templates[0].name == "403.html"
    text = text_of(response)
    assert has_the_sites_header(text)
    assert "You cannot do this" in text
    assert "Only the business team can change this partnership's records." in text  # the exception's message
    assert "ask your partnership’s business team" in text
    assert is_styled(response)


def test_an_address_that_does_not_exist_is_not_found_for_an_anonymous_visitor_too(client: Client) -> None:
    """LoginRequiredMiddleware acts on a resolved URL only: an unknown address is a 404 for anyone, and the
    page renders without an account (no navigation, no sign-out)."""
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in text_of(response)
    assert "Sign out" not in text_of(response) and "My actions" not in text_of(response)


def test_a_known_address_sends_an_anonymous_visitor_to_sign_in(client: Client, seeded: Meeting) -> None:
    response = client.get(reverse("meeting", args=[seeded.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_500_is_the_sites_own_page_made_without_the_database(
    cast: Cast, django_assert_num_queries: Any
) -> None:
    """Django renders 500.html with no request and no context (the fault may be the database's): the page
    is styled and says what to do next, without a query, and without the account's navigation."""
    request = RequestFactory().get("/meetings/1/")
    request.user = cast.manager
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    text = " ".join(response.content.decode().split())
    assert "Sorry, there is a problem with the service" in text
    assert "Try again later." in text and "check whether the change was saved" in text
    assert "business team" in text and f'href="{reverse("home")}"' in text
    assert is_styled(response)
    assert "Sign out" not in text
