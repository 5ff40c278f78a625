"""An open action with no due date is not 'on track' for ever (issue 16): amber after 3 months open and red
after 6, or after the months its partnership sets, on every page that shows a flag."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import lxml.html
from cast import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper.actions.models import Action
from boardkeeper.directory.models import Partnership
from boardkeeper.lib.dates import add_months
from boardkeeper.meetings.models import Meeting


def _raised(cast: Cast, on: dt.date, text: str, **fields: Any) -> Action:
    """An open action of the cast's board raised at the meeting held on `on`, with no due date."""
    meeting, _ = Meeting.objects.get_or_create(board=cast.board, date=on, defaults={"status": "held"})
    return Action.objects.create(board=cast.board, meeting=meeting, text=text, origin="manual", **fields)


def _flags(response: Any) -> dict[str, str]:
    """Each action's flag on a log page, as a reader sees it: 'Red No due date; ...'."""
    page = lxml.html.fromstring(response.content)
    found = {}
    for tr in page.xpath("//table[.//th[normalize-space()='Status and flag']]/tbody/tr"):
        text, flag = tr.xpath(".//*[@data-field='text']"), tr.xpath(".//*[@data-field='flag']")
        if text and flag:
            found[text[0].text_content().strip()] = " ".join(flag[0].text_content().split())
    return found


def _board_log(cast: Cast) -> str:
    return reverse("board_actions", args=[cast.partnership.slug, cast.board.slug])


def test_an_action_with_no_due_date_raised_in_2022_is_red_not_on_track(cast: Cast, manager: Client) -> None:
    _raised(cast, dt.date(2022, 2, 23), "Share the neglect audit findings")
    flags = _flags(manager.get(_board_log(cast)))
    assert flags["Share the neglect audit findings"] == "Red No due date; open more than 6 months"


def test_amber_from_three_months_open_and_red_from_six_to_the_day(cast: Cast, manager: Client) -> None:
    today = timezone.localdate()
    _raised(cast, add_months(today, -3) + dt.timedelta(days=1), "Not yet three months")
    _raised(cast, add_months(today, -3), "Three months to the day")
    _raised(cast, add_months(today, -6) + dt.timedelta(days=1), "Not yet six months")
    _raised(cast, add_months(today, -6), "Six months to the day")
    flags = _flags(manager.get(_board_log(cast)))
    # the board has met since, but not twice after the youngest: the months decide
    assert flags["Not yet three months"] == "Green On track"
    assert flags["Three months to the day"] == "Amber No due date; open more than 3 months"
    assert flags["Not yet six months"] == "Amber No due date; open more than 3 months"
    assert flags["Six months to the day"] == "Red No due date; open more than 6 months"


def test_a_dated_or_closed_action_is_not_flagged_by_its_age(cast: Cast, manager: Client) -> None:
    today = timezone.localdate()
    long_ago = dt.date(2022, 2, 23)
    _raised(cast, long_ago, "Due next year", due_date=today + dt.timedelta(days=365))
    _raised(cast, long_ago, "Done long ago", status="done")
    flags = _flags(manager.get(_board_log(cast)))
    assert flags["Due next year"] == "Green On track"
    assert flags["Done long ago"] == "Green Done"


def test_the_partnership_sets_its_own_months(cast: Cast, manager: Client) -> None:
    today = timezone.localdate()
    _raised(cast, today - dt.timedelta(days=45), "Six weeks old")
    _raised(cast, today - dt.timedelta(days=70), "Ten weeks old")
    flags = _flags(manager.get(_board_log(cast)))
    assert flags["Six weeks old"] == "Green On track" and flags["Ten weeks old"] == "Green On track"
    Partnership.objects.filter(pk=cast.partnership.pk).update(undated_amber_months=1, undated_red_months=2)
    flags = _flags(manager.get(_board_log(cast)))
    assert flags["Six weeks old"] == "Amber No due date; open more than 1 months"
    assert flags["Ten weeks old"] == "Red No due date; open more than 2 months"
    # another partnership's rule is its own
    assert Partnership.objects.get(pk=cast.other_partnership.pk).undated_amber_months == 3


def test_the_action_page_the_partnership_log_and_the_csv_show_the_same_flag(
    cast: Cast, manager: Client
) -> None:
    action = _raised(cast, dt.date(2022, 2, 23), "Share the neglect audit findings")
    red = "Red No due date; open more than 6 months"
    page = lxml.html.fromstring(manager.get(reverse("action", args=[action.pk])).content)
    (flag,) = page.xpath("//dt[normalize-space()='Flag']/following-sibling::dd[1]")
    assert " ".join(flag.text_content().split()) == red
    assert (
        _flags(manager.get(reverse("partnership_actions", args=[cast.partnership.slug])))[action.text] == red
    )
    response = manager.get(reverse("partnership_actions_export", args=[cast.partnership.slug, "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))
    (row,) = [r for r in rows if r.get("Action") == action.text]
    assert "Red – No due date; open more than 6 months" in row.values()


def test_the_business_team_sets_the_months_on_the_settings_page(cast: Cast, manager: Client) -> None:
    from boardkeeper.audit.models import AuditEvent

    url = reverse("review_settings", args=[cast.partnership.slug])
    (form,) = lxml.html.fromstring(manager.get(url).content).xpath("//form[.//input[@value='flags']]")
    data = dict(form.form_values())
    assert (data["flags-undated_amber_months"], data["flags-undated_red_months"]) == ("3", "6")
    # red not after amber: refused with a message, nothing saved
    refused = manager.post(url, {**data, "flags-undated_amber_months": "4", "flags-undated_red_months": "4"})
    assert refused.status_code == 200
    assert "Red must come after amber" in refused.content.decode()
    assert Partnership.objects.get(pk=cast.partnership.pk).undated_amber_months == 3
    saved = manager.post(url, {**data, "flags-undated_amber_months": "2", "flags-undated_red_months": "12"})
    assert saved.status_code == 302
    partnership = Partnership.objects.get(pk=cast.partnership.pk)
    assert (partnership.undated_amber_months, partnership.undated_red_months) == (2, 12)
    events = AuditEvent.objects.filter(model="directory.partnership", object_id=str(partnership.pk))
    event = events.order_by("pk").last()
    assert event is not None and event.changes["undated_red_months"] == [6, 12]
    # a board member may not change them
    assert signed_in_member(cast).post(url, {**data, "flags-undated_red_months": "24"}).status_code == 403


def signed_in_member(cast: Cast) -> Client:
    from cast import signed_in

    return signed_in(cast.member)
