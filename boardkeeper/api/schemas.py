"""What the API answers with: the OpenAPI schema is built from these."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class Message(Schema):
    detail: str


class Stale(Schema):
    detail: str
    current_version: int


class Page(Schema):
    """One page of a list, 50 rows a page, with the addresses of the pages either side."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class PartnershipOut(Schema):
    slug: str
    name: str
    role: str  # the token's user's role in it: business_team, member or viewer


class BoardOut(Schema):
    slug: str
    name: str
    parent: str | None  # the parent board's slug, for a subgroup


class PartnershipDetail(PartnershipOut):
    boards: list[BoardOut]


class MeetingOut(Schema):
    id: int
    board: str
    date: dt.date
    time: dt.time | None
    title: str
    location: str
    status: str


class MeetingPage(Page):
    results: list[MeetingOut]


class DecisionOut(Schema):
    text: str


class ItemOut(Schema):
    number: str
    title: str
    discussion: str
    decisions: list[DecisionOut]


class AttendanceOut(Schema):
    person: str
    organisation: str | None
    role: str
    status: str
    deputy_for: str | None


class MeetingDetail(MeetingOut):
    items: list[ItemOut]
    attendance: list[AttendanceOut]


class ActionOut(Schema):
    id: int
    board: str
    meeting: int
    meeting_date: dt.date
    item: str | None  # the agenda item's number and title
    text: str
    owners: list[str]
    status: str
    due_date: dt.date | None
    due_meeting_date: dt.date | None
    due_text: str
    version: int  # send it back with an update: a stale one is refused (409)


class ActionPage(Page):
    results: list[ActionOut]


class ActionUpdateOut(Schema):
    at: dt.datetime
    status_from: str
    status_to: str
    note: str
    due_from: dt.date | None
    due_to: dt.date | None


class ActionDetail(ActionOut):
    updates: list[ActionUpdateOut]


class ClockOut(Schema):
    review: int
    pseudonym: str
    kind: str
    stage: str
    clock: str
    label: str
    due: dt.date
    days_left: int  # working days; negative when overdue
    colour: str  # red, amber or green
    status: str  # in words
    next_step: str
    reason: str


class ClockPage(Page):
    results: list[ClockOut]


class PlanEntryOut(Schema):
    board: str
    meeting_date: dt.date | None  # the board's meeting it is for, if one is scheduled that month
    topic: str
    owner: str


class PlanMonthOut(Schema):
    month: dt.date
    entries: list[PlanEntryOut]


class ForwardPlanOut(Schema):
    start: dt.date
    months: list[PlanMonthOut]
