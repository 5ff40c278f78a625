"""GOV.UK's date input (boardkeeper/lib/date_input.py) after an error, on 'Plan the next meeting': the error
summary's link goes to the first box at fault, and only the boxes at fault are marked; all three when the
whole date is wrong or missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
import pytest
from cast import Cast
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper.meetings.models import Meeting

DAY, MONTH, YEAR = "id_date", "id_date_month", "id_date_year"  # the boxes' ids: the day's is the field's


def plan(client: Client, cast: Cast, day: str, month: str, year: str) -> Any:
    response = client.post(
        reverse("forward_plan_schedule", args=[cast.partnership.slug, cast.board.slug]),
        {"date_day": day, "date_month": month, "date_year": year, "starts_at": "", "venue": ""},
    )
    assert response.status_code == 200  # refused: the page again, with its errors
    return lxml.html.fromstring(response.content)


def summary(page: Any) -> list[tuple[str, str]]:
    return [(a.text_content(), a.get("href")) for a in page.xpath("//div[@class='govuk-error-summary']//a")]


def marked(page: Any) -> list[str]:
    """The ids of the boxes marked as wrong."""
    return page.xpath("//input[contains(concat(' ', @class, ' '), ' govuk-input--error ')]/@id")


@pytest.mark.parametrize(
    ("typed", "message", "wrong"),
    [
        (("12", "", "2027"), "Date of the next meeting must include a month", [MONTH]),
        (("12", "3", ""), "Date of the next meeting must include a year", [YEAR]),
        (("", "3", ""), "Date of the next meeting must include a day and year", [DAY, YEAR]),
        (("12", "13", "2027"), "Date of the next meeting must be a real date", [MONTH]),
        (("12", "3", "27"), "Year must include 4 numbers", [YEAR]),
        (("", "", ""), "Enter the date of the next meeting.", [DAY, MONTH, YEAR]),
        (
            ("1", "3", "2021"),
            "The date of the next meeting must be today or in the future",
            [DAY, MONTH, YEAR],
        ),
    ],
)
def test_the_summary_links_to_the_first_box_at_fault_and_only_the_boxes_at_fault_are_marked(
    cast: Cast,
    held: Meeting,
    manager: Client,
    monkeypatch: pytest.MonkeyPatch,
    typed: tuple[str, str, str],
    message: str,
    wrong: list[str],
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))
    page = plan(manager, cast, *typed)
    ((said, href),) = summary(page)
    assert message in said
    assert href == f"#{wrong[0]}"
    assert page.xpath(f"//input[@id='{wrong[0]}']")  # the link leads to a box
    assert marked(page) == wrong
    # what was typed is kept in every box
    assert page.xpath("//div[@class='govuk-date-input']//input/@value") == list(typed)


def test_the_action_page_links_its_due_date_error_to_the_box_at_fault(held: Meeting, manager: Client) -> None:
    action = held.actions.order_by("position").first()
    assert action is not None
    response = manager.post(
        reverse("action", args=[action.pk]),
        {
            "version": action.version,
            "status": action.status,
            "note": "",
            "due_date_day": "4",
            "due_date_month": "3",
            "due_date_year": "",
        },
    )
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)
    assert summary(page) == [("Due date must include a year", "#id_due_date_year")]
    assert marked(page) == ["id_due_date_year"]
