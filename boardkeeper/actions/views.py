"""Pages of the action log: a board's and a partnership's log and its downloads, 'My actions', and one action
with its history."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
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
from boardkeeper.actions.forms import ActionOwnersForm, ActionUpdateForm, LogFilterForm
from boardkeeper.actions.models import Action, Flag
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.lib import exports
from boardkeeper.lib.http import attachment
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.meetings.models import Meeting

PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class Row:
    action: Action
    flag: Flag


class MeetingsHeld:
    """The meetings each board has held up to today, read in one query, so a flag costs no query."""

    def __init__(self, meetings: QuerySet[Meeting], today: dt.date):
        self.dates: dict[int, list[dt.date]] = defaultdict(list)
        self.latest: dict[int, Meeting] = {}  # board id: its latest meeting held
        for meeting in meetings.filter(date__lte=today).order_by("date", "pk").only("pk", "board_id", "date"):
            self.dates[meeting.board_id].append(meeting.date)
            self.latest[meeting.board_id] = meeting

    def since(self, board_id: int, date: dt.date) -> int:
        """How many meetings the board has held after `date`."""
        dates = self.dates.get(board_id, [])
        return len(dates) - bisect_right(dates, date)


def rows_of(actions: Iterable[Action], held: MeetingsHeld, today: dt.date) -> list[Row]:
    return [Row(a, a.flag(today, meetings_since=held.since(a.board_id, a.meeting.date))) for a in actions]


def _status_counts(actions: QuerySet[Action]) -> list[tuple[str, str, int]]:
    """(status, label, number) for every status, in the order of Action.Status: one query."""
    found = dict(
        actions.prefetch_related(None).order_by().values_list("status").annotate(n=Count("pk", distinct=True))
    )
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
    page = Paginator(actions, PAGE_SIZE).get_page(request.GET.get("page"))
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
    held = MeetingsHeld(Meeting.objects.filter(board__partnership=access.partnership), today)
    rows = rows_of(actions, held, today)
    return render(
        request,
        "actions/my_actions.html",
        {
            "access": access,
            "person": person,
            "open_rows": [r for r in rows if r.action.is_open],
            "closed_rows": [r for r in rows if not r.action.is_open],
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
def board_actions_export(request: HttpRequest, slug: str, board_slug: str, fmt: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug)
    return _log_export(request, access=access, board=board, fmt=fmt)


@require_GET
def partnership_actions_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    return _log_export(request, access=access, board=None, fmt=fmt)


def _log_export(request: HttpRequest, *, access: Access, board: Board | None, fmt: str) -> HttpResponse:
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
    rows = list(_export_rows(actions))
    name = f"{access.partnership.slug}-{board.slug}" if board else access.partnership.slug
    filename = f"{name}-actions-{today:%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        data = exports.action_log_csv(rows, with_board=with_board)
    elif fmt == "xlsx":
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
