"""Pages of the action log: a board's and a partnership's log and its downloads, 'My actions', and one action
with its history."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import escape  # as django.utils.html.escape (which calls it), without its lazy-string wrapper
from types import MappingProxyType
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
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
from boardkeeper.actions.csv_export import action_log_csv_response, flag_text, latest_notes, meetings_held
from boardkeeper.actions.forms import (
    ActionOwnersForm,
    ActionUpdateForm,
    LogFilterForm,
    Options,
    owner_options,
    raised_options,
)
from boardkeeper.actions.log_query import LogQuery, Owned, OwnedIds, PageIds
from boardkeeper.actions.models import OPEN_STATUSES, Action, Flag
from boardkeeper.actions.services import MeetingsHeld
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Partnership, Person, Team
from boardkeeper.lib import exports
from boardkeeper.lib.filters import short_day
from boardkeeper.lib.http import attachment
from boardkeeper.lib.pages import counted_page
from boardkeeper.lib.plain_sql import any_of
from boardkeeper.lib.reference import cached
from boardkeeper.lib.urls import address_of
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.meetings.models import AgendaItem, Meeting

PAGE_SIZE = 50  # rows of a log page, and of My actions' open list
CLOSED_PAGE_SIZE = 10  # rows of My actions' list of the done or dropped (the latest first)


STATUS_LABELS = dict(Action.Status.choices)


@dataclass(slots=True)
class LogAction:
    """One action as a log row shows it (actions/_table.html): the columns `_log_rows_sql` reads, in order, as a
    tuple (no model instance a row, and never the action's quote or its item's discussion), then its owners."""

    pk: int
    board_id: int
    board_name: str
    meeting_id: int
    raised: dt.date
    item_number: str | None
    item_title: str | None
    text: str
    owner_text: str
    due_date: dt.date | None
    due_meeting_id: int | None
    due_meeting_date: dt.date | None
    due_text: str
    status: str
    people: list[tuple[int, str]] = field(default_factory=list)  # (person id, name), by name
    teams: list[str] = field(default_factory=list)  # team names, by name

    @property
    def due_on(self) -> dt.date | None:
        """As `Action.due_on`: the earlier of its due date and its due meeting's day."""
        return min((d for d in (self.due_date, self.due_meeting_date) if d), default=None)


@dataclass(frozen=True, slots=True)
class Row:
    action: LogAction
    flag: Flag
    html: SafeString  # the row's <tr>, as actions/_table.html shows it


class _Links:
    """The addresses a log row links to, built from one reverse() each: reverse() per row (three or more
    a row, 50 rows) was a tenth of a log page's time."""

    def __init__(self) -> None:
        self.action = address_of("action")
        self.meeting = address_of("meeting")
        self.person = address_of("person")


def _owners_html(action: LogAction, links: _Links) -> str:
    """actions/_owners.html in Python: people (linked) then teams, else the minutes' words, else 'None'."""
    people = [
        f'<a class="govuk-link" href="{links.person(pk)}">{escape(name)}</a>' for pk, name in action.people
    ]
    teams = [escape(name) for name in action.teams]
    if people or teams:
        return ", ".join(people + teams)
    return escape(action.owner_text) if action.owner_text else '<span class="govuk-hint">None</span>'


def _due_html(action: LogAction, links: _Links) -> str:
    """actions/_due.html in Python: the due date, the due meeting, else the minutes' words, else 'Not set'."""
    parts = []
    if action.due_date:
        parts.append(short_day(action.due_date))
    if action.due_meeting_id is not None and action.due_meeting_date is not None:
        parts.append(
            f'<a class="govuk-link" href="{links.meeting(action.due_meeting_id)}">'
            f"Meeting of {short_day(action.due_meeting_date)}</a>"
        )
    if parts:
        return "<br>".join(parts)
    return escape(action.due_text) if action.due_text else '<span class="govuk-hint">Not set</span>'


def _row_html(action: LogAction, flag: Flag, links: _Links, show_board: bool) -> SafeString:
    """One row of actions/_table.html, built in Python: the template engine's includes, {% url %} and
    variable lookups cost about 1 ms a row, more than the page's SQL (bench/national.py --profile)."""
    board = f' at the <span data-field="board">{escape(action.board_name)}</span>' if show_board else ""
    item_text = (
        f', item <span data-field="item">{f"{escape(str(action.item_number))}. " if action.item_number else ""}'
        f"{escape(action.item_title)}</span>"
        if action.item_title is not None
        else ""
    )
    # every value below is escaped (escape()); the rest is fixed markup
    return mark_safe(
        '<tr class="govuk-table__row"><td class="govuk-table__cell">'
        f'<a class="govuk-link" href="{links.action(action.pk)}" data-field="text">{escape(action.text)}</a>'
        ' <span class="govuk-body-s govuk-!-display-block govuk-!-margin-top-1 govuk-!-margin-bottom-0">'
        f'Raised{board} on <a class="govuk-link" href="{links.meeting(action.meeting_id)}" data-field="raised">'
        f"{short_day(action.raised)}</a>{item_text}</span></td>"
        f'<td class="govuk-table__cell" data-field="owner" data-label="Owner">{_owners_html(action, links)}</td>'
        f'<td class="govuk-table__cell" data-field="due" data-label="Due">{_due_html(action, links)}</td>'
        '<td class="govuk-table__cell" data-label="Status">'
        '<span class="govuk-!-display-block govuk-!-margin-bottom-1" data-field="status">'
        f"{escape(STATUS_LABELS.get(action.status, action.status))}</span>"
        f'<span data-field="flag"><strong class="govuk-tag {flag.tag}">{flag.colour.capitalize()}</strong>'
        ' <span class="govuk-body-s govuk-!-display-block govuk-!-margin-top-1 govuk-!-margin-bottom-0">'
        f"{escape(flag.reason)}</span></span></td></tr>"
    )


def rows_of(
    actions: Iterable[LogAction], held: MeetingsHeld, today: dt.date, *, show_board: bool = True
) -> list[Row]:
    """The rows of a list page, each with its flag and its markup made here (one reverse() per page)."""
    links = _Links()
    rows = []
    for a in actions:
        flag = held.flag_of(a.board_id, a.status, a.due_on, a.raised, today)
        rows.append(Row(a, flag, _row_html(a, flag, links, show_board)))
    return rows


def page_of(ids: PageIds, number: str | None, *, count: int) -> Page[Any]:
    """One page of PAGE_SIZE actions (LogActions) in two steps: the page's ids, sorted and sliced on the
    action alone (no agenda item, owners or due meeting joined to every matching row before the LIMIT), then
    those rows with their owners (`log_actions`). `count` is how many match (the status counts): the
    paginator runs no COUNT. Two queries, however many actions match."""
    page = counted_page(ids, PAGE_SIZE, number, count=count)
    ids_of_page = list(page.object_list)
    found = log_actions(ids_of_page)
    page.object_list = [found[pk] for pk in ids_of_page if pk in found]
    return page


def log_actions(ids: list[int]) -> dict[int, LogAction]:
    """These actions as log rows, by id: their columns and their owners in one plain query
    (`_log_rows_sql`). Through the ORM this was three round trips (the rows, then people and teams), each
    built anew on every page: 40 % of a log page's own time (docs/benchmarks.md)."""
    found: dict[int, LogAction] = {}
    if not ids:
        return found
    test, params = any_of(connection, "a.id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"{_log_rows_sql(connection.vendor)} WHERE {test}", params)
        rows = cursor.fetchall()
    for *values, people, teams in rows:
        action = LogAction(*values)
        # the dates as the ORM gives them (SQLite returns ISO text)
        action.raised = _day(action.raised) or action.raised
        action.due_date, action.due_meeting_date = _day(action.due_date), _day(action.due_meeting_date)
        # people then teams, each by name, as the ORM's prefetch gave them
        action.people = sorted(((pk, name) for pk, name in _json_list(people)), key=lambda p: (p[1], p[0]))
        action.teams = sorted(_json_list(teams))
        found[action.pk] = action
    return found


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _json_list(value: Any) -> list[Any]:
    """An aggregated JSON list as Python: psycopg may give it parsed or as text; no rows give NULL (or [])."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, (str, bytes)) else list(value)


@functools.cache
def _log_rows_sql(vendor: str) -> str:
    """The log columns (LogAction's, in order) of actions `a` (the WHERE is the caller's), then their people
    [[id, name], ...] and teams [name, ...] as JSON lists, in the database's own JSON aggregate."""
    if vendor == "postgresql":
        people_agg, teams_agg = "json_agg(json_build_array(p.id, p.full_name))", "json_agg(t.name)"
    else:  # SQLite (its JSON functions are built in since 3.38)
        people_agg, teams_agg = "json_group_array(json_array(p.id, p.full_name))", "json_group_array(t.name)"
    people, teams = Action.owner_people.through._meta.db_table, Action.owner_teams.through._meta.db_table
    return (
        "SELECT a.id, a.board_id, b.name, a.meeting_id, m.date, i.number, i.title, a.text, a.owner_text,"
        " a.due_date, a.due_meeting_id, dm.date, a.due_text, a.status,"
        f" (SELECT {people_agg} FROM {people} o JOIN {Person._meta.db_table} p ON p.id = o.person_id"
        "  WHERE o.action_id = a.id),"
        f" (SELECT {teams_agg} FROM {teams} o JOIN {Team._meta.db_table} t ON t.id = o.team_id"
        "  WHERE o.action_id = a.id)"
        f" FROM {Action._meta.db_table} a"
        f" JOIN {Meeting._meta.db_table} m ON m.id = a.meeting_id"
        f" JOIN {Board._meta.db_table} b ON b.id = m.board_id"
        f" LEFT JOIN {AgendaItem._meta.db_table} i ON i.id = a.item_id"
        f" LEFT JOIN {Meeting._meta.db_table} dm ON dm.id = a.due_meeting_id"
    )


def _matching(counts: list[tuple[str, str, int]], statuses: Iterable[str]) -> int:
    """How many of the counted actions have one of these statuses (all of them when none is chosen)."""
    chosen = set(statuses)
    return sum(n for value, _, n in counts if not chosen or value in chosen)


def _action_log(request: HttpRequest, *, access: Access, board: Board | None) -> HttpResponse:
    partnership: Partnership = access.partnership
    today = timezone.localdate()
    # the meetings of the board (or partnership) and what is made of them, kept between requests while the
    # partnership's reference version is unchanged (lib.reference)
    held = _meetings_held(access, board, today)
    form = LogFilterForm(request.GET, **_filter_options(access, board))
    filters = form.filters()
    overdue_on = today if form.overdue_only else None
    query = LogQuery(  # the filters other than status (log_query: plain SQL, as action_log_sorted selects)
        partnership.pk,
        board.pk if board else None,
        owner_id=filters["owner"].pk if filters["owner"] else None,
        raised_at_id=filters["raised_at"].pk if filters["raised_at"] else None,
        overdue_on=overdue_on,
    )
    # the counts by status within the other filters: what choosing a status would show. Kept between
    # requests under the partnership's version, which each change to its actions or their owners changes
    # too (actions migration 0009): counting a large partnership's 20,000 actions was a third of its log
    found = cached(access.reference, ("log counts", query), lambda: MappingProxyType(query.counts()))
    counts = [(value, label, found.get(value, 0)) for value, label in Action.Status.choices]
    page = page_of(
        PageIds(query, tuple(filters["statuses"]), form.sort_order),
        request.GET.get("page"),
        count=_matching(counts, filters["statuses"]),
    )
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
        "rows": rows_of(page.object_list, held, today, show_board=board is None),
        "counts": counts,
        "total": sum(n for _, _, n in counts),
        "latest_meeting": held.latest.get(board.pk) if board else None,
        # the partnership's boards, for the partnership's log (by name, as the partnership's boards are)
        "board_links": None
        if board
        else cached(access.reference, ("board links", partnership.slug), lambda: _board_links(partnership)),
        "fragment": fragment,
    }
    response = render(request, "actions/_log_results.html" if fragment else "actions/log.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _log_meetings(access: Access, board: Board | None) -> tuple[tuple[int, int, dt.date, str], ...]:
    """(pk, board id, date, board name) of the meetings of the board (or of the whole partnership), by date:
    kept between requests while the partnership's reference version is unchanged (lib.reference)."""

    def read() -> tuple[tuple[int, int, dt.date, str], ...]:
        scope = services.log_meetings(partnership=access.partnership, board=board)
        return tuple(scope.order_by("date", "pk").values_list("pk", "board_id", "date", "board__name"))

    return cached(access.reference, ("log meetings", board.pk if board else None), read)


def _filter_options(access: Access, board: Board | None) -> dict[str, Options]:
    """The log filter's 'Owner' and 'Raised at' options (LogFilterForm's `owners` and `raised`), kept as
    `_log_meetings` is: the partnership's people, and the log's meetings newest first, boards by name on a day."""
    partnership = access.partnership

    def raised() -> Options:
        meetings = sorted(_log_meetings(access, board), key=lambda m: (-m[2].toordinal(), m[3]))
        return raised_options(
            ((pk, date, name) for pk, _, date, name in meetings), one_board=board is not None
        )

    return {
        "owners": cached(access.reference, "owner options", lambda: owner_options(partnership)),
        "raised": cached(access.reference, ("raised options", board.pk if board else None), raised),
    }


def _board_links(partnership: Partnership) -> SafeString:
    """The partnership's boards by name, each linked to its page and its log: made once and kept (lib.reference,
    under the partnership's address too), as the template's loop of two {% url %}s a board was a tenth of the
    partnership's log page's own time."""
    links = []
    for name, slug in (
        Board.objects.filter(partnership=partnership).order_by("name").values_list("name", "slug")
    ):
        name = escape(name)
        board = escape(reverse("board", args=[partnership.slug, slug]))
        log = escape(reverse("board_actions", args=[partnership.slug, slug]))
        links.append(
            f'<a class="govuk-link" href="{board}">{name}</a> (<a class="govuk-link" href="{log}">action log'
            f'<span class="govuk-visually-hidden"> of the {name}</span></a>)'
        )
    return mark_safe(", ".join(links) or "none yet")  # every value in it escaped


def _meetings_held(access: Access, board: Board | None, today: dt.date) -> MeetingsHeld:
    """The flags' MeetingsHeld of the board (or partnership) today, kept as `_log_meetings` is (never changed
    once made), with the partnership's own months for undated actions, which are read with it every request."""
    partnership = access.partnership
    return cached(
        access.reference,
        (
            "meetings held",
            board.pk if board else None,
            today,
            partnership.undated_amber_months,
            partnership.undated_red_months,
        ),
        lambda: MeetingsHeld.of(_log_meetings(access, board), today, partnership),
    )


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
    # from the owner links alone (ActionOwner, which keeps each action's status and place in the log): the
    # counts by status, then each list's page in order from the (person, partnership, raised_on, position)
    # index. Reading every action the person had ever owned (3,670 for a busy owner at national scale) was
    # most of the page's time (docs/benchmarks.md).
    # The done or dropped are history: the latest CLOSED_PAGE_SIZE, paged, below what is still to do.
    owned = Owned(person.pk, access.partnership.pk)
    counts = cached(access.reference, ("owned counts", owned), lambda: MappingProxyType(owned.counts()))
    open_page = _owned_page(
        OwnedIds(owned, still_open=True),
        PAGE_SIZE,
        sum(n for status, n in counts.items() if status in OPEN_STATUSES),
        request.GET.get("page"),
    )
    closed_page = _owned_page(
        OwnedIds(owned, still_open=False),
        CLOSED_PAGE_SIZE,
        sum(n for status, n in counts.items() if status not in OPEN_STATUSES),
        request.GET.get("closed"),
    )
    found = log_actions([*open_page.object_list, *closed_page.object_list])  # both pages' rows at once
    open_page.object_list = [found[pk] for pk in open_page.object_list if pk in found]
    closed_page.object_list = [found[pk] for pk in closed_page.object_list if pk in found]
    held = _meetings_held(access, None, today)
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


def _owned_page(ids: OwnedIds, size: int, count: int, number: str | None) -> Page[Any]:
    """One page of a list's action ids, `count` of them in all (counted already): one query."""
    page = counted_page(ids, size, number, count=count)
    page.object_list = list(page.object_list)
    return page


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
            "flag": held.flag(action, today),
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
    form = LogFilterForm(request.GET, **_filter_options(access, board))
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
    """The log's rows for a file, with the page's flag and each action's latest progress note (the meetings
    held and the notes read once for all of them)."""
    actions = list(actions)
    today = timezone.localdate()
    held = meetings_held(actions, today)
    notes = latest_notes([a.pk for a in actions])
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
            flag=flag_text(action, held, today),
            latest_note=notes.get(action.pk, ""),
        )
