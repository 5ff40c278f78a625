"""The audit log: the business team searches what happened in their partnership."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.accounts.permissions import Access, get_partnership_for_user
from boardkeeper.actions.csv_export import StreamedAttachment
from boardkeeper.audit import readable
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.exports import _csv_safe
from boardkeeper.lib.http import CONTENT_TYPES

PAGE_SIZE = 50  # events a page (issue 15: every list page 50 rows)
CSV_BATCH = 500  # events read, named and written to the download at a time
CSV_COLUMNS = ("When", "Who", "IP address", "What", "Record", "Changes")
# the records with a page of their own: an entry links to its record's page, or to the page of what it
# belongs to (a stage change to its review)
LINKS: dict[str, Callable[[str, Any], str]] = {
    "meetings.meeting": lambda slug, pk: reverse("meeting", args=[pk]),
    "actions.action": lambda slug, pk: reverse("action", args=[pk]),
    "directory.person": lambda slug, pk: reverse("person", args=[pk]),
    "reviews.review": lambda slug, pk: reverse("review", args=[pk]),
    "inspections.inspection": lambda slug, pk: reverse("inspection", args=[slug, pk]),
    "recommendations.recommendation": lambda slug, pk: reverse("recommendation", args=[slug, pk]),
    "escalations.escalation": lambda slug, pk: reverse("escalation", args=[slug, pk]),
}
RECORDS = [
    ("", "Any record"),
    ("meetings.meeting", "Meetings"),
    ("meetings.agendaitem", "Agenda items"),
    ("meetings.attendance", "Attendance"),
    ("directory.person", "People"),
    ("actions.action", "Actions"),
    ("actions.forwardplanentry", "Forward plan"),
    ("actions.agendaentry", "Agenda entries"),
    ("reviews.review", "Case reviews"),
    ("reviews.reportversion", "Report versions"),
    ("reviews.changerequest", "Change requests"),
]


class AuditFilterForm(forms.Form):
    who = forms.ChoiceField(label="Who", required=False)
    record = forms.ChoiceField(label="Record", choices=RECORDS, required=False)
    record_id = forms.IntegerField(label="Record number", required=False, min_value=1)
    action = forms.ChoiceField(
        label="What", choices=[("", "Anything"), *AuditEvent.Action.choices], required=False
    )
    start = GovukDateField(
        label="From", subject="From date", required=False, help_text="For example, 1 3 2024"
    )
    end = GovukDateField(label="To", subject="To date", required=False, help_text="For example, 31 3 2024")

    def __init__(self, data: Any, *, users: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["who"].choices = [("", "Anyone"), *users]  # type: ignore[attr-defined]
        for name in ("who", "record", "action"):
            self.fields[name].error_messages["invalid_choice"] = "Choose from the list."
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = "Enter a real date, for example 01/03/2024."


def events_of(partnership_id: int, data: dict[str, Any]) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(partnership_id=partnership_id)
    if data.get("who"):
        events = events.filter(user_id=data["who"])
    if data.get("record"):
        events = events.filter(model=data["record"])
    if data.get("record_id"):
        events = events.filter(object_id=str(data["record_id"]))
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("start"):
        events = events.filter(at__date__gte=data["start"])
    if data.get("end"):
        events = events.filter(at__date__lte=data["end"])
    return events.order_by("-at", "-pk")


def _filtered(request: HttpRequest, slug: str) -> tuple[Access, AuditFilterForm, QuerySet[AuditEvent]]:
    """Who may read the log (the business team), its filter form, and the events it lets through."""
    access = get_partnership_for_user(request, slug, edit=True)
    roles = (
        PartnershipRole.objects.filter(partnership=access.partnership)
        .select_related("user")
        .order_by("user__username")
    )
    form = AuditFilterForm(request.GET or None, users=[(str(r.user_id), r.user.username) for r in roles])
    data = form.cleaned_data if form.is_valid() else {}
    return access, form, events_of(access.partnership.pk, data)


def _linked(events: list[AuditEvent], slug: str) -> list[AuditEvent]:
    """Each event named in words (`readable`), with `url`: the page of its record, or of what the record
    belongs to, where there is one."""
    for event in readable.annotate(events):
        event.url = next(  # type: ignore[attr-defined]
            (LINKS[label](slug, pk) for label, pk in event.link if label in LINKS),  # type: ignore[attr-defined]
            "",
        )
    return events


@require_GET
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    access, form, events = _filtered(request, slug)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _linked(list(page.object_list), access.partnership.slug)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "access": access,
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "query": query.urlencode(),
        },
    )


def _csv_row(event: AuditEvent) -> list[str]:
    """An entry as the page shows it, in words, each cell safe from being run as a formula."""
    changes = [c.text for c in event.readable_changes]  # type: ignore[attr-defined]
    if event.detail:
        changes.append(event.detail)
    cells = [
        f"{timezone.localtime(event.at):%-d %B %Y, %H:%M:%S}",
        event.username or "The system",
        event.ip or "",
        event.get_action_display(),
        event.record,  # type: ignore[attr-defined]
        "\n".join(changes),
    ]
    return [_csv_safe(c) for c in cells]


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[bytes]:
    """The log as CSV, CSV_BATCH entries at a time: read, named (one query per model a batch names) and
    written as they come, never held whole."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    yield out.getvalue().encode("utf-8-sig")  # the byte-order mark Excel needs, once
    batch: list[AuditEvent] = []
    for event in events.iterator(chunk_size=CSV_BATCH):
        batch.append(event)
        if len(batch) == CSV_BATCH:
            yield _csv_batch(batch)
            batch = []
    if batch:
        yield _csv_batch(batch)


def _csv_batch(events: list[AuditEvent]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(_csv_row(e) for e in readable.annotate(events))
    return out.getvalue().encode("utf-8")


@require_GET
def audit_log_csv(request: HttpRequest, slug: str) -> StreamedAttachment:
    """The filtered log, every page of it, as CSV: the same entries and words as the page. Downloading it
    is itself recorded."""
    access, _form, events = _filtered(request, slug)
    filename = f"{access.partnership.slug}-audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    audit.exported(filename, partnership_id=access.partnership.pk)
    response = StreamedAttachment(_csv_lines(events), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
