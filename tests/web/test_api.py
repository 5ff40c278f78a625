"""The public API, /api/v1/: every endpoint for every kind of caller, updates through the web's version
check and audit, and the token's refusals (none, revoked, expired, throttled)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cast import Cast, signed_in
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from boardkeeper.accounts import tokens
from boardkeeper.accounts.models import ApiToken, Throttle
from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting
from boardkeeper.reviews import services as review_services
from boardkeeper.reviews.models import Review


@dataclass
class Api:
    cast: Cast
    meeting: Meeting
    action: Action  # owned by the member (pete)
    other_action: Action  # owned by nobody with an account
    review: Review  # named on it: nobody with an account but the member, when a test names him
    other_meeting: Meeting  # of the other partnership


def bearer(user: User, **kwargs: Any) -> dict[str, str]:
    _, raw = tokens.token_create(user=user, name="test", **kwargs)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get(client: Client, url: str, auth: dict[str, str]) -> Any:
    return client.get(url, **auth)  # type: ignore[arg-type]


def post(client: Client, url: str, data: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **auth)  # type: ignore[arg-type]


@pytest.fixture
def api(seeded: Cast, held: Meeting) -> Api:
    cast = seeded
    pete = Person.objects.create(partnership=cast.partnership, full_name="Pete Member", user=cast.member)
    actions = list(Action.objects.filter(meeting=held).order_by("position"))
    actions[0].owner_people.set([pete])
    review = review_services.review_create(
        partnership=cast.partnership,
        user=cast.manager,
        pseudonym="Child Q",
        kind="lcspr",
        on=dt.date(2026, 1, 5),
    )
    Review.objects.filter(pk=review.pk).update(aware_on=timezone.localdate() - dt.timedelta(days=2))
    review.refresh_from_db()  # its notification clock is running
    other_meeting = Meeting.objects.create(board=cast.other_board, date=dt.date(2025, 5, 1))
    return Api(cast, held, actions[0], actions[1], review, other_meeting)


Endpoint = Callable[[Api], str]
P = "warwickshire"
READS: dict[str, Endpoint] = {
    "partnership": lambda a: f"/api/v1/partnerships/{P}/",
    "meetings": lambda a: f"/api/v1/partnerships/{P}/meetings/",
    "board meetings": lambda a: f"/api/v1/partnerships/{P}/meetings/?board=executive-board",
    "meeting": lambda a: f"/api/v1/meetings/{a.meeting.pk}/",
    "actions": lambda a: f"/api/v1/partnerships/{P}/actions/",
    "board actions": lambda a: f"/api/v1/partnerships/{P}/actions/?board=executive-board&sort=due",
    "action": lambda a: f"/api/v1/actions/{a.action.pk}/",
    "review clocks": lambda a: f"/api/v1/partnerships/{P}/review-clocks/",
    "forward plan": lambda a: f"/api/v1/partnerships/{P}/forward-plan/?from=2022-01",
}
NEED_TO_KNOW: dict[str, Endpoint] = {"a review's clocks": lambda a: f"/api/v1/reviews/{a.review.pk}/clocks/"}
UPDATE: Endpoint = lambda a: f"/api/v1/actions/{a.action.pk}/updates/"  # noqa: E731
EVERY = {**READS, **NEED_TO_KNOW, "update": UPDATE, "partnerships": lambda a: "/api/v1/partnerships/"}


def update_of(action: Action, **kwargs: Any) -> dict[str, Any]:
    return {"version": action.version, "status": "in_progress", "note": "Started"} | kwargs


def test_the_walk_covers_every_operation_of_the_schema() -> None:
    schema = Client().get("/api/v1/schema/").json()
    operations = {(m.upper(), path) for path, ops in schema["paths"].items() for m in ops}
    assert len(operations) == 10  # a new endpoint needs its place in READS, NEED_TO_KNOW or the update


def test_anonymous_requests_get_401_with_a_message_and_no_redirect(api: Api, client: Client) -> None:
    for name, url in EVERY.items():
        response = (
            client.post(url(api), "{}", content_type="application/json")
            if name == "update"
            else client.get(url(api))
        )
        assert response.status_code == 401, name
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "token" in response.json()["detail"]


def test_a_signed_in_browser_session_is_not_accepted_by_the_api(api: Api) -> None:
    browser = signed_in(api.cast.manager)
    assert browser.get(f"/api/v1/partnerships/{P}/").status_code == 401
    response = browser.post(UPDATE(api), json.dumps(update_of(api.action)), content_type="application/json")
    assert response.status_code == 401
    assert not ActionUpdate.objects.filter(action=api.action).exists()


def test_the_business_team_reads_every_endpoint(api: Api, client: Client) -> None:
    auth = bearer(api.cast.manager)
    for name, url in {**READS, **NEED_TO_KNOW}.items():
        response = get(client, url(api), auth)
        assert response.status_code == 200, (name, response.content[:300])
    listing = get(client, "/api/v1/partnerships/", auth).json()
    assert listing == [{"slug": P, "name": "Warwickshire Safeguarding", "role": "business_team"}]
    meeting = get(client, READS["meeting"](api), auth).json()
    assert meeting["items"] and meeting["attendance"]
    assert {a["person"] for a in meeting["attendance"]} >= {"Pete Hill"}
    clocks = get(client, READS["review clocks"](api), auth).json()
    assert {c["pseudonym"] for c in clocks["results"]} == {"Child Q"}


def test_another_partnership_finds_nothing(api: Api, client: Client) -> None:
    auth = bearer(api.cast.outsider)
    for name, url in {**READS, **NEED_TO_KNOW}.items():
        response = get(client, url(api), auth)
        assert response.status_code == 404, name
        assert response.json() == {"detail": "Not found."}
    response = post(client, UPDATE(api), update_of(api.action), auth)
    assert response.status_code == 404
    assert get(client, "/api/v1/partnerships/", auth).json() == [
        {"slug": "elsewhere", "name": "Elsewhere Safeguarding", "role": "business_team"}
    ]
    # and their own partnership's meeting they do see
    assert get(client, f"/api/v1/meetings/{api.other_meeting.pk}/", auth).status_code == 200
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "member"])
def test_viewers_and_members_read_the_record(api: Api, client: Client, who: str) -> None:
    auth = bearer(getattr(api.cast, who))
    for name, url in READS.items():
        assert get(client, url(api), auth).status_code == 200, name


def test_a_viewer_cannot_update_even_an_action_they_own(api: Api, client: Client) -> None:
    viewer_person = Person.objects.create(
        partnership=api.cast.partnership, full_name="Vic", user=api.cast.viewer
    )
    api.action.owner_people.add(viewer_person)
    response = post(client, UPDATE(api), update_of(api.action), bearer(api.cast.viewer))
    assert response.status_code == 403
    assert "Viewers" in response.json()["detail"]
    api.action.refresh_from_db()
    assert (api.action.status, api.action.version) == ("open", 1)


def test_a_member_updates_their_own_action_but_not_another(api: Api, client: Client) -> None:
    auth = bearer(api.cast.member)
    response = post(
        client, f"/api/v1/actions/{api.other_action.pk}/updates/", update_of(api.other_action), auth
    )
    assert response.status_code == 403
    response = post(client, UPDATE(api), update_of(api.action, due_date="2026-03-01", change_due=True), auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["version"], body["due_date"]) == ("in_progress", 2, "2026-03-01")
    assert body["updates"][-1]["note"] == "Started"


def test_an_update_is_audited_in_the_token_users_name(api: Api, client: Client) -> None:
    response = post(client, UPDATE(api), update_of(api.action, status="done"), bearer(api.cast.manager))
    assert response.status_code == 201
    change = AuditEvent.objects.filter(
        model="actions.action", object_id=str(api.action.pk), action="update", changes__has_key="status"
    ).get()
    assert (change.user_id, change.username) == (api.cast.manager.pk, "amrita")
    assert change.changes["status"] == ["open", "done"]
    assert change.partnership_id == api.cast.partnership.pk
    update = ActionUpdate.objects.get(action=api.action)
    assert update.author == api.cast.manager


def test_a_stale_version_changes_nothing_and_gets_409_with_the_current_version(
    api: Api, client: Client
) -> None:
    auth = bearer(api.cast.manager)
    assert post(client, UPDATE(api), update_of(api.action), auth).status_code == 201
    response = post(client, UPDATE(api), update_of(api.action, status="dropped"), auth)  # still version 1
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    api.action.refresh_from_db()
    assert (api.action.status, api.action.version) == ("in_progress", 2)
    assert ActionUpdate.objects.filter(action=api.action).count() == 1


def test_bad_input_gets_a_plain_message_and_changes_nothing(api: Api, client: Client) -> None:
    auth = bearer(api.cast.manager)
    for data in [
        {"version": 1, "status": "finished"},
        {"status": "done"},
        {"version": 1, "status": "done", "due_date": "31/02/2026"},
    ]:
        response = post(client, UPDATE(api), data, auth)
        assert response.status_code == 422, data
        assert isinstance(response.json()["detail"], str)
    response = client.post(UPDATE(api), "not json", content_type="application/json", **auth)  # type: ignore[arg-type]
    assert response.status_code in (400, 422)
    assert get(client, f"/api/v1/partnerships/{P}/actions/?page=0", auth).status_code == 422
    assert get(client, "/api/v1/actions/99999999999999/", auth).status_code == 422
    assert not ActionUpdate.objects.exists()


def test_a_reviews_clocks_are_for_its_named_people_and_the_business_team(api: Api, client: Client) -> None:
    member = bearer(api.cast.member)
    url = NEED_TO_KNOW["a review's clocks"](api)
    assert get(client, url, member).status_code == 404
    assert get(client, READS["review clocks"](api), member).json()["results"] == []
    pete = Person.objects.get(user=api.cast.member)
    api.review.named_people.add(pete)
    assert get(client, url, member).status_code == 200
    assert {c["pseudonym"] for c in get(client, READS["review clocks"](api), member).json()["results"]} == {
        "Child Q"
    }
    assert get(client, url, bearer(api.cast.viewer)).status_code == 404  # not named: still not found


def test_lists_come_50_a_page_with_links(api: Api, client: Client) -> None:
    auth = bearer(api.cast.manager)
    base = Action.objects.filter(meeting=api.meeting).order_by("pk").first()
    assert base is not None
    Action.objects.bulk_create(
        Action(board=base.board, meeting=base.meeting, position=100 + i, text=f"Extra {i}", origin="manual")
        for i in range(60)
    )
    total = Action.objects.filter(board__partnership=api.cast.partnership).count()
    first = get(client, f"/api/v1/partnerships/{P}/actions/?status=open", auth).json()
    assert (first["count"], first["page"], len(first["results"]), first["previous"]) == (
        Action.objects.filter(board__partnership=api.cast.partnership, status="open").count(),
        1,
        50,
        None,
    )
    assert first["next"].endswith("?status=open&page=2")
    second = get(client, first["next"], auth).json()
    assert len(second["results"]) == first["count"] - 50 and second["next"] is None
    ids = {r["id"] for r in first["results"]} | {r["id"] for r in second["results"]}
    assert len(ids) == first["count"] <= total


def test_the_action_list_costs_the_same_queries_at_any_size(
    api: Api, client: Client, django_assert_max_num_queries: Any
) -> None:
    auth = bearer(api.cast.manager)
    url = READS["actions"](api)
    get(client, url, auth)
    with django_assert_max_num_queries(14):
        assert get(client, url, auth).status_code == 200


def test_a_revoked_or_expired_token_gets_401(api: Api, client: Client) -> None:
    token, raw = tokens.token_create(user=api.cast.manager, name="report")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert get(client, "/api/v1/partnerships/", auth).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = get(client, "/api/v1/partnerships/", auth)
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert tokens.token_revoke(token=token, user=api.cast.manager)
    response = get(client, "/api/v1/partnerships/", auth)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    wrong = get(client, "/api/v1/partnerships/", {"HTTP_AUTHORIZATION": "Bearer bk_nottherightone"})
    assert wrong.status_code == 401 and "not recognised" in wrong.json()["detail"]
    api.cast.manager.is_active = False
    api.cast.manager.save()
    _, fresh = tokens.token_create(user=api.cast.manager, name="after")
    assert get(client, "/api/v1/partnerships/", {"HTTP_AUTHORIZATION": f"Bearer {fresh}"}).status_code == 401


def test_a_token_is_throttled_with_retry_after(api: Api, client: Client) -> None:
    token, raw = tokens.token_create(user=api.cast.viewer, name="busy")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    Throttle.objects.create(
        key=f"api-token:{token.pk}", window_start=timezone.now(), count=tokens.REQUESTS_PER_PERIOD - 1
    )
    assert get(client, "/api/v1/partnerships/", auth).status_code == 200  # the last one allowed
    response = get(client, "/api/v1/partnerships/", auth)
    assert response.status_code == 429
    assert 800 < int(response["Retry-After"]) <= 901
    assert "Too many" in response.json()["detail"]
    other = bearer(api.cast.viewer)  # another token of the same user is counted on its own
    assert get(client, "/api/v1/partnerships/", other).status_code == 200


def test_a_token_records_when_it_was_last_used_but_reads_write_no_audit(api: Api, client: Client) -> None:
    token, raw = tokens.token_create(user=api.cast.viewer, name="report")
    before = AuditEvent.objects.count()
    assert get(client, READS["actions"](api), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AuditEvent.objects.count() == before


def test_the_schema_is_openapi_3_and_names_the_bearer_scheme(client: Client) -> None:
    schema = client.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_no_csrf_token_is_needed_with_a_bearer_token(api: Api) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post(client, UPDATE(api), update_of(api.action), bearer(api.cast.manager))
    assert response.status_code == 201


def test_no_get_writes_the_record_only_the_tokens_bookkeeping(api: Api, client: Client) -> None:
    """A GET of the API writes nothing but the token's throttle counter and, once a minute, its last use:
    every other table (the audit trail and sessions aside, as in test_get_never_writes) stays row for row."""
    from test_get_never_writes import differences, everything

    token, raw = tokens.token_create(user=api.cast.manager, name="report")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    get(client, "/api/v1/partnerships/", auth)  # its last use is now recorded; the next minute writes none
    bookkeeping = {"accounts_throttle"}
    before = everything(bookkeeping)
    for name, url in {**READS, **NEED_TO_KNOW, "partnerships": EVERY["partnerships"]}.items():
        assert get(client, url(api), auth).status_code == 200, name
    assert differences(before, everything(bookkeeping)) == []
    assert Throttle.objects.get(key=f"api-token:{token.pk}").count == 12
