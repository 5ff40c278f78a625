"""A case review's page, and the small views that change it, a section each.

The page shows the review: its clocks, the decision, the report and the changes asked of it, contact with
the family, parallel processes, publication, themes, the minutes that mention it, who may see it and its
stages; to the business team, each section with the form that changes it. Each form posts to a view of its
own (`review_<section>`, at reviews/<id>/<section>/): permission-checked fetch, form, one domain call,
then back to the section on the page, or the page again (`render_page`) with that form as it was posted
and what is wrong with it. A GET of a section's address has nothing to show on its own: it goes to the
section on the page.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.models import PartnershipRole
from boardkeeper.accounts.permissions import Access, get_review_for_user, signed_in_user
from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Person
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.reviews import forms as f
from boardkeeper.reviews import services
from boardkeeper.reviews.clocks import Clock, clocks_of
from boardkeeper.reviews.models import ChangeRequest, OverrunReason, ReportVersion, Review

SectionView = Callable[[HttpRequest, int], HttpResponse]


@dataclass(frozen=True)
class Clash:
    """Why the date asked for publication will not do, and the next free date (None: none in three years)."""

    problems: list[str]
    proposal: dt.date | None


# The page ------------------------------------------------------------------------------------------------


def _clocks(review: Review) -> list[Clock]:
    rules = services.rules_for(review.partnership)
    reasons = OverrunReason.objects.filter(review=review)
    return clocks_of(review, rules, today=timezone.localdate(), reasons=reasons)


def render_page(
    request: HttpRequest,
    review: Review,
    access: Access,
    *,
    failed: str = "",
    form: forms.Form | None = None,
    stale: bool = False,
    clash: Clash | None = None,
) -> HttpResponse:
    """The review's page. After a change that was not saved, `failed` names its section and `form` is
    its form as posted, with its errors, in place of an empty one; `stale`: someone saved the review
    first (`review` is the review as it now is, and the form is given back on its new version, ready to
    submit again); `clash`: the date planned for publication clashes."""
    rules = services.rules_for(review.partnership)
    reasons = list(OverrunReason.objects.filter(review=review))
    clocks = clocks_of(review, rules, today=timezone.localdate(), reasons=reasons)
    if stale and isinstance(form, f.ReviewForm):
        form = rebound(form, review.version, review=review, clocks=clocks)
    versions = list(ReportVersion.objects.filter(review=review).prefetch_related("change_requests"))
    change_requests = [c for v in versions for c in v.change_requests.all()]
    raiser = agency_person(request, access, review)
    for c in change_requests:  # each pending request carries the form that answers it
        if c.response != ChangeRequest.Response.PENDING:
            continue
        if c.may_be_changed_by(request.user.pk):  # the member's own: the forms that change it
            failed_here = isinstance(form, f.AgencyEditForm) and form.request_pk == c.pk
            c.edit_form = form if failed_here else f.AgencyEditForm.for_change_request(c)  # type: ignore[attr-defined]
            c.edit_open = failed_here  # type: ignore[attr-defined]
        if isinstance(form, f.ResponseForm) and form.request_pk == c.pk:  # the answer that failed, open
            c.response_form, c.response_open = form, True  # type: ignore[attr-defined]
        else:
            c.response_form = f.ResponseForm.for_change_request(c)  # type: ignore[attr-defined]
    context = {
        "access": access,
        "review": review,
        "rules": rules,
        "clocks": clocks,
        "notice_clock": next((c for c in clocks if c.key == "notice"), None),
        "history": review.stage_changes.select_related("by__person").all(),
        "versions": versions,
        "change_requests": change_requests,
        "family": review.family_contacts.all(),
        "parallel": review.parallel_processes.all(),
        "panel_meetings": review.panel_meetings.all(),
        "mentions": services.mentions_of(review),
        "themes": review.themes.all(),
        "named": review.named_people.select_related("organisation"),
        "audit_events": audit.trail_of(review) if access.can_edit else None,
        "failed": failed,
        "failed_form": form,
        "stale": stale,
        "clash": clash,
        "agency_person": raiser,  # a board member named on the review, who may speak for their agency
        "agency_form": (form if failed == "agency" else f.AgencyRequestForm.for_review(review))
        if raiser is not None and raiser.organisation is not None and versions
        else None,
        "own_requests": [c for c in change_requests if hasattr(c, "edit_form")],
    }
    if access.can_edit:  # every section's form, keyed by its prefix: the one that failed as it was posted
        context["forms"] = {
            str(cls.prefix): form
            if cls.prefix == failed and form is not None
            else cls.for_review(review, clocks=clocks)
            for cls in f.PAGE_FORMS
        }
    return render(request, "reviews/review.html", context)


def agency_person(request: HttpRequest, access: Access, review: Review) -> Person | None:
    """The signed-in board member's entry in the directory, if they are named on the review: who may record
    their agency's comments on its report. None for the business team (it records requests with its own
    form), for viewers (who change nothing) and for anyone not named."""
    if access.role.role != PartnershipRole.Role.MEMBER:
        return None
    return review.named_people.select_related("organisation").filter(user=signed_in_user(request)).first()


@require_GET
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id)
    return render_page(request, review, access)


# The sections: one view each -----------------------------------------------------------------------------


def _section_url(review: Review, anchor: str) -> str:
    return reverse("review", args=[review.pk]) + f"#{anchor}"


def section(anchor: str) -> Callable[[SectionView], SectionView]:
    """A view that changes one section of the page, `anchor` its id there. It takes the POST; a GET of its
    address (nothing to show on its own) goes to the section on the review's page."""

    def decorate(view: SectionView) -> SectionView:
        @require_http_methods(["GET", "POST"])
        @functools.wraps(view)
        def wrapped(request: HttpRequest, review_id: int) -> HttpResponse:
            if request.method == "GET":
                review, _access = get_review_for_user(request, review_id)
                return redirect(_section_url(review, anchor))
            return view(request, review_id)

        return wrapped

    return decorate


def _saved(request: HttpRequest, review: Review, anchor: str, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(_section_url(review, anchor))


def _stale(
    request: HttpRequest, access: Access, failed: str, form: forms.Form, edit: StaleEdit
) -> HttpResponse:
    """Someone saved the review first: nothing was saved; the page as the review now is."""
    if edit.current is None:
        raise Http404("No such review")
    return render_page(request, edit.current, access, failed=failed, form=form, stale=True)


@section("clocks")
def review_notified(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.NotifiedForm.for_review(review, request.POST, clocks=_clocks(review))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.notified(
                review=review,
                user=signed_in_user(request),
                version=d["version"],
                on=d["on"],
                overrun_reason=d["overrun_reason"],
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "notified", form, edit)
        else:
            message = f"The notification to the Panel on {d['on']:%-d %B %Y} is recorded."
            return _saved(request, review, "clocks", message)
    return render_page(request, review, access, failed="notified", form=form)


@section("clocks")
def review_rapid(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.RapidReviewForm.for_review(review, request.POST, clocks=_clocks(review))
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.rapid_review_sent(
                review=review,
                user=signed_in_user(request),
                version=d["version"],
                on=d["on"],
                overrun_reason=d["overrun_reason"],
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "rapid", form, edit)
        else:
            message = (
                "The rapid review is recorded as completed and sent to the Panel. "
                "The partners' decision is next."
            )
            return _saved(request, review, "clocks", message)
    return render_page(request, review, access, failed="rapid", form=form)


@section("decision")
def review_decision(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.DecisionForm.for_review(review, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        leads_to = "" if d["leads_to"] == "none" else d["leads_to"]
        try:
            services.decision_record(
                review=review,
                user=signed_in_user(request),
                version=d["version"],
                on=d["on"],
                criteria=d["criteria"],
                rationale=d["rationale"],
                leads_to=leads_to,
                sent_on=d["sent_on"],
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "decision", form, edit)
        else:
            what = review.get_kind_display() if leads_to else "no further review"
            return _saved(request, review, "decision", f"The decision is recorded: {what}.")
    return render_page(request, review, access, failed="decision", form=form)


@section("details")
def review_details(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.DetailsForm.for_review(review, request.POST)
    if form.is_valid():
        try:
            services.review_details(review=review, user=signed_in_user(request), **form.cleaned_data)
        except StaleEdit as edit:
            return _stale(request, access, "details", form, edit)
        return _saved(request, review, "details", "Terms of reference and reviewer saved.")
    return render_page(request, review, access, failed="details", form=form)


@section("stage")
def review_stage(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.StageForm.for_review(review, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.stage_move(
                review=review,
                user=signed_in_user(request),
                version=d["version"],
                to=d["to"],
                on=d["on"],
                note=d["note"],
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "stage", form, edit)
        else:
            return _saved(request, review, "stage", f"The review is now at ‘{review.get_stage_display()}’.")
    return render_page(request, review, access, failed="stage", form=form)


@section("report")
def review_version(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.ReportVersionForm.for_review(review, request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            version = services.version_add(
                review=review,
                user=signed_in_user(request),
                number=d["number"],
                dated=d["dated"],
                summary=d["summary"],
                upload=d["file"],
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "version", form, edit)
        else:
            return _saved(request, review, "report", f"Version {version.number} of the report is recorded.")
    return render_page(request, review, access, failed="version", form=form)


@section("report")
def review_change(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.ChangeRequestForm.for_review(review, request.POST)
    if not form.is_valid():
        return render_page(request, review, access, failed="change", form=form)
    d = dict(form.cleaned_data)
    version = form.versions[d.pop("report_version")]
    services.change_request_add(version=version, **d)
    message = f"The change requested by {d['organisation']} is recorded against version {version.number}."
    return _saved(request, review, "report", message)


@section("report")
def review_response(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.ResponseForm.posted(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        change = ChangeRequest.objects.filter(pk=form.request_pk, version__review=review).first()
        if change is None:
            form.add_error(None, "That change request is not part of this review.")
        elif change.response == ChangeRequest.Response.WITHDRAWN:
            form.add_error(None, f"{change.organisation} withdrew that request: it needs no response.")
        else:
            try:
                services.change_request_respond(
                    request=change,
                    row_version=d["row_version"],
                    response=d["response"],
                    rationale=d["rationale"],
                    on=d["on"],
                )
            except services.ReviewRefused as refused:
                form.add_error(None, str(refused))
            except StaleEdit:  # answered meanwhile: the page as the review now is
                review.refresh_from_db()
                return render_page(request, review, access, failed="response", form=form, stale=True)
            else:
                message = f"The response to {change.organisation}'s request is recorded."
                return _saved(request, review, "report", message)
    return render_page(request, review, access, failed="response", form=form)


@section("family")
def review_family(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.FamilyContactForm.for_review(review, request.POST)
    if not form.is_valid():
        return render_page(request, review, access, failed="family", form=form)
    services.family_contact_add(review=review, **form.cleaned_data)
    return _saved(request, review, "family", "Contact with the family is recorded.")


@section("parallel")
def review_parallel(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.ParallelProcessForm.for_review(review, request.POST)
    if not form.is_valid():
        return render_page(request, review, access, failed="parallel", form=form)
    services.parallel_process_add(review=review, **form.cleaned_data)
    return _saved(request, review, "parallel", "The parallel process is recorded.")


@section("parallel")
def review_ended(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.ParallelEndForm.for_review(review, request.POST)
    if not form.is_valid():
        return render_page(request, review, access, failed="ended", form=form)
    process = form.objects[form.cleaned_data["process"]]
    services.parallel_process_end(process=process, concluded_on=form.cleaned_data["concluded_on"])
    return _saved(
        request, review, "parallel", f"The {process.get_kind_display().lower()} is recorded as ended."
    )


@section("clocks")
def review_overrun(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.OverrunForm.for_review(review, request.POST, clocks=_clocks(review))
    if not form.is_valid():
        return render_page(request, review, access, failed="overrun", form=form)
    d = form.cleaned_data
    services.overrun_reason_add(
        review=review, user=signed_in_user(request), clock=d["clock"], reason=d["reason"]
    )
    return _saved(request, review, "clocks", "The reason for the overrun is recorded.")


@section("details")
def review_panel(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.PanelMeetingForm.for_review(review, request.POST)
    if not form.is_valid():
        return render_page(request, review, access, failed="panel", form=form)
    services.panel_meeting_add(review=review, **form.cleaned_data)
    return _saved(request, review, "details", "The panel meeting is recorded.")


@section("publication")
def review_plan(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.PublicationPlanForm.for_review(review, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            _, problems, proposal = services.publication_plan(
                review=review,
                user=signed_in_user(request),
                version=d["version"],
                day=d["day"],
                accept_clashes=d["accept_clashes"],
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "plan", form, edit)
        else:
            if not problems:
                return _saved(
                    request, review, "publication", f"Publication is planned for {d['day']:%-d %B %Y}."
                )
            form.add_error("day", "Choose another date, or plan it on this one despite the clashes.")
            clash = Clash(problems, proposal)
            return render_page(request, review, access, failed="plan", form=form, clash=clash)
    return render_page(request, review, access, failed="plan", form=form)


@section("publication")
def review_publication(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.PublicationForm.for_review(review, request.POST, clocks=_clocks(review))
    if form.is_valid():
        try:
            services.publication_record(
                review=review,
                user=signed_in_user(request),
                late_clocks=form.late_clocks(),
                **form.cleaned_data,
            )
        except services.ReviewRefused as refused:
            form.add_error(None, str(refused))
        except StaleEdit as edit:
            return _stale(request, access, "publication", form, edit)
        else:
            return _saved(request, review, "publication", "Publication details saved.")
    return render_page(request, review, access, failed="publication", form=form)


@section("themes")
def review_themes(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.ThemesForm.for_review(review, request.POST)
    if form.is_valid():
        try:
            services.themes_set(
                review=review,
                themes=[form.objects[k] for k in form.cleaned_data["themes"]],
                user=signed_in_user(request),
                version=form.cleaned_data["version"],
            )
        except StaleEdit as edit:
            return _stale(request, access, "themes", form, edit)
        return _saved(request, review, "themes", "Themes saved.")
    return render_page(request, review, access, failed="themes", form=form)


@section("people")
def review_people(request: HttpRequest, review_id: int) -> HttpResponse:
    review, access = get_review_for_user(request, review_id, edit=True)
    form = f.PeopleForm.for_review(review, request.POST)
    if form.is_valid():
        try:
            services.named_people_set(
                review=review,
                people=[form.objects[k] for k in form.cleaned_data["people"]],
                user=signed_in_user(request),
                version=form.cleaned_data["version"],
            )
        except StaleEdit as edit:
            return _stale(request, access, "people", form, edit)
        return _saved(request, review, "people", "The people named on the review are saved.")
    return render_page(request, review, access, failed="people", form=form)
