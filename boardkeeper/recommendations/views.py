"""The recommendations register, a recommendation's page, the small views that change it, and its files.

Need to know: the business team sees every recommendation; anyone else those of inspections and of the
reviews they may see, and any other is not found (404). Only the business team changes anything (403).
Each form of the page posts to a view of its own; a GET of its address goes back to the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import Access, get_partnership_for_user, signed_in_user
from boardkeeper.actions.services import MeetingsHeld
from boardkeeper.audit import recorder as audit
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Organisation
from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.http import attachment
from boardkeeper.lib.versioning import StaleEdit, rebound
from boardkeeper.meetings.models import Meeting
from boardkeeper.recommendations import exports, services
from boardkeeper.recommendations import forms as f
from boardkeeper.recommendations.models import Evidence, Recommendation
from boardkeeper.reviews.models import Review, Theme
from boardkeeper.reviews.services import visible_reviews

PAGE_SIZE = 50


def _recommendation(
    request: HttpRequest, slug: str, rec_id: int, *, edit: bool = False
) -> tuple[Recommendation, Access]:
    """The recommendation, if the person may see it (else 404); `edit`: and change it (else 403)."""
    access = get_partnership_for_user(request, slug)
    visible = services.visible_recommendations(
        signed_in_user(request), access.partnership, business_team=access.can_edit
    )
    rec = services.with_source(visible.select_related("partnership")).filter(pk=rec_id).first()
    if rec is None:
        raise Http404("No such recommendation")
    if edit:
        access.require_edit()
    return rec, access


def _page_url(rec: Recommendation, anchor: str = "") -> str:
    url = reverse("recommendation", args=[rec.partnership.slug, rec.pk])
    return f"{url}#{anchor}" if anchor else url


# The register ------------------------------------------------------------------------------------------


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    partnership = access.partnership
    visible = services.visible_recommendations(
        signed_in_user(request), partnership, business_team=access.can_edit
    )
    chosen = {k: request.GET.get(k, "") for k in ("status", "agency", "theme", "source", "year")}
    listed = visible
    if chosen["status"] in Recommendation.Status.values:
        listed = listed.filter(status=chosen["status"])
    else:
        chosen["status"] = ""
    agency, theme, year = _int(chosen["agency"]), _int(chosen["theme"]), _int(chosen["year"])
    if agency is not None:
        listed = listed.filter(agencies=agency)
    if theme is not None:
        listed = listed.filter(themes=theme)
    source = services.source_filter(chosen["source"])
    if source is not None:
        listed = listed.filter(source)
    if year is not None:
        first, last = services.year_span(year)
        listed = listed.filter(made_on__gte=first, made_on__lte=last)
    page = Paginator(
        services.with_source(listed).prefetch_related("agencies").order_by("-made_on", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = [
        (rec, services.source_name(rec), services.label_of(rec.repeats) if rec.repeats else "")
        for rec in page
    ]
    today = timezone.localdate()
    dates = visible.order_by("made_on").values_list("made_on", flat=True)
    first_made = dates.first()
    years = list(range(services.financial_year(today), services.financial_year(first_made or today) - 1, -1))
    return render(
        request,
        "recommendations/register.html",
        {
            "access": access,
            "counts": services.register_counts(visible),
            "rows": rows,
            "page": page,
            "chosen": chosen,
            "status_choices": Recommendation.Status.choices,
            "agencies": Organisation.objects.filter(partnership=partnership).order_by("name"),
            "themes": Theme.objects.filter(partnership=partnership).order_by("name"),
            "source_choices": services.SOURCE_KINDS,
            "years": [(y, services.year_label(y)) for y in years],
            "report_year": services.financial_year(today) - 1,
            "total": visible.count(),
        },
    )


@require_GET
def register_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """Every recommendation the person may see, one row each."""
    access = get_partnership_for_user(request, slug)
    visible = services.visible_recommendations(
        signed_in_user(request), access.partnership, business_team=access.can_edit
    )
    data = exports.ledger_xlsx(visible)
    filename = f"{access.partnership.slug}-recommendations-{timezone.localdate():%Y-%m-%d}.xlsx"
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="xlsx")


@require_GET
def register_docx(request: HttpRequest, slug: str) -> HttpResponse:
    """The yearly report's tables for a financial year (`year`: the year it starts; by default the last
    one ended)."""
    access = get_partnership_for_user(request, slug)
    today = timezone.localdate()
    year = _int(request.GET.get("year", ""))
    if year is None or not 1990 <= year <= today.year + 1:
        year = services.financial_year(today) - 1
    visible = services.visible_recommendations(
        signed_in_user(request), access.partnership, business_team=access.can_edit
    )
    data = exports.yearly_docx(visible, partnership=access.partnership.name, starts=year, today=today)
    filename = f"{access.partnership.slug}-recommendations-{year}-{(year + 1) % 100:02d}.docx"
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="docx")


# A new recommendation ----------------------------------------------------------------------------------


def _preselected(
    request: HttpRequest, access: Access, reviews: QuerySet[Review]
) -> Review | Inspection | None:
    review, inspection = _int(request.GET.get("review", "")), _int(request.GET.get("inspection", ""))
    if review is not None:
        found: Review | Inspection | None = reviews.filter(pk=review).first()
        if found is None:
            raise Http404("No such review")
        return found
    if inspection is not None:
        return get_object_or_404(Inspection, partnership=access.partnership, pk=inspection)
    return None


@require_http_methods(["GET", "POST"])
def recommendation_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    reviews = visible_reviews(signed_in_user(request), access.partnership, business_team=True).order_by(
        "pseudonym", "pk"
    )
    source = _preselected(request, access, reviews)
    initial: dict[str, str] = {}
    if source is not None:
        initial["source"] = f"{'review' if isinstance(source, Review) else 'inspection'}-{source.pk}"
        made_on = services.date_of_source(source)
        initial["made_on"] = f"{made_on:%d/%m/%Y}" if made_on else ""
    form = f.RecommendationForm(
        request.POST or None, partnership=access.partnership, reviews=reviews, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.recommendation_create(
                partnership=access.partnership, user=signed_in_user(request), **form.values()
            )
        except services.RecommendationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{services.label_of(rec)} is recorded.")
            if rec.repeats is not None:
                messages.warning(request, f"It looks like one made before: {services.label_of(rec.repeats)}.")
            if rec.inspection_id is not None:
                try:
                    return redirect(reverse("inspection", args=[slug, rec.inspection_id]))
                except NoReverseMatch:
                    pass
            return redirect(_page_url(rec))
    return render(request, "recommendations/new.html", {"access": access, "form": form, "source": source})


# A recommendation's page -------------------------------------------------------------------------------


def _source_url(rec: Recommendation) -> str:
    if rec.review_id is not None:
        return reverse("review", args=[rec.review_id])
    try:
        return reverse("inspection", args=[rec.partnership.slug, rec.inspection_id])
    except NoReverseMatch:  # the inspections' pages are not there yet
        return ""


def render_page(
    request: HttpRequest,
    rec: Recommendation,
    access: Access,
    *,
    form: forms.Form | None = None,
    stale: bool = False,
) -> HttpResponse:
    """The page; after a change that was not saved, `form` is its form as posted, with its errors."""
    today = timezone.localdate()
    links = list(services.linked_actions(rec))
    held = MeetingsHeld(Meeting.objects.filter(board_id__in={link.action.board_id for link in links}), today)
    actions = [(link, held.flag(link.action, today)) for link in links]
    context: dict[str, object] = {
        "access": access,
        "rec": rec,
        "source_name": services.source_name(rec),
        "source_url": _source_url(rec),
        "repeat_label": services.label_of(rec.repeats) if rec.repeats else "",
        "repeated_by": [
            (r, services.label_of(r))
            for r in services.with_source(
                services.visible_recommendations(
                    signed_in_user(request), access.partnership, business_team=access.can_edit
                ).filter(repeats=rec)
            )
        ],
        "agencies": rec.agencies.all(),
        "themes": rec.themes.all(),
        "actions": actions,
        "evidence": rec.evidence.select_related("action", "added_by").order_by("added_at", "pk"),
        "audit_events": audit.trail_of(rec) if access.can_edit else None,
        "failed_form": form,
        "stale": stale,
    }
    if access.can_edit:
        version: dict[str, Any] = {"version": rec.version}

        def kept(cls: type[forms.Form], fresh: forms.Form) -> forms.Form:
            return form if isinstance(form, cls) else fresh

        context["details_form"] = kept(
            f.RecommendationForm, f.RecommendationForm(partnership=access.partnership, rec=rec)
        )
        context["repeat_form"] = f.RepeatForm(initial=version)
        context["status_form"] = kept(
            f.StatusForm,
            f.StatusForm(
                initial={"version": rec.version, "status": rec.status, "reason": rec.not_implemented_reason}
            ),
        )
        context["impact_form"] = kept(f.ImpactForm, f.ImpactForm(initial=version))
        context["new_form"] = kept(f.ActionNewForm, f.ActionNewForm(partnership=access.partnership))
        context["action_form"] = kept(f.ActionLinkForm, f.ActionLinkForm(rec=rec))
        context["evidence_form"] = kept(f.EvidenceForm, f.EvidenceForm(rec=rec))
    return render(request, "recommendations/recommendation.html", context, status=409 if stale else 200)


@require_GET
def recommendation(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    rec, access = _recommendation(request, slug, rec_id)
    return render_page(request, rec, access)


def _changed(
    request: HttpRequest, slug: str, rec_id: int, anchor: str
) -> tuple[Recommendation, Access] | HttpResponse:
    if request.method == "GET":
        rec, _ = _recommendation(request, slug, rec_id)
        return redirect(_page_url(rec, anchor))
    return _recommendation(request, slug, rec_id, edit=True)


def _stale(
    request: HttpRequest, e: StaleEdit, access: Access, form: forms.Form, **kwargs: Any
) -> HttpResponse:
    """Nothing was saved: the page as the row now is, with the form as they typed it, open and ready to
    submit again on the row's new version."""
    if e.current is None:
        raise Http404("No such recommendation") from e
    rec = services.with_source(Recommendation.objects.select_related("partnership")).get(pk=e.current.pk)
    if "rec" in kwargs:
        kwargs["rec"] = rec
    return render_page(request, rec, access, form=rebound(form, rec.version, **kwargs), stale=True)


@require_http_methods(["GET", "POST"])
def recommendation_details(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "details")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.RecommendationForm(request.POST, partnership=access.partnership, rec=rec, prefix=None)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    try:
        services.recommendation_edit(
            rec=rec, user=signed_in_user(request), version=form.cleaned_data["version"], **form.values()
        )
    except StaleEdit as e:
        return _stale(request, e, access, form, partnership=access.partnership, rec=rec)
    except services.RecommendationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, rec, access, form=form)
    messages.success(request, f"{services.label_of(rec)} is saved.")
    return redirect(_page_url(rec))


@require_http_methods(["GET", "POST"])
def recommendation_repeat(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "repeat")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.RepeatForm(request.POST)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    try:
        services.not_a_repeat(rec=rec, user=signed_in_user(request), version=form.cleaned_data["version"])
    except StaleEdit as e:
        return _stale(request, e, access, form)
    messages.success(request, "It is no longer marked as made before.")
    return redirect(_page_url(rec))


@require_http_methods(["GET", "POST"])
def recommendation_status(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "status")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.StatusForm(request.POST)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    try:
        services.status_record(
            rec=rec,
            user=signed_in_user(request),
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except StaleEdit as e:
        return _stale(request, e, access, form)
    except services.RecommendationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, rec, access, form=form)
    messages.success(request, f"It is recorded as {rec.get_status_display().lower()}.")
    return redirect(_page_url(rec, "status"))


@require_http_methods(["GET", "POST"])
def recommendation_impact(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "impact")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.ImpactForm(request.POST)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    try:
        services.impact_record(rec=rec, user=signed_in_user(request), **form.cleaned_data)
    except StaleEdit as e:
        return _stale(request, e, access, form)
    except services.RecommendationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, rec, access, form=form)
    messages.success(request, "The check of impact is recorded.")
    return redirect(_page_url(rec, "impact"))


@require_http_methods(["GET", "POST"])
def recommendation_action_new(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "actions")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.ActionNewForm(request.POST, partnership=access.partnership)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    try:
        link = services.action_add(rec=rec, user=signed_in_user(request), **form.values())
    except services.RecommendationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, rec, access, form=form)
    messages.success(request, f"The action is on the {link.action.board.name}'s action log.")
    return redirect(_page_url(rec, "actions"))


@require_http_methods(["GET", "POST"])
def recommendation_action(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "actions")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.ActionLinkForm(request.POST, rec=rec)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    services.action_link(
        rec=rec, user=signed_in_user(request), action=form.actions[form.cleaned_data["action"]]
    )
    messages.success(request, "The action is linked.")
    return redirect(_page_url(rec, "actions"))


@require_http_methods(["GET", "POST"])
def recommendation_unlink(request: HttpRequest, slug: str, rec_id: int, link_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "actions")
    if isinstance(got, HttpResponse):
        return got
    rec, _access = got
    services.action_unlink(rec=rec, user=signed_in_user(request), link_id=link_id)
    messages.success(request, "The action is no longer linked. It stays in the action log.")
    return redirect(_page_url(rec, "actions"))


@require_http_methods(["GET", "POST"])
def recommendation_evidence(request: HttpRequest, slug: str, rec_id: int) -> HttpResponse:
    got = _changed(request, slug, rec_id, "evidence")
    if isinstance(got, HttpResponse):
        return got
    rec, access = got
    form = f.EvidenceForm(request.POST, request.FILES, rec=rec)
    if not form.is_valid():
        return render_page(request, rec, access, form=form)
    try:
        services.evidence_add(rec=rec, user=signed_in_user(request), **form.values())
    except services.RecommendationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, rec, access, form=form)
    messages.success(request, "The evidence is added.")
    return redirect(_page_url(rec, "evidence"))


@require_GET
def evidence_file(request: HttpRequest, slug: str, rec_id: int, evidence_id: int) -> FileResponse:
    """A file of evidence as it was uploaded (a download, on the audit trail; never shown inline)."""
    rec, _access = _recommendation(request, slug, rec_id)
    evidence = get_object_or_404(Evidence, pk=evidence_id, recommendation=rec)
    if not evidence.file:
        raise Http404("No file for this evidence")
    audit.event(AuditEvent.Action.DOWNLOAD, evidence, detail=evidence.file_name or "evidence")
    response = FileResponse(
        evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name or "evidence"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
