"""Downloads: the register and a review's change log as spreadsheets, and a version of a report."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from boardkeeper.accounts.permissions import get_partnership_for_user, get_review_for_user, signed_in_user
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.lib import exports
from boardkeeper.lib.http import attachment
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import clocks_of
from boardkeeper.reviews.models import ChangeRequest, ReportVersion


@require_GET
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The register as the person may see it: one row per clock (or per review without one)."""
    access = get_partnership_for_user(request, slug)
    rules = services.rules_for(access.partnership)
    today = timezone.localdate()
    reviews = (
        services.visible_reviews(signed_in_user(request), access.partnership, business_team=access.can_edit)
        .prefetch_related("themes", "overrun_reasons")
        .order_by("pseudonym", "pk")
    )
    header = [
        "Review",
        "Kind",
        "Stage",
        "Clock",
        "Due",
        "Status",
        "Next step",
        "Reason for an overrun",
        "Publication planned",
        "Published",
        "Themes",
    ]
    rows: list[list[exports.Cell]] = []
    for review in reviews:
        themes = ", ".join(t.name for t in review.themes.all())
        common = [review.pseudonym, review.get_kind_display(), review.get_stage_display()]
        tail: list[exports.Cell] = [review.publication_planned_on, review.published_on, themes]
        clocks = clocks_of(review, rules, today=today, reasons=review.overrun_reasons.all())
        for clock in clocks:
            rows.append(
                [
                    *common,
                    clock.label,
                    clock.due,
                    clock.status,
                    clock.next_step if clock.is_open else "",
                    clock.reason,
                    *tail,
                ]
            )
        if not clocks:
            rows.append([*common, "", None, "", "", "", *tail])
    data = exports.table_xlsx("Case reviews", header, rows)
    filename = f"{access.partnership.slug}-case-reviews-{today:%Y-%m-%d}.xlsx"
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="xlsx")


def _recorded_by(change: ChangeRequest) -> str:
    """Who put the request on record: the agency's own member (by their name in the directory), or the
    business team on the agency's behalf (a letter or an e-mail it received)."""
    user = change.raised_by
    if user is None:  # the business team's record, unless the member's account has since gone
        return (
            f"{change.requested_by}, for {change.organisation}" if change.agency_id else "The business team"
        )
    person = getattr(user, "person", None)
    name = person.full_name if person is not None else (user.get_full_name() or user.get_username())
    return f"{name}, for {change.organisation}"


@require_GET
def change_log_export(request: HttpRequest, review_id: int) -> HttpResponse:
    """Every requested change to the review's report and what became of it, for the Executive Board."""
    review, _access = get_review_for_user(request, review_id)
    requests = (
        ChangeRequest.objects.filter(version__review=review)
        .select_related("version", "raised_by__person")
        .order_by("version__dated", "requested_on", "pk")
    )
    header = [
        "Version",
        "Version date",
        "Requested by",
        "Agency",
        "Requested on",
        "Request",
        "Response",
        "Why",
        "Responded on",
        "Kind",
        "Paragraph or section",
        "Recorded by",
    ]
    rows: list[list[exports.Cell]] = [
        [
            c.version.number,
            c.version.dated,
            c.requested_by,
            c.organisation,
            c.requested_on,
            c.request,
            c.get_response_display(),
            c.rationale,
            c.responded_on,
            c.get_kind_display(),
            c.reference,
            _recorded_by(c),
        ]
        for c in requests
    ]
    data = exports.table_xlsx("Change log", header, rows)
    name = re.sub(r"[^A-Za-z0-9]+", "-", review.pseudonym).strip("-").lower() or "review"
    filename = f"{name}-change-log.xlsx"
    audit.exported(filename, partnership_id=review.partnership_id)
    return attachment(data, filename=filename, fmt="xlsx")


@require_GET
def report_file(request: HttpRequest, review_id: int, version_id: int) -> FileResponse:
    """A version of the report as it was uploaded (a download, on the audit trail; never shown inline)."""
    review, _access = get_review_for_user(request, review_id)
    version = get_object_or_404(ReportVersion, pk=version_id, review=review)
    if not version.file:
        raise Http404("No file for this version")
    audit.event(AuditEvent.Action.DOWNLOAD, version, detail=version.file_name or "report")
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.file_name or "report"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
