"""The forward plan page, planning the next meeting, and drafting its agenda, through the pages."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import docx
import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boardkeeper.actions import services
from boardkeeper.actions.models import Action, AgendaEntry, ForwardPlanEntry
from boardkeeper.meetings import services as meeting_services
from boardkeeper.meetings.models import Meeting

MARCH = dt.date(2022, 3, 11)
OFSTED = "Ofsted & IICSA report findings"
STRATEGY = "Draft Strategic Plan"
ACTION_LOG = "Minutes of the previous meeting and action log"
DRAFT = ["Welcome, introductions and apologies", ACTION_LOG, OFSTED, "Any other business"]


def html_of(response: Any) -> Any:
    return lxml.html.fromstring(response.content)


@pytest.fixture
def held(cast: Cast) -> Meeting:
    """The seed minutes imported: the 23 February 2022 meeting, which gives 11 March as the next."""
    return meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


@pytest.fixture
def march(cast: Cast, held: Meeting) -> Meeting:
    return services.schedule_next_meeting(board=cast.board, date=MARCH)


@pytest.fixture
def manager(cast: Cast) -> Client:
    return signed_in(cast.manager)


def plan_url(cast: Cast, **query: str) -> str:
    url = reverse("forward_plan", args=[cast.partnership.slug, cast.board.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


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


def agenda_titles(response: Any) -> list[str]:
    return [
        " ".join(h.text_content().split())
        for h in html_of(response).xpath("//h2[@class='govuk-summary-card__title']")
    ]


def agenda_url(meeting: Meeting) -> str:
    return reverse("agenda", args=[meeting.pk])


# The forward plan --------------------------------------------------------------------------------------


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
    services.forward_plan_entry_add(board=board, topic="Budget", target_month=dt.date(2022, 6, 1))
    services.forward_plan_entry_add(
        board=board, topic="Annual report", target_month=dt.date(2021, 9, 1), recurs_annually=True
    )
    services.forward_plan_entry_add(board=board, topic="Far off", target_month=dt.date(2024, 1, 1))
    response = manager.get(plan_url(cast, **{"from": "2022-03"}))
    assert sections(response) == {
        "March 2022 No meeting scheduled": [OFSTED],
        "June 2022 No meeting scheduled": ["Budget"],
        "September 2022 No meeting scheduled": ["Annual report Every September"],
        "After February 2023": ["Far off"],
        "For a future meeting": [STRATEGY],
    }
    later = manager.get(plan_url(cast, **{"from": "2022-07"}))
    assert sections(later)["Earlier, not yet on an agenda"] == [OFSTED, "Budget"]  # never taken to a meeting


def test_each_meeting_gets_what_the_agenda_would_draft_from_the_plan(cast: Cast, march: Meeting) -> None:
    board = cast.board
    june = services.schedule_next_meeting(board=board, date=dt.date(2022, 6, 9))
    services.forward_plan_entry_add(board=board, topic="Budget", target_meeting=june)
    services.forward_plan_entry_add(
        board=board, topic="Scrutiny plan", target_month=dt.date(2021, 3, 1), recurs_annually=True
    )
    services.forward_plan_entry_add(board=board, topic="June item", target_month=dt.date(2022, 6, 1))
    plan = services.forward_plan_year(board=board, start=dt.date(2022, 3, 1))
    by_meeting = {slot.meeting: [e.topic for e in slot.entries] for slot in plan.slots if slot.meeting}
    assert by_meeting == {
        meeting: [e.topic for e in services.forward_plan_for(meeting)] for meeting in (march, june)
    }
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
    assert [e.title for e in services.agenda_draft(meeting=march)][2:4] == ["Budget", OFSTED]


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


def test_the_next_meeting_is_planned_from_the_last_minutes_and_its_agenda_drafted(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    page = manager.get(plan_url(cast))
    (date,) = html_of(page).xpath(
        "//form[button[normalize-space()='Plan the next meeting']]//input[@name='date']"
    )
    assert date.get("value") == "11/03/2022"
    assert "The minutes of the last meeting give 11 March 2022." in text_of(page)
    response = manager.post(
        reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug]),
        {"date": "11/03/2022"},
    )
    march = Meeting.objects.get(board=cast.board, date=MARCH)
    assert march.status == Meeting.Status.SCHEDULED
    assert response["Location"] == agenda_url(march)
    agenda = manager.get(response["Location"])
    assert agenda_titles(agenda) == [f"{n}. {t}" for n, t in enumerate(DRAFT, start=1)]
    # once scheduled, the suggestion is gone; another date can still be entered
    assert "The minutes of the last meeting give" not in text_of(manager.get(plan_url(cast)))


def test_a_meeting_is_not_planned_on_a_day_the_board_met_or_on_no_day(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    url = reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug])
    assert manager.get(url).status_code == 200
    for date, message in [
        ("23/02/2022", "The board already met on 23 February 2022."),
        ("31/02/2022", "Enter a real date, for example 11/03/2022."),
        ("", "Enter the date of the next meeting."),
    ]:
        response = manager.post(url, {"date": date})
        assert response.status_code == 200 and message in text_of(response), date
    assert Meeting.objects.count() == 1


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
        meeting = services.schedule_next_meeting(board=cast.board, date=dt.date(2022, month, 10))
        services.forward_plan_entry_add(board=cast.board, topic=f"Item {month}", target_meeting=meeting)
    assert count() == few


# The agenda --------------------------------------------------------------------------------------------


def test_the_march_agenda_lists_the_plan_and_every_open_action_under_the_action_log(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    response = manager.get(agenda_url(march))
    assert response.status_code == 200
    assert agenda_titles(response) == [f"{n}. {t}" for n, t in enumerate(DRAFT, start=1)]
    (card,) = html_of(response).xpath(
        f"//div[@class='govuk-summary-card'][.//h2[contains(., '{ACTION_LOG}')]]"
    )
    rows = card.xpath(".//table/tbody/tr")
    open_actions = Action.objects.filter(board=cast.board, status__in=services.OPEN_STATUSES)
    assert len(rows) == open_actions.count() == 8
    shown = {
        " ".join(r.xpath("./td[1]/a")[0].text_content().split()): r.xpath("./td[2]")[0].text_content().strip()
        for r in rows
    }
    assert shown["PH to share examples of incidents"] == "Pete Hill"
    assert shown["LLB to be progressed"] == "Warwickshire Safeguarding Team"
    assert set(shown) == {a.text for a in open_actions}


def test_an_action_done_is_no_longer_under_the_action_log(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    Action.objects.filter(text="PH to share examples of incidents").update(status=Action.Status.DONE)
    response = manager.get(agenda_url(march))
    assert "PH to share examples of incidents" not in text_of(response)
    assert "Actions still open from earlier meetings (7)" in text_of(response)


def test_items_are_changed_moved_added_and_removed(cast: Cast, march: Meeting, manager: Client) -> None:
    entries = {e.title: e for e in services.agenda_draft(meeting=march)}
    ofsted = entries[OFSTED]

    def titles() -> list[str]:
        return list(
            AgendaEntry.objects.filter(meeting=march).order_by("position").values_list("title", flat=True)
        )

    move = reverse("agenda_entry_move", args=[march.pk, ofsted.pk])
    assert manager.post(move, {"direction": "up"})["Location"] == f"{agenda_url(march)}#entry-{ofsted.pk}"
    assert titles() == [DRAFT[0], OFSTED, ACTION_LOG, DRAFT[3]]
    manager.post(reverse("agenda_entry_move", args=[march.pk, entries[DRAFT[0]].pk]), {"direction": "up"})
    assert titles()[0] == DRAFT[0]  # the first stays first

    change = reverse("agenda_entry", args=[march.pk, ofsted.pk])
    form = html_of(manager.get(change)).xpath("//main//form[@method='post']")[0]
    assert dict(form.form_values())["title"] == OFSTED
    manager.post(
        change,
        {
            "title": "Ofsted and IICSA findings",
            "presenter": "Nigel Minns",
            "papers": "Paper 2",
            "version": "1",
        },
    )
    ofsted.refresh_from_db()
    assert (ofsted.title, ofsted.presenter, ofsted.papers) == (
        "Ofsted and IICSA findings",
        "Nigel Minns",
        "Paper 2",
    )

    added = manager.post(agenda_url(march), {"title": "Annual report", "presenter": "", "papers": "Paper 4"})
    assert added.status_code == 302
    assert titles() == [
        DRAFT[0],
        "Ofsted and IICSA findings",
        ACTION_LOG,
        "Annual report",
        "Any other business",
    ]

    manager.post(reverse("agenda_entry_remove", args=[march.pk, entries[DRAFT[0]].pk]))
    assert titles() == ["Ofsted and IICSA findings", ACTION_LOG, "Annual report", "Any other business"]
    assert list(
        AgendaEntry.objects.filter(meeting=march).order_by("position").values_list("position", flat=True)
    ) == [1, 2, 3, 4]
    page = manager.get(agenda_url(march))
    assert agenda_titles(page)[0] == "1. Ofsted and IICSA findings"
    assert "Nigel Minns" in text_of(page) and "Paper 2" in text_of(page)


def test_of_two_stale_changes_to_an_item_the_second_is_told_and_keeps_its_words(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    entry = services.agenda_draft(meeting=march)[2]
    url = reverse("agenda_entry", args=[march.pk, entry.pk])
    first = dict(html_of(manager.get(url)).xpath("//main//form[@method='post']")[0].form_values())
    second = dict(first)
    first.update(title="Ofsted findings", presenter="Nigel Minns")
    assert manager.post(url, first).status_code == 302
    second.update(title="IICSA findings", papers="Paper 5")
    refused = manager.post(url, second)
    assert refused.status_code == 200
    page = text_of(refused)
    assert "This item was changed by someone else since you opened it" in page
    assert "It now reads: Item: Ofsted findings Presenter: Nigel Minns" in page
    kept = dict(html_of(refused).xpath("//main//form[@method='post']")[0].form_values())
    assert (kept["title"], kept["papers"], kept["version"]) == ("IICSA findings", "Paper 5", "2")
    entry.refresh_from_db()
    assert (entry.title, entry.presenter, entry.papers, entry.version) == (
        "Ofsted findings",
        "Nigel Minns",
        "",
        2,
    )
    assert manager.post(url, kept).status_code == 302  # saved again, knowingly
    entry.refresh_from_db()
    assert (entry.title, entry.papers) == ("IICSA findings", "Paper 5")


def test_a_change_to_an_item_removed_meanwhile_says_so(cast: Cast, march: Meeting, manager: Client) -> None:
    entry = services.agenda_draft(meeting=march)[2]
    url = reverse("agenda_entry", args=[march.pk, entry.pk])
    form = dict(html_of(manager.get(url)).xpath("//main//form[@method='post']")[0].form_values())
    services.agenda_entry_update(entry=entry, title="Renamed", presenter="", papers="", version=1)
    AgendaEntry.objects.filter(pk=entry.pk).delete()
    response = manager.post(url, form, follow=True)
    assert response.status_code == 404 or "removed from the agenda by someone else" in text_of(response)


def test_the_partnership_plan_merges_every_boards_months(cast: Cast, march: Meeting, manager: Client) -> None:
    from boardkeeper.directory.models import Board

    quality = Board.objects.create(partnership=cast.partnership, name="Quality Assurance Group", slug="qa")
    services.forward_plan_entry_add(board=quality, topic="Audit of strategy meetings", target_month=MARCH)
    services.forward_plan_entry_add(board=cast.other_board, topic="Somebody else's plan", target_month=MARCH)
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


def test_an_item_without_a_title_is_refused(cast: Cast, march: Meeting, manager: Client) -> None:
    entry = services.agenda_draft(meeting=march)[0]
    response = manager.post(
        reverse("agenda_entry", args=[march.pk, entry.pk]), {"title": " ", "presenter": "x", "version": "1"}
    )
    assert response.status_code == 200 and "Enter the item." in text_of(response)
    response = manager.post(agenda_url(march), {"title": "", "papers": "p"})
    assert response.status_code == 200 and "Enter the item." in text_of(response)
    assert [e.title for e in services.agenda_draft(meeting=march)] == DRAFT


def test_a_held_meetings_agenda_is_not_drafted_after_the_event(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    response = manager.get(agenda_url(held))
    assert response.status_code == 200
    assert "This meeting has been held" in text_of(response)
    assert not AgendaEntry.objects.exists()
    assert not html_of(response).xpath("//main//form[@method='post']")
    # nor by a hand-made request: the page hides the form, the view refuses the post
    posted = manager.post(agenda_url(held), {"title": "Added afterwards", "presenter": "", "papers": ""})
    assert posted.status_code == 403
    assert not AgendaEntry.objects.exists()


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_members_and_viewers_read_the_plan_and_agenda_but_change_nothing(
    cast: Cast, march: Meeting, who: str
) -> None:
    client = signed_in(getattr(cast, who))
    entry = services.agenda_draft(meeting=march)[2]
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
    assert [e.title for e in services.agenda_draft(meeting=march)] == DRAFT
    assert ForwardPlanEntry.objects.count() == 2 and Meeting.objects.count() == 2


def test_an_outsider_finds_neither_plan_nor_agenda(cast: Cast, march: Meeting) -> None:
    client = signed_in(cast.outsider)
    entry = services.agenda_draft(meeting=march)[0]
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


def test_the_agenda_page_runs_the_same_queries_for_8_open_actions_and_40(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    def count() -> int:
        manager.get(agenda_url(march))
        with CaptureQueriesContext(connection) as ctx:
            assert manager.get(agenda_url(march)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    held = Meeting.objects.get(date="2022-02-23")
    team = Action.objects.filter(owner_teams__isnull=False).first()
    assert team is not None
    for n in range(32):
        action = Action.objects.create(
            board=cast.board,
            meeting=held,
            position=100 + n,
            text=f"Action {n}",
            origin="manual",
            due_meeting=march,
        )
        action.owner_people.set(
            Action.objects.get(text="PH to share examples of incidents").owner_people.all()
        )
        action.owner_teams.set(team.owner_teams.all())
    assert count() == few


# In a real browser -------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="/usr/bin/chromium is missing")
def test_in_a_browser_the_manager_plans_march_drafts_its_agenda_and_downloads_it(
    transactional_db: None, live_server: Any, cast: Cast, held: Meeting, tmp_path: Path
) -> None:
    """The forward plan, planning the 11 March 2022 meeting, its agenda (moved and added to), the Word
    download, and the agenda on a phone: a screenshot and an axe-core run on every page."""
    from browser import AXE_JS, VIEWPORT, Visits, launch
    from cast import PASSWORD
    from playwright.sync_api import expect, sync_playwright

    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` in the project"
    folder = Path(os.environ.get("BOARDKEEPER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    plan = live_server.url + plan_url(cast)  # the ORM is not used once the browser's event loop runs
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB", accept_downloads=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        visits = Visits(folder, "plan")
        visits.clear()
        visits.watch(page)
        try:
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Username").fill(cast.manager.username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.goto(plan)
            expect(page.get_by_role("heading", level=1)).to_have_text("Forward plan")
            expect(page.get_by_label("Date of the next meeting")).to_have_value("11/03/2022")
            visits.check(page, "forward plan before March is planned")

            page.get_by_role("button", name="Plan the next meeting").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Agenda for Friday 11 March 2022")
            cards = page.locator(".govuk-summary-card__title")
            expect(cards).to_have_text([f"{n}. {t}" for n, t in enumerate(DRAFT, start=1)])
            log = page.locator(".govuk-summary-card").filter(has_text=ACTION_LOG)
            expect(log.get_by_role("table").locator("tbody tr")).to_have_count(8)
            visits.check(page, "agenda drafted")

            page.get_by_role("button", name=f"Move up item 3, {OFSTED}").click()
            expect(cards.nth(1)).to_have_text(f"2. {OFSTED}")
            page.get_by_label("Item", exact=True).fill("Annual report 2021/22")
            page.get_by_label("Papers").fill("Draft annual report (paper 4)")
            page.get_by_role("button", name="Add to the agenda").click()
            expect(cards.nth(3)).to_have_text("4. Annual report 2021/22")
            expect(cards.nth(4)).to_have_text("5. Any other business")
            visits.check(page, "agenda edited")

            with page.expect_download() as download:
                page.get_by_role("link", name="Download the agenda (Word, .docx)").click()
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)

            page.goto(plan)
            expect(page.get_by_role("heading", name="Meeting on Friday 11 March 2022")).to_be_visible()
            visits.check(page, "forward plan with March planned")
            page.set_viewport_size({"width": 320, "height": 640})
            page.go_back()
            visits.check(page, "agenda on a phone")
        finally:
            context.close()
            browser.close()
    visits.assert_clean()

    assert saved.name == "executive-board-agenda-2022-03-11.docx"
    (table,) = docx.Document(str(saved)).tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Item", "Discussion", "Action Required", "Owner"]
    assert [r[1].split("\n")[0] for r in rows[1:] if r[0]] == [
        DRAFT[0],
        OFSTED,
        ACTION_LOG,
        "Annual report 2021/22",
        "Any other business",
    ]
    assert sum(1 for r in rows[1:] if not r[0] and r[2]) == 8  # the open actions, under the action log
