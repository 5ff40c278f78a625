"""Each person's private calendar feed: their boards' meetings and the deadlines of their own open actions,
at an address that is its own secret, made and revoked on the calendar page."""

from __future__ import annotations

import datetime as dt

import icalendar
import lxml.html
import pytest
from cast import Cast, signed_in
from django.test import Client
from django.urls import reverse

from boardkeeper.actions.models import Action, CalendarFeed
from boardkeeper.directory.models import Person
from boardkeeper.meetings.models import Meeting

MARCH = dt.date(2022, 3, 11)
PETES = "PH to share examples of incidents"


@pytest.fixture
def pete(cast: Cast, held: Meeting) -> Person:
    """Pete Hill, as the import made him, signing in as the cast's board member."""
    person = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    person.user = cast.member
    person.save(update_fields=["user"])
    return person


def feed_of(client: Client) -> str:
    """The address the calendar page gives, after asking for one."""
    client.post(reverse("my_calendar"))
    page = lxml.html.fromstring(client.get(reverse("my_calendar")).content)
    (address,) = page.xpath("//input[@id='feed-url']/@value")
    return str(address)


def test_pete_gets_a_private_feed_of_his_boards_meetings_and_his_deadlines(
    cast: Cast, march: Meeting, pete: Person
) -> None:
    Action.objects.filter(text=PETES).update(due_date=dt.date(2022, 3, 4))
    Action.objects.filter(text__startswith="LLB").update(due_date=dt.date(2022, 3, 1))  # a team's: not his
    march.time = dt.time(10, 0)
    march.location = "Shire Hall, Warwick"
    march.save()
    client = signed_in(cast.member)
    address = feed_of(client)
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")

    response = Client().get(address)  # no sign-in: the calendar program has only the address
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content and b"\n" not in response.content.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(response.content.decode())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Executive Board meeting", f"Action due: {PETES}"}
    meetings = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Executive Board meeting"]
    starts = sorted(str(e["DTSTART"].dt) for e in meetings)
    assert starts == ["2022-02-23", "2022-03-11 10:00:00+00:00"]  # the held meeting all day; March at 10
    timed = next(e for e in meetings if isinstance(e["DTSTART"].dt, dt.datetime))
    assert str(timed["LOCATION"]) == "Shire Hall, Warwick"
    deadline = events[f"Action due: {PETES}"]
    assert deadline["DTSTART"].dt == dt.date(2022, 3, 4)
    assert all(e["UID"] and e["DTSTAMP"] for e in calendar.walk("VEVENT"))
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == 3


def test_a_done_action_leaves_the_calendar(cast: Cast, march: Meeting, pete: Person) -> None:
    Action.objects.filter(text=PETES).update(due_date=dt.date(2022, 3, 4), status=Action.Status.DONE)
    response = Client().get(feed_of(signed_in(cast.member)))
    assert PETES not in response.content.decode()


def test_a_revoked_or_unknown_address_is_not_found_with_a_plain_message(
    cast: Cast, march: Meeting, pete: Person
) -> None:
    client = signed_in(cast.member)
    address = feed_of(client)
    response = client.post(reverse("my_calendar_revoke"), follow=True)
    assert "Your calendar address no longer works." in response.content.decode()
    assert CalendarFeed.objects.get().revoked_at is not None
    assert lxml.html.fromstring(response.content).xpath(
        "//button[normalize-space()='Get a calendar address']"
    )
    for url in [address, reverse("calendar_feed", args=["not-a-token"]), "/calendar/%00.ics"]:
        gone = Client().get(url)
        assert gone.status_code == 404, url
        assert gone["Content-Type"] == "text/plain; charset=utf-8"
        assert b"revoked" in gone.content


def test_a_new_address_stops_the_old_one(cast: Cast, march: Meeting, pete: Person) -> None:
    client = signed_in(cast.member)
    first = feed_of(client)
    second = feed_of(client)
    assert first != second
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200
    assert CalendarFeed.objects.filter(person=pete, revoked_at=None).count() == 1


def test_an_address_stops_when_its_person_loses_their_role(cast: Cast, march: Meeting, pete: Person) -> None:
    address = feed_of(signed_in(cast.member))
    cast.member.partnership_roles.all().delete()
    assert Client().get(address).status_code == 404


def test_someone_linked_to_nobody_is_told_and_gets_no_address(cast: Cast, held: Meeting) -> None:
    client = signed_in(cast.viewer)
    response = client.get(reverse("my_calendar"))
    assert response.status_code == 200
    assert "not linked to anyone in the directory" in response.content.decode()
    assert client.post(reverse("my_calendar")).status_code == 200
    assert client.post(reverse("my_calendar_revoke")).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_calendar_page_needs_a_sign_in_but_the_feed_does_not(
    cast: Cast, march: Meeting, pete: Person
) -> None:
    anonymous = Client()
    login = reverse("login")
    for url in (reverse("my_calendar"), reverse("my_calendar_revoke")):
        assert anonymous.get(url)["Location"] == f"{login}?next={url}"
        assert anonymous.post(url)["Location"] == f"{login}?next={url}"
    assert not CalendarFeed.objects.exists()
