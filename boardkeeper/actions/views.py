"""Pages of the action log: a board's and a partnership's log and its downloads, 'My actions', and one action
with its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.accounts.permissions import (
    Access,
    get_action_for_user,
    get_board_for_user,
    get_own_person_for_user,
    get_partnership_for_user,
    may_update_action,
    partnerships_for_user,
    signed_in_user,
)
from boardkeeper.actions import services
from boardkeeper.actions.csv_export import action_log_csv_response
from boardkeeper.actions.forms import ActionOwnersForm, ActionUpdateForm, LogFilterForm
from boardkeeper.actions.models import OPEN_STATUSES, Action, Flag
from boardkeeper.actions.services import MeetingsHeld
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.lib import exports
from boardkeeper.lib.http import attachment
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.meetings.models import Meeting

PAGE_SIZE = 50  # rows of a log page, and of each list of My actions
# the columns a log row shows (actions/_table.html, _owners, _due, _flag): the rest (quote, the item's
# discussion) is never read for a list
SHOWN = (
    "board_id",
    "meeting_id",
    "item_id",
    "position",
    "text",
    "owner_text",
    "due_date",
    "due_meeting_id",
    "due_text",
    "status",
    "version",
    "meeting__date",
    "meeting__board_id",
    "meeting__board__name",
    "meeting__board__slug",
    "meeting__board__partnership_id",
    "item__number",
    "item__title",
    "item__meeting_id",
    "item__position",
    "due_meeting__date",
    "due_meeting__board_id",
)


@dataclass(frozen=True, slots=True)
class Row:
    action: Action
    flag: Flag


def rows_of(actions: Iterable[Action], held: MeetingsHeld, today: dt.date) -> list[Row]:
    return [Row(a, a.flag(today, meetings_since=held.since(a.board_id, a.meeting.date))) for a in actions]


def page_of(actions: QuerySet[Action], number: str | None) -> Page[Any]:
    """One page of PAGE_SIZE actions in two steps: the page's ids, sorted and sliced on the action and its
    meeting alone (no agenda item, owners or due meeting joined to every matching row before the LIMIT),
    then those rows with the columns the log shows (SHOWN) and their owners. Queries: count, ids, rows,
    and the owners' two prefetches, however many actions match."""
    page: Page[Any] = Paginator(
        actions.prefetch_related(None).values_list("pk", flat=True), PAGE_SIZE
    ).get_page(number)
    ids = list(page.object_list)
    found = {a.pk: a for a in actions.filter(pk__in=ids).order_by().only(*SHOWN)} if ids else {}
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


def _status_counts(actions: QuerySet[Action]) -> list[tuple[str, str, int]]:
    """(status, label, number) for every status, in the order of Action.Status: one query. A plain count
    (no DISTINCT, which sorts every matching row): the owner filter joins one (action, person) row at most."""
    found = dict(actions.prefetch_related(None).order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, found.get(value, 0)) for value, label in Action.Status.choices]


def _action_log(request: HttpRequest, *, access: Access, board: Board | None) -> HttpResponse:
    partnership: Partnership = access.partnership
    today = timezone.localdate()
    form = LogFilterForm(request.GET, partnership=partnership, board=board)
    filters = form.filters()
    overdue_on = today if form.overdue_only else None
    actions = services.action_log_sorted(
        partnership=partnership, board=board, overdue_on=overdue_on, sort=form.sort_order, **filters
    )
    # the counts by status within the other filters: what choosing a status would show
    counts = _status_counts(
        services.action_log(
            partnership=partnership,
            board=board,
            owner=filters["owner"],
            raised_at=filters["raised_at"],
            overdue_on=overdue_on,
        )
    )
    page = page_of(actions, request.GET.get("page"))
    meetings = (
        Meeting.objects.filter(board=board)
        if board
        else Meeting.objects.filter(board__partnership=partnership)
    )
    held = MeetingsHeld(meetings, today)
    # htmx asks for the results alone when a filter changes; a history restore needs the whole page
    fragment = bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )
    context = {
        "access": access,
        "board": board,
        "show_board": board is None,
        "form": form,
        "narrowed": bool(overdue_on or filters["owner"] or filters["raised_at"]),
        "page": page,
        "page_links": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        "rows": rows_of(page.object_list, held, today),
        "counts": counts,
        "total": sum(n for _, _, n in counts),
        "latest_meeting": held.latest.get(board.pk) if board else None,
        "fragment": fragment,
    }
    response = render(request, "actions/_log_results.html" if fragment else "actions/log.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def board_actions(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug)
    return _action_log(request, access=access, board=board)


@require_GET
def partnership_actions(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    return _action_log(request, access=access, board=None)


@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    own = get_own_person_for_user(request)
    if own is None:
        return render(
            request, "actions/my_actions.html", {"person": None, "roles": partnerships_for_user(request)}
        )
    person, access = own
    today = timezone.localdate()
    actions = services.action_log(partnership=access.partnership, owner=person)
    # each list a page of PAGE_SIZE: the open ones oldest first, the done or dropped the latest first
    open_page = page_of(actions.filter(status__in=OPEN_STATUSES), request.GET.get("page"))
    closed_page = page_of(
        actions.exclude(status__in=OPEN_STATUSES).order_by("-meeting__date", "-position", "-pk"),
        request.GET.get("closed"),
    )
    held = MeetingsHeld(Meeting.objects.filter(board__partnership=access.partnership), today)
    return render(
        request,
        "actions/my_actions.html",
        {
            "access": access,
            "person": person,
            "open_page": open_page,
            "closed_page": closed_page,
            "open_rows": rows_of(open_page.object_list, held, today),
            "closed_rows": rows_of(closed_page.object_list, held, today),
        },
    )


@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, action_id: int) -> HttpResponse:
    action, access = get_action_for_user(request, action_id)
    user = signed_in_user(request)
    may_update = may_update_action(access, action, user)
    if request.method == "POST" and not may_update:
        if access.role.role == PartnershipRole.Role.VIEWER:
            raise PermissionDenied("Viewers can read the record but not change it, even an action they own.")
        raise PermissionDenied("Only the action's owners and the business team can update it.")
    form = ActionUpdateForm(request.POST if request.method == "POST" else None, action=action)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                user=user,
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                change_due=form.changes_due,
                due_date=form.cleaned_data.get("due_date"),
            )
        except StaleEdit as exc:
            if exc.current is None:
                raise Http404("This action has been removed.") from exc
            # nothing saved: show the action as it now is, and the form as they typed it, on its new version
            stale = True
            action.status, action.version = exc.current.status, exc.current.version
            action.due_date = exc.current.due_date
            form = rebound(form, action.version, action=action)
        else:
            messages.success(
                request,
                f"Your update was saved. The action is {action.get_status_display().lower()}"
                + (f", due {action.due_date:%-d %B %Y}." if action.due_date else "."),
            )
            return redirect("action", action_id=action.pk)
    history = action.history()
    today = timezone.localdate()
    held = MeetingsHeld(Meeting.objects.filter(board=action.board_id), today)
    return render(
        request,
        "actions/action.html",
        {
            "access": access,
            "action": action,
            "flag": action.flag(today, meetings_since=held.since(action.board_id, action.meeting.date)),
            "history": history,
            "latest": history[-1] if history else None,
            "may_update": may_update,
            "form": form,
            "stale": stale,
            "audit_events": audit.trail_of(action) if access.can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
def action_owners(request: HttpRequest, action_id: int) -> HttpResponse:
    """The business team corrects who owns an action and the meeting it is due at."""
    action, access = get_action_for_user(request, action_id, edit=True)
    form = ActionOwnersForm(request.POST if request.method == "POST" else None, action=action)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            update = services.action_reassign(
                action=action,
                user=signed_in_user(request),
                version=form.cleaned_data["version"],
                people=form.chosen_people(),
                teams=form.chosen_teams(),
                due_meeting=form.chosen_meeting(),
            )
        except StaleEdit as exc:
            if exc.current is None:
                raise Http404("This action has been removed.") from exc
            stale = True  # nothing saved: the action as it now is, their choices on its new version
            action = exc.current
            form = rebound(form, action.version, action=action)
        else:
            messages.success(request, update.note if update else "Nothing changed.")
            return redirect("action", action_id=action.pk)
    return render(
        request,
        "actions/action_owners.html",
        {"access": access, "action": action, "form": form, "stale": stale},
    )


# The log's downloads -----------------------------------------------------------------------------------


@require_GET
def board_actions_export(request: HttpRequest, slug: str, board_slug: str, fmt: str) -> HttpResponseBase:
    board, access = get_board_for_user(request, slug, board_slug)
    return _log_export(request, access=access, board=board, fmt=fmt)


@require_GET
def partnership_actions_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    access = get_partnership_for_user(request, slug)
    return _log_export(request, access=access, board=None, fmt=fmt)


def _log_export(request: HttpRequest, *, access: Access, board: Board | None, fmt: str) -> HttpResponseBase:
    """The log as its page shows it for the same query string (every page of it, not just the first)."""
    today = timezone.localdate()
    form = LogFilterForm(request.GET, partnership=access.partnership, board=board)
    actions = services.action_log_sorted(
        partnership=access.partnership,
        board=board,
        overdue_on=today if form.overdue_only else None,
        sort=form.sort_order,
        **form.filters(),
    )
    with_board = board is None
    name = f"{access.partnership.slug}-{board.slug}" if board else access.partnership.slug
    filename = f"{name}-actions-{today:%Y-%m-%d}.{fmt}"
    if fmt == "csv":  # streamed from values() rows: a 20,000-action log in well under a second
        audit.exported(filename, partnership_id=access.partnership.pk)
        return action_log_csv_response(actions, with_board=with_board, filename=filename)
    rows = list(_export_rows(actions))
    if fmt == "xlsx":
        data = exports.action_log_xlsx(rows, with_board=with_board)
    else:
        data = exports.four_column_docx(
            title=f"{board.name if board else access.partnership.name}: action log",
            lines=[access.partnership.name, f"As at {today:%-d %B %Y}. {len(rows)} actions."],
            rows=exports.action_log_four_columns(rows, with_board=with_board),
        )
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt=fmt)


def _export_rows(actions: Iterable[Action]) -> Iterator[exports.ActionRow]:
    for number, action in enumerate(actions, start=1):
        yield exports.ActionRow(
            number=number,
            item=str(action.item) if action.item else "",
            action=action.text,
            owners=", ".join(services.action_owner_names(action)),
            raised_at=action.meeting.date,
            due=action.due_summary,
            status=action.get_status_display(),
            board=action.meeting.board.name,
            minutes=action.meeting.minutes_status,
        )
