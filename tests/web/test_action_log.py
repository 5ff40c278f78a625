"""The action log pages: a board's and a partnership's log with filters, counts and flags; 'My actions';
one action's page, where its owner records progress and a stale update is refused without losing anything."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from cast import SEED_DOCX, Cast, signed_in, text_of
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boardkeeper.actions.models import Action, ActionUpdate
from boardkeeper.directory.models import Board, Person, Team
from boardkeeper.imports import services as meeting_services
from boardkeeper.meetings.models import AgendaItem, Meeting

PETES = "PH to share examples of incidents"
LLB = "LLB to be progressed"
BUDGET = "Seek update on budget shortfall sum from Finance"
STALE = "This action was changed by someone else"


def html_of(response: Any) -> Any:
    return lxml.html.fromstring(response.content)


def log_rows(response: Any) -> list[dict[str, str]]:
    """The rows of the page's action log tables as a reader sees them: each field by its name."""
    rows = []
    for tr in html_of(response).xpath("//table[.//th[normalize-space()='Status and flag']]/tbody/tr"):
        fields = {
            el.get("data-field"): " ".join(el.text_content().split()) for el in tr.xpath(".//*[@data-field]")
        }
        if fields:  # not the row that says there are none
            rows.append(fields)
    return rows


def counts(response: Any) -> dict[str, int]:
    page = html_of(response)
    return {td.get("data-status"): int(td.text_content()) for td in page.xpath("//td[@data-status]")}


def form_data(response: Any) -> dict[str, str]:
    (form,) = html_of(response).xpath("//main//form[@method='post']")
    return dict(form.form_values())


@pytest.fixture
def seeded(cast: Cast) -> Meeting:
    return meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


@pytest.fixture
def pete(cast: Cast, seeded: Meeting) -> Person:
    """Pete Hill of the seed minutes, whose account is the cast's board member."""
    person = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    person.user = cast.member
    person.save(update_fields=["user"])
    return person


@pytest.fixture
def manager(cast: Cast) -> Client:
    return signed_in(cast.manager)


def board_log(cast: Cast, board: Board | None = None) -> str:
    return reverse("board_actions", args=[cast.partnership.slug, (board or cast.board).slug])


def partnership_log(cast: Cast) -> str:
    return reverse("partnership_actions", args=[cast.partnership.slug])


def action_url(text: str) -> str:
    return reverse("action", args=[Action.objects.get(text=text).pk])


def test_the_board_log_lists_every_action_oldest_first_with_owners_and_counts(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    later = Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 11), status="held")
    Action.objects.create(board=cast.board, meeting=later, text="A later action", origin="manual")
    response = manager.get(board_log(cast))
    assert response.status_code == 200
    rows = log_rows(response)
    assert len(rows) == 9
    assert [r["text"] for r in rows][-1] == "A later action"  # oldest first
    petes = next(r for r in rows if r["text"] == PETES)
    assert petes["owner"] == "Pete Hill" and petes["status"] == "Open" and petes["raised"] == "23 Feb 2022"
    assert petes["item"].startswith("5.")
    assert next(r for r in rows if r["text"] == LLB)["owner"] == "Warwickshire Safeguarding Team"
    page = html_of(response)
    pete = Person.objects.get(full_name="Pete Hill")
    assert page.xpath(f"//main//table//a[@href='{reverse('person', args=[pete.pk])}']")
    assert page.xpath(f"//main//table//a[@href='{reverse('meeting', args=[seeded.pk])}']")
    assert counts(response) == {
        "open": 9,
        "in_progress": 0,
        "done": 0,
        "dropped": 0,
        "carried_forward": 0,
        "all": 9,
    }
    # and back to the board's meetings, and to the latest one held
    board = reverse("board", args=[cast.partnership.slug, cast.board.slug])
    assert page.xpath(f"//main//a[@href='{board}']")
    assert page.xpath(f"//main//a[@href='{reverse('meeting', args=[later.pk])}']")
    assert "9 actions match." in text_of(response)


def test_filters_by_owner_status_meeting_and_overdue_narrow_the_log_and_its_counts(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    Action.objects.filter(text=BUDGET).update(status="done")
    Action.objects.filter(text=LLB).update(status="in_progress", due_date=dt.date(2022, 3, 1))
    later = Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 11), status="held")
    Action.objects.create(board=cast.board, meeting=later, text="Raised in March", origin="manual")
    pete = Person.objects.get(full_name="Pete Hill")
    amrita = Person.objects.get(full_name="Amrita Sharma")

    by_owner = manager.get(board_log(cast), {"owner": amrita.pk})
    assert {r["text"] for r in log_rows(by_owner)} == {
        "Safeguarding Reviews Panel Members training to be explored",
        BUDGET,
        "Request partnership funding to be added to the School's Forum next agenda",
    }
    assert counts(by_owner)["open"] == 2 and counts(by_owner)["done"] == 1 and counts(by_owner)["all"] == 3

    by_status = manager.get(board_log(cast), {"status": ["done", "in_progress"]})
    assert {r["text"] for r in log_rows(by_status)} == {BUDGET, LLB}
    # the counts stay those of every status, so they say what ticking another would add
    assert counts(by_status)["open"] == 7 and counts(by_status)["all"] == 9
    boxes = html_of(by_status).xpath("//input[@name='status'][@checked]/@value")
    assert sorted(boxes) == ["done", "in_progress"]

    by_meeting = manager.get(board_log(cast), {"raised": later.pk})
    assert [r["text"] for r in log_rows(by_meeting)] == ["Raised in March"]

    overdue = manager.get(board_log(cast), {"overdue": "on"})
    assert [r["text"] for r in log_rows(overdue)] == [LLB]
    assert counts(overdue)["all"] == 1

    nobody = manager.get(board_log(cast), {"owner": pete.pk, "status": "done"})
    assert log_rows(nobody) == [] and "No actions match." in text_of(nobody)


def test_the_log_sorts_newest_first_and_by_due_date(cast: Cast, seeded: Meeting, manager: Client) -> None:
    later = Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 11), status="held")
    Action.objects.create(board=cast.board, meeting=later, text="Raised in March", origin="manual")
    Action.objects.filter(text=LLB).update(due_date=dt.date(2022, 4, 1))
    Action.objects.filter(text=BUDGET).update(due_meeting=later)
    newest = [r["text"] for r in log_rows(manager.get(board_log(cast), {"sort": "newest"}))]
    assert newest[0] == "Raised in March"
    due = [r["text"] for r in log_rows(manager.get(board_log(cast), {"sort": "due"}))]
    assert due[:2] == [BUDGET, LLB]  # due at the March meeting, then on 1 April; the undated after


def test_an_overdue_open_action_is_red_one_due_soon_amber_and_done_green(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    today = timezone.localdate()
    Action.objects.filter(text=LLB).update(due_date=today - dt.timedelta(days=1))
    Action.objects.filter(text=BUDGET).update(due_date=today + dt.timedelta(days=7))
    Action.objects.filter(text=PETES).update(due_date=today - dt.timedelta(days=30), status="done")
    rows = {r["text"]: r for r in log_rows(manager.get(board_log(cast)))}
    assert rows[LLB]["flag"] == "Red Overdue"
    assert rows[BUDGET]["flag"] == "Amber Due within 14 days"
    assert rows[PETES]["flag"] == "Green Done"
    # undated and raised in February 2022: red after 6 months open (issue 16; tests/web/test_undated_flag.py)
    ofsted = rows["Ofsted report and action plan to be shared with partners"]["flag"]
    assert ofsted == "Red No due date; open more than 6 months"
    page = html_of(manager.get(board_log(cast)))
    (llb,) = [tr for tr in page.xpath("//tbody/tr") if LLB in tr.text_content()]
    assert llb.xpath(".//strong[contains(@class, 'govuk-tag--red')]")


def test_an_action_without_a_due_date_turns_amber_once_the_board_has_met_twice_since(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    # the meetings rule alone: months open would flag these 2022 actions first (test_undated_flag.py)
    type(cast.board.partnership).objects.filter(pk=cast.board.partnership_id).update(
        undated_amber_months=1200, undated_red_months=1200
    )
    Meeting.objects.create(board=cast.board, date=dt.date(2022, 3, 11), status="held")
    rows = {r["text"]: r for r in log_rows(manager.get(board_log(cast)))}
    assert rows[PETES]["flag"] == "Green On track"  # met once since: it was reviewed, still on track
    Meeting.objects.create(board=cast.board, date=dt.date(2022, 5, 11), status="held")
    Meeting.objects.create(board=cast.board, date=timezone.localdate() + dt.timedelta(days=60))  # not yet
    rows = {r["text"]: r for r in log_rows(manager.get(board_log(cast)))}
    assert rows[PETES]["flag"] == "Amber No due date; open through 2 meetings"


def test_a_filter_changed_with_htmx_gets_only_the_results(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    response = manager.get(board_log(cast), {"status": "open"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "<form" not in body
    assert len(log_rows(response)) == 8
    status = html_of(response).xpath("//*[@id='action-log-status']")[0]
    assert status.get("hx-swap-oob") == "innerHTML" and "8 actions match." in status.text_content()
    assert "HX-Request" in response["Vary"]
    # without htmx the same address is the whole page, with its filter form
    whole = manager.get(board_log(cast), {"status": "open"})
    form = html_of(whole).xpath("//main//form[@method='get']")[0]
    assert form.get("hx-target") == "#action-log-results" and form.get("action") == board_log(cast)
    # a history restore asks for the whole page
    restore = manager.get(
        board_log(cast), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in restore.content


def test_bad_filter_values_are_reported_and_the_rest_still_applies(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    response = manager.get(board_log(cast), {"owner": "999999", "status": ["nonsense"], "sort": "sideways"})
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Choose an owner from the list." in page and "Choose statuses from the list." in page
    assert len(log_rows(response)) == 8
    # each error is linked from the summary, said beside its field, and named by the field's description
    html = lxml.html.fromstring(response.content)
    summary = [a.get("href") for a in html.xpath("//div[contains(@class, 'govuk-error-summary')]//a")]
    assert summary == ["#owner", "#status", "#sort"]
    for name, control in (("owner", "select"), ("sort", "select"), ("status", "fieldset")):
        error = html.xpath(f"//*[@id='{name}-error']")[0]
        assert "govuk-error-message" in error.get("class")
        described = html.xpath(f"//{control}[@aria-describedby='{name}-error']")
        assert described and "govuk-form-group--error" in described[0].xpath("ancestor::div[1]")[0].get(
            "class"
        )
    assert html.xpath("//select[@id='owner']/@class")[0].endswith("govuk-select--error")
    assert not html.xpath("//*[@id='raised-error']") and not html.xpath(
        "//select[@id='raised']/@aria-describedby"
    )
    assert html.xpath("//input[@id='status']/@value") == ["open"] and html.xpath("//input[@id='status-2']")


def test_the_partnership_log_spans_its_boards_and_no_other_partnerships(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    learning = Board.objects.create(partnership=cast.partnership, name="Learning Group", slug="learning")
    meeting = Meeting.objects.create(board=learning, date=dt.date(2022, 1, 5), status="held")
    Action.objects.create(
        board=learning, meeting=meeting, text="Circulate the learning brief", origin="manual"
    )
    elsewhere = Meeting.objects.create(board=cast.other_board, date=dt.date(2022, 1, 5))
    Action.objects.create(board=cast.other_board, meeting=elsewhere, text="Not ours", origin="manual")
    response = manager.get(partnership_log(cast))
    rows = log_rows(response)
    assert len(rows) == 9
    assert rows[0]["board"] == "Learning Group" and rows[0]["text"] == "Circulate the learning brief"
    assert "Not ours" not in text_of(response)
    assert html_of(response).xpath(f"//main//a[@href='{board_log(cast, learning)}']")
    by_meeting = manager.get(partnership_log(cast), {"raised": meeting.pk})
    assert [r["text"] for r in log_rows(by_meeting)] == ["Circulate the learning brief"]
    assert [r["text"] for r in log_rows(manager.get(board_log(cast, learning)))] == [
        "Circulate the learning brief"
    ]


def test_the_log_shows_50_rows_a_page(cast: Cast, seeded: Meeting, manager: Client) -> None:
    Action.objects.bulk_create(
        Action(board=cast.board, meeting=seeded, position=100 + n, text=f"Bulk action {n}", origin="manual")
        for n in range(250)
    )
    first = manager.get(board_log(cast), {"status": "open"})
    assert len(log_rows(first)) == 50
    assert "Showing 1 to 50 of 258 actions that match." in text_of(first)
    nxt = html_of(first).xpath("//nav[contains(@class, 'govuk-pagination')]//a[@rel='next']")[0]
    assert "status=open" in nxt.get("href") and "page=2" in nxt.get("href")
    last = manager.get(board_log(cast), {"status": "open", "page": 6})
    assert len(log_rows(last)) == 8 and log_rows(last)[-1]["text"] == "Bulk action 249"


def test_the_log_pages_in_place_keeping_its_filters(cast: Cast, seeded: Meeting, manager: Client) -> None:
    """Page 2 of 7 of the open actions: every link of the pagination keeps the filter, names the page by
    `page`, and loads the results in place through htmx (the address pushed); the page shown is current,
    and the pages far from it are elided."""
    Action.objects.bulk_create(
        Action(board=cast.board, meeting=seeded, position=100 + n, text=f"Bulk action {n}", origin="manual")
        for n in range(300)
    )
    nav = html_of(manager.get(board_log(cast), {"status": "open", "page": 2})).xpath(
        "//nav[@aria-label='Pages of the action log']"
    )[0]

    def query(link: Any) -> dict[str, list[str]]:
        return parse_qs(urlsplit(link.get("href")).query)

    (previous,) = nav.xpath(".//a[@rel='prev']")
    (following,) = nav.xpath(".//a[@rel='next']")
    assert query(previous) == {"status": ["open"], "page": ["1"]}
    assert query(following) == {"status": ["open"], "page": ["3"]}
    assert " ".join(following.text_content().split()) == "Next page"
    assert [" ".join(li.text_content().split()) for li in nav.xpath(".//li")] == [
        "1",
        "2",
        "3",
        "4",
        "⋯",
        "7",
    ]
    assert "govuk-pagination__item--ellipsis" in nav.xpath(".//li")[4].get("class").split()
    numbered = nav.xpath(".//li/a")
    assert [(a.text_content(), query(a)) for a in numbered] == [
        (str(n), {"status": ["open"], "page": [str(n)]}) for n in (1, 2, 3, 4, 7)
    ]
    assert nav.xpath(".//a[@aria-current='page']/text()") == ["2"]
    for link in [previous, following, *numbered]:
        if link.get("aria-current"):
            assert link.get("hx-get") is None  # the page shown is a plain link
        else:
            assert link.get("hx-get") == link.get("href")
            assert (link.get("hx-target"), link.get("hx-push-url")) == ("#action-log-results", "true")


def test_the_board_log_runs_the_same_queries_for_8_actions_and_208(
    cast: Cast, seeded: Meeting, manager: Client
) -> None:
    url = board_log(cast)

    def queries() -> list[str]:
        manager.get(url)  # warm: the session
        with CaptureQueriesContext(connection) as ctx:
            response = manager.get(url)
        assert response.status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    before = queries()
    people = list(Person.objects.filter(partnership=cast.partnership))
    team = Team.objects.get(partnership=cast.partnership, name="Warwickshire Safeguarding Team")
    for month in (3, 4, 5, 6):
        meeting = Meeting.objects.create(board=cast.board, date=dt.date(2022, month, 10), status="held")
        item = AgendaItem.objects.create(meeting=meeting, position=1, number="1", title=f"Item of {month}")
        for n in range(50):
            action = Action.objects.create(
                board=cast.board,
                meeting=meeting,
                item=item,
                position=n,
                text=f"Action {month}/{n}",
                origin="manual",
                due_date=dt.date(2022, month, 28) if n % 3 == 0 else None,
                due_meeting=seeded if n % 3 == 1 else None,
                due_text="by the summer" if n % 3 == 2 else "",
            )
            action.owner_people.add(people[n % len(people)])
            action.owner_teams.add(team)
    assert Action.objects.filter(board=cast.board).count() == 208
    after = queries()
    assert len(before) == len(after), "\n".join(after)
    assert len(log_rows(manager.get(url))) == 50


def test_the_partnership_log_and_my_actions_run_a_fixed_number_of_queries(
    cast: Cast, seeded: Meeting, pete: Person
) -> None:
    client = signed_in(cast.member)
    urls = [partnership_log(cast), reverse("my_actions")]

    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = [count(u) for u in urls]
    for n in range(30):
        action = Action.objects.create(
            board=cast.board, meeting=seeded, position=50 + n, text=f"More {n}", origin="manual"
        )
        action.owner_people.add(pete)
    assert [count(u) for u in urls] == before


def test_pete_sees_his_action_in_my_actions_records_progress_and_marks_it_done(
    cast: Cast, pete: Person
) -> None:
    client = signed_in(cast.member)
    mine = client.get(reverse("my_actions"))
    assert mine.status_code == 200
    assert [r["text"] for r in log_rows(mine)] == [PETES]
    assert "Still open (1)" in text_of(mine) and "Done or dropped (0)" in text_of(mine)
    url = action_url(PETES)
    assert html_of(mine).xpath(f"//main//a[@href='{url}']")

    page = client.get(url)
    assert page.status_code == 200
    assert "No updates yet" in text_of(page)
    data = form_data(page)
    assert data["version"] == "1" and data["status"] == "open"
    data.update(status="in_progress", note="examples shared with JG on 3 March")
    saved = client.post(url, data, follow=True)
    assert saved.redirect_chain == [(url, 302)]
    assert "Your update was saved. The action is in progress." in text_of(saved)

    data = form_data(saved)
    assert data["version"] == "2" and data["status"] == "in_progress" and data["note"] == ""
    data.update(status="done", note="")
    done = client.post(url, data, follow=True)
    assert "The action is done." in text_of(done)

    history = [
        " ".join(tr.text_content().split())
        for tr in html_of(done).xpath("//h2[@id='history']/following::table[1]/tbody/tr")
    ]
    assert len(history) == 2
    assert "Pete Hill Open → In progress examples shared with JG on 3 March" in history[0]
    assert "Pete Hill In progress → Done" in history[1]
    assert list(ActionUpdate.objects.values_list("author__username", "status_from", "status_to")) == [
        ("pete", "open", "in_progress"),
        ("pete", "in_progress", "done"),
    ]
    mine = client.get(reverse("my_actions"))
    assert "Still open (0)" in text_of(mine) and "Done or dropped (1)" in text_of(mine)


def test_my_actions_tells_someone_whose_account_is_linked_to_nobody(cast: Cast, seeded: Meeting) -> None:
    response = signed_in(cast.member).get(reverse("my_actions"))
    assert response.status_code == 200
    assert "Your account is not linked to a person in the directory" in text_of(response)
    assert html_of(response).xpath(f"//main//a[@href='{partnership_log(cast)}']")


def test_of_two_stale_updates_the_second_is_told_and_loses_nothing(cast: Cast, pete: Person) -> None:
    url = action_url(PETES)
    petes_client, managers_client = signed_in(cast.member), signed_in(cast.manager)
    petes_page, managers_page = form_data(petes_client.get(url)), form_data(managers_client.get(url))

    petes_page.update(status="in_progress", note="examples shared with JG")
    assert petes_client.post(url, petes_page).status_code == 302

    managers_page.update(status="dropped", note="Overtaken by the new protocol; agreed with the chair")
    refused = managers_client.post(url, managers_page)
    assert refused.status_code == 200
    page = text_of(refused)
    assert page.startswith("Error:") or "There is a problem" in page
    assert STALE in page
    assert "It is now in progress: Pete Hill updated it on" in page and "“examples shared with JG”" in page
    action = Action.objects.get(text=PETES)
    assert action.status == "in_progress" and action.version == 2
    assert ActionUpdate.objects.count() == 1
    kept = form_data(refused)
    assert kept["note"] == "Overtaken by the new protocol; agreed with the chair"
    assert kept["status"] == "dropped"
    assert kept["version"] == "2"  # now current: saving again is a considered decision, not a stale one

    again = managers_client.post(url, kept, follow=True)
    assert "Your update was saved. The action is dropped." in text_of(again)
    assert [u.status_to for u in ActionUpdate.objects.order_by("pk")] == ["in_progress", "dropped"]


def test_an_update_that_changes_nothing_is_asked_for_a_note(cast: Cast, pete: Person) -> None:
    client = signed_in(cast.member)
    url = action_url(PETES)
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 200
    assert "Write a progress note, or change the status or the due date." in text_of(response)
    assert not ActionUpdate.objects.exists()


def test_the_business_team_updates_any_action(cast: Cast, seeded: Meeting, manager: Client) -> None:
    url = action_url(LLB)
    data = form_data(manager.get(url))
    data.update(status="carried_forward", note="To the March meeting")
    assert manager.post(url, data).status_code == 302
    assert Action.objects.get(text=LLB).status == "carried_forward"


def test_a_viewer_reads_the_action_but_cannot_post_to_it(cast: Cast, seeded: Meeting) -> None:
    viewer = signed_in(cast.viewer)
    url = action_url(PETES)
    page = viewer.get(url)
    assert page.status_code == 200
    assert not html_of(page).xpath("//main//form[@method='post']")
    assert "Only the action's owners and the business team can update it." in text_of(page)
    response = viewer.post(url, {"status": "done", "note": "", "version": "1"})
    assert response.status_code == 403
    assert Action.objects.get(text=PETES).status == "open" and not ActionUpdate.objects.exists()


def test_a_member_cannot_update_someone_elses_action(cast: Cast, pete: Person) -> None:
    member = signed_in(cast.member)
    url = action_url(LLB)
    assert not html_of(member.get(url)).xpath("//main//form[@method='post']")
    assert member.post(url, {"status": "done", "note": "", "version": "1"}).status_code == 403
    assert Action.objects.get(text=LLB).status == "open"


def test_an_update_without_a_csrf_token_is_refused(cast: Cast, pete: Person) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    url = action_url(PETES)
    data = form_data(client.get(url))
    del data["csrfmiddlewaretoken"]
    data.update(status="done")
    assert client.post(url, data).status_code == 403
    assert Action.objects.get(text=PETES).status == "open"


def test_an_outsider_finds_none_of_the_action_log_pages(cast: Cast, seeded: Meeting) -> None:
    outsider = signed_in(cast.outsider)
    action = Action.objects.get(text=PETES)
    urls = [board_log(cast), partnership_log(cast), reverse("action", args=[action.pk])]
    assert [outsider.get(u).status_code for u in urls] == [404, 404, 404]
    assert outsider.post(urls[2], {"status": "done", "note": "", "version": "1"}).status_code == 404
    assert Action.objects.get(pk=action.pk).status == "open"
    # 'My actions' is their own: nothing of this partnership, even if linked to someone in it
    Person.objects.filter(pk__in=action.owner_people.all()).update(user=cast.outsider)
    mine = outsider.get(reverse("my_actions"))
    assert mine.status_code == 200 and PETES not in text_of(mine)
    assert "Your account is not linked to a person" in text_of(mine)


def test_the_download_links_carry_the_filters_shown(cast: Cast, seeded: Meeting, manager: Client) -> None:
    response = manager.get(board_log(cast), {"status": "open", "sort": "due", "page": "1"})
    links = html_of(response).xpath("//main//a[contains(@href, '/actions/export.')]/@href")
    export = reverse("board_actions_export", args=[cast.partnership.slug, cast.board.slug, "xlsx"])
    assert f"{export}?status=open&sort=due" in links and len(links) == 3


def test_an_owner_moves_the_due_date_and_the_history_keeps_both_dates(cast: Cast, pete: Person) -> None:
    client = signed_in(cast.member)
    url = action_url(PETES)
    before = Action.objects.get(text=PETES).due_date
    data = form_data(client.get(url))
    shown = [data[f"due_date_{p}"] for p in ("day", "month", "year")]  # GOV.UK's three boxes
    assert shown == ([str(before.day), str(before.month), str(before.year)] if before else ["", "", ""])
    data.update(due_date="30/04/2022")  # no note and no new status: moving the date is an update in itself
    assert client.post(url, data).status_code == 302
    action = Action.objects.get(text=PETES)
    assert action.due_date == dt.date(2022, 4, 30) and action.status == "open" and action.version == 2
    update = ActionUpdate.objects.get()
    assert (update.due_changed, update.due_from, update.due_to) == (True, before, dt.date(2022, 4, 30))
    page = text_of(client.get(url))
    assert "→ 30 April 2022" in page


def test_a_form_that_leaves_the_date_alone_does_not_move_it(cast: Cast, pete: Person) -> None:
    client = signed_in(cast.member)
    url = action_url(PETES)
    action = Action.objects.get(text=PETES)
    action.due_date = dt.date(2022, 3, 11)
    action.save()
    data = form_data(client.get(url))
    data.update(status="in_progress", note="under way")
    for p in ("day", "month", "year"):
        del data[f"due_date_{p}"]  # an older page, or a client that sends only the status
    assert client.post(url, data).status_code == 302
    assert Action.objects.get(text=PETES).due_date == dt.date(2022, 3, 11)
    assert not ActionUpdate.objects.get().due_changed


def test_a_due_date_that_does_not_exist_is_refused_and_nothing_is_saved(cast: Cast, pete: Person) -> None:
    client = signed_in(cast.member)
    url = action_url(PETES)
    data = form_data(client.get(url))
    data.update(due_date="31/02/2022", status="in_progress")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Enter a real due date, for example 11/03/2022." in text_of(response)
    assert html_of(response).xpath("//div[contains(@class,'govuk-error-summary')]//a[@href='#id_due_date']")
    assert Action.objects.get(text=PETES).status == "open" and not ActionUpdate.objects.exists()


def test_a_stale_page_that_left_the_date_alone_does_not_undo_a_new_date(cast: Cast, pete: Person) -> None:
    url = action_url(PETES)
    petes_client, managers_client = signed_in(cast.member), signed_in(cast.manager)
    petes_page, managers_page = form_data(petes_client.get(url)), form_data(managers_client.get(url))
    petes_page.update(due_date="30/04/2022", note="needs the April data")
    assert petes_client.post(url, petes_page).status_code == 302

    managers_page.update(status="in_progress", note="chased")
    refused = managers_client.post(url, managers_page)
    assert STALE in text_of(refused)
    kept = form_data(refused)
    assert [kept[f"due_date_{p}"] for p in ("day", "month", "year")] == ["30", "4", "2022"]
    assert kept["note"] == "chased"
    assert managers_client.post(url, kept).status_code == 302
    action = Action.objects.get(text=PETES)
    assert action.due_date == dt.date(2022, 4, 30) and action.status == "in_progress"
