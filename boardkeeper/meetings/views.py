"""Pages of the record: partnerships, boards, meetings, people, and importing minutes."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, Count, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import (
    Access,
    get_board_for_user,
    get_document_for_user,
    get_meeting_for_user,
    get_partnership_for_user,
    get_person_for_user,
    partnerships_for_user,
    signed_in_user,
)
from boardkeeper.actions.models import Action
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Membership
from boardkeeper.home.needs import gather
from boardkeeper.imports import services, undo
from boardkeeper.inspections.services import link_items_to_inspections
from boardkeeper.lib.http import attachment
from boardkeeper.meetings.forms import MinutesApprovalForm, UndoImportForm, UploadForm
from boardkeeper.meetings.models import AgendaItem, Attendance, Meeting
from boardkeeper.meetings.services import (
    MinutesApprovalRefused,
    minutes_approve,
    minutes_unapprove,
)
from boardkeeper.reviews.services import visible_reviews

# those present first, then in attendance and deputies, then apologies and absences
_ATTENDANCE_ORDER = Case(
    *(
        When(status=s, then=Value(n))
        for n, s in enumerate(["present", "in_attendance", "deputy", "apologies", "absent"])
    ),
    default=Value(9),
)


def home(request: HttpRequest) -> HttpResponse:
    """What needs the person, in each of their partnerships: each line links to where it is done. It is
    their first page after signing in, so it is read in a constant number of queries (`home.needs`)."""
    roles = partnerships_for_user(request)
    needs = gather(signed_in_user(request), roles)
    return render(request, "meetings/home.html", {"roles": roles, "needs": needs})


def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    boards = (
        access.partnership.boards.annotate(meeting_count=Count("meetings"))
        .select_related("parent")
        .order_by("name")
    )
    recent = (
        Meeting.objects.filter(board__partnership=access.partnership)
        .select_related("board")
        .order_by("-date")[:10]
    )
    return render(
        request, "meetings/partnership.html", {"access": access, "boards": boards, "recent": recent}
    )


def board(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug)
    meetings = board.meetings.annotate(
        action_count=Count("actions", distinct=True), item_count=Count("items", distinct=True)
    ).order_by("-date")
    return render(request, "meetings/board.html", {"access": access, "board": board, "meetings": meetings})


def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, access = get_meeting_for_user(request, meeting_id)
    return _meeting_page(request, meeting, access)


def _meeting_page(
    request: HttpRequest, meeting: Meeting, access: Access, *, approval: MinutesApprovalForm | None = None
) -> HttpResponse:
    """The meeting's page: for a GET, and for the approval form given back with its errors."""
    if approval is None and access.can_edit and meeting.status == Meeting.Status.MINUTES_DRAFT:
        approval = MinutesApprovalForm.for_meeting(meeting, today=timezone.localdate())
    attendance = meeting.attendance.select_related("person__organisation").order_by(
        _ATTENDANCE_ORDER, "person__full_name"
    )
    actions = (
        Action.objects.filter(meeting=meeting)
        .select_related("item")
        .prefetch_related("owner_people", "owner_teams")
    )
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related("decisions", "case_mentions")
        .order_by("position")
    )
    # a case mentioned links to its review, for those who may see the review (need to know)
    mentions = [c for item in items for c in item.case_mentions.all()]
    visible = (
        {
            r.pseudonym: r
            for r in visible_reviews(
                signed_in_user(request), access.partnership, business_team=access.can_edit
            ).filter(pseudonym__in={c.pseudonym for c in mentions})
        }
        if mentions
        else {}
    )
    for mention in mentions:
        mention.review = visible.get(mention.pseudonym)  # type: ignore[attr-defined]
    link_items_to_inspections(meeting, items)  # issue 14: an item that mentions an inspection links to it
    return render(
        request,
        "meetings/meeting.html",
        {
            "access": access,
            "meeting": meeting,
            "attendance": attendance,
            "items": items,
            "actions": actions,
            "source": getattr(meeting, "source", None),
            "audit_events": audit.trail_of(meeting) if access.can_edit else None,
            "approval": approval,
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_approve(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The business team records the date the board approved the minutes."""
    meeting, access = get_meeting_for_user(request, meeting_id, edit=True)
    if request.method == "GET":
        return redirect("meeting", meeting_id=meeting.pk)  # the form is on the meeting's page
    form = MinutesApprovalForm.for_meeting(meeting, request.POST, today=timezone.localdate())
    if form.is_valid():
        try:
            minutes_approve(meeting=meeting, user=signed_in_user(request), on=form.cleaned_data["on"])
        except MinutesApprovalRefused as exc:
            form.add_error("on" if exc.about_date else None, str(exc))
        else:
            messages.success(
                request, f"Recorded: the board approved the minutes on {meeting.approved_on:%-d %B %Y}."
            )
            return redirect("meeting", meeting_id=meeting.pk)
    return _meeting_page(request, meeting, access, approval=form)


@require_http_methods(["GET", "POST"])
def meeting_unapprove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The business team withdraws an approval recorded by mistake: the minutes are in draft again."""
    meeting, _access = get_meeting_for_user(request, meeting_id, edit=True)
    if request.method == "POST":
        try:
            minutes_unapprove(meeting=meeting, user=signed_in_user(request))
        except MinutesApprovalRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The approval is withdrawn: the minutes are in draft again.")
    return redirect("meeting", meeting_id=meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_undo_import(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The business team undoes the import of a meeting's minutes: the page says what would go and what
    stays, and why; confirming does it and goes back to the board."""
    try:
        meeting, access = get_meeting_for_user(request, meeting_id, edit=True)
    except Http404:
        # the same words whether it never existed, is not theirs to see, or its import was just undone
        return render(request, "meetings/undo_import_gone.html", status=404)
    form = UndoImportForm(request.POST or None)
    plan = undo.import_undo_plan(meeting=meeting)
    changed = request.method == "POST" and not form.is_valid()
    if request.method == "POST" and form.is_valid() and plan.possible:
        try:
            result = undo.import_undo(
                meeting=meeting, user=signed_in_user(request), expect=form.cleaned_data["plan"]
            )
        except undo.UndoStale as exc:
            plan, changed = exc.plan, True
        except undo.UndoRefused:
            return render(request, "meetings/undo_import_gone.html", status=404)
        else:
            messages.success(request, _undone(result))
            return redirect("board", slug=access.partnership.slug, board_slug=meeting.board.slug)
    return render(
        request,
        "meetings/undo_import.html",
        {"access": access, "meeting": meeting, "plan": plan, "changed": changed},
    )


def _undone(result: undo.UndoResult) -> str:
    when = f"{result.date:%-d %B %Y}"
    said = f"The import of {result.file_name} is undone: "
    if result.outcome == "scheduled":
        said += f"the meeting of {when} is scheduled again, with its agenda."
    elif result.outcome == "held":
        said += (
            f"the minutes of {when} are no longer on record; the meeting stays, with the "
            f"{result.kept_actions} action{pluralize(result.kept_actions)} worked on since."
        )
    else:
        said += f"the meeting of {when} and what came with it are no longer on record."
    if result.kept_people == 1:
        said += " 1 person added with these minutes stays: other records refer to them."
    elif result.kept_people:
        said += f" {result.kept_people} people added with these minutes stay: other records refer to them."
    return said


def person(request: HttpRequest, person_id: int) -> HttpResponse:
    person, access = get_person_for_user(request, person_id)
    memberships = Membership.objects.filter(person=person).select_related("board")
    actions = (
        Action.objects.filter(owner_people=person)
        .select_related("meeting__board", "item")
        .defer("item__discussion")
        .prefetch_related("owner_people", "owner_teams")
        .order_by("-meeting__date", "position")
    )
    attended = (
        Attendance.objects.filter(person=person)
        .select_related("meeting__board")
        .order_by("-meeting__date")[:20]
    )
    return render(
        request,
        "meetings/person.html",
        {
            "access": access,
            "person": person,
            "memberships": memberships,
            "actions": actions,
            "attended": attended,
            "audit_events": audit.trail_of(person) if access.can_edit else None,
        },
    )


@require_GET
def partnership_export(request: HttpRequest, slug: str) -> HttpResponse:
    """All the partnership's records as JSON (the business team's; audited as an export)."""
    from boardkeeper.lib.partnership_export import export_json, export_partnership

    access = get_partnership_for_user(request, slug, edit=True)
    filename = f"{access.partnership.slug}-records-{timezone.localdate():%Y-%m-%d}.json"
    data = export_json(export_partnership(access.partnership)).encode("utf-8")
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="json")


@require_GET
def board_moved(request: HttpRequest, slug: str, board_slug: str, rest: str = "") -> HttpResponse:
    """A board's page at its address before December 2026, sent on to where it is now (for members only:
    to anyone else the partnership is not there)."""
    board, _ = get_board_for_user(request, slug, board_slug)
    query = request.META.get("QUERY_STRING", "")
    target = reverse("board", args=[slug, board.slug]) + rest + (f"?{query}" if query else "")
    return redirect(target, permanent=True)


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug, edit=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            pending = services.import_upload(
                board=board, user=signed_in_user(request), name=upload.name, data=upload.read()
            )
        except services.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("import_preview", pending_id=pending.pk)
    return render(request, "meetings/import_upload.html", {"access": access, "board": board, "form": form})


def document(request: HttpRequest, document_id: int) -> FileResponse:
    doc, _access = get_document_for_user(request, document_id)
    audit.event(AuditEvent.Action.DOWNLOAD, doc, detail=doc.name)
    response = FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
