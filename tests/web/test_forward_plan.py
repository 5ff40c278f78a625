"""The forward plan: entries made from the minutes; through its pages, a board's year by meeting and month,
entries added and removed by hand, the partnership's plan of every board, and planning the next meeting
from the last minutes; and who may change the plan and the agenda."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from cast import Cast, signed_in, text_of
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from plan_pages import (
    DRAFT,
    MARCH,
    OFSTED,
    STRATEGY,
    agenda_titles,
    agenda_url,
    html_of,
    plan_url,
)

from boardkeeper.actions.models import ForwardPlanEntry
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.agenda import agenda_draft
from boardkeeper.plan.forward_plan import forward_plan_entry_add, forward_plan_for, forward_plan_year
from boardkeeper.plan.next_meeting import schedule_next_meeting


def sections(response: Any) -> dict[str, list[str]]:
    """Each heading of the plan and the topics in the table under it."""
    found = {}
    for section in html_of(response).xpath("//main//section"):
        heading = " ".join(section.xpath(".//h2")[0].text_content().split())
        found[heading] = [
            " ".join(td.text_content().split())
            for td in section.xpath(".//tbody/tr/td[1]")
            if td.text_content()
        ]
    return {k: [t for t in v if t != "Nothing planned yet."] for k, v in found.items()}


# Entries from the minutes ------------------------------------------------------------------------------


def test_actions_that_ask_for_the_forward_plan_become_entries(seeded: Cast) -> None:
    entries = {e.topic: e for e in ForwardPlanEntry.objects.filter(board=seeded.board)}
    assert set(entries) == {"Ofsted & IICSA report findings", "Draft Strategic Plan"}
    assert entries["Ofsted & IICSA report findings"].target_month == dt.date(2022, 3, 1)
    assert entries["Ofsted & IICSA report findings"].owner_text == "Warwickshire Safeguarding Team"
    assert entries["Draft Strategic Plan"].target_month is None  # 'to future meeting': no month given


# The plan's pages --------------------------------------------------------------------------------------


def test_the_plan_shows_the_year_by_meeting_and_the_undated_entries(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    response = manager.get(plan_url(cast))
    assert response.status_code == 200
    assert "March 2022 to February 2023" in text_of(response)  # from the meeting still to come
    assert sections(response) == {
        "Meeting on Friday 11 March 2022": [OFSTED],
        "For a future meeting": [STRATEGY],
    }
    row = html_of(response).xpath(f"//tr[td[1][normalize-space()='{OFSTED}']]")[0]
    assert "Warwickshire Safeguarding Team" in row.text_content()
    source = row.xpath(".//a")[0]
    assert source.get("href") == reverse("meeting", args=[march.board.meetings.get(date="2022-02-23").pk])
    assert "item 11" in row.text_content()
    assert html_of(response).xpath(f"//a[@href='{agenda_url(march)}']")


def test_entries_without_a_meeting_are_shown_by_month_earlier_and_later(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    board = cast.board
    forward_plan_entry_add(board=board, topic="Budget", target_month=dt.date(2022, 6, 1))
    forward_plan_entry_add(
        board=board, topic="Annual report", target_month=dt.date(2021, 9, 1), recurs_annually=True
    )
    forward_plan_entry_add(board=board, topic="Far off", target_month=dt.date(2024, 1, 1))
    response = manager.get(plan_url(cast, **{"from": "2022-03"}))
    assert sections(response) == {
        "March 2022 No meeting scheduled": [OFSTED],
        "June 2022 No meeting scheduled": ["Budget"],
        "September 2022 No meeting scheduled": ["Annual report Every September"],
        "After February 2023": ["Far off"],
        "For a future meeting": [STRATEGY],
    }
    later = manager.get(plan_url(cast, **{"from": "2022-07"}))
    # never taken to a meeting: the latest first
    assert sections(later)["Earlier, not yet on an agenda"] == ["Budget", OFSTED]


def test_the_earlier_entries_are_paged_the_latest_first(cast: Cast, held: Meeting, manager: Client) -> None:
    """Entries never taken to a meeting stay earlier for good, so that list grows with the years: it is
    paged at 50, the months just missed first, and its pages keep the rest of the plan as it was."""
    board = cast.board
    for k in range(52):  # one a month, January 2016 to April 2020
        month = dt.date(2016 + k // 12, 1 + k % 12, 1)
        forward_plan_entry_add(board=board, topic=f"Topic of {month:%Y-%m}", target_month=month)
    first = manager.get(plan_url(cast, **{"from": "2022-07"}))
    earlier = sections(first)["Earlier, not yet on an agenda"]
    assert earlier[:3] == [OFSTED, "Topic of 2020-04", "Topic of 2020-03"]  # March 2022, then the latest
    assert len(earlier) == 50 and "Topic of 2016-04" in earlier and "Topic of 2016-03" not in earlier
    assert "53 entries, the latest first, showing 1 to 50" in text_of(first)
    nav = html_of(first).xpath("//nav[@id='earlier-pages']//a[@rel='next']")[0]
    assert nav.get("href") == "?from=2022-07&earlier=2"
    second = manager.get(plan_url(cast, **{"from": "2022-07", "earlier": "2"}))
    assert sections(second)["Earlier, not yet on an agenda"] == [f"Topic of 2016-0{m}" for m in (3, 2, 1)]
    assert sections(second)["For a future meeting"] == sections(first)["For a future meeting"] == [STRATEGY]


def test_each_meeting_gets_what_the_agenda_would_draft_from_the_plan(cast: Cast, march: Meeting) -> None:
    board = cast.board
    june = schedule_next_meeting(board=board, date=dt.date(2022, 6, 9))
    forward_plan_entry_add(board=board, topic="Budget", target_meeting=june)
    forward_plan_entry_add(
        board=board, topic="Scrutiny plan", target_month=dt.date(2021, 3, 1), recurs_annually=True
    )
    forward_plan_entry_add(board=board, topic="June item", target_month=dt.date(2022, 6, 1))
    plan = forward_plan_year(board=board, start=dt.date(2022, 3, 1))
    by_meeting = {slot.meeting: [e.topic for e in slot.entries] for slot in plan.slots if slot.meeting}
    assert by_meeting == {meeting: [e.topic for e in forward_plan_for(meeting)] for meeting in (march, june)}
    assert by_meeting[march] == [OFSTED, "Scrutiny plan"]


def test_the_business_team_adds_an_entry_for_a_month_that_recurs(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    response = manager.post(
        plan_url(cast),
        {
            "topic": "Threshold document",
            "target": "month:2022-09",
            "owner": "Business Manager",
            "recurs": "on",
        },
    )
    assert response.status_code == 302
    entry = ForwardPlanEntry.objects.get(topic="Threshold document")
    assert (
        entry.target_month,
        entry.target_meeting,
        entry.owner_text,
        entry.recurs_annually,
        entry.source_action,
    ) == (
        dt.date(2022, 9, 1),
        None,
        "Business Manager",
        True,
        None,
    )
    page = manager.get(response["Location"])
    assert "‘Threshold document’ is on the forward plan." in text_of(page)
    assert sections(page)["September 2022 No meeting scheduled"] == ["Threshold document Every September"]


def test_an_entry_for_a_meeting_takes_its_month_and_goes_on_its_agenda(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    manager.post(plan_url(cast), {"topic": "Budget", "target": f"meeting:{march.pk}", "owner": ""})
    entry = ForwardPlanEntry.objects.get(topic="Budget")
    assert (entry.target_meeting, entry.target_month) == (march, dt.date(2022, 3, 1))
    assert [e.title for e in agenda_draft(meeting=march)][2:4] == ["Budget", OFSTED]


def test_an_entry_is_refused_without_a_topic_or_with_a_yearly_one_without_a_month(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    before = ForwardPlanEntry.objects.count()
    response = manager.post(plan_url(cast), {"topic": "", "target": "", "recurs": "on"})
    assert response.status_code == 200
    assert html_of(response).xpath("//title")[0].text_content().startswith("Error:")
    summary = [a.text_content() for a in html_of(response).xpath("//div[@class='govuk-error-summary']//a")]
    assert summary == [
        "Enter the topic.",
        "Choose the meeting or month of an entry that comes round every year.",
    ]
    bad = manager.post(plan_url(cast), {"topic": "x", "target": "meeting:999999"})
    assert "Choose a meeting or month from the list." in text_of(bad)
    assert ForwardPlanEntry.objects.count() == before


def test_the_business_team_removes_an_entry(cast: Cast, march: Meeting, manager: Client) -> None:
    entry = ForwardPlanEntry.objects.get(topic=STRATEGY)
    url = reverse("forward_plan_entry_remove", args=[cast.partnership.slug, cast.board.slug, entry.pk])
    assert manager.get(url)["Location"] == plan_url(cast)  # a GET removes nothing
    assert ForwardPlanEntry.objects.filter(pk=entry.pk).exists()
    response = manager.post(url, follow=True)
    assert not ForwardPlanEntry.objects.filter(pk=entry.pk).exists()
    assert "‘Draft Strategic Plan’ is off the forward plan." in text_of(response)


def test_the_partnership_plan_merges_every_boards_months(cast: Cast, march: Meeting, manager: Client) -> None:
    from boardkeeper.directory.models import Board

    quality = Board.objects.create(partnership=cast.partnership, name="Quality Assurance Group", slug="qa")
    forward_plan_entry_add(board=quality, topic="Audit of strategy meetings", target_month=MARCH)
    forward_plan_entry_add(board=cast.other_board, topic="Somebody else's plan", target_month=MARCH)
    url = reverse("partnership_forward_plan", args=[cast.partnership.slug]) + "?from=2022-01"
    response = manager.get(url)
    assert response.status_code == 200
    (table,) = html_of(response).xpath("//h2[normalize-space()='March 2022']/following-sibling::table[1]")
    rows = [
        [" ".join(td.text_content().split()) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")
    ]
    assert rows == [
        ["Executive Board Meeting 11 March 2022 agenda", OFSTED, "Warwickshire Safeguarding Team"],
        ["Quality Assurance Group No meeting scheduled", "Audit of strategy meetings", "Not given"],
    ]
    assert "Somebody else's plan" not in text_of(response)
    assert "Executive Board: 1 for a future meeting" in text_of(response)  # the undated strategic plan
    assert signed_in(cast.outsider).get(url).status_code == 404
    assert signed_in(cast.viewer).get(url).status_code == 200


def test_the_plan_page_runs_the_same_queries_for_one_meeting_and_twelve(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    def count() -> int:
        manager.get(plan_url(cast))
        with CaptureQueriesContext(connection) as ctx:
            assert manager.get(plan_url(cast)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for month in range(4, 13):
        meeting = schedule_next_meeting(board=cast.board, date=dt.date(2022, month, 10))
        forward_plan_entry_add(board=cast.board, topic=f"Item {month}", target_meeting=meeting)
    assert count() == few


# The next meeting ------------------------------------------------------------------------------------


def test_the_next_meeting_is_planned_from_the_last_minutes_and_its_agenda_drafted(
    cast: Cast, held: Meeting, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2022, 3, 1))  # before 11 March 2022
    page = manager.get(plan_url(cast))
    form = "//form[button[normalize-space()='Plan the next meeting']]"
    boxes = {i.get("name"): i.get("value") for i in html_of(page).xpath(f"{form}//input[@inputmode]")}
    assert boxes == {"date_day": "11", "date_month": "3", "date_year": "2022"}
    assert "The minutes of the last meeting give 11 March 2022." in text_of(page)
    response = manager.post(
        reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug]),
        {"date_day": "11", "date_month": "3", "date_year": "2022", "starts_at": "", "venue": ""},
    )
    march = Meeting.objects.get(board=cast.board, date=MARCH)
    assert march.status == Meeting.Status.SCHEDULED
    assert response["Location"] == agenda_url(march)
    agenda = manager.get(response["Location"])
    assert agenda_titles(agenda) == [f"{n}. {t}" for n, t in enumerate(DRAFT, start=1)]
    # once scheduled, the suggestion is gone; another date can still be entered
    assert "The minutes of the last meeting give" not in text_of(manager.get(plan_url(cast)))


def test_a_meeting_is_not_planned_on_a_day_the_board_met_or_on_no_day(
    cast: Cast, held: Meeting, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2022, 2, 1))
    url = reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug])
    assert manager.get(url).status_code == 200
    for date, message in [
        ({"date": "23/02/2022"}, "The board already met on 23 February 2022."),
        ({"date": "31/02/2022"}, "Date of the next meeting must be a real date"),  # one string, as before
        ({"date": ""}, "Enter the date of the next meeting."),
        (
            {"date_day": "31", "date_month": "2", "date_year": "2022"},
            "Date of the next meeting must be a real date",
        ),
        ({"date_day": "", "date_month": "", "date_year": ""}, "Enter the date of the next meeting."),
        (
            {"date_day": "11", "date_month": "", "date_year": "2022"},
            "Date of the next meeting must include a month",
        ),
        ({"date_day": "11", "date_month": "3", "date_year": "22"}, "Year must include 4 numbers"),
        (
            {"date_day": "23", "date_month": "2", "date_year": "2022"},
            "The board already met on 23 February 2022.",
        ),
    ]:
        response = manager.post(url, date)
        assert response.status_code == 200 and message in text_of(response), date
    assert Meeting.objects.count() == 1
    # the box in error is the one marked, and the typed values are kept
    response = manager.post(url, {"date_day": "11", "date_month": "", "date_year": "2022"})
    marked = html_of(response).xpath("//input[contains(@class, 'govuk-input--error')]/@name")
    assert marked == ["date_month"]
    assert html_of(response).xpath("//input[@name='date_day']/@value") == ["11"]


# Who may change the plan and the agenda ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_members_and_viewers_read_the_plan_and_agenda_but_change_nothing(
    cast: Cast, march: Meeting, who: str
) -> None:
    client = signed_in(getattr(cast, who))
    entry = agenda_draft(meeting=march)[2]
    plan_entry = ForwardPlanEntry.objects.get(topic=STRATEGY)
    for url in (plan_url(cast), agenda_url(march)):
        response = client.get(url)
        assert response.status_code == 200
        assert not html_of(response).xpath("//main//form[@method='post']"), url
        assert "Remove" not in text_of(response) and "Move up" not in text_of(response)
    refused = [
        (plan_url(cast), {"topic": "Budget", "target": ""}),
        (
            reverse(
                "forward_plan_entry_remove", args=[cast.partnership.slug, cast.board.slug, plan_entry.pk]
            ),
            {},
        ),
        (
            reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug]),
            {"date": "01/04/2022"},
        ),
        (agenda_url(march), {"title": "Budget"}),
        (reverse("agenda_entry", args=[march.pk, entry.pk]), {"title": "Changed"}),
        (reverse("agenda_entry_move", args=[march.pk, entry.pk]), {"direction": "up"}),
        (reverse("agenda_entry_remove", args=[march.pk, entry.pk]), {}),
    ]
    for url, data in refused:
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("agenda_entry", args=[march.pk, entry.pk])).status_code == 403
    assert [e.title for e in agenda_draft(meeting=march)] == DRAFT
    assert ForwardPlanEntry.objects.count() == 2 and Meeting.objects.count() == 2


def test_an_outsider_finds_neither_plan_nor_agenda(cast: Cast, march: Meeting) -> None:
    client = signed_in(cast.outsider)
    entry = agenda_draft(meeting=march)[0]
    plan_entry = ForwardPlanEntry.objects.get(topic=STRATEGY)
    urls = [
        plan_url(cast),
        reverse("forward_plan_entry_remove", args=[cast.partnership.slug, cast.board.slug, plan_entry.pk]),
        reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug]),
        agenda_url(march),
        reverse("agenda_entry", args=[march.pk, entry.pk]),
        reverse("agenda_entry_move", args=[march.pk, entry.pk]),
        reverse("agenda_entry_remove", args=[march.pk, entry.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert (
            client.post(
                url, {"direction": "up", "title": "x", "topic": "x", "date": "01/04/2022"}
            ).status_code
            == 404
        ), url
    # an agenda item of one meeting is not found under another meeting's address
    other = Meeting.objects.create(board=cast.board, date=dt.date(2022, 5, 1))
    assert signed_in(cast.manager).get(reverse("agenda_entry", args=[other.pk, entry.pk])).status_code == 404


# What went wrong on the way (issue 16) -----------------------------------------------------------------


def test_a_yearly_entry_never_lands_on_a_meeting_before_its_first_month(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    """An entry first due in March 2027, every year, is not on the agenda of 11 March 2022 nor listed
    under it in the plan or its .xlsx; it comes round in March 2027 and each March after."""
    import io

    import openpyxl

    forward_plan_entry_add(
        board=cast.board, topic="Annual report", target_month=dt.date(2027, 3, 1), recurs_annually=True
    )
    assert "Annual report" not in [e.topic for e in forward_plan_for(march)]
    plan = forward_plan_year(board=cast.board, start=dt.date(2022, 3, 1))
    assert [e.topic for slot in plan.slots for e in slot.entries] == [OFSTED]
    assert [e.topic for e in plan.later] == ["Annual report"]
    export = manager.get(
        reverse("forward_plan_export", args=[cast.partnership.slug, cast.board.slug]) + "?from=2022-03"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = {row[2]: row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Annual report"] == "Later"
    later = schedule_next_meeting(board=cast.board, date=dt.date(2028, 3, 9))
    assert "Annual report" in [e.topic for e in forward_plan_for(later)]  # each March after
    from_2027 = forward_plan_year(board=cast.board, start=dt.date(2027, 1, 1))
    assert {slot.month: [e.topic for e in slot.entries] for slot in from_2027.slots} == {
        dt.date(2027, 3, 1): ["Annual report"]
    }


def test_an_entry_on_the_agenda_of_a_meeting_before_the_plan_is_shown_under_that_meeting(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    """From January 2027, the entry on the agenda of the still scheduled 11 March 2022 meeting (item 5
    once two items are added) is under that meeting, not 'Earlier, not yet on an agenda'."""
    from boardkeeper.plan.agenda import agenda_entry_add, agenda_entry_move

    agenda_draft(meeting=march)
    agenda_entry_add(meeting=march, title="Budget")
    agenda_entry_add(meeting=march, title="Scrutiny")
    ofsted = march.agenda.get(title=OFSTED)
    agenda_entry_move(entry=ofsted, by=1)
    agenda_entry_move(entry=ofsted, by=1)
    assert march.agenda.get(title=OFSTED).position == 5
    response = manager.get(plan_url(cast, **{"from": "2027-01"}))
    found = sections(response)
    assert "Earlier, not yet on an agenda" not in found
    assert found["Meeting on Friday 11 March 2022 Before January 2027, not yet held"] == [OFSTED]
    # an entry put on a saved agenda of a meeting in another month is shown under that meeting too
    june = schedule_next_meeting(board=cast.board, date=dt.date(2022, 6, 9))
    budget = forward_plan_entry_add(board=cast.board, topic="Budget plan", target_month=dt.date(2022, 1, 1))
    from boardkeeper.actions.models import AgendaEntry

    AgendaEntry.objects.create(meeting=june, position=1, title="Budget plan", source=budget)
    plan = forward_plan_year(board=cast.board, start=dt.date(2022, 3, 1))
    assert "Budget plan" in [e.topic for s in plan.slots if s.meeting == june for e in s.entries]
    assert "Budget plan" not in [e.topic for e in plan.earlier]


def _schedule_url(cast: Cast) -> str:
    return reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug])


def test_a_date_the_minutes_gave_that_has_passed_is_not_offered_and_a_past_date_is_refused(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    """Years after the minutes' 11 March 2022 the form is not filled with it, and a past date is refused."""
    for url in (plan_url(cast), _schedule_url(cast)):
        page = manager.get(url)
        day = html_of(page).xpath("//form[.//button[normalize-space()='Plan the next meeting']]//input")
        values = {i.get("name"): i.get("value") for i in day if i.get("type") != "hidden"}
        assert values.get("date_day") in ("", None) and values.get("date_year") in ("", None), url
        assert "The minutes of the last meeting gave 11 March 2022, which has passed." in text_of(page)
    response = manager.post(_schedule_url(cast), {"date_day": "11", "date_month": "3", "date_year": "2022"})
    assert response.status_code == 200
    assert "The date of the next meeting must be today or in the future" in text_of(response)
    assert not Meeting.objects.filter(date=MARCH).exists()


def test_the_forms_kept_between_requests_follow_the_meetings_however_they_change(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    """The page keeps its forms' fields between requests, under the meetings they offer and the date the
    last minutes suggest: a meeting held, or a suggestion changed, below the application shows at once."""
    url = plan_url(cast, **{"from": "2022-03"})

    def offered() -> list[str]:
        return [
            o.text_content() for o in html_of(manager.get(url)).xpath("//select[@id='id_target']//option")
        ]

    assert "Meeting on 11 March 2022" in offered()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meeting SET status = 'held' WHERE id = %s", [march.pk])
    assert "Meeting on 11 March 2022" not in offered()

    def hint() -> str:
        return " ".join(html_of(manager.get(url)).xpath("string(//div[@id='id_date-hint'])").split())

    assert "minutes" not in hint()  # the latest held meeting, 11 March, gives no next date
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE meetings_meeting SET next_meeting_date = %s WHERE id = %s", ["2022-04-07", march.pk]
        )
    assert "7 April 2022" in hint()
    # a form sent back with errors shows them, and the next plain request the kept fields again
    sent = manager.post(url, {"topic": "", "target": "month:2022-09"})
    assert "govuk-form-group--error" in sent.content.decode()
    assert "govuk-form-group--error" not in manager.get(url).content.decode()
