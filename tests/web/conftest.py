"""Fixtures of the web tests: a small named cast, built once per test."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cast import PASSWORD, SEED_DOCX, Cast, signed_in
from django.contrib.auth.models import User
from django.test import Client

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.audit import immutable
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.imports.services import import_file
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.next_meeting import schedule_next_meeting

immutable.erasable = True  # Django's test runner empties SQLite tables with DELETE between tests


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only


@pytest.fixture(autouse=True)
def _second_factor_given(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every account must give a second factor after its password. Tests of other things sign in with
    it given (force_login, or the sign-in form of browser tests); tests marked `two_factor` do not."""
    if request.node.get_closest_marker("two_factor"):
        yield
        return
    from django.contrib.auth.signals import user_logged_in

    from boardkeeper.accounts.security import SESSION_KEY

    def given(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        request.session[SESSION_KEY] = True

    user_logged_in.connect(given, dispatch_uid="tests_second_factor_given")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_second_factor_given")


@pytest.fixture
def cast(db: None) -> Cast:
    warks = Partnership.objects.create(name="Warwickshire Safeguarding", slug="warwickshire")
    other = Partnership.objects.create(name="Elsewhere Safeguarding", slug="elsewhere")
    board = Board.objects.create(partnership=warks, name="Executive Board", slug="executive-board")
    other_board = Board.objects.create(partnership=other, name="Executive Board", slug="executive-board")

    def user(name: str, partnership: Partnership, role: str) -> User:
        u = User.objects.create_user(name, password=PASSWORD)
        PartnershipRole.objects.create(user=u, partnership=partnership, role=role)
        return u

    return Cast(
        partnership=warks,
        board=board,
        manager=user("amrita", warks, PartnershipRole.Role.BUSINESS_TEAM),
        member=user("pete", warks, PartnershipRole.Role.MEMBER),
        viewer=user("victor", warks, PartnershipRole.Role.VIEWER),
        outsider=user("olga", other, PartnershipRole.Role.BUSINESS_TEAM),
        other_partnership=other,
        other_board=other_board,
    )


@pytest.fixture
def manager(cast: Cast) -> Client:
    """The business team's manager, signed in."""
    return signed_in(cast.manager)


@pytest.fixture
def held(cast: Cast) -> Meeting:
    """The seed minutes imported: the 23 February 2022 meeting, which gives 11 March as the next."""
    return import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


@pytest.fixture
def seeded(cast: Cast, held: Meeting) -> Cast:
    """The cast, with the seed minutes imported."""
    return cast


@pytest.fixture
def march(cast: Cast, held: Meeting) -> Meeting:
    """The next meeting the seed minutes name, 11 March 2022, scheduled."""
    return schedule_next_meeting(board=cast.board, date=dt.date(2022, 3, 11))


# The browser tests' own (tests/web/test_browser*.py): Debian's Chromium driven by Playwright, a page of
# a new context per test, with its screenshots in $BOARDKEEPER_SCREENSHOTS or the test's tmp_path.
BROWSER_TIMEOUT_MS = 15_000


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BOARDKEEPER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page() -> Iterator[Any]:
    from browser import AXE_JS, VIEWPORT, launch
    from playwright.sync_api import expect, sync_playwright

    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` in the project"
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        expect.set_options(timeout=BROWSER_TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """SQLite tests use a file, not memory: the live server's threads then each get a connection of their own."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if str(db["ENGINE"]).endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")  # type: ignore[index]


from smtp import smtp_server  # noqa: E402, F401  # a real SMTP server on loopback, for e-mail tests
