"""The audit log: the business team searches what happened in their partnership."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.accounts.permissions import get_partnership_for_user
from boardkeeper.audit.models import AuditEvent

PAGE_SIZE = 50  # events a page (issue 15: every list page 50 rows)
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
    start = forms.DateField(label="From", required=False, help_text="For example, 01/03/2024")
    end = forms.DateField(label="To", required=False, help_text="For example, 31/03/2024")

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


@require_GET
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    roles = (
        PartnershipRole.objects.filter(partnership=access.partnership)
        .select_related("user")
        .order_by("user__username")
    )
    form = AuditFilterForm(request.GET or None, users=[(str(r.user_id), r.user.username) for r in roles])
    data = form.cleaned_data if form.is_valid() else {}
    page = Paginator(events_of(access.partnership.pk, data), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"access": access, "form": form, "page": page, "query": query.urlencode()},
    )
