"""Pages of the forward plan and of a meeting's agenda, their downloads, and the private calendar feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape  # as django.utils.html.escape (which calls it), without its lazy-string wrapper

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import (
    Access,
    get_agenda_entry_for_user,
    get_board_for_user,
    get_forward_plan_entry_for_user,
    get_meeting_for_user,
    get_own_person_for_user,
    get_partnership_for_user,
)
from boardkeeper.actions.models import Action, AgendaEntry
from boardkeeper.actions.services import action_owner_names, open_actions_before
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Board, Membership
from boardkeeper.lib import exports
from boardkeeper.lib.dates import add_months, month_start
from boardkeeper.lib.http import CONTENT_TYPES, attachment
from boardkeeper.lib.reference import cached
from boardkeeper.lib.urls import address_of
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan import agenda as agendas
from boardkeeper.plan import calendar_feeds, next_meeting
from boardkeeper.plan import forward_plan as plans
from boardkeeper.plan.forms import (
    AgendaEntryEditForm,
    AgendaEntryForm,
    ForwardPlanEntryForm,
    MoveForm,
    ScheduleMeetingForm,
)

# entries a page of the plan's lists outside its months (earlier, later, for a future meeting)
SECTION_SIZE = 50
MEETING_HOURS = dt.timedelta(hours=2)  # a meeting's length in the calendar: the minutes give only a start
FEED_GONE = "This calendar address does not work: it was never issued, or it has been revoked.\n"


# The forward plan --------------------------------------------------------------------------------------


def _plan_start(request: HttpRequest, scheduled: list[Meeting]) -> dt.date:
    """The plan's first month: ?from=YYYY-MM, or this month (or an earlier meeting still scheduled)."""
    try:
        return dt.datetime.strptime(request.GET.get("from", ""), "%Y-%m").date()
    except ValueError:
        return plans.forward_plan_start(scheduled=scheduled, today=timezone.localdate())


@require_http_methods(["GET", "POST"])
def forward_plan(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug, edit=request.method == "POST")
    # the board's meetings still to be held, read once: the first month, the form's meetings, the plan's
    scheduled = plans.scheduled_meetings(board=board)
    start = _plan_start(request, scheduled)
    form = ForwardPlanEntryForm(
        request.POST or None, meetings=[m for m in scheduled if m.date >= start], start=start
    )
    if request.method == "POST" and form.is_valid():
        entry = plans.forward_plan_entry_add(
            board=board,
            topic=form.cleaned_data["topic"],
            owner_text=form.cleaned_data["owner"],
            target_meeting=form.target_meeting(),
            target_month=form.target_month(),
            recurs_annually=form.cleaned_data["recurs"],
        )
        messages.success(request, f"‘{entry.topic}’ is on the forward plan.")
        return redirect(request.get_full_path())
    suggestion = next_meeting.next_meeting_suggestion(board=board) if access.can_edit else None
    today = timezone.localdate()
    plan = plans.forward_plan_year(board=board, start=start, scheduled=scheduled)
    table = _EntriesTable(request, access, board)
    # the lists outside the twelve months grow with the years (entries never taken to a meeting stay
    # earlier for good): each is paged, SECTION_SIZE entries at a time, its page in a parameter of its own
    earlier, later, undated = (
        Paginator(entries, SECTION_SIZE).get_page(request.GET.get(param))
        for entries, param in ((plan.earlier, "earlier"), (plan.later, "later"), (plan.undated, "undated"))
    )
    return render(
        request,
        "plan/forward_plan.html",
        {
            "access": access,
            "board": board,
            "plan": plan,
            "before": [(slot, table(slot.entries)) for slot in plan.before],
            "slots": [(slot, table(slot.entries)) for slot in plan.slots],
            "earlier_page": earlier,
            "later_page": later,
            "undated_page": undated,
            "earlier": table(list(earlier.object_list)),
            "later": table(list(later.object_list)),
            "undated": table(list(undated.object_list)),
            "previous": add_months(start, -12),
            "next": add_months(start, 12),
            "form": form,
            **(_form_fields(access, board, form, start, today, suggestion) if access.can_edit else {}),
        },
    )


def _form_fields(
    access: Access,
    board: Board,
    form: ForwardPlanEntryForm,
    start: dt.date,
    today: dt.date,
    suggestion: dt.date | None,
) -> dict[str, SafeString]:
    """The fields of the page's two forms (the business team's), drawn through their templates and kept
    between requests (lib.reference) under everything they are drawn from: the board, today and the date
    the last minutes suggest; the plan's first month and the meetings offered (each one's key and day).
    A form sent back with errors is drawn for its request alone. Drawn each time, they were a sixth of the
    page's time (docs/benchmarks.md)."""

    def schedule() -> SafeString:
        context = {
            "schedule_form": ScheduleMeetingForm(board=board, today=today, suggestion=suggestion),
            "schedule_hint": _schedule_hint(suggestion, today),
        }
        return mark_safe(render_to_string("plan/_schedule_fields.html", context))  # the template escapes

    def entry() -> SafeString:
        return mark_safe(render_to_string("plan/_entry_fields.html", {"form": form}))

    offered = tuple((m.pk, m.date) for m in form.meetings.values())
    return {
        "schedule_fields": cached(
            access.reference, ("plan schedule fields", board.pk, today, suggestion), schedule
        ),
        "entry_fields": entry()
        if form.is_bound
        else cached(access.reference, ("plan entry fields", board.pk, start, offered), entry),
    }


class _EntriesTable:
    """The table of one meeting's or month's entries, built in Python: as a template included for each
    meeting and month, its {% url %}, {% csrf_token %} and lookups for each of a board's 220 entries (the
    national data) were two thirds of the page's time."""

    def __init__(self, request: HttpRequest, access: Access, board: Board) -> None:
        self.can_edit = access.can_edit
        self.meeting = address_of("meeting")
        self.remove = address_of("forward_plan_entry_remove", access.partnership.slug, board.slug)
        # one token for the page's forms, as {% csrf_token %} gives (escaped: it is only letters and digits)
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
            if self.can_edit
            else ""
        )
        remove_th = (
            '<th scope="col" class="govuk-table__header">'
            '<span class="govuk-visually-hidden">Remove</span></th>'
        )
        self.head = (
            '<table class="govuk-table govuk-table--small-text-until-tablet bk-stack-on-phone">'
            '<thead class="govuk-table__head"><tr class="govuk-table__row">'
            '<th scope="col" class="govuk-table__header govuk-!-width-one-third">Topic</th>'
            '<th scope="col" class="govuk-table__header govuk-!-width-one-quarter">Owner</th>'
            '<th scope="col" class="govuk-table__header">Where it came from</th>'
            f"{remove_th if self.can_edit else ''}"
            '</tr></thead><tbody class="govuk-table__body">'
        )
        self.empty = (
            '<tr class="govuk-table__row"><td class="govuk-table__cell" '
            f'colspan="{4 if self.can_edit else 3}">Nothing planned yet.</td></tr>'
        )

    def __call__(self, entries: Sequence[plans.PlanEntry]) -> SafeString:
        rows = "".join(self.row(entry) for entry in entries) or self.empty
        return mark_safe(f"{self.head}{rows}</tbody></table>")  # every value in it is escaped (row)

    def row(self, entry: plans.PlanEntry) -> str:
        """One entry: its topic (and 'Every March' when it comes round each year), its owner, where it came
        from, and the button that takes it off the plan. Every value is escaped; the rest is fixed markup."""
        topic = escape(entry.topic)
        every = (
            f' <strong class="govuk-tag govuk-tag--blue">Every {entry.target_month:%B}</strong>'
            if entry.recurs_annually and entry.target_month
            else ""
        )
        owner = escape(entry.owner_text) if entry.owner_text else '<span class="govuk-hint">Not given</span>'
        source = entry.source
        if source is None:
            came_from = "Added by hand"
        else:
            day = source.meeting_date
            item = f", item {escape(source.item_number)}" if source.item_number else ""
            came_from = (
                f'<a class="govuk-link" href="{self.meeting(source.meeting_id)}">'
                f"Meeting of {day.day} {day:%B %Y}</a>{item}"
                f'<p class="govuk-body-s bk-quote">“{escape(source.text)}”</p>'
            )
        remove = (
            '<td class="govuk-table__cell">'
            f'<form method="post" action="{self.remove(entry.pk)}">{self.csrf}'
            '<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" '
            f'data-module="govuk-button">Remove<span class="govuk-visually-hidden"> ‘{topic}’ from the plan'
            "</span></button></form></td>"
            if self.can_edit
            else ""
        )
        return (
            f'<tr class="govuk-table__row"><td class="govuk-table__cell">{topic}{every}</td>'
            f'<td class="govuk-table__cell" data-label="Owner">{owner}</td>'
            f'<td class="govuk-table__cell" data-label="Where it came from">{came_from}</td>{remove}</tr>'
        )


@require_GET
def partnership_forward_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """Every board's forward plan for twelve months, month by month: what the chair reads for the year."""
    access = get_partnership_for_user(request, slug)
    try:
        start = dt.datetime.strptime(request.GET.get("from", ""), "%Y-%m").date()
    except ValueError:
        start = month_start(timezone.localdate())
    months, board_plans = plans.partnership_forward_plan(partnership=access.partnership, start=start)
    return render(
        request,
        "plan/partnership.html",
        {
            "access": access,
            "start": start,
            "last": add_months(start, 11),
            "months": months,
            "outside": [
                (board, plan)
                for board, plan in board_plans
                if plan.before or plan.earlier or plan.later or plan.undated
            ],
            "previous": add_months(start, -12),
            "next": add_months(start, 12),
        },
    )


@require_http_methods(["GET", "POST"])
def forward_plan_entry_remove(
    request: HttpRequest, slug: str, board_slug: str, entry_id: int
) -> HttpResponse:
    entry, _access = get_forward_plan_entry_for_user(request, slug, board_slug, entry_id)
    if request.method == "POST":
        plans.forward_plan_entry_remove(entry=entry)
        messages.success(request, f"‘{entry.topic}’ is off the forward plan.")
    return redirect("forward_plan", slug=slug, board_slug=board_slug)  # a GET has nothing to show


@require_http_methods(["GET", "POST"])
def forward_plan_schedule(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug, edit=True)
    suggestion = next_meeting.next_meeting_suggestion(board=board)
    today = timezone.localdate()
    form = ScheduleMeetingForm(request.POST or None, board=board, today=today, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        meeting = next_meeting.schedule_next_meeting(
            board=board,
            date=form.cleaned_data["date"],
            time=form.cleaned_data["starts_at"],
            location=form.cleaned_data["venue"],
        )
        messages.success(
            request, f"The meeting of {meeting.date:%-d %B %Y} is scheduled. Here is its agenda."
        )
        return redirect("agenda", meeting_id=meeting.pk)
    return render(
        request,
        "plan/schedule.html",
        {
            "access": access,
            "board": board,
            "form": form,
            "schedule_hint": _schedule_hint(suggestion, today),
        },
    )


def _schedule_hint(suggestion: dt.date | None, today: dt.date) -> str:
    """What the last minutes said of the next meeting: the date, offered in the form while it is still to
    come; once it has passed, said so (and not offered: years later it is no guide)."""
    if suggestion is None:
        return ""
    if suggestion < today:
        return f"The minutes of the last meeting gave {suggestion:%-d %B %Y}, which has passed."
    return f"The minutes of the last meeting give {suggestion:%-d %B %Y}."


@require_GET
def forward_plan_export(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, _access = get_board_for_user(request, slug, board_slug)
    scheduled = plans.scheduled_meetings(board=board)
    start = _plan_start(request, scheduled)
    plan = plans.forward_plan_year(board=board, start=start, scheduled=scheduled)
    header = ["When", "Meeting", "Topic", "Owner", "Where it came from", "Every year"]
    rows: list[list[exports.Cell]] = [
        [
            when,
            meeting.date if meeting else None,
            entry.topic,
            entry.owner_text,
            _source_of(entry.source),
            "Yes" if entry.recurs_annually else "",
        ]
        for when, meeting, entry in plan.rows()
    ]
    data = exports.table_xlsx("Forward plan", header, rows)
    filename = f"{board.slug}-forward-plan-{start:%Y-%m}.xlsx"
    audit.exported(filename, partnership_id=board.partnership_id)
    return attachment(data, filename=filename, fmt="xlsx")


def _source_of(source: plans.EntrySource | None) -> str:
    if source is None:
        return "Added by hand"
    item = f", item {source.item_number}" if source.item_number else ""
    return f"Action of the meeting of {source.meeting_date:%-d %B %Y}{item}: {source.text}"


# The agenda --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def agenda(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, access = get_meeting_for_user(request, meeting_id, edit=request.method == "POST")
    if request.method == "POST":
        held = meeting.status != Meeting.Status.SCHEDULED
        if held and not AgendaEntry.objects.filter(meeting=meeting).exists():
            raise PermissionDenied("This meeting has been held: its agenda is not drafted afterwards.")
        if "step" in request.POST:
            return _agenda_step(request, meeting)
    form = AgendaEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = agendas.agenda_entry_add(meeting=meeting, **form.cleaned_data)
        messages.success(request, f"‘{entry.title}’ is on the agenda as item {entry.position}.")
        return redirect(reverse("agenda", args=[meeting.pk]) + f"#entry-{entry.pk}")
    entries = agendas.agenda_for(meeting=meeting)
    return render(
        request,
        "plan/agenda.html",
        {
            "access": access,
            "meeting": meeting,
            "entries": entries,
            "proposed": bool(entries) and entries[0].pk is None,  # not saved until first changed
            "has_action_log": any(e.kind == AgendaEntry.Kind.ACTION_LOG for e in entries),
            # a held meeting's agenda is kept as it was; one never drafted is not started afterwards
            "editable": access.can_edit and (meeting.status == Meeting.Status.SCHEDULED or bool(entries)),
            "open_actions": open_actions_before(meeting).select_related("due_meeting"),
            "form": form,
        },
    )


AGENDA_STEPS = ("save", "up", "down", "remove")


def _agenda_step(request: HttpRequest, meeting: Meeting) -> HttpResponse:
    """A change to a proposed (unsaved) agenda, its item named by position: the agenda is saved as proposed,
    then changed. An agenda someone else saved meanwhile is left as they left it, and the person told."""
    step = request.POST.get("step", "")
    position = request.POST.get("position", "")
    if step not in AGENDA_STEPS or (step != "save" and not position.isdigit()):
        return HttpResponseBadRequest(
            "Unknown change to the agenda", content_type="text/plain; charset=utf-8"
        )
    entries, drafted = agendas.agenda_start(meeting=meeting)
    if step == "save":
        if drafted:
            messages.success(request, "The agenda is saved: you can now change its items.")
        return redirect("agenda", meeting_id=meeting.pk)
    if not drafted:
        messages.error(
            request, "Someone else changed this agenda meanwhile: check it and make your change again."
        )
        return redirect("agenda", meeting_id=meeting.pk)
    entry = next((e for e in entries if e.position == int(position)), None)
    if entry is None:
        return redirect("agenda", meeting_id=meeting.pk)
    if step == "remove":
        agendas.agenda_entry_remove(entry=entry)
        messages.success(request, f"‘{entry.title}’ is off the agenda.")
        return redirect("agenda", meeting_id=meeting.pk)
    agendas.agenda_entry_move(entry=entry, by=-1 if step == "up" else 1)
    return redirect(reverse("agenda", args=[meeting.pk]) + f"#entry-{entry.pk}")


@require_http_methods(["GET", "POST"])
def agenda_entry(request: HttpRequest, meeting_id: int, entry_id: int) -> HttpResponse:
    entry, access = get_agenda_entry_for_user(request, meeting_id, entry_id)
    form = AgendaEntryEditForm(
        request.POST or None,
        initial={
            "title": entry.title,
            "presenter": entry.presenter,
            "papers": entry.papers,
            "version": entry.version,
        },
    )
    stale: AgendaEntry | None = None
    if request.method == "POST" and form.is_valid():
        try:
            agendas.agenda_entry_update(entry=entry, **form.cleaned_data)
        except StaleEdit as exc:
            if exc.current is None:
                messages.error(request, "That item was removed from the agenda by someone else.")
                return redirect("agenda", meeting_id=meeting_id)
            stale = exc.current  # nothing saved: show theirs, keep what this person typed on its version
            form = rebound(form, stale.version)
        else:
            messages.success(request, f"Item {entry.position} is changed.")
            return redirect(reverse("agenda", args=[meeting_id]) + f"#entry-{entry.pk}")
    return render(
        request,
        "plan/agenda_entry.html",
        {"access": access, "meeting": entry.meeting, "entry": entry, "form": form, "stale": stale},
    )


@require_http_methods(["GET", "POST"])
def agenda_entry_move(request: HttpRequest, meeting_id: int, entry_id: int) -> HttpResponse:
    entry, _access = get_agenda_entry_for_user(request, meeting_id, entry_id)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agendas.agenda_entry_move(entry=entry, by=form.by)
    return redirect(reverse("agenda", args=[meeting_id]) + f"#entry-{entry.pk}")


@require_http_methods(["GET", "POST"])
def agenda_entry_remove(request: HttpRequest, meeting_id: int, entry_id: int) -> HttpResponse:
    """A saved agenda's item is removed once the question 'Remove it?' is answered (a GET asks it)."""
    entry, access = get_agenda_entry_for_user(request, meeting_id, entry_id)
    if request.method == "POST":
        agendas.agenda_entry_remove(entry=entry)
        messages.success(request, f"‘{entry.title}’ is off the agenda.")
        return redirect("agenda", meeting_id=meeting_id)
    return render(
        request, "plan/agenda_remove.html", {"entry": entry, "meeting": entry.meeting, "access": access}
    )


@require_GET
def agenda_export(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _access = get_meeting_for_user(request, meeting_id)
    entries = agendas.agenda_for(meeting=meeting)
    open_actions = open_actions_before(meeting)
    previous = _previous_minutes(meeting)
    rows: list[exports.FourColumnRow] = []
    for entry in entries:
        lines = [entry.title]
        lines += [previous] if previous and entry.kind == AgendaEntry.Kind.ACTION_LOG else []
        lines += [f"Papers: {entry.papers}"] if entry.papers else []
        rows.append(  # who presents the item is its owner, in the Owner column as in the minutes
            exports.FourColumnRow(
                item=str(entry.position), discussion="\n".join(lines), owner=entry.presenter, heading=True
            )
        )
        if entry.kind == AgendaEntry.Kind.ACTION_LOG:
            rows += [
                exports.FourColumnRow(
                    discussion=_raised(action),
                    action=action.text,
                    owner=", ".join(action_owner_names(action)),
                )
                for action in open_actions
            ]
    data = exports.four_column_docx(
        title=f"{meeting.board.name}: agenda",
        lines=[
            meeting.board.partnership.name,
            f"Date: {meeting.date:%A %-d %B %Y}",
            f"Time: {meeting.time:%H:%M}" if meeting.time else "Time: to be confirmed",
            f"Venue: {meeting.location}" if meeting.location else "Venue: to be confirmed",
        ],
        rows=rows,
    )
    filename = f"{meeting.board.slug}-agenda-{meeting.date:%Y-%m-%d}.docx"
    audit.exported(filename, partnership_id=meeting.board.partnership_id)
    return attachment(data, filename=filename, fmt="docx")


def _previous_minutes(meeting: Meeting) -> str:
    """Under 'Minutes of the previous meeting': which minutes, and whether the board has approved them yet
    (draft minutes are usually approved at this meeting)."""
    previous = (
        Meeting.objects.filter(
            board=meeting.board_id,
            date__lt=meeting.date,
            status__in=[Meeting.Status.MINUTES_DRAFT, Meeting.Status.MINUTES_APPROVED],
        )
        .order_by("-date")
        .only("date", "status", "approved_on")
        .first()
    )
    if previous is None:
        return ""
    if previous.status == Meeting.Status.MINUTES_DRAFT:
        return f"Minutes of {previous.date:%-d %B %Y}: draft, for the board to approve"
    on = f" on {previous.approved_on:%-d %B %Y}" if previous.approved_on else ""
    return f"Minutes of {previous.date:%-d %B %Y}: approved{on}"


def _raised(action: Action) -> str:
    item = f", item {action.item.number}" if action.item and action.item.number else ""
    return f"Raised {action.meeting.date:%-d %B %Y}{item}. {action.get_status_display()}."


# The calendar ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def my_calendar(request: HttpRequest) -> HttpResponse:
    own = get_own_person_for_user(request)
    if own is None:
        return render(request, "plan/my_calendar.html", {"person": None})
    person, access = own
    if request.method == "POST":
        calendar_feeds.calendar_feed_create(person=person)
        messages.success(
            request, "Your calendar address is ready. Any address you had before no longer works."
        )
        return redirect("my_calendar")
    feed = calendar_feeds.calendar_feed_for(person=person)
    url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "plan/my_calendar.html",
        {
            "access": access,
            "person": person,
            "boards": [m.board for m in Membership.objects.filter(person=person).select_related("board")],
            "feed": feed,
            "url": url,
        },
    )


@require_http_methods(["GET", "POST"])
def my_calendar_revoke(request: HttpRequest) -> HttpResponse:
    own = get_own_person_for_user(request)
    if request.method == "POST" and own is not None and calendar_feeds.calendar_feed_revoke(person=own[0]):
        messages.success(request, "Your calendar address no longer works.")
    return redirect("my_calendar")


@login_not_required  # the token is the secret: calendar programs cannot sign in
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    person = calendar_feeds.calendar_feed_person(token=token)
    if person is None:
        return HttpResponseNotFound(FEED_GONE, content_type="text/plain; charset=utf-8")
    meetings, actions = calendar_feeds.calendar_of(person=person)
    events = [_meeting_event(request, m) for m in meetings]
    events += [_deadline_event(request, a) for a in actions]
    body = exports.calendar_ics(events, name=f"Boardkeeper: {person.full_name}", now=timezone.now())
    response = HttpResponse(body, content_type=CONTENT_TYPES["ics"])
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _meeting_event(request: HttpRequest, meeting: Meeting) -> exports.CalendarEvent:
    start: dt.date | dt.datetime = meeting.date
    if meeting.time is not None:
        start = timezone.make_aware(dt.datetime.combine(meeting.date, meeting.time))
    url = request.build_absolute_uri(reverse("meeting", args=[meeting.pk]))
    return exports.CalendarEvent(
        uid=f"meeting-{meeting.pk}@boardkeeper",
        summary=f"{meeting.board.name} meeting",
        start=start,
        end=start + MEETING_HOURS if isinstance(start, dt.datetime) else None,
        location=meeting.location,
        description=f"{meeting.title or meeting.board.name}. {meeting.get_status_display()}.\n{url}",
        url=url,
    )


def _deadline_event(request: HttpRequest, action: Action) -> exports.CalendarEvent:
    due = action.due_on
    assert due is not None  # calendar_of gives only actions with a deadline
    url = request.build_absolute_uri(reverse("action", args=[action.pk]))
    raised = f"Raised at the {action.meeting.board.name} meeting of {action.meeting.date:%-d %B %Y}"
    return exports.CalendarEvent(
        uid=f"action-{action.pk}-due@boardkeeper",
        summary=f"Action due: {action.text[:120]}",
        start=due,
        description=f"{action.text}\n{raised}. {action.get_status_display()}.\n{url}",
        url=url,
        busy=False,
    )
