"""Responses every app sends the same way."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ics": "text/calendar; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def attachment(data: bytes, *, filename: str, fmt: str) -> HttpResponse:
    """A file to download. It may hold special category data, so no cache on the way keeps a copy.
    (An export of records is also written to the audit trail: that is the caller's, see `audit.exported`.)"""
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
