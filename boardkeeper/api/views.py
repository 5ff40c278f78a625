"""The public API, /api/v1/: partnerships, boards, meetings, actions (read, and progress updates), case
review clocks and the forward plan, for the user of a personal access token.

Every endpoint goes through the web's permission helpers (`boardkeeper.accounts.permissions`): what the
token's user cannot see on the web is not found here (404), what they may read but not change is refused
(403). Reviews' clocks follow need to know (`visible_reviews`, `get_review_for_user`). An action update is
`action_update`, with its version check (a stale version: 409 with the current one) and its audit rows, in
the token's user's name."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import ValidationError
from ninja.params.functions import Path, Query

from boardkeeper.accounts import tokens
from boardkeeper.accounts.permissions import (
    get_action_for_user,
    get_board_for_user,
    get_meeting_for_user,
    get_partnership_for_user,
    get_review_for_user,
    may_update_action,
    partnerships_for_user,
    signed_in_user,
)
from boardkeeper.actions import services as actions
from boardkeeper.actions.models import Action
from boardkeeper.api import schemas as s
from boardkeeper.api.auth import BearerToken, TokenRefused
from boardkeeper.audit import recorder
from boardkeeper.directory.models import Board
from boardkeeper.lib.dates import month_start
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import AgendaItem, Attendance, Meeting
from boardkeeper.plan import forward_plan as plans
from boardkeeper.reviews import services as reviews
from boardkeeper.reviews.clocks import Clock, clocks_of
from boardkeeper.reviews.models import Review

PER_PAGE = 50
MAX_ID = 2**31 - 1  # larger ids exist nowhere, and SQLite cannot compare with them
SLUG = r"^[-a-zA-Z0-9_]{1,80}$"

api = NinjaAPI(
    title="Boardkeeper API",
    version="1",
    description="The record of a safeguarding partnership, for its own tools. Send a personal access "
    "token: `Authorization: Bearer <token>`. Lists come 50 to a page (`?page=2`).",
    auth=BearerToken(),
    urls_namespace="api",
    openapi_url="/schema/",
    docs_url=None,  # the interactive docs load scripts from a CDN, which the pages' policy forbids
)

Refusals: dict[int, type[Schema]] = {401: s.Message, 404: s.Message, 422: s.Message, 429: s.Message}
PageNumber = Annotated[int, Query(1, ge=1, le=100_000, description="the page, from 1; 50 rows a page")]
Slug = Annotated[str, Path(..., pattern=SLUG, description="the partnership's slug")]
Id = Annotated[int, Path(..., ge=1, le=MAX_ID)]
BoardSlug = Annotated[str | None, Query(None, pattern=SLUG, description="one board's (its slug)")]


def _message(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = _message(request, 401, exc.message)
    response["WWW-Authenticate"] = 'Bearer realm="boardkeeper"'
    return response


@api.exception_handler(tokens.Throttled)
def _throttled(request: HttpRequest, exc: tokens.Throttled) -> HttpResponse:
    response = _message(
        request, 429, f"Too many requests with this token: wait {exc.retry_after} seconds and try again."
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _message(request, 404, "Not found.")  # the same for what is not there and what is not yours


@api.exception_handler(PermissionDenied)
def _refused(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _message(request, 403, str(exc) or "You may read this record but not change it.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Bad input, in words: which parameter or field, and what is wrong with it."""
    problems = [
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'not valid')}"
        for e in exc.errors
    ]
    return _message(request, 422, "; ".join(problems) or "The request is not valid.")


def _page(request: HttpRequest, count: int, page: int) -> dict[str, Any]:
    """The page's numbers and the addresses of its neighbours (the request's other parameters kept)."""
    pages = max(1, -(-count // PER_PAGE))

    def link(number: int) -> str | None:
        if not 1 <= number <= pages:
            return None
        params = {k: v for k, v in request.GET.items() if k != "page"} | {"page": str(number)}
        return request.build_absolute_uri(request.path + "?" + urlencode(params))

    return {"count": count, "page": page, "pages": pages, "next": link(page + 1), "previous": link(page - 1)}


def _rows(queryset: QuerySet[Any], page: int) -> list[Any]:
    return list(queryset[(page - 1) * PER_PAGE : page * PER_PAGE])


# Partnerships and boards --------------------------------------------------------------------------------


@api.get("/partnerships/", response={200: list[s.PartnershipOut], **Refusals}, url_name="partnerships")
def partnership_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The partnerships the token's user has a role in, with that role."""
    return [
        {"slug": r.partnership.slug, "name": r.partnership.name, "role": r.role}
        for r in partnerships_for_user(request)
    ]


def _board(board: Board, slugs: dict[int, str]) -> dict[str, Any]:
    return {"slug": board.slug, "name": board.name, "parent": slugs.get(board.parent_id or 0)}


@api.get("/partnerships/{slug}/", response={200: s.PartnershipDetail, **Refusals}, url_name="partnership")
def partnership_detail(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    """A partnership and its boards."""
    access = get_partnership_for_user(request, slug)
    boards = list(Board.objects.filter(partnership=access.partnership).order_by("name", "pk"))
    slugs = {b.pk: b.slug for b in boards}
    return {
        "slug": access.partnership.slug,
        "name": access.partnership.name,
        "role": access.role.role,
        "boards": [_board(b, slugs) for b in boards],
    }


# Meetings -----------------------------------------------------------------------------------------------


def _meeting(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "board": m.board.slug,
        "date": m.date,
        "time": m.time,
        "title": m.title,
        "location": m.location,
        "status": m.status,
    }


@api.get("/partnerships/{slug}/meetings/", response={200: s.MeetingPage, **Refusals}, url_name="meetings")
def meeting_list(
    request: HttpRequest,
    slug: Slug,
    board: BoardSlug = None,
    page: PageNumber = 1,
) -> dict[str, Any]:
    """The partnership's meetings (or one board's), latest first."""
    if board:
        found, access = get_board_for_user(request, slug, board)
        meetings = Meeting.objects.filter(board=found)
    else:
        access = get_partnership_for_user(request, slug)
        meetings = Meeting.objects.filter(board__partnership=access.partnership)
    meetings = meetings.select_related("board").order_by("-date", "-pk")
    return _page(request, meetings.count(), page) | {"results": [_meeting(m) for m in _rows(meetings, page)]}


@api.get("/meetings/{meeting_id}/", response={200: s.MeetingDetail, **Refusals}, url_name="meeting")
def meeting_detail(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    """A meeting with its agenda items (and their decisions) and who attended."""
    meeting, _ = get_meeting_for_user(request, meeting_id)
    items = AgendaItem.objects.filter(meeting=meeting).prefetch_related("decisions").order_by("position")
    attendance = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person__organisation", "deputy_for")
        .order_by("pk")
    )
    return _meeting(meeting) | {
        "items": [
            {
                "number": i.number,
                "title": i.title,
                "discussion": i.discussion,
                "decisions": [{"text": d.text} for d in i.decisions.all()],
            }
            for i in items
        ],
        "attendance": [
            {
                "person": a.person.full_name,
                "organisation": a.person.organisation.name if a.person.organisation else None,
                "role": a.role,
                "status": a.status,
                "deputy_for": a.deputy_for.full_name if a.deputy_for else None,
            }
            for a in attendance
        ],
    }


# Actions ------------------------------------------------------------------------------------------------


def _action(a: Action) -> dict[str, Any]:
    return {
        "id": a.pk,
        "board": a.meeting.board.slug,
        "meeting": a.meeting_id,
        "meeting_date": a.meeting.date,
        "item": f"{a.item.number} {a.item.title}".strip() if a.item else None,
        "text": a.text,
        "owners": actions.action_owner_names(a),
        "status": a.status,
        "due_date": a.due_date,
        "due_meeting_date": a.due_meeting.date if a.due_meeting else None,
        "due_text": a.due_text,
        "version": a.version,
    }


ActionStatus = Literal["open", "in_progress", "done", "dropped", "carried_forward"]


@api.get("/partnerships/{slug}/actions/", response={200: s.ActionPage, **Refusals}, url_name="actions")
def action_list(
    request: HttpRequest,
    slug: Slug,
    board: BoardSlug = None,
    status: Annotated[
        list[ActionStatus], Query([], description="only these statuses (repeat for several)")
    ] = [],  # noqa: B006
    sort: Annotated[Literal["oldest", "newest", "due"], Query("oldest")] = "oldest",
    page: PageNumber = 1,
) -> dict[str, Any]:
    """The action log of a partnership or of one board: the web's query, in the web's orders."""
    found: Board | None = None
    if board:
        found, access = get_board_for_user(request, slug, board)
    else:
        access = get_partnership_for_user(request, slug)
    log = actions.action_log_sorted(partnership=access.partnership, board=found, statuses=status, sort=sort)
    return _page(request, log.count(), page) | {"results": [_action(a) for a in _rows(log, page)]}


def _action_detail(action: Action) -> dict[str, Any]:
    return _action(action) | {
        "updates": [
            {
                "at": u.created_at,
                "status_from": u.status_from,
                "status_to": u.status_to,
                "note": u.note,
                "due_from": u.due_from,
                "due_to": u.due_to,
            }
            for u in action.updates.order_by("created_at", "pk")
        ]
    }


@api.get("/actions/{action_id}/", response={200: s.ActionDetail, **Refusals}, url_name="action")
def action_detail(request: HttpRequest, action_id: Id) -> dict[str, Any]:
    """One action, with its updates, oldest first."""
    action, _ = get_action_for_user(request, action_id)
    return _action_detail(action)


class ActionUpdateIn(Schema):
    version: int = Field(..., ge=1, le=MAX_ID, description="the version you read: a stale one is refused")
    status: ActionStatus
    note: str = Field("", max_length=5000)
    change_due: bool = Field(False, description="set the due date to due_date (null clears it)")
    due_date: dt.date | None = None


@api.post(
    "/actions/{action_id}/updates/",
    response={201: s.ActionDetail, 400: s.Message, 403: s.Message, 409: s.Stale, **Refusals},
    url_name="action_update",
)
def action_update(request: HttpRequest, body: ActionUpdateIn, action_id: Id) -> Any:
    """Progress on an action, a new status or due date: the owners and the business team only, as on the
    web. A `version` other than the action's current one changes nothing: 409, with the current version."""
    action, access = get_action_for_user(request, action_id)
    user = signed_in_user(request)
    if not may_update_action(access, action, user):
        raise PermissionDenied(
            "Viewers can read the record but not change it."
            if access.role.role == "viewer"
            else "Only the action's owners and the business team can update it."
        )
    try:
        with recorder.acting_as(user, ip=recorder.client_ip(request)):
            actions.action_update(
                action=action,
                user=user,
                version=body.version,
                status=body.status,
                note=body.note,
                change_due=body.change_due,
                due_date=body.due_date,
            )
    except StaleEdit as exc:
        if exc.current is None:
            raise Http404 from exc
        return Status(
            409,
            {
                "detail": "The action was changed by someone else since you read it: read it again.",
                "current_version": exc.current.version,
            },
        )
    action, _ = get_action_for_user(request, action_id)
    return Status(201, _action_detail(action))


# Case reviews' clocks -----------------------------------------------------------------------------------


def _clock(review: Review, clock: Clock) -> dict[str, Any]:
    return {
        "review": review.pk,
        "pseudonym": review.pseudonym,
        "kind": review.kind,
        "stage": review.stage,
        "clock": clock.key,
        "label": clock.label,
        "due": clock.due,
        "days_left": clock.days_left,
        "colour": clock.colour,
        "status": clock.status,
        "next_step": clock.next_step,
        "reason": clock.reason,
    }


@api.get(
    "/partnerships/{slug}/review-clocks/", response={200: s.ClockPage, **Refusals}, url_name="review_clocks"
)
def review_clocks(request: HttpRequest, slug: Slug, page: PageNumber = 1) -> dict[str, Any]:
    """Every statutory clock still running, of the reviews the token's user may see (need to know: the
    business team sees every review; anyone else those they are named on)."""
    access = get_partnership_for_user(request, slug)
    visible = set(
        reviews.visible_reviews(
            signed_in_user(request), access.partnership, business_team=access.can_edit
        ).values_list("pk", flat=True)
    )
    running = [
        (review, clock)
        for review, clock in reviews.open_clocks(partnership=access.partnership, today=timezone.localdate())
        if review.pk in visible
    ]
    rows = running[(page - 1) * PER_PAGE : page * PER_PAGE]
    return _page(request, len(running), page) | {"results": [_clock(r, c) for r, c in rows]}


@api.get(
    "/reviews/{review_id}/clocks/", response={200: list[s.ClockOut], **Refusals}, url_name="review_clocks_of"
)
def review_clock_list(request: HttpRequest, review_id: Id) -> list[dict[str, Any]]:
    """A review's clocks, met and running: its named people and the business team only."""
    review, _ = get_review_for_user(request, review_id)
    rules = reviews.rules_for(review.partnership)
    clocks = clocks_of(review, rules, today=timezone.localdate(), reasons=review.overrun_reasons.all())
    return [_clock(review, c) for c in clocks]


# The forward plan ---------------------------------------------------------------------------------------


@api.get(
    "/partnerships/{slug}/forward-plan/",
    response={200: s.ForwardPlanOut, **Refusals},
    url_name="forward_plan",
)
def forward_plan(
    request: HttpRequest,
    slug: Slug,
    start: Annotated[
        str | None,
        Query(
            None,
            alias="from",
            pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$",
            description="the first month, YYYY-MM",
        ),
    ] = None,
) -> dict[str, Any]:
    """Twelve months of every board's forward plan, month by month (as the partnership's plan page)."""
    access = get_partnership_for_user(request, slug)
    first = dt.date(int(start[:4]), int(start[5:]), 1) if start else month_start(timezone.localdate())
    months, _ = plans.partnership_forward_plan(partnership=access.partnership, start=first)
    return {
        "start": first,
        "months": [
            {
                "month": m.month,
                "entries": [
                    {
                        "board": board.slug,
                        "meeting_date": meeting.date if meeting else None,
                        "topic": entry.topic,
                        "owner": entry.owner_text,
                    }
                    for board, meeting, entry in m.rows
                ],
            }
            for m in months
        ],
    }
