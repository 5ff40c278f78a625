"""The audit trail: every change to a record (who, when, from what to what), sign-ins, exports and
downloads; each record's history on its page; the business team's search; and no way to change it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper.actions import services as actions
from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Person
from boardkeeper.imports import services as meetings
from boardkeeper.meetings.models import Decision, Meeting
from boardkeeper.reviews import services as reviews

PETES = "PH to share examples of incidents"


@pytest.fixture
def seeded(cast: Cast) -> Meeting:
    return meetings.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


def seeded_at(meeting: Meeting) -> Any:
    return AuditEvent.objects.get(model="meetings.meeting", object_id=str(meeting.pk), action="create").at


def events(**filters: Any) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def test_an_import_is_audited_record_by_record_in_the_name_of_who_imported(
    cast: Cast, seeded: Meeting
) -> None:
    created = AuditEvent.objects.filter(
        action="create", partnership_id=cast.partnership.pk, at__gte=seeded_at(seeded)
    )
    models = set(created.values_list("model", flat=True))
    assert {
        "meetings.meeting",
        "meetings.agendaitem",
        "meetings.attendance",
        "directory.person",
        "actions.action",
    } <= models
    assert "meetings.decision" in models  # written with bulk_create, audited all the same
    assert created.filter(model="meetings.decision").count() == Decision.objects.count()
    assert set(created.values_list("username", flat=True)) == {"amrita"}
    meeting = created.get(model="meetings.meeting")
    assert meeting.changes["date"] == [None, "2022-02-23"] and meeting.object_id == str(seeded.pk)
    assert not AuditEvent.objects.filter(model="meetings.pendingimport").exists()


def test_a_version_checked_update_records_from_what_to_what(cast: Cast, seeded: Meeting) -> None:
    action = Action.objects.get(text=PETES)
    client = signed_in(cast.manager)
    form = lxml.html.fromstring(client.get(reverse("action", args=[action.pk])).content).xpath(
        "//main//form[@method='post']"
    )[0]
    data = dict(form.form_values())
    data.update(status="in_progress", note="Examples shared", due_date="11/03/2022")
    client.post(reverse("action", args=[action.pk]), data, REMOTE_ADDR="192.0.2.44")
    *imported, update = events(action="update", model="actions.action", object_id=str(action.pk))
    assert [e.changes for e in imported] == [{"owner_people": {"added": ["Pete Hill"]}}]  # at the import
    assert update.changes == {"status": ["open", "in_progress"], "due_date": [None, "2022-03-11"]}
    assert (update.username, update.ip, update.partnership_id) == (
        "amrita",
        "192.0.2.44",
        cast.partnership.pk,
    )
    note = events(action="create", model="actions.actionupdate")[-1]
    assert note.changes["note"] == [None, "Examples shared"]


def test_owners_added_and_removed_are_audited(cast: Cast, seeded: Meeting) -> None:
    action = Action.objects.get(text="LLB to be progressed")
    pete = Person.objects.get(full_name="Pete Hill")
    actions.action_reassign(
        action=action, user=cast.manager, version=1, people=[pete], teams=[], due_meeting=None
    )
    changes = [e.changes for e in events(action="update", model="actions.action", object_id=str(action.pk))]
    assert {"owner_people": {"added": ["Pete Hill"]}} in changes
    assert {"owner_teams": {"removed": ["Warwickshire Safeguarding Team"]}} in changes


def test_a_review_change_and_a_deletion_are_audited(cast: Cast) -> None:
    review = reviews.notification_record(
        partnership=cast.partnership, user=cast.manager, pseudonym="Child Q", aware_on=dt.date(2022, 4, 8)
    )
    reviews.notified(review=review, user=cast.manager, version=1, on=dt.date(2022, 4, 14))
    (changed,) = events(action="update", model="reviews.review")
    assert changed.changes == {"notified_on": [None, "2022-04-14"], "stage": ["notification", "rapid_review"]}
    blackout = cast.partnership.publication_blackouts.create(
        start=dt.date(2024, 4, 1), end=dt.date(2024, 5, 2), reason="Pre-election period"
    )
    blackout.delete()
    (deleted,) = events(action="delete", model="reviews.publicationblackout")
    assert deleted.changes["reason"] == ["Pre-election period", None]


def test_exports_downloads_and_sign_ins_are_audited(cast: Cast, seeded: Meeting) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "amrita", "password": "wrong"})
    assert events(action="sign_in_failed")[-1].username == "amrita"
    client.force_login(cast.manager)
    assert events(action="sign_in")[-1].user_id == cast.manager.pk
    client.get(reverse("partnership_actions_export", args=[cast.partnership.slug, "csv"]))
    (export,) = events(action="export")
    assert export.detail.endswith(".csv") and export.partnership_id == cast.partnership.pk
    document = seeded.source
    b"".join(client.get(reverse("document", args=[document.pk])).streaming_content)  # type: ignore[attr-defined]
    (download,) = events(action="download")
    assert (download.model, download.object_id, download.detail) == (
        "meetings.sourcedocument",
        str(document.pk),
        SEED_DOCX.name,
    )


def test_the_audit_cannot_be_changed(db: None) -> None:
    event = AuditEvent.objects.create(action="sign_in", username="x")
    event.username = "y"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "x"


def test_a_record_page_shows_its_history_to_the_business_team(cast: Cast, seeded: Meeting) -> None:
    action = Action.objects.get(text=PETES)
    actions.action_update(action=action, user=cast.manager, version=1, status="done", note="Shared")
    page = lxml.html.fromstring(signed_in(cast.manager).get(reverse("action", args=[action.pk])).content)
    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")]
        for tr in page.xpath("//details[@id='audit-history']//tbody/tr")
    ]
    assert rows[0][1:] == ["amrita", "Changed", "Status: Open → Done"]  # newest first, in words
    assert rows[-1][1:3] == ["amrita", "Created"]
    member = signed_in(cast.member).get(reverse("action", args=[action.pk]))
    assert b"audit-history" not in member.content


def test_the_business_team_searches_the_audit_by_person_record_and_date(cast: Cast, seeded: Meeting) -> None:
    action = Action.objects.get(text=PETES)
    actions.action_update(action=action, user=cast.member, version=1, status="done")
    client = signed_in(cast.manager)
    url = reverse("audit_log", args=[cast.partnership.slug])
    today = timezone.localdate().strftime("%d/%m/%Y")
    found = client.get(
        url,
        {
            "who": cast.member.pk,
            "record": "actions.action",
            "record_id": action.pk,
            "start": today,
            "end": today,
        },
    )
    rows = lxml.html.fromstring(found.content).xpath("//table[@id='audit-events']/tbody/tr")
    assert len(rows) == 1 and "Status: Open → Done" in rows[0].text_content()
    assert "1 entry" in text_of(found)
    none = client.get(url, {"end": "01/01/2020"})
    assert "Nothing matches." in text_of(none)
    bad = client.get(url, {"start": "31/02/2024"})
    assert "Enter a real date, for example 01/03/2024." in text_of(bad)
    other = signed_in(cast.outsider).get(url)
    assert other.status_code == 404
    assert signed_in(cast.member).get(url).status_code == 403


def test_the_business_team_downloads_all_the_partnerships_records(cast: Cast, seeded: Meeting) -> None:
    import json

    response = signed_in(cast.manager).get(reverse("partnership_export", args=[cast.partnership.slug]))
    assert (
        response["Content-Type"].startswith("application/json")
        and "attachment" in response["Content-Disposition"]
    )
    document = json.loads(response.content)
    models = {r["model"] for r in document["records"]}
    assert {"meetings.meeting", "actions.action", "directory.person"} <= models
    assert cast.manager.password not in response.content.decode()
    (export,) = events(action="export")
    assert export.detail.endswith(".json") and export.partnership_id == cast.partnership.pk
