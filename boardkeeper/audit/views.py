"""The audit log: the business team searches what happened in their partnership."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html import escape  # as django.utils.html.escape (which calls it), without its lazy-string wrapper
from types import MappingProxyType
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.accounts.permissions import Access, get_partnership_for_user, signed_in_user
from boardkeeper.actions.csv_export import StreamedAttachment
from boardkeeper.audit import readable
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.log_query import AuditQuery, PageRows
from boardkeeper.audit.models import AuditEvent
from boardkeeper.lib.date_input import GovukDateField
from boardkeeper.lib.exports import _csv_safe
from boardkeeper.lib.filters import truncated
from boardkeeper.lib.http import CONTENT_TYPES
from boardkeeper.lib.pages import counted_page
from boardkeeper.lib.plain_sql import select_rows
from boardkeeper.lib.reference import Kept, cached
from boardkeeper.lib.urls import address_of

PAGE_SIZE = 50  # events a page (issue 15: every list page 50 rows)
# entries counted, and paged, at most (200 pages): the trail only grows, and counting all of it on every
# look grew with it (2-3 ms for the 60,000 events of a large partnership's ten years, bench/national.py).
# Past the limit the page says so; dates, a person or a record narrow it, and the CSV holds every entry.
COUNT_LIMIT = 10_000
CSV_BATCH = 500  # events read, named and written to the download at a time
CSV_COLUMNS = ("When", "Who", "IP address", "What", "Record", "Changes")
# the records with a page of their own, by URL name and whether its address names the partnership: an entry
# links to its record's page, or to the page of what it belongs to (a stage change to its review)
LINKS: dict[str, tuple[str, bool]] = {
    "meetings.meeting": ("meeting", False),
    "actions.action": ("action", False),
    "directory.person": ("person", False),
    "reviews.review": ("review", False),
    "inspections.inspection": ("inspection", True),
    "recommendations.recommendation": ("recommendation", True),
    "escalations.escalation": ("escalation", True),
}
ACTIONS = dict(AuditEvent.Action.choices)
# what the log shows of an event (an `Entry`), read as a tuple
ENTRY_FIELDS = ("at", "username", "ip", "action", "model", "object_id", "object_repr", "changes", "detail")
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


@dataclass(slots=True)
class Entry:
    """An event as the log and its CSV show it: read as a tuple (ENTRY_FIELDS), not as a model instance,
    then named in words by `readable.annotate` (the fields after `detail`) and linked by `_linked` (`url`)."""

    at: dt.datetime
    username: str
    ip: str | None
    action: str
    model: str
    object_id: str
    object_repr: str
    changes: Any
    detail: str
    readable_changes: list[readable.Change] = field(default_factory=list)
    record_kind: str = ""
    record_name: str = ""
    record: str = ""
    link: tuple[tuple[str, Any], ...] = ()
    url: str = ""

    def get_action_display(self) -> str:
        """What was done, in words ('Changed'), as AuditEvent's own."""
        return ACTIONS.get(self.action, self.action)


def _changes_html(entry: Entry) -> str:
    """audit/_changes.html in Python (the record histories still use the template)."""
    parts = []
    for c in entry.readable_changes:
        if c.is_list:
            added = f"added {escape(', '.join(c.added))}" if c.added else ""
            removed = f"removed {escape(', '.join(c.removed))}" if c.removed else ""
            words = added + ("; " if c.added and c.removed else "") + removed
        else:
            words = f"{escape(truncated(c.before, 120))} → {escape(truncated(c.after, 120))}"
        parts.append(
            f'<span class="govuk-body-s bk-change"><strong>{escape(c.label)}</strong>: {words}</span>'
        )
    html = "<br>\n".join(parts)
    if entry.detail:
        html += (
            "<br>\n" if entry.readable_changes else ""
        ) + f'<span class="govuk-body-s">{escape(entry.detail)}</span>'
    return html


def _row_html(entry: Entry) -> SafeString:
    """One row of the log, as audit/log.html drew it: built in Python, every value escaped. The template's
    loop with its include was 4-6 ms of the page's 20 (national data set); this is 0.6 ms."""
    at = timezone.localtime(entry.at)
    ip = f'<br>\n        <span class="govuk-body-s">{escape(entry.ip)}</span>' if entry.ip else ""
    record = ""
    if entry.model:
        name = escape(truncated(entry.record_name, 80))
        link = f'<a class="govuk-link" href="{escape(entry.url)}">{name}</a>' if entry.url else name
        record = f'<span class="govuk-body-s">{escape(entry.record_kind)}</span><br>\n        {link}'
    record_label = ' data-label="Record"' if entry.model else ""
    changes_label = ' data-label="Changes"' if entry.readable_changes or entry.detail else ""
    return mark_safe(
        '<tr class="govuk-table__row">'
        f'<td class="govuk-table__cell" data-label="When">{at.day} {at:%b %Y, %H:%M:%S}</td>'
        f'<td class="govuk-table__cell" data-label="Who">{escape(entry.username or "The system")}{ip}</td>'
        f'<td class="govuk-table__cell" data-label="What">{escape(entry.get_action_display())}</td>'
        f'<td class="govuk-table__cell"{record_label}>{record}</td>'
        f'<td class="govuk-table__cell"{changes_label}>{_changes_html(entry)}</td>'
        "</tr>"
    )


def _entries(rows: Iterable[tuple[Any, ...]]) -> list[Entry]:
    return [Entry(*row) for row in rows]


def _midnight(day: dt.date) -> dt.datetime:
    """The first moment of a day in the current time zone (TIME_ZONE, as at__date reads it: Europe/London
    never skips or repeats a midnight)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def query_of(partnership_id: int, data: dict[str, Any]) -> AuditQuery:
    """The page's plain SQL (log_query) for what `events_of` selects."""
    end = data.get("end")
    return AuditQuery(
        partnership_id,
        user_id=int(data["who"]) if data.get("who") else None,
        model=data.get("record") or "",
        object_id=str(data["record_id"]) if data.get("record_id") else "",
        action=data.get("action") or "",
        since=_midnight(data["start"]) if data.get("start") else None,
        before=_midnight(end + dt.timedelta(days=1)) if end and end < dt.date.max else None,
    )


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
    # the days as a range of `at` (from the first day's midnight to the midnight after the last), not
    # at__date: the (partnership_id, at) index answers a range, never the date of every event
    if data.get("start"):
        events = events.filter(at__gte=_midnight(data["start"]))
    if data.get("end") and data["end"] < dt.date.max:
        events = events.filter(at__lt=_midnight(data["end"] + dt.timedelta(days=1)))
    return events.order_by("-at", "-pk")


def _filtered(request: HttpRequest, slug: str) -> tuple[Access, AuditFilterForm, dict[str, Any]]:
    """Who may read the log (the business team), its filter form, and its filters (none when not valid)."""
    access = get_partnership_for_user(request, slug, edit=True)
    User = get_user_model()
    users = select_rows(
        [(PartnershipRole, "user_id"), (User, "username")],
        f"SELECT r.user_id, u.username FROM {PartnershipRole._meta.db_table} r"
        f" JOIN {User._meta.db_table} u ON u.id = r.user_id WHERE r.partnership_id = %s ORDER BY u.username",
        [access.partnership.pk],
    )
    form = AuditFilterForm(request.GET or None, users=[(str(pk), name) for pk, name in users])
    return access, form, form.cleaned_data if form.is_valid() else {}


class _Links:
    """The pages of records (LINKS) of one partnership, each address made from one reverse() a kind of
    record (`address_of`)."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.addresses: dict[str, Callable[[Any], str]] = {}  # label: its address for any id

    def of(self, label: str, pk: Any) -> str:
        if label not in self.addresses:
            name, by_partnership = LINKS[label]
            self.addresses[label] = address_of(name, self.slug) if by_partnership else address_of(name)
        return self.addresses[label](pk)


def _linked(entries: list[Entry], access: Access, user: Any) -> list[Entry]:
    """Each entry named in words (`readable`: the partnership and the signed-in user as this request read
    them), with `url`: the page of its record, or of what the record belongs to, where there is one."""
    links = _Links(access.partnership.slug)
    for entry in readable.annotate(entries, known=(access.partnership, user)):
        entry.url = next((links.of(label, pk) for label, pk in entry.link if label in LINKS), "")
    return entries


@require_GET
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    access, form, data = _filtered(request, slug)
    selected = query_of(access.partnership.pk, data)
    found = _count(access, selected)
    page = counted_page(
        PageRows(selected, ENTRY_FIELDS), PAGE_SIZE, request.GET.get("page"), count=min(found, COUNT_LIMIT)
    )
    page.object_list = _linked(_entries(page.object_list), access, signed_in_user(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "access": access,
            "form": form,
            "filters": _filter_markup(access, form),
            "page": page,
            "rows": [_row_html(entry) for entry in page.object_list],
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "more": found > COUNT_LIMIT,
            "limit": f"{COUNT_LIMIT:,}",
            "query": query.urlencode(),
        },
    )


# The searches found to have more than COUNT_LIMIT entries. The trail is never changed or deleted from
# (audit.immutable), and a backup is restored only onto an empty installation with its servers stopped: a
# search past the limit stays past it, and this process does not count it again (PAST_LIMIT_KEPT searches
# at most, the least recently used forgotten first). Keyed with the partnership's version too, so that a
# partnership's id used again (SQLite, after a rolled-back test) never meets another's.
PAST_LIMIT_KEPT = 1024
_past_limit = Kept()


def _count(access: Access, selected: AuditQuery) -> int:
    """How many entries the search finds, up to COUNT_LIMIT + 1 (more than the limit)."""
    key = (access.reference, selected, COUNT_LIMIT)
    if _past_limit.get(key):
        return COUNT_LIMIT + 1
    found = selected.count(COUNT_LIMIT + 1)
    if found > COUNT_LIMIT and access.reference is not None:
        _past_limit.put(key, True, limit=PAST_LIMIT_KEPT)
    return found


def _filter_markup(access: Access, form: AuditFilterForm) -> Mapping[str, SafeString]:
    """Each filter's form group, as `as_field_group` draws it: kept between requests (lib.reference) under
    what the markup is made of (each field's data as its widget reads it from the request, and the choice
    of users; never the page number or anything else in the address, so paging makes no new entries), since
    drawing the six fields through their templates was a tenth of the page's time (docs/benchmarks.md)."""
    who = form.fields["who"]
    given = repr([form[name].data for name in form.fields]) if form.is_bound else None
    key = ("audit filters", tuple(who.choices), given)  # type: ignore[attr-defined]
    return cached(
        access.reference,
        key,
        lambda: MappingProxyType({name: form[name].as_field_group() for name in form.fields}),
    )


def _csv_row(entry: Entry) -> list[str]:
    """An entry as the page shows it, in words, each cell safe from being run as a formula."""
    changes = [c.text for c in entry.readable_changes]
    if entry.detail:
        changes.append(entry.detail)
    cells = [
        f"{timezone.localtime(entry.at):%-d %B %Y, %H:%M:%S}",
        entry.username or "The system",
        entry.ip or "",
        entry.get_action_display(),
        entry.record,
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
    batch: list[tuple[Any, ...]] = []
    for row in events.values_list(*ENTRY_FIELDS).iterator(chunk_size=CSV_BATCH):
        batch.append(row)
        if len(batch) == CSV_BATCH:
            yield _csv_batch(batch)
            batch = []
    if batch:
        yield _csv_batch(batch)


def _csv_batch(rows: list[tuple[Any, ...]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(_csv_row(e) for e in readable.annotate(_entries(rows)))
    return out.getvalue().encode("utf-8")


@require_GET
def audit_log_csv(request: HttpRequest, slug: str) -> StreamedAttachment:
    """The filtered log, every page of it, as CSV: the same entries and words as the page. Downloading it
    is itself recorded."""
    access, _form, data = _filtered(request, slug)
    events = events_of(access.partnership.pk, data)
    filename = f"{access.partnership.slug}-audit-log-{timezone.localdate():%Y-%m-%d}.csv"
    audit.exported(filename, partnership_id=access.partnership.pk)
    response = StreamedAttachment(_csv_lines(events), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "private, no-store"
    return response
