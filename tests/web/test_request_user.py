"""Every signed-in request reads its session and its user with their person: two plain SELECTs written once
(boardkeeper/accounts/sessions.py, boardkeeper/accounts/backends.py), which must give exactly what Django's
own database sessions and ModelBackend give. Run on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

import pytest
from cast import Cast, signed_in
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boardkeeper.accounts.backends import UserWithPersonBackend
from boardkeeper.accounts.permissions import _access, get_board_for_user, get_partnership_for_user
from boardkeeper.accounts.sessions import SessionStore
from boardkeeper.directory.models import Person


def test_the_store_reads_what_djangos_store_wrote_and_nothing_expired_or_unknown(db: None) -> None:
    written = DjangoStore()
    written["who"] = "Pete Hill"
    written["since"] = 3
    written.create()
    read = SessionStore(written.session_key)
    assert read.load() == {"who": "Pete Hill", "since": 3}
    assert read.session_key == written.session_key

    Session.objects.filter(session_key=written.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(written.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # as Django's: a new session is made, never the old one revived

    for key in ("x" * 32, "short", "'; DROP TABLE django_session; --" + "a" * 8):
        unknown = SessionStore(key)
        assert unknown.load() == {} and unknown.session_key is None
    assert Session.objects.count() == 1


def test_the_store_is_the_one_in_use_and_reads_a_session_until_it_expires(cast: Cast) -> None:
    assert import_module(settings.SESSION_ENGINE).SessionStore is SessionStore
    assert type(signed_in(cast.manager).session) is SessionStore
    written = DjangoStore()
    written["n"] = 1
    written.create()
    soon = timezone.now() + dt.timedelta(seconds=30)
    Session.objects.filter(session_key=written.session_key).update(expire_date=soon)
    assert SessionStore(written.session_key).load() == {"n": 1}
    assert DjangoStore(written.session_key).load() == {"n": 1}


def test_the_user_comes_with_their_person_in_one_query(cast: Cast) -> None:
    pete = Person.objects.create(partnership=cast.partnership, full_name="Pete Hill", user=cast.member)
    cast.member.last_login = timezone.now()
    cast.member.save(update_fields=["last_login"])
    expected = User.objects.select_related("person").get(pk=cast.member.pk)

    with CaptureQueriesContext(connection) as read:
        user = UserWithPersonBackend().get_user(cast.member.pk)
        assert user is not None
        assert user.person.full_name == "Pete Hill"  # type: ignore[attr-defined]
        assert user.person.user is user  # type: ignore[attr-defined]
    assert len(read.captured_queries) == 1
    assert user.person == pete  # type: ignore[attr-defined]
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert timezone.is_aware(user.last_login)  # type: ignore[arg-type]
    assert user.get_session_auth_hash() == expected.get_session_auth_hash()
    assert not user._state.adding and user._state.db == "default"


def test_a_user_without_a_person_is_read_and_says_so_without_another_query(cast: Cast) -> None:
    with CaptureQueriesContext(connection) as read:
        user = UserWithPersonBackend().get_user(cast.viewer.pk)
        assert user is not None and user.username == cast.viewer.username
        with pytest.raises(Person.DoesNotExist):
            user.person  # type: ignore[attr-defined]  # noqa: B018
    assert len(read.captured_queries) == 1


def test_no_user_for_an_unknown_an_inactive_or_a_malformed_id(cast: Cast) -> None:
    backend = UserWithPersonBackend()
    assert backend.get_user(10**9) is None
    assert backend.get_user("abc") is None
    cast.viewer.is_active = False
    cast.viewer.save(update_fields=["is_active"])
    assert backend.get_user(cast.viewer.pk) is None


def test_a_signed_in_page_reads_the_session_and_the_user_and_signing_out_ends_it(cast: Cast) -> None:
    client = signed_in(cast.manager)
    assert client.get(reverse("my_actions")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    gone = client.get(reverse("my_actions"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("login"))


def test_access_is_read_with_one_query_and_a_strange_address_finds_nothing(cast: Cast) -> None:
    client = signed_in(cast.member)
    board = reverse("board_actions", args=[cast.partnership.slug, cast.board.slug])
    assert client.get(board).status_code == 200
    other = reverse("board_actions", args=[cast.other_partnership.slug, cast.other_board.slug])
    assert client.get(other).status_code == 404  # another partnership's board: not found
    request = RequestFactory().get("/")
    request.user = cast.member
    with CaptureQueriesContext(connection) as read:
        found, access = get_board_for_user(request, cast.partnership.slug, cast.board.slug)
        assert (found, access.partnership, access.role.role) == (cast.board, cast.partnership, "member")
        assert found.partnership is access.partnership and access.role.user is cast.member
        assert _access(request, cast.partnership.pk).role == access.role
        assert get_partnership_for_user(request, cast.partnership.slug).role == access.role
    assert len(read.captured_queries) == 3  # one each, nothing read after
    for slug in (cast.other_partnership.slug, "warwickshire' OR '1'='1", "%"):  # theirs; not addresses
        with pytest.raises(Http404):
            get_partnership_for_user(request, slug)
        with pytest.raises(Http404):
            get_board_for_user(request, slug, cast.board.slug)
