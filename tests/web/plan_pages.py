"""What the tests of the forward plan and of the agenda share: the seed minutes' plan, and reading the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
from cast import Cast
from django.urls import reverse

from boardkeeper.meetings.models import Meeting

MARCH = dt.date(2022, 3, 11)
OFSTED = "Ofsted & IICSA report findings"
STRATEGY = "Draft Strategic Plan"
ACTION_LOG = "Minutes of the previous meeting and action log"
DRAFT = ["Welcome, introductions and apologies", ACTION_LOG, OFSTED, "Any other business"]


def html_of(response: Any) -> Any:
    return lxml.html.fromstring(response.content)


def plan_url(cast: Cast, **query: str) -> str:
    url = reverse("forward_plan", args=[cast.partnership.slug, cast.board.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def agenda_titles(response: Any) -> list[str]:
    return [
        " ".join(h.text_content().split())
        for h in html_of(response).xpath("//h2[@class='govuk-summary-card__title']")
    ]


def agenda_url(meeting: Meeting) -> str:
    return reverse("agenda", args=[meeting.pk])
