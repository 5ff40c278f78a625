"""Importing several minutes at once: the upload, the batch's page as each file is read, and 'import all
as read'. (One file's upload and preview are the meetings app's pages.)"""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts.permissions import get_board_for_user, get_import_batch_for_user, signed_in_user
from boardkeeper.imports import batches
from boardkeeper.meetings.models import PendingImport

MAX_FILES = 200  # a request's worth; a larger catalogue comes as a .zip, or by `boardkeeper import`


@require_http_methods(["GET", "POST"])
def import_several(request: HttpRequest, slug: str, board_slug: str) -> HttpResponse:
    board, access = get_board_for_user(request, slug, board_slug, edit=True)
    error = ""
    if request.method == "POST":
        files = request.FILES.getlist("files")
        if not files:
            error = "Choose the minutes files to import, or a .zip of them."
        elif len(files) > MAX_FILES:
            error = f"Choose up to {MAX_FILES} files at once, or put them in a .zip."
        else:
            uploads = [batches.Upload(f.name or "upload", f) for f in files]
            batch = batches.batch_upload(board=board, user=signed_in_user(request), uploads=uploads)
            return redirect("import_batch", batch_id=batch)
    status = 400 if error else 200
    return render(
        request, "imports/several.html", {"access": access, "board": board, "error": error}, status=status
    )


@require_http_methods(["GET"])
def import_batch(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    board, pendings, access = get_import_batch_for_user(request, batch_id)
    counts = {s: sum(p.status == s for p in pendings) for s in PendingImport.Status.values}
    for p in pendings:  # the date the engine read, for the list ('meeting of 23 February 2022')
        read_date = ((p.extracted or {}).get("meeting") or {}).get("date")
        p.meeting_date = dt.date.fromisoformat(read_date) if read_date else None  # type: ignore[attr-defined]
    context = {
        "access": access,
        "board": board,
        "batch_id": batch_id,
        "pendings": pendings,
        "counts": counts,
        "reading": counts[PendingImport.Status.READING],
        "read": len(pendings) - counts[PendingImport.Status.READING],
    }
    template = "imports/_batch.html" if request.headers.get("HX-Request") else "imports/batch.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def import_batch_confirm(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    """'Import all as read': every file read and waiting, as the engine read it. (A GET has nothing to
    show of its own: the batch's page.)"""
    get_import_batch_for_user(request, batch_id)
    if request.method == "GET":
        return redirect("import_batch", batch_id=batch_id)
    result = batches.batch_confirm(batch=batch_id, user=signed_in_user(request))
    done = len(result.imported)
    parts = [f"{done} meeting{pluralize(done)} imported"]
    if result.already:
        parts.append(f"{len(result.already)} already on record")
    messages.success(request, "; ".join(parts) + ".")
    for pending, reason in result.refused:
        messages.error(request, f"{pending.name}: {reason}")
    return redirect("import_batch", batch_id=batch_id)
