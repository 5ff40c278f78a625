"""Personal access tokens: the 'API tokens' page (make one, shown once; revoke one, after a confirmation)
and `boardkeeper token create|revoke`, each token then tried against the API."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper import cli
from boardkeeper.accounts import tokens
from boardkeeper.accounts.models import ApiToken
from boardkeeper.audit.models import AuditEvent

URL = "/accounts/tokens/"
PARTNERSHIPS = "/api/v1/partnerships/"


def works(raw: str) -> bool:
    return Client().get(PARTNERSHIPS, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def made_on(response: Any) -> str:
    found = re.search(r'<code id="new-token"[^>]*>(bk_[A-Za-z0-9_-]+)</code>', response.content.decode())
    assert found, "the new token is not on the page"
    return found.group(1)


def test_the_page_is_at_accounts_tokens_and_needs_sign_in(cast: Cast, client: Client) -> None:
    assert reverse("api_tokens") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(URL, {"name": "x", "days": "30"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_a_token_is_made_shown_once_and_stored_only_as_its_hash(cast: Cast) -> None:
    client = signed_in(cast.viewer)
    response = client.post(URL, {"action": "create", "name": "Power BI", "days": "30"})
    assert response.status_code == 200
    raw = made_on(response)
    token = ApiToken.objects.get(user=cast.viewer)
    assert token.name == "Power BI" and raw.startswith(token.prefix)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not [v for v in ApiToken.objects.values().get().values() if raw in str(v)]
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    assert works(raw)
    again = client.get(URL)
    assert raw not in again.content.decode()  # shown once
    assert "Power BI" in text_of(again) and f"{token.prefix}…" in text_of(again)
    created = AuditEvent.objects.get(model="accounts.apitoken", action="create")
    assert created.user_id == cast.viewer.pk
    assert "token_hash" not in created.changes and raw not in str(created.changes)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "", "days": "30"}, "Give the token a name."),
        ({"name": "BI", "days": "0"}, "A token lasts at least 1 day."),
        ({"name": "BI", "days": "366"}, "A token lasts at most 365 days."),
        ({"name": "BI", "days": "many"}, "Enter a number of days, like 90."),
        ({"name": "x" * 101, "days": "30"}, "Use 100 characters or fewer."),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_made(
    cast: Cast, form: dict[str, str], message: str
) -> None:
    response = signed_in(cast.member).post(URL, form)
    assert response.status_code == 200
    assert message in text_of(response)
    assert not ApiToken.objects.exists()


def test_a_token_is_revoked_after_a_confirmation(cast: Cast) -> None:
    token, raw = tokens.token_create(user=cast.member, name="Performance system")
    client = signed_in(cast.member)
    before = ApiToken.objects.filter(revoked_at=None).count()
    confirm = client.get(f"{URL}?revoke={token.pk}")
    assert "Revoke the token ‘Performance system’" in text_of(confirm)
    assert ApiToken.objects.filter(revoked_at=None).count() == before  # the question changes nothing
    response = client.post(URL, {"action": "revoke", "token": str(token.pk)})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not works(raw)
    change = AuditEvent.objects.get(model="accounts.apitoken", action="update")
    assert change.user_id == cast.member.pk and "revoked_at" in change.changes
    assert "Revoked" in text_of(client.get(URL))


def test_nobody_sees_or_revokes_anothers_token(cast: Cast) -> None:
    token, raw = tokens.token_create(user=cast.manager, name="Manager's")
    client = signed_in(cast.member)
    assert "Manager's" not in text_of(client.get(URL))
    assert client.get(f"{URL}?revoke={token.pk}").status_code == 404
    assert client.post(URL, {"action": "revoke", "token": str(token.pk)}).status_code == 404
    assert client.post(URL, {"action": "revoke", "token": "nonsense"}).status_code == 404
    assert works(raw)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_prints_a_token_that_works(cast: Cast, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "token", "create", "--user", "pete", "--days", "7", "--name", "Nightly")
    assert code == 0
    raw = out.strip()
    assert raw.startswith("bk_") and works(raw)
    token = ApiToken.objects.get(user=cast.member)
    assert token.name == "Nightly"
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=7))) < dt.timedelta(minutes=1)
    assert f"token {token.pk} for pete" in err
    default = run(capsys, "token", "create", "--user", "victor")[1].strip()
    assert (
        ApiToken.objects.get(user=cast.viewer).expires_at.date()
        == (timezone.now() + dt.timedelta(days=90)).date()
    )
    code, out, _ = run(capsys, "token", "revoke", "--id", str(token.pk))
    assert (code, out.strip()) == (0, f"token {token.pk} revoked")
    assert not works(raw) and works(default)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["create", "--user", "nobody"], "no active account called 'nobody'"),
        (["create", "--user", "pete", "--days", "400"], "A token lasts from 1 to 365 days."),
        (["revoke", "--id", "999"], "no token 999"),
    ],
)
def test_the_command_refuses_in_one_line(
    cast: Cast, capsys: pytest.CaptureFixture[str], args: list[str], reason: str
) -> None:
    code, out, err = run(capsys, "token", *args)
    assert (code, out) == (2, "")
    assert err.strip() == f"boardkeeper token: {reason}"
    assert not ApiToken.objects.exists()
