"""One file's preview: the document as read beside what will be imported, every part of it correctable
before anything lands, then 'Import these minutes'.

Each correction is a plain form posted to its own address, answered by a redirect back to the preview
(at the part corrected), or by the preview with the form and its errors in place. With htmx the same
requests swap only the extraction's column, so the document beside it keeps its place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts.permissions import Access, get_pending_import_for_user, signed_in_user
from boardkeeper.directory.models import Person
from boardkeeper.directory.services import directory_of, person_match
from boardkeeper.imports import corrections, services
from boardkeeper.imports.forms import (
    ActionCorrectionForm,
    ConfirmForm,
    MeetingCorrectionForm,
    PersonCorrectionForm,
    board_meetings_after,
)
from boardkeeper.imports.source_view import source_view
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.meetings.models import PendingImport
from boardkeeper.meetings.tasks import readings_recover

STALE = (
    "These minutes' preview was changed since you opened it (in another tab, or by someone else): "
    "your change was not saved. Check the preview as it is now, then make your change again."
)


@dataclass
class Editing:
    kind: str  # 'meeting', 'person', 'action' or 'add'
    index: int | None
    form: forms.Form
    source: str = ""  # for 'add': the paragraph or cell of the document it starts from


def _preview_url(pending: PendingImport, anchor: str = "") -> str:
    return reverse("import_preview", args=[pending.pk]) + (f"#{anchor}" if anchor else "")


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pending_id: str) -> HttpResponse:
    pending, access = get_pending_import_for_user(request, pending_id)
    if pending.status == PendingImport.Status.READING and readings_recover(
        now=timezone.now(), pending_id=str(pending.pk)
    ):
        # someone is waiting for a reading a stopped worker left: it is queued again, or failed
        pending.refresh_from_db()
    if (
        request.headers.get("HX-Request")
        and request.headers.get("HX-Target") == "import-status"
        and pending.status != PendingImport.Status.READING
    ):
        # the status poll: once read, the whole page moves on to the preview (or its error)
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _preview_url(pending)
        return response
    if pending.status == PendingImport.Status.IMPORTED and pending.meeting_id:
        return redirect("meeting", meeting_id=pending.meeting_id)
    if pending.status != PendingImport.Status.READY:
        template = (
            "meetings/_import_status.html"
            if request.headers.get("HX-Request")
            else "meetings/import_status.html"
        )
        return render(request, template, {"access": access, "pending": pending, "board": pending.board})
    if request.method == "POST":
        return _confirm(request, pending, access)
    return _page(request, pending, access, editing=_editing_asked(request, pending))


def _confirm(request: HttpRequest, pending: PendingImport, access: Access) -> HttpResponse:
    form = ConfirmForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["version"] != pending.version:
            form.add_error(
                None,
                "The preview was changed since you opened it (in another tab, or by someone else): "
                "check it as it is now, then import.",
            )
        else:
            try:
                result = services.import_confirm(pending=pending, user=signed_in_user(request))
            except services.ImportRefused as exc:
                form.add_error(None, str(exc))
            else:
                if result.already_imported:
                    messages.info(request, "These minutes were already imported.")
                else:
                    messages.success(
                        request,
                        f"Imported: {result.actions} actions; {result.people_matched} people recognised, "
                        f"{result.people_created} added to the directory.",
                    )
                return redirect("meeting", meeting_id=result.meeting.pk)
    return _page(request, pending, access, confirm=form)


def _directory(pending: PendingImport) -> list[Person]:
    """The partnership's people, by name, as the forms offer them (and matching reads them)."""
    return sorted(directory_of(pending.board.partnership), key=lambda p: (p.full_name, p.pk))


def _meeting_form(pending: PendingImport, data: Any = None) -> MeetingCorrectionForm:
    return MeetingCorrectionForm.of(pending.extracted or {}, pending.version, data)


def _person_form(pending: PendingImport, index: int, data: Any = None) -> PersonCorrectionForm:
    minutes = pending.extracted or {}
    person = _found(corrections.person_at, minutes, index)
    directory = _directory(pending)
    matched = (
        None
        if "match" in person
        else person_match(
            directory,
            name=person["name"],
            initials=person.get("initials"),
            organisation=person.get("organisation"),
        ).person
    )
    return PersonCorrectionForm.of(
        person,
        pending.version,
        directory=directory,
        matched=matched,
        names=[p["name"] for i, p in enumerate(minutes.get("people", [])) if i != index],
        data=data,
    )


def _action_form(pending: PendingImport, index: int, data: Any = None) -> ActionCorrectionForm:
    minutes = pending.extracted or {}
    return ActionCorrectionForm.of(
        _found(corrections.action_at, minutes, index),
        pending.version,
        minutes=minutes,
        directory=_directory(pending),
        meetings=board_meetings_after(pending.board, minutes.get("meeting", {}).get("date")),
        data=data,
    )


def _add_form(pending: PendingImport, source: str, text: str = "", data: Any = None) -> ActionCorrectionForm:
    minutes = pending.extracted or {}
    return ActionCorrectionForm(
        data,
        minutes=minutes,
        directory=_directory(pending),
        meetings=board_meetings_after(pending.board, minutes.get("meeting", {}).get("date")),
        sentences=corrections.unit_sentences(pending.document, source) if source else None,
        initial={"version": pending.version, "text": text, "quote": text},
    )


def _found(
    at: Callable[[dict[str, Any], int], dict[str, Any]], minutes: dict[str, Any], index: int
) -> dict[str, Any]:
    try:
        return at(minutes, index)
    except corrections.NotInPreview:
        raise Http404("No such part of these minutes") from None


def _editing_asked(request: HttpRequest, pending: PendingImport) -> Editing | None:
    """The correction form a GET asks for: ?edit=meeting, ?edit=person-2, ?edit=action-3; ?add=s4-2-1 (from
    a paragraph or cell of the document), ?add=selection&text=... (words selected in it), ?add=new."""
    edit = request.GET.get("edit", "")
    kind, _, number = edit.partition("-")
    if edit == "meeting":
        return Editing("meeting", None, _meeting_form(pending))
    if kind == "person" and number.isdigit():
        return Editing("person", int(number), _person_form(pending, int(number)))
    if kind == "action" and number.isdigit():
        return Editing("action", int(number), _action_form(pending, int(number)))
    add = request.GET.get("add", "")
    if add == "selection":
        text = " ".join(request.GET.get("text", "").split())[:5000]
        return Editing("add", None, _add_form(pending, "", text))
    if add == "new":
        return Editing("add", None, _add_form(pending, ""))
    if add and corrections.unit_text(pending.document, add):
        return Editing("add", None, _add_form(pending, add), source=add)
    return None


def _page(
    request: HttpRequest,
    pending: PendingImport,
    access: Access,
    *,
    editing: Editing | None = None,
    confirm: ConfirmForm | None = None,
) -> HttpResponse:
    preview = services.import_preview(pending=pending)
    source = source_view(pending.document, preview.minutes)
    context = {
        "access": access,
        "pending": pending,
        "board": pending.board,
        "preview": preview,
        "source": source,
        "actions": [(a, source.targets.get(f"a{a.index}")) for a in preview.actions],
        "included": sum(a.include for a in preview.actions),
        "decisions": [
            (d, source.targets.get(f"d{i}")) for i, d in enumerate(preview.minutes.get("decisions", []))
        ],
        "editing": editing,
        "confirm": confirm or ConfirmForm(initial={"version": pending.version}),
    }
    return render(request, "imports/preview.html", context)


def _ready(request: HttpRequest, pending_id: str) -> tuple[PendingImport, Access] | HttpResponse:
    pending, access = get_pending_import_for_user(request, pending_id)
    if pending.status != PendingImport.Status.READY:
        messages.error(request, "These minutes are no longer waiting to be checked.")
        return redirect(_preview_url(pending))
    return pending, access


def _open(request: HttpRequest, pending_id: str, form_at: str) -> tuple[PendingImport, Access] | HttpResponse:
    """A correction's address: for a POST the import waiting to be checked (else back to its page); a GET
    is sent to the preview with the form open (`form_at`)."""
    found = _ready(request, pending_id)
    if isinstance(found, HttpResponse):
        return found
    if request.method == "GET":
        return redirect(reverse("import_preview", args=[pending_id]) + form_at)
    return found


def _correct(
    request: HttpRequest,
    pending_id: str,
    *,
    form_at: str,
    build: Callable[[PendingImport, Any], forms.Form],
    change: Callable[[Any], Callable[[dict[str, Any]], None]],
    editing: Callable[[PendingImport, forms.Form], Editing],
    anchor: Callable[[PendingImport], str],
) -> HttpResponse:
    """A correction's address. A GET is sent to the preview with the form open (`form_at`). A POST saves
    the correction from `build`'s form, or shows the preview with the form in place: its errors, or (made
    from a stale page) the form as typed on the preview as it now is, with the reason."""
    found = _open(request, pending_id, form_at)
    if isinstance(found, HttpResponse):
        return found
    pending, access = found
    form = build(pending, request.POST)
    if form.is_valid():
        try:
            corrections.correct(pending=pending, version=form.cleaned_data["version"], change=change(form))
        except StaleEdit:
            pending.refresh_from_db()
            if pending.status != PendingImport.Status.READY:
                return redirect(_preview_url(pending))
            data = QueryDict(mutable=True)
            data.update(request.POST)
            data["version"] = str(pending.version)
            form = build(pending, data)
            form.is_valid()
            form.add_error(None, STALE)
        except corrections.NotInPreview:
            raise Http404("No such part of these minutes") from None
        else:
            return redirect(_preview_url(pending, anchor(pending)))
    return _page(request, pending, access, editing=editing(pending, form))


@require_http_methods(["GET", "POST"])
def preview_meeting(request: HttpRequest, pending_id: str) -> HttpResponse:
    return _correct(
        request,
        pending_id,
        form_at="?edit=meeting#meeting",
        build=_meeting_form,
        change=lambda f: corrections.meeting_change(
            title=f.cleaned_data["title"].strip(), date=f.cleaned_data["date"]
        ),
        editing=lambda p, f: Editing("meeting", None, f),
        anchor=lambda p: "meeting",
    )


@require_http_methods(["GET", "POST"])
def preview_person(request: HttpRequest, pending_id: str, index: int) -> HttpResponse:
    return _correct(
        request,
        pending_id,
        form_at=f"?edit=person-{index}#person-{index}",
        build=lambda p, data: _person_form(p, index, data),
        change=lambda f: corrections.person_change(index, f.correction()),
        editing=lambda p, f: Editing("person", index, f),
        anchor=lambda p: f"person-{index}",
    )


@require_http_methods(["GET", "POST"])
def preview_action(request: HttpRequest, pending_id: str, index: int) -> HttpResponse:
    return _correct(
        request,
        pending_id,
        form_at=f"?edit=action-{index}#action-{index}",
        build=lambda p, data: _action_form(p, index, data),
        change=lambda f: corrections.action_change(index, f.correction()),
        editing=lambda p, f: Editing("action", index, f),
        anchor=lambda p: f"action-{index}",
    )


@require_http_methods(["GET", "POST"])
def preview_action_add(request: HttpRequest, pending_id: str) -> HttpResponse:
    def source(pending: PendingImport) -> str:
        """The paragraph or cell the form started from, if it is one of the document's."""
        address = request.POST.get("source", "")
        return address if address and corrections.unit_text(pending.document, address) else ""

    return _correct(
        request,
        pending_id,
        form_at="?add=new#add-action",
        build=lambda p, data: _add_form(p, source(p), data=data),
        change=lambda f: corrections.action_add(f.correction(), f.cleaned_data.get("quote") or ""),
        editing=lambda p, f: Editing("add", None, f, source=source(p)),
        anchor=lambda p: f"action-{len((p.extracted or {}).get('actions', [])) - 1}",
    )


@require_http_methods(["GET", "POST"])
def preview_action_include(request: HttpRequest, pending_id: str, index: int) -> HttpResponse:
    """Leave an action out of the import, or put it (or a commitment of the discussion) in."""
    found = _open(request, pending_id, f"#action-{index}")
    if isinstance(found, HttpResponse):
        return found
    pending, _access = found
    form = ConfirmForm(request.POST)
    include = request.POST.get("include") == "1"
    if not form.is_valid():
        messages.error(request, "This page is out of date: check the preview again.")
        return redirect(_preview_url(pending))
    try:
        corrections.correct(
            pending=pending,
            version=form.cleaned_data["version"],
            change=corrections.action_include(index, include),
        )
    except StaleEdit:
        messages.error(request, STALE)
    except corrections.NotInPreview:
        raise Http404("No such part of these minutes") from None
    return redirect(_preview_url(pending, f"action-{index}"))
