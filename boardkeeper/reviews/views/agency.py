"""Agencies answer for themselves: a board member named on a review records their agency's comment or
change request against a version of its report, and changes or withdraws it until it has a response.

Who may: a board member (not a viewer, who changes nothing; not the business team, which records an
agency's request with its own form and answers them all) named on the review, with an organisation in the
directory. Anyone else who may read the review is refused (403); anyone who may not is told it does not
exist (404), as for the review itself, and nothing is written. A request is changed only by whoever raised
it, and only while it awaits a response; the business team's response stays theirs (`review_response`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.accounts.permissions import Access, get_review_for_user, signed_in_user
from boardkeeper.directory.models import Person
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.reviews import agency_requests
from boardkeeper.reviews import forms as f
from boardkeeper.reviews.models import ChangeRequest, Review
from boardkeeper.reviews.services import ReviewRefused
from boardkeeper.reviews.views.review import agency_person, render_page

ANCHOR = "agency-requests"


def _page_url(review: Review) -> str:
    return reverse("review", args=[review.pk]) + f"#{ANCHOR}"


def _raiser(request: HttpRequest, review_id: int) -> tuple[Review, Access, Person]:
    """The review, and the signed-in member who may record their agency's requests on it (else 403, after
    the need-to-know check's 404)."""
    review, access = get_review_for_user(request, review_id)
    person = agency_person(request, access, review)
    if person is None:
        if access.role.role == PartnershipRole.Role.VIEWER:
            raise PermissionDenied("A viewer reads the review but changes nothing.")
        raise PermissionDenied(
            "The business team records an agency's request with ‘Record a requested change’."
        )
    if person.organisation is None:
        raise PermissionDenied(
            "Your entry in the directory names no organisation, so there is no agency to record this for: "
            "ask the business team to add yours."
        )
    return review, access, person


def _own_request(request: HttpRequest, review: Review, request_id: int) -> ChangeRequest:
    change = get_object_or_404(
        ChangeRequest.objects.select_related("version"), pk=request_id, version__review=review
    )
    if change.raised_by_id != signed_in_user(request).pk:
        raise PermissionDenied("You can change only the requests you raised yourself.")
    return change


def _back_to_the_page(request: HttpRequest, review_id: int) -> HttpResponse:
    """A GET of a form's address: nothing to show on its own, so the section on the review's page."""
    review, _access = get_review_for_user(request, review_id)
    return redirect(_page_url(review))


def _no_longer_pending(
    request: HttpRequest,
    review: Review,
    access: Access,
    current: ChangeRequest | None,
    posted: f.AgencyEditForm,
) -> HttpResponse:
    """The request was answered or withdrawn since the page was drawn: nothing was saved, and what the member
    typed comes back in the form for a new request, so that nothing they wrote is lost."""
    if current is None:
        message = "That request is no longer on record, so your change was not saved."
    elif current.response == ChangeRequest.Response.WITHDRAWN:
        message = "That request was withdrawn since you opened the page, so your change was not saved."
    else:
        message = (
            f"The business team responded to that request since you opened the page "
            f"(‘{current.get_response_display()}’), so it can no longer be changed. "
            "Your text is in the form for a new request: raise it again if it still stands."
        )
    data = {
        "agency-report_version": str(current.version_id) if current else "",
        **{
            f"agency-{name}": posted.data.get(posted.add_prefix(name), "")
            for name in ("kind", "reference", "request")
        },
    }
    form = f.AgencyRequestForm.for_review(review, data)
    form.is_valid()
    form.add_error(None, message)
    return render_page(request, review, access, failed="agency", form=form)


@require_http_methods(["GET", "POST"])
def review_agency(request: HttpRequest, review_id: int) -> HttpResponse:
    """A new comment or change request of the member's agency."""
    if request.method == "GET":
        return _back_to_the_page(request, review_id)
    review, access, person = _raiser(request, review_id)
    form = f.AgencyRequestForm.for_review(review, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            change = agency_requests.agency_request_add(
                version=form.versions[d["report_version"]],
                user=signed_in_user(request),
                person=person,
                kind=d["kind"],
                reference=d["reference"],
                request=d["request"],
                on=timezone.localdate(),
            )
        except ReviewRefused as refused:
            form.add_error(None, str(refused))
        else:
            what = change.get_kind_display().lower()
            messages.success(
                request,
                f"Your {what} is recorded for {change.organisation} against version {change.version.number}.",
            )
            return redirect(_page_url(review))
    return render_page(request, review, access, failed="agency", form=form)


@require_http_methods(["GET", "POST"])
def review_agency_edit(request: HttpRequest, review_id: int, request_id: int) -> HttpResponse:
    """A change to the member's own request, while it awaits a response."""
    if request.method == "GET":
        return _back_to_the_page(request, review_id)
    review, access, _person = _raiser(request, review_id)
    change = _own_request(request, review, request_id)
    form = f.AgencyEditForm.for_change_request(change, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            agency_requests.agency_request_edit(
                change=change,
                user=signed_in_user(request),
                row_version=d["row_version"],
                kind=d["kind"],
                reference=d["reference"],
                request=d["request"],
            )
        except ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            current = edit.current
            if current is None or not current.is_pending:
                return _no_longer_pending(request, review, access, current, form)
            form = rebound(form, current.row_version, field="row_version", request_pk=change.pk)
            form.add_error(
                None,
                "You changed this request in another window since you opened this page, so this change "
                "was not saved. Check it against the request as it now reads and save again.",
            )
            return render_page(request, review, access, failed=f"agency-{change.pk}", form=form)
        else:
            messages.success(request, "Your request is changed.")
            return redirect(_page_url(review))
    return render_page(request, review, access, failed=f"agency-{change.pk}", form=form)


@require_http_methods(["GET", "POST"])
def review_agency_withdraw(request: HttpRequest, review_id: int, request_id: int) -> HttpResponse:
    """The member takes their own request back, while it awaits a response (it stays in the change log)."""
    if request.method == "GET":
        return _back_to_the_page(request, review_id)
    review, _access, _person = _raiser(request, review_id)
    change = _own_request(request, review, request_id)
    form = f.WithdrawForm(request.POST)
    if form.is_valid():
        try:
            agency_requests.agency_request_withdraw(
                change=change,
                user=signed_in_user(request),
                row_version=form.cleaned_data["row_version"],
                on=timezone.localdate(),
            )
        except StaleEdit as edit:
            current = edit.current
            if current is None or not current.is_pending:
                message = "That request already has a response, so it can no longer be withdrawn."
                if current is not None and current.response == ChangeRequest.Response.WITHDRAWN:
                    message = "That request is withdrawn already."
            else:
                message = (
                    "You changed this request since you opened the page, so it was not withdrawn: "
                    "check it as it now reads, and withdraw it again if you still want to."
                )
            messages.error(request, message)
            return redirect(_page_url(review))
        messages.success(request, "Your request is withdrawn. It stays in the change log as withdrawn.")
        return redirect(_page_url(review))
    messages.error(request, "This page is out of date: check the request and withdraw it again.")
    return redirect(_page_url(review))
