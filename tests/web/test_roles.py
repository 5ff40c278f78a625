"""Roles mean what the docs say: the business team edits; a board member views and updates the actions
they own; a viewer views, and changes nothing, not even an action they own."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.urls import reverse

from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.directory.models import Person
from boardkeeper.imports import services as meeting_services
from boardkeeper.meetings.models import Meeting

PETES = "PH to share examples of incidents"


@pytest.fixture
def seeded(cast: Cast) -> Meeting:
    return meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


def owned_by(cast: Cast, who: str) -> Action:
    """Pete Hill's action of the seed minutes, Pete Hill's Person linked to the cast's `who`."""
    Person.objects.filter(partnership=cast.partnership, full_name="Pete Hill").update(user=getattr(cast, who))
    return Action.objects.get(text=PETES)


def update_form(response: Any) -> list[Any]:
    return list(lxml.html.fromstring(response.content).xpath("//main//form[@method='post']"))


def test_a_viewer_who_owns_an_action_cannot_update_it(cast: Cast, seeded: Meeting) -> None:
    action = owned_by(cast, "viewer")
    viewer = signed_in(cast.viewer)
    url = reverse("action", args=[action.pk])
    page = viewer.get(url)
    assert page.status_code == 200
    assert not update_form(page)  # no form offered
    assert "You are a viewer of this partnership" in text_of(page)
    refused = viewer.post(url, {"status": "done", "note": "done by the viewer", "version": "1"})
    assert refused.status_code == 403
    action.refresh_from_db()
    assert (action.status, action.version) == ("open", 1)
    assert not ActionUpdate.objects.filter(action=action).exists()  # nothing in its history


def test_a_member_who_owns_an_action_updates_it(cast: Cast, seeded: Meeting) -> None:
    action = owned_by(cast, "member")
    member = signed_in(cast.member)
    url = reverse("action", args=[action.pk])
    (form,) = update_form(member.get(url))
    data = dict(form.form_values())
    data.update(status="in_progress", note="examples shared")
    assert member.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.version) == ("in_progress", 2)
    assert ActionUpdate.objects.filter(action=action).count() == 1


def test_the_business_team_updates_an_action_it_does_not_own(cast: Cast, seeded: Meeting) -> None:
    action = owned_by(cast, "member")
    manager = signed_in(cast.manager)
    url = reverse("action", args=[action.pk])
    (form,) = update_form(manager.get(url))
    data = dict(form.form_values())
    data.update(status="dropped", note="overtaken")
    assert manager.post(url, data).status_code == 302
    action.refresh_from_db()
    assert action.status == "dropped"


def test_a_viewer_cannot_change_who_owns_an_action_they_own(cast: Cast, seeded: Meeting) -> None:
    action = owned_by(cast, "viewer")
    viewer = signed_in(cast.viewer)
    url = reverse("action_owners", args=[action.pk])
    assert viewer.get(url).status_code == 403
    assert viewer.post(url, {"version": "1"}).status_code == 403
    action.refresh_from_db()
    assert action.version == 1
