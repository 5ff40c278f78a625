"""The directory on the web (issue 13): the business team adds, corrects and merges people; members and
viewers read the directory and change nothing; every change is audited, and a merge moves everything that
pointed at the record removed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
import pytest
from cast import FIXTURES, Cast, signed_in, text_of
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, include, path, reverse

from boardkeeper import urls as project_urls
from boardkeeper.actions.models import Action
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory import people_urls
from boardkeeper.directory.models import Board, Membership, Person, PersonAlias
from boardkeeper.directory.people import (
    PersonExists,
    PersonRefused,
    Seen,
    merge_plan,
    people_merge,
    person_add,
    person_correct,
)
from boardkeeper.imports.services import import_file
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import Attendance, Meeting
from boardkeeper.reviews import services as review_services

SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"


def _mounted() -> bool:
    try:
        reverse("person_correct", urlconf="boardkeeper.urls", args=[1])
    except NoReverseMatch:
        return False
    return True


# Until the lead mounts the directory's pages in boardkeeper/urls.py, these tests mount them themselves
# (ahead of the partnership's old board addresses, which would take /p/<slug>/people/ for a board's).
urlpatterns: list[URLPattern | URLResolver] = list(project_urls.urlpatterns)
if not _mounted():
    urlpatterns = [
        path("p/<slug:slug>/", include(people_urls.partnership_urls)),
        path("people/<int:person_id>/", include(people_urls.person_urls)),
        *urlpatterns,
    ]
pytestmark = pytest.mark.urls(__name__)


def title_of(response: Any) -> str:
    return str(lxml.html.fromstring(response.content).findtext(".//title")).strip()


def pete(cast: Cast) -> Person:
    return Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")


def events(instance: Any, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(model=instance._meta.label_lower, object_id=str(instance.pk), action=action)
    )


# Adding ---------------------------------------------------------------------------------------------------


def test_the_business_team_adds_a_person_with_their_initials(cast: Cast, manager: Client) -> None:
    response = manager.post(
        reverse("person_add", args=[cast.partnership.slug]),
        {"full_name": " Nadia  Okafor ", "organisation": "Warwickshire Police", "initials": "NO"},
    )
    nadia = Person.objects.get(partnership=cast.partnership, full_name="Nadia Okafor")
    assert response.status_code == 302 and response["Location"] == reverse("person", args=[nadia.pk])
    assert nadia.organisation is not None and nadia.organisation.name == "Warwickshire Police"
    assert [(a.alias, a.kind) for a in nadia.aliases.all()] == [("NO", PersonAlias.Kind.INITIALS)]
    (created,) = events(nadia, AuditEvent.Action.CREATE)
    assert created.username == "amrita" and created.partnership_id == cast.partnership.pk
    page = manager.get(reverse("person", args=[nadia.pk]))
    assert "Nadia Okafor was added to the directory." in text_of(page)
    assert reverse("person_correct", args=[nadia.pk]) in page.content.decode()
    assert reverse("person_merge", args=[nadia.pk]) in page.content.decode()


def test_a_blank_name_is_refused_with_the_error_summary(cast: Cast, manager: Client) -> None:
    before = Person.objects.count()
    response = manager.post(
        reverse("person_add", args=[cast.partnership.slug]), {"full_name": "  ", "organisation": "ICB"}
    )
    assert response.status_code == 200 and Person.objects.count() == before
    assert title_of(response).startswith("Error: ")
    assert "There is a problem" in text_of(response) and "Enter the person's full name" in text_of(response)
    assert 'value="ICB"' in response.content.decode()  # what was typed is kept


def test_a_name_already_in_the_directory_is_refused_unless_it_is_someone_else(
    seeded: Cast, manager: Client
) -> None:
    url = reverse("person_add", args=[seeded.partnership.slug])
    response = manager.post(url, {"full_name": "pete hill"})
    assert title_of(response).startswith("Error: ")
    assert "Pete Hill is already in the directory (Warwickshire Police)" in text_of(response)
    assert reverse("person", args=[pete(seeded).pk]) in response.content.decode()
    assert Person.objects.filter(full_name__iexact="pete hill").count() == 1
    response = manager.post(url, {"full_name": "Pete Hill", "someone_else": "on", "organisation": "NHS"})
    assert response.status_code == 302
    assert Person.objects.filter(full_name__iexact="pete hill").count() == 2
    with pytest.raises(PersonExists):
        person_add(partnership=seeded.partnership, full_name="PETE HILL", organisation=None)


def test_the_directory_lists_filters_and_pages_for_everyone_with_a_role(seeded: Cast) -> None:
    Person.objects.bulk_create(
        Person(partnership=seeded.partnership, full_name=f"Zed Person {n:02}") for n in range(60)
    )
    url = reverse("people", args=[seeded.partnership.slug])
    for user in (seeded.viewer, seeded.member, seeded.manager):
        client = signed_in(user)
        first = client.get(url)
        assert first.status_code == 200
        rows = lxml.html.fromstring(first.content).xpath("//table//tbody/tr")
        assert len(rows) == 50
        assert ("Add a person" in text_of(first)) == (user == seeded.manager)
        second = client.get(url, {"page": "2"})
        assert len(lxml.html.fromstring(second.content).xpath("//table//tbody/tr")) == 68 - 50
    found = signed_in(seeded.viewer).get(url, {"q": "hill"})
    assert "1 person matching “hill”" in text_of(found) and "Pete Hill" in text_of(found)
    by_initials = signed_in(seeded.viewer).get(url, {"q": "JCo"})
    assert "John Coleman" in text_of(by_initials)
    assert signed_in(seeded.outsider).get(url).status_code == 404


# Correcting -----------------------------------------------------------------------------------------------


def correction(person: Person, **typed: str) -> dict[str, str]:
    seen = Seen.of(person)
    return {
        "full_name": seen.full_name,
        "organisation": seen.organisation,
        "job_title": seen.job_title,
        "seen_full_name": seen.full_name,
        "seen_organisation": seen.organisation,
        "seen_job_title": seen.job_title,
        **typed,
    }


def test_a_correction_is_saved_and_audited(seeded: Cast, manager: Client) -> None:
    person = pete(seeded)
    url = reverse("person_correct", args=[person.pk])
    page = manager.get(url)
    assert page.status_code == 200 and 'value="Pete Hill"' in page.content.decode()
    response = manager.post(url, correction(person, full_name="Peter Hill", job_title="Superintendent"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.job_title) == ("Peter Hill", "Superintendent")
    changed = events(person, AuditEvent.Action.UPDATE)
    assert [e.changes for e in changed] == [
        {"full_name": ["Pete Hill", "Peter Hill"], "job_title": ["", "Superintendent"]}
    ]
    assert changed[0].username == "amrita"


def test_a_correction_from_a_stale_page_is_refused_keeping_what_was_typed(
    seeded: Cast, manager: Client
) -> None:
    person = pete(seeded)
    form = correction(person, full_name="Peter Hill")
    person_correct(  # someone else, first
        person=person,
        seen=Seen.of(person),
        full_name="Pete Hill",
        organisation="West Mercia Police",
        job_title="",
    )
    response = manager.post(reverse("person_correct", args=[person.pk]), form)
    assert response.status_code == 200 and title_of(response).startswith("Error: ")
    text = text_of(response)
    assert "Someone else corrected this person since you opened the page" in text
    assert "The record now says: Pete Hill, West Mercia Police." in text
    html = response.content.decode()
    assert 'value="Peter Hill"' in html  # what they typed
    assert 'name="seen_organisation" value="West Mercia Police"' in html  # saving again is not stale
    person.refresh_from_db()
    assert person.full_name == "Pete Hill" and str(person.organisation) == "West Mercia Police"
    again = dict(form, seen_organisation="West Mercia Police", organisation="West Mercia Police")
    assert manager.post(reverse("person_correct", args=[person.pk]), again).status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Peter Hill"
    with pytest.raises(StaleEdit):
        person_correct(
            person=person, seen=Seen("Pete Hill", "", ""), full_name="X", organisation="", job_title=""
        )


# Merging --------------------------------------------------------------------------------------------------


@pytest.fixture
def twins(seeded: Cast) -> tuple[Person, Person, Meeting]:
    """Peter Hill (kept, at another police force so the minutes' 'Pete Hill' does not match him) and the
    seed minutes' Pete Hill (removed), with what points at each."""
    meeting = Meeting.objects.get(board=seeded.board)
    keep = person_add(
        partnership=seeded.partnership,
        full_name="Peter Hill",
        organisation="West Mercia Police",
        initials="PJH",
    )
    remove = pete(seeded)
    remove.user = seeded.member
    remove.save()
    Attendance.objects.create(meeting=meeting, person=keep, status=Attendance.Status.APOLOGIES)
    Membership.objects.create(person=keep, board=seeded.board, role=Membership.Role.CHAIR)
    subgroup = Board.objects.create(partnership=seeded.partnership, name="Learning Subgroup", slug="learning")
    Membership.objects.create(person=remove, board=subgroup, role=Membership.Role.MEMBER)
    shared = Action.objects.filter(owner_people=remove).earliest("pk")
    shared.owner_people.add(keep)
    return keep, remove, meeting


def test_the_confirmation_page_shows_what_will_move_and_writes_nothing(
    seeded: Cast, manager: Client, twins: tuple[Person, Person, Meeting]
) -> None:
    keep, remove, _ = twins
    url = reverse("person_merge", args=[keep.pk])
    choose = manager.get(url)
    assert choose.status_code == 200 and "Merge with another record" in text_of(choose)
    before = (Person.objects.count(), AuditEvent.objects.count())
    page = manager.get(url, {"other": remove.pk, "keep": "this"})
    text = text_of(page)
    assert "Check the merge before you make it" in text
    assert (
        "2 meetings" not in text and "1 meeting attended (1 already the kept record's too: kept once)" in text
    )
    assert "2 board memberships (1 already the kept record's too: kept once)" in text
    assert "their Boardkeeper account (pete)" in text
    assert "“Pete Hill” will be kept as another spelling of Peter Hill" in text
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_a_merge_moves_actions_attendance_memberships_aliases_and_the_account(
    seeded: Cast, manager: Client, twins: tuple[Person, Person, Meeting]
) -> None:
    keep, remove, meeting = twins
    review = review_services.review_create(
        partnership=seeded.partnership,
        user=seeded.manager,
        pseudonym="Family M",
        kind="lcspr",
        on=dt.date(2024, 1, 8),
    )
    review.named_people.add(remove)
    owned = set(Action.objects.filter(owner_people__in=[keep, remove]).values_list("pk", flat=True))
    shared = Action.objects.filter(owner_people=keep).get()
    removed_id = remove.pk

    response = manager.post(reverse("person_merge", args=[keep.pk]), {"other": remove.pk, "keep": "this"})
    assert response.status_code == 302 and response["Location"] == reverse("person", args=[keep.pk])
    assert not Person.objects.filter(pk=removed_id).exists()
    keep.refresh_from_db()
    # actions: every one now the kept record's, the one both owned owned once
    assert set(Action.objects.filter(owner_people=keep).values_list("pk", flat=True)) == owned
    assert list(shared.owner_people.all()) == [keep]
    # attendance: both attended the meeting, the kept record's row stands (apologies), once
    assert list(Attendance.objects.filter(meeting=meeting, person=keep).values_list("status", flat=True)) == [
        "apologies"
    ]
    # memberships: the kept record's role stands where both sat; the other board's moves
    assert dict(Membership.objects.filter(person=keep).values_list("board__slug", "role")) == {
        "executive-board": "chair",
        "learning": "member",
    }
    # aliases: the removed record's initials, and its name, so later minutes match
    assert set(keep.aliases.values_list("alias", "kind")) == {
        ("PJH", "initials"),
        ("PH", "initials"),
        ("Pete Hill", "name"),
    }
    assert keep.user == seeded.member  # the account moves with the person
    assert list(review.named_people.all()) == [keep]
    # audited, in the name of who merged: the record removed, each duplicate dropped, each row moved
    (deleted,) = events(Person(pk=removed_id), AuditEvent.Action.DELETE)
    assert deleted.username == "amrita" and deleted.changes["full_name"] == ["Pete Hill", None]
    changes = [e.changes for e in events(keep, AuditEvent.Action.UPDATE)]
    assert {"user_id": [None, seeded.member.pk]} in changes  # the account moved, audited
    assert AuditEvent.objects.filter(
        model="directory.person", object_id=str(removed_id), action="delete"
    ).exists()
    assert AuditEvent.objects.filter(model="meetings.attendance", action="delete").count() == 1
    assert AuditEvent.objects.filter(model="directory.membership", action="delete").count() == 1
    assert AuditEvent.objects.filter(
        model="actions.action", changes__owner_people__added=["Peter Hill"]
    ).exists()
    assert AuditEvent.objects.filter(
        model="directory.personalias", changes__alias=[None, "Pete Hill"]
    ).exists()
    assert "were merged: Pete Hill is now known as Peter Hill" in text_of(manager.get(response["Location"]))


def test_the_merged_name_matches_in_a_later_import(
    seeded: Cast, twins: tuple[Person, Person, Meeting]
) -> None:
    keep, remove, _ = twins
    people_merge(keep=keep, remove=remove)
    other_board = Board.objects.create(partnership=seeded.partnership, name="Another Board", slug="another")
    result = import_file(
        board=other_board, user=seeded.manager, name=SEED_TXT.name, data=SEED_TXT.read_bytes()
    )
    assert not Person.objects.filter(partnership=seeded.partnership, full_name="Pete Hill").exists()
    assert Attendance.objects.filter(meeting=result.meeting, person=keep).exists()
    assert Action.objects.filter(meeting=result.meeting, owner_people=keep).exists()


def test_merging_the_other_way_keeps_the_other_record(
    seeded: Cast, manager: Client, twins: tuple[Person, Person, Meeting]
) -> None:
    keep, remove, _ = twins
    response = manager.post(reverse("person_merge", args=[keep.pk]), {"other": remove.pk, "keep": "other"})
    assert response["Location"] == reverse("person", args=[remove.pk])
    assert not Person.objects.filter(pk=keep.pk).exists()
    assert remove.aliases.filter(alias="Peter Hill", kind="name").exists()


def test_a_merge_across_partnerships_is_refused(seeded: Cast, manager: Client) -> None:
    elsewhere = Person.objects.create(partnership=seeded.other_partnership, full_name="Pete Hill")
    with pytest.raises(PersonRefused, match="same partnership"):
        people_merge(keep=pete(seeded), remove=elsewhere)
    assert merge_plan(pete(seeded), elsewhere).refusal
    response = manager.post(
        reverse("person_merge", args=[pete(seeded).pk]), {"other": elsewhere.pk, "keep": "this"}
    )
    assert response.status_code == 200 and title_of(response).startswith("Error: ")
    assert "Choose the other record" in text_of(response)  # not one of this partnership's to choose
    assert Person.objects.filter(pk=elsewhere.pk).exists()


def test_a_merge_of_two_records_with_accounts_is_refused(
    seeded: Cast, manager: Client, twins: tuple[Person, Person, Meeting]
) -> None:
    keep, remove, _ = twins
    keep.user = seeded.viewer
    keep.save()
    before = (Person.objects.count(), Attendance.objects.count())
    with pytest.raises(PersonRefused, match="Both records have a Boardkeeper account"):
        people_merge(keep=keep, remove=remove)
    url = reverse("person_merge", args=[keep.pk])
    for response in (
        manager.get(url, {"other": remove.pk, "keep": "this"}),
        manager.post(url, {"other": remove.pk, "keep": "this"}),
    ):
        assert response.status_code == 200 and title_of(response).startswith("Error: ")
        assert "Both records have a Boardkeeper account (victor and pete)" in text_of(response)
    assert (Person.objects.count(), Attendance.objects.count()) == before


# Who may --------------------------------------------------------------------------------------------------


def test_members_and_viewers_change_nothing_and_outsiders_find_nothing(
    seeded: Cast, twins: tuple[Person, Person, Meeting]
) -> None:
    keep, remove, _ = twins
    slug = seeded.partnership.slug
    writes: list[tuple[str, dict[str, Any]]] = [
        (reverse("person_add", args=[slug]), {"full_name": "Nadia Okafor"}),
        (reverse("person_correct", args=[keep.pk]), correction(keep, full_name="Changed")),
        (reverse("person_merge", args=[keep.pk]), {"other": remove.pk, "keep": "this"}),
    ]
    before = (Person.objects.count(), AuditEvent.objects.exclude(action__in=["sign_in"]).count())
    for who, refused in (("member", 403), ("viewer", 403), ("outsider", 404)):
        client = signed_in(getattr(seeded, who))
        for url, data in writes:
            assert client.get(url).status_code == refused, (who, url)
            assert client.get(url, data).status_code == refused, (who, url)
            assert client.post(url, data).status_code == refused, (who, url)
        person_page = client.get(reverse("person", args=[keep.pk]))
        if who != "outsider":
            assert reverse("person_correct", args=[keep.pk]) not in person_page.content.decode()
    assert (Person.objects.count(), AuditEvent.objects.exclude(action__in=["sign_in"]).count()) == before
    keep.refresh_from_db()
    assert keep.full_name == "Peter Hill"
