"""A review's statutory clocks: counted in working days over bank holidays, coloured by the days left,
stopped when their step is done (with the reason when it was late) or the review closes; the CLI that
lists them."""

from __future__ import annotations

import datetime as dt
import io
import json
from contextlib import redirect_stdout
from typing import Any

from cast import Cast, text_of
from django.test import Client
from django.urls import reverse
from review_steps import AWARE, clock_rows, section

from boardkeeper.cli import main as cli
from boardkeeper.lib.workdays import WorkingDays
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import OverrunReason, Review, ReviewRules


def test_a_notification_starts_the_clocks_in_working_days(cast: Cast, manager: Client) -> None:
    response = manager.post(
        reverse("notification_new", args=[cast.partnership.slug]),
        {"pseudonym": "Child Q", "aware_on": "08/04/2022"},
        follow=True,
    )
    review = Review.objects.get()
    assert (review.kind, review.stage, review.aware_on) == ("rapid_review", "notification", AWARE)
    rows = clock_rows(response)
    # 5 working days after Friday 8 April 2022, over Good Friday and Easter Monday
    assert rows["notification"].startswith("Notification to the National Panel Tue 19 Apr 2022 Overdue by")
    assert "Local authority: notify the Child Safeguarding Practice Review Panel" in rows["notification"]
    # 15 working days, over Easter and the early May bank holiday (2 May 2022)
    assert rows["rapid_review"].startswith("Rapid review Wed 4 May 2022")
    assert "bank holidays in England" in text_of(response)


def test_clock_colours_follow_the_working_days_left(cast: Cast, child_q: Review) -> None:
    rules = services.rules_for(cast.partnership)

    def clock(today: dt.date) -> Any:
        return {c.key: c for c in clocks_of(child_q, rules, today=today)}["notification"]

    assert (clock(dt.date(2022, 4, 8)).colour, clock(dt.date(2022, 4, 8)).status) == (
        "green",
        "5 working days left",
    )
    assert clock(dt.date(2022, 4, 14)).colour == "amber"  # 1 working day left: Easter comes between
    assert clock(dt.date(2022, 4, 19)).status == "Due today"
    overdue = clock(dt.date(2022, 4, 21))
    assert (overdue.colour, overdue.status, overdue.needs_reason) == (
        "red",
        "Overdue by 2 working days",
        True,
    )


def test_the_rapid_review_can_be_counted_from_the_notification(cast: Cast, child_q: Review) -> None:
    rules = services.rules_for(cast.partnership)
    rules.rapid_review_anchor = ReviewRules.Anchor.NOTIFICATION
    rules.save()
    assert [c.key for c in clocks_of(child_q, rules, today=AWARE)] == ["notification"]  # not notified yet
    child_q = services.notified(review=child_q, user=cast.manager, version=1, on=dt.date(2022, 4, 19))
    (_, rapid) = clocks_of(child_q, rules, today=AWARE)
    assert rapid.due == WorkingDays().add(dt.date(2022, 4, 19), 15) == dt.date(2022, 5, 11)


def test_a_late_step_needs_a_reason_and_the_reason_is_shown(
    cast: Cast, child_q: Review, manager: Client
) -> None:
    late = {"notified-on": "25/04/2022", "notified-version": "1"}
    refused = manager.post(section(child_q, "notified"), late)
    assert refused.status_code == 200
    assert "It was due by 19 April 2022: say why it ran over." in text_of(refused)
    assert Review.objects.get().notified_on is None
    late["notified-overrun_reason"] = "The referral reached the local authority over the Easter weekend."
    page = manager.post(section(child_q, "notified"), late, follow=True)
    assert clock_rows(page)["notification"].startswith(
        "Notification to the National Panel Tue 19 Apr 2022 Met late, on 25 April 2022 Reason for the overrun: "
        "The referral reached"
    )
    assert Review.objects.get().stage == "rapid_review"
    assert OverrunReason.objects.get().clock == "notification"


def test_an_overdue_clock_gets_its_reason_and_says_so(cast: Cast, child_q: Review, manager: Client) -> None:
    page = manager.get(reverse("review", args=[child_q.pk]))
    assert "No reason recorded for the overrun" in text_of(page)
    manager.post(
        section(child_q, "overrun"),
        {"overrun-clock": "notification", "overrun-reason": "Referral came late."},
    )
    rows = clock_rows(manager.get(reverse("review", args=[child_q.pk])))
    assert "Reason for the overrun: Referral came late." in rows["notification"]
    assert "No reason recorded" in rows["rapid_review"]
    refused = manager.post(section(child_q, "overrun"), {"overrun-clock": "lcspr", "overrun-reason": "x"})
    assert "Choose a clock from the list." in text_of(refused)  # not a clock of this review that ran over


def test_closing_a_review_stops_the_clocks_still_running(cast: Cast, child_q: Review) -> None:
    rules = services.rules_for(cast.partnership)
    assert [c.key for c in clocks_of(child_q, rules, today=AWARE)] == ["notification", "rapid_review"]
    closed = services.stage_move(
        review=child_q, user=cast.manager, version=1, to="closed", on=AWARE, note="Referred to another area"
    )
    assert clocks_of(closed, rules, today=dt.date(2023, 1, 1)) == []


def test_the_cli_lists_every_open_clock(cast: Cast, child_q: Review) -> None:
    services.review_create(
        partnership=cast.partnership, user=cast.manager, pseudonym="Adult B", kind="sar_mandatory", on=AWARE
    )
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli(["reviews", "clocks", "--json"]) == 0
    rows = json.loads(out.getvalue())
    assert [(r["review"], r["clock"], r["due"]) for r in rows] == [
        ("Child Q", "notification", "2022-04-19"),
        ("Child Q", "rapid_review", "2022-05-04"),
    ]
    assert rows[0]["status"] == "red" and rows[0]["working_days_left"] < 0
    services.notified(review=child_q, user=cast.manager, version=1, on=dt.date(2022, 4, 19))
    out = io.StringIO()
    with redirect_stdout(out):
        cli(["reviews", "clocks", "--json", "--partnership", cast.partnership.name])
    assert [r["clock"] for r in json.loads(out.getvalue())] == ["rapid_review"]
