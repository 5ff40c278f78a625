"""A meeting's agenda: drafted once from the standing items and the forward plan, then changed, moved,
added to and removed from by the business team, with the actions still open under the action-log item."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import docx
import pytest
from cast import Cast, signed_in, text_of
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from plan_pages import ACTION_LOG, DRAFT, OFSTED, agenda_titles, agenda_url, html_of, plan_url

from boardkeeper.actions.models import Action, AgendaEntry
from boardkeeper.actions.services import OPEN_STATUSES, open_actions_before
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.agenda import agenda_draft, agenda_entry_update
from boardkeeper.plan.next_meeting import schedule_next_meeting


def test_the_next_meeting_agenda_is_drafted_from_the_forward_plan(seeded: Cast) -> None:
    held = seeded.board.meetings.get(date=dt.date(2022, 2, 23))
    assert held.next_meeting_date == dt.date(2022, 3, 11)
    march = schedule_next_meeting(board=seeded.board, date=held.next_meeting_date)
    agenda = [e.title for e in agenda_draft(meeting=march)]
    assert agenda == [
        "Welcome, introductions and apologies",
        "Minutes of the previous meeting and action log",
        "Ofsted & IICSA report findings",
        "Any other business",
    ]
    assert agenda_draft(meeting=march)[2].pk  # drafted once, then kept
    assert open_actions_before(march).count() == 8


# Through the pages -------------------------------------------------------------------------------------


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
    open_actions = Action.objects.filter(board=cast.board, status__in=OPEN_STATUSES)
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
    entries = {e.title: e for e in agenda_draft(meeting=march)}
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

    remove = reverse("agenda_entry_remove", args=[march.pk, entries[DRAFT[0]].pk])
    link = html_of(manager.get(agenda_url(march))).xpath(f"//a[@href='{remove}']")
    assert link and "Remove" in link[0].text_content()  # the agenda's Remove asks first: it is a link
    question = manager.get(remove)
    assert question.status_code == 200 and f"Remove item 1, ‘{DRAFT[0]}’?" in text_of(question)
    assert AgendaEntry.objects.filter(pk=entries[DRAFT[0]].pk).exists()  # asking removes nothing
    assert manager.post(remove)["Location"] == agenda_url(march)
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
    entry = agenda_draft(meeting=march)[2]
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
    entry = agenda_draft(meeting=march)[2]
    url = reverse("agenda_entry", args=[march.pk, entry.pk])
    form = dict(html_of(manager.get(url)).xpath("//main//form[@method='post']")[0].form_values())
    agenda_entry_update(entry=entry, title="Renamed", presenter="", papers="", version=1)
    AgendaEntry.objects.filter(pk=entry.pk).delete()
    response = manager.post(url, form, follow=True)
    assert response.status_code == 404 or "removed from the agenda by someone else" in text_of(response)


def test_an_item_without_a_title_is_refused(cast: Cast, march: Meeting, manager: Client) -> None:
    entry = agenda_draft(meeting=march)[0]
    response = manager.post(
        reverse("agenda_entry", args=[march.pk, entry.pk]), {"title": " ", "presenter": "x", "version": "1"}
    )
    assert response.status_code == 200 and "Enter the item." in text_of(response)
    response = manager.post(agenda_url(march), {"title": "", "papers": "p"})
    assert response.status_code == 200 and "Enter the item." in text_of(response)
    assert [e.title for e in agenda_draft(meeting=march)] == DRAFT


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


def test_looking_at_a_proposed_agenda_writes_nothing(cast: Cast, march: Meeting, manager: Client) -> None:
    """The agenda is proposed from the standing items and the forward plan and shown, unsaved, until the
    business team first changes it: a GET never writes, whoever makes it."""
    for client in (signed_in(cast.viewer), manager):
        response = client.get(agenda_url(march))
        assert response.status_code == 200
        assert agenda_titles(response) == [f"{n}. {t}" for n, t in enumerate(DRAFT, start=1)]
        assert "This is the agenda proposed from the standing items and the forward plan" in text_of(response)
        assert client.get(reverse("agenda_export", args=[march.pk])).status_code == 200
    assert not AgendaEntry.objects.exists()
    viewers = html_of(signed_in(cast.viewer).get(agenda_url(march)))
    assert not viewers.xpath("//main//form[@method='post']")
    managers = html_of(manager.get(agenda_url(march)))
    assert managers.xpath("//main//button[normalize-space()='Save this agenda']")
    assert not managers.xpath("//main//a[normalize-space()='Change']")  # wording changes once it is saved


def test_the_first_change_to_a_proposed_agenda_saves_it(cast: Cast, march: Meeting, manager: Client) -> None:
    def titles() -> list[str]:
        return list(
            AgendaEntry.objects.filter(meeting=march).order_by("position").values_list("title", flat=True)
        )

    moved = manager.post(agenda_url(march), {"step": "up", "position": "3"})
    ofsted = AgendaEntry.objects.get(meeting=march, title=OFSTED)
    assert moved["Location"] == f"{agenda_url(march)}#entry-{ofsted.pk}"
    assert titles() == [DRAFT[0], OFSTED, ACTION_LOG, DRAFT[3]]
    # a second change made from the proposed page, now stale, is not applied to the saved agenda
    stale = manager.post(agenda_url(march), {"step": "remove", "position": "1"}, follow=True)
    assert "Someone else changed this agenda meanwhile" in text_of(stale)
    assert titles() == [DRAFT[0], OFSTED, ACTION_LOG, DRAFT[3]]
    assert "This is the agenda proposed" not in text_of(stale)


def test_saving_or_adding_to_a_proposed_agenda_saves_it(cast: Cast, march: Meeting, manager: Client) -> None:
    assert manager.post(agenda_url(march), {"step": "save"}).status_code == 302
    assert list(AgendaEntry.objects.filter(meeting=march).values_list("title", flat=True)) == DRAFT
    AgendaEntry.objects.all().delete()
    manager.post(agenda_url(march), {"title": "Annual report", "presenter": "", "papers": ""})
    assert list(
        AgendaEntry.objects.filter(meeting=march).order_by("position").values_list("title", flat=True)
    ) == [*DRAFT[:3], "Annual report", DRAFT[3]]


def test_removing_an_item_of_a_proposed_agenda(cast: Cast, march: Meeting, manager: Client) -> None:
    manager.post(agenda_url(march), {"step": "remove", "position": "1"})
    assert list(
        AgendaEntry.objects.filter(meeting=march).order_by("position").values_list("position", "title")
    ) == [(1, DRAFT[1]), (2, DRAFT[2]), (3, DRAFT[3])]
    assert manager.post(agenda_url(march), {"step": "sideways", "position": "1"}).status_code == 400


def test_a_viewer_cannot_save_a_proposed_agenda(cast: Cast, march: Meeting) -> None:
    viewer = signed_in(cast.viewer)
    assert viewer.post(agenda_url(march), {"step": "save"}).status_code == 403
    assert viewer.post(agenda_url(march), {"step": "up", "position": "3"}).status_code == 403
    assert not AgendaEntry.objects.exists()


# In a real browser -------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="/usr/bin/chromium is missing")
def test_in_a_browser_the_manager_plans_march_drafts_its_agenda_and_downloads_it(
    transactional_db: None,
    live_server: Any,
    cast: Cast,
    held: Meeting,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The forward plan, planning the 11 March 2022 meeting, its agenda (moved and added to), the Word
    download, and the agenda on a phone: a screenshot and an axe-core run on every page."""
    from browser import AXE_JS, VIEWPORT, Visits, launch
    from cast import PASSWORD
    from playwright.sync_api import expect, sync_playwright

    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm install` in the project"
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2022, 3, 1))  # 11 March still to come
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
            date = page.get_by_role("group", name="Date of the next meeting")
            for box, value in (("Day", "11"), ("Month", "3"), ("Year", "2022")):
                expect(date.get_by_label(box)).to_have_value(value)
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

            page.get_by_role("link", name="Remove item 4, Annual report 2021/22").click()  # asks first
            expect(page.get_by_role("heading", level=1)).to_have_text(
                "Remove item 4, ‘Annual report 2021/22’?"
            )
            visits.check(page, "removing an item asks first")
            page.get_by_role("link", name="No, keep it").click()
            expect(cards.nth(3)).to_have_text("4. Annual report 2021/22")

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


def test_the_agenda_docx_gives_the_time_and_venue_and_the_presenter_as_owner(
    cast: Cast, held: Meeting, manager: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planned with a time and a venue, the Word agenda gives both under the date, and an item's
    presenter is in the Owner column, not in the discussion."""
    import io

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2022, 3, 1))
    response = manager.post(
        reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug]),
        {"date": "11/03/2022", "starts_at": "10:00", "venue": "Shire Hall, Warwick"},
    )
    march = Meeting.objects.get(board=cast.board, date=dt.date(2022, 3, 11))
    assert response.status_code == 302, text_of(response)
    assert (march.time, march.location) == (dt.time(10, 0), "Shire Hall, Warwick")
    entry = agenda_draft(meeting=march)[2]
    agenda_entry_update(entry=entry, title=OFSTED, presenter="Pete Hill", papers="Paper 3", version=1)
    export = manager.get(reverse("agenda_export", args=[march.pk]))
    document = docx.Document(io.BytesIO(export.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "10:00" in text and "Shire Hall, Warwick" in text
    (table,) = document.tables
    (row,) = [[c.text for c in r.cells] for r in table.rows if r.cells[1].text.startswith(OFSTED)]
    assert row[3] == "Pete Hill"
    assert "Pete Hill" not in row[1] and "Papers: Paper 3" in row[1]
