"""The inspections register, an inspection's page with its improvement plan, and the plan's downloads.

An inspection's report is public and its plan is the board's: everyone with a role in the partnership reads
them; the business team records and changes inspections. The plan's recommendations, actions and evidence are
changed on the recommendation's page (`boardkeeper.recommendations`); the actions are the action log's.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import Access, get_partnership_for_user, signed_in_user
from boardkeeper.audit import recorder as audit
from boardkeeper.inspections import services
from boardkeeper.inspections.forms import DeleteForm, InspectionForm
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.http import attachment
from boardkeeper.lib.versioning import StaleEdit
from boardkeeper.recommendations import plans
from boardkeeper.recommendations.plan_exports import plan_docx, plan_xlsx

STALE_REMOVE = (
    "This inspection was changed by someone else since you opened this page, so it has not been removed. "
    "Check it, and remove it again if it still should go."
)


def _inspection(
    request: HttpRequest, slug: str, inspection_id: int, *, edit: bool = False
) -> tuple[Inspection, Access]:
    """The partnership's inspection (another's, or none: 404); `edit`: for the business team (else 403)."""
    access = get_partnership_for_user(request, slug)
    inspection = (
        services.inspections_of(access.partnership)
        .select_related("partnership")
        .filter(pk=inspection_id)
        .first()
    )
    if inspection is None:
        raise Http404("No such inspection")
    if edit:
        access.require_edit()  # after it is found: one that is not there is not found, for anyone
    return inspection, access


def _page_url(inspection: Inspection, anchor: str = "") -> str:
    url = reverse("inspection", args=[inspection.partnership.slug, inspection.pk])
    return f"{url}#{anchor}" if anchor else url


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    inspections = list(services.inspections_of(access.partnership).order_by("-inspected_on", "-pk"))
    progress = plans.progress_of(inspections, timezone.localdate())
    rows = [(i, progress[i.pk]) for i in inspections]
    return render(request, "inspections/register.html", {"access": access, "rows": rows})


@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = InspectionForm(request.POST or None, partnership=access.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(
                partnership=access.partnership, user=signed_in_user(request), **form.values()
            )
        except services.InspectionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{inspection.title} is recorded. Add its recommendations to make the plan."
            )
            return redirect(_page_url(inspection))
    return render(request, "inspections/new.html", {"access": access, "form": form})


@require_GET
def inspection(request: HttpRequest, slug: str, inspection_id: int) -> HttpResponse:
    inspection, access = _inspection(request, slug, inspection_id)
    plan = plans.plan_of(inspection, timezone.localdate())
    return render(
        request,
        "inspections/inspection.html",
        {
            "access": access,
            "inspection": inspection,
            "plan": plan,
            "recommendations": [
                (rec, reverse("recommendation", args=[slug, rec.recommendation.pk]))
                for rec in plan.recommendations
            ],
            "recommendation_new": reverse("recommendation_new", args=[slug]) + f"?inspection={inspection.pk}",
            "items": services.items_mentioning(inspection),
            "words": services.search_words(inspection),
            "search_from": inspection.inspected_on - services.SEARCH_BEFORE,
            "audit_events": audit.trail_of(inspection) if access.can_edit else None,
        },
    )


@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, slug: str, inspection_id: int) -> HttpResponse:
    inspection, access = _inspection(request, slug, inspection_id, edit=True)
    form = InspectionForm(request.POST or None, partnership=access.partnership, inspection=inspection)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_edit(
                inspection=inspection,
                user=signed_in_user(request),
                version=form.cleaned_data["version"],
                **form.values(),
            )
        except StaleEdit as e:
            if e.current is None:
                raise Http404("No such inspection") from e
            inspection, stale = e.current, True
            data = request.POST.copy()
            data["version"] = str(inspection.version)
            form = InspectionForm(data, partnership=access.partnership, inspection=inspection)
            form.is_valid()
        except services.InspectionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{inspection.title} is saved.")
            return redirect(_page_url(inspection))
    return render(
        request,
        "inspections/edit.html",
        {"access": access, "inspection": inspection, "form": form, "stale": stale},
        status=409 if stale else 200,
    )


@require_http_methods(["GET", "POST"])
def inspection_delete(request: HttpRequest, slug: str, inspection_id: int) -> HttpResponse:
    """A confirmation page; its POST removes an inspection recorded by mistake (not one with a plan)."""
    inspection, access = _inspection(request, slug, inspection_id, edit=True)
    form = DeleteForm(request.POST or None, initial={"version": inspection.version})
    problem = ""
    if request.method == "POST":
        if not form.is_valid():
            problem = "This page was out of date: nothing was removed. Check the inspection and try again."
        else:
            try:
                services.inspection_delete(
                    inspection=inspection, user=signed_in_user(request), version=form.cleaned_data["version"]
                )
            except StaleEdit as e:
                if e.current is None:  # removed by someone else meanwhile
                    raise Http404("No such inspection") from e
                problem = STALE_REMOVE
            except services.InspectionRefused as refused:
                problem = str(refused)
            else:
                messages.success(request, f"{inspection.title} is removed.")
                return redirect("inspections", slug=slug)
        now = Inspection.objects.select_related("partnership", "board").filter(pk=inspection.pk).first()
        if now is None:
            raise Http404("No such inspection")
        inspection = now
        form = DeleteForm(initial={"version": inspection.version})
    return render(
        request,
        "inspections/delete.html",
        {
            "access": access,
            "inspection": inspection,
            "form": form,
            "problem": problem,
            "recommendations": inspection.recommendations.count(),
        },
        status=409 if problem else 200,
    )


def _filename(inspection: Inspection, ext: str) -> str:
    today = timezone.localdate()
    name = slugify(inspection.title)[:60] or "inspection"
    return f"{inspection.partnership.slug}-improvement-plan-{name}-{today:%Y-%m-%d}.{ext}"


@require_GET
def inspection_plan_docx(request: HttpRequest, slug: str, inspection_id: int) -> HttpResponse:
    inspection, access = _inspection(request, slug, inspection_id)
    today = timezone.localdate()
    data = plan_docx(inspection, plans.plan_of(inspection, today), today)
    filename = _filename(inspection, "docx")
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="docx")


@require_GET
def inspection_plan_xlsx(request: HttpRequest, slug: str, inspection_id: int) -> HttpResponse:
    inspection, access = _inspection(request, slug, inspection_id)
    data = plan_xlsx(plans.plan_of(inspection, timezone.localdate()))
    filename = _filename(inspection, "xlsx")
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="xlsx")
