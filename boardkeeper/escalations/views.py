"""The escalations register, an escalation's page and the small views that change it.

Need to know, as for case reviews: the business team sees every escalation; anyone else only those they
are named on, and any other escalation is not found (404), as if it did not exist. Each form of the page
posts to a view of its own; a GET of its address goes back to the page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import Access, get_partnership_for_user, signed_in_user
from boardkeeper.audit import recorder as audit
from boardkeeper.escalations import forms as f
from boardkeeper.escalations import services
from boardkeeper.escalations.models import STAGES, Escalation, EscalationStage
from boardkeeper.lib import exports
from boardkeeper.lib.http import attachment
from boardkeeper.lib.versioning import StaleEdit

PAGE_SIZE = 50


def _escalation(
    request: HttpRequest, slug: str, escalation_id: int, *, edit: bool = False
) -> tuple[Escalation, Access]:
    """The escalation, if the person may see it (else 404); `edit`: and change it (else 403)."""
    access = get_partnership_for_user(request, slug)
    visible = services.visible_escalations(
        signed_in_user(request), access.partnership, business_team=access.can_edit
    )
    escalation = visible.select_related("partnership", "raised_by").filter(pk=escalation_id).first()
    if escalation is None:
        raise Http404("No such escalation")
    if edit:
        access.require_edit()
    return escalation, access


def _page_url(escalation: Escalation, anchor: str = "") -> str:
    url = reverse("escalation", args=[escalation.partnership.slug, escalation.pk])
    return f"{url}#{anchor}" if anchor else url


# The register ------------------------------------------------------------------------------------------


@require_GET
def register(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug)
    partnership = access.partnership
    rules = services.rules_for(partnership)
    today = timezone.localdate()
    visible = services.visible_escalations(
        signed_in_user(request), partnership, business_team=access.can_edit
    )
    stage = request.GET.get("stage", "")
    status = request.GET.get("status", "open")
    listed = visible
    if stage in {str(s) for s in STAGES}:
        listed = listed.filter(stage=int(stage))
    if status in Escalation.Status.values:
        listed = listed.filter(status=status)
    else:
        status = ""
    page = Paginator(listed.order_by("-opened_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    current = {
        row.escalation_id: row
        for row in EscalationStage.objects.filter(escalation__in=list(page), ended_on__isnull=True)
    }
    rows = [
        (
            e,
            rules.name(e.stage),
            current.get(e.pk),
            e.is_open and e.pk in current and current[e.pk].target_on < today,
        )
        for e in page
    ]
    return render(
        request,
        "escalations/register.html",
        {
            "access": access,
            "counts": services.register_counts(visible, rules, today=today),
            "rows": rows,
            "page": page,
            "stage": stage,
            "status": status,
            "stage_choices": rules.choices(),
            "status_choices": Escalation.Status.choices,
            "total": visible.count(),
        },
    )


@require_GET
def register_export(request: HttpRequest, slug: str) -> HttpResponse:
    """Every escalation the person may see, one row each."""
    access = get_partnership_for_user(request, slug)
    rules = services.rules_for(access.partnership)
    today = timezone.localdate()
    escalations = (
        services.visible_escalations(
            signed_in_user(request), access.partnership, business_team=access.can_edit
        )
        .select_related("raised_by")
        .prefetch_related("stages", "action_links")
        .order_by("opened_on", "pk")
    )
    header = [
        "Reference",
        "Raised by",
        "Raised by (person)",
        "About",
        "Pseudonym",
        "Concern",
        "Stage",
        "Status",
        "Raised on",
        "Stage began",
        "Stage target",
        "Overdue",
        "Ended on",
        "Outcome",
        "Learning",
        "Actions",
    ]
    rows: list[list[exports.Cell]] = []
    for e in escalations:
        current = next((s for s in e.stages.all() if s.ended_on is None), None)
        overdue = e.is_open and current is not None and current.target_on < today
        rows.append(
            [
                e.reference,
                e.raised_by_org,
                e.raised_by.full_name if e.raised_by else "",
                e.about_agency,
                e.pseudonym,
                e.concern,
                f"{e.stage}: {rules.name(e.stage)}",
                e.get_status_display(),
                e.opened_on,
                current.started_on if current else None,
                current.target_on if current else None,
                "Yes" if overdue else "No",
                e.closed_on,
                e.outcome,
                e.learning,
                len(e.action_links.all()),
            ]
        )
    data = exports.table_xlsx("Escalations", header, rows)
    filename = f"{access.partnership.slug}-escalations-{today:%Y-%m-%d}.xlsx"
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="xlsx")


@require_http_methods(["GET", "POST"])
def escalation_new(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = f.EscalationForm(
        request.POST or None,
        partnership=access.partnership,
        initial={"opened_on": timezone.localdate().strftime("%d/%m/%Y"), "stage": "1"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            escalation = services.escalation_create(
                partnership=access.partnership, user=signed_in_user(request), **form.values()
            )
        except services.EscalationRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Escalation {escalation.reference} is recorded.")
            return redirect(_page_url(escalation))
    return render(request, "escalations/new.html", {"access": access, "form": form})


@require_http_methods(["GET", "POST"])
def escalation_settings(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=True)
    form = f.RulesForm(request.POST or None, instance=services.rules_for(access.partnership))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The escalation stages are saved. New targets use them.")
        return redirect("escalations", slug=slug)
    return render(request, "escalations/settings.html", {"access": access, "form": form})


# An escalation's page ----------------------------------------------------------------------------------


def render_page(
    request: HttpRequest,
    escalation: Escalation,
    access: Access,
    *,
    form: forms.Form | None = None,
    stale: bool = False,
) -> HttpResponse:
    """The page; after a change that was not saved, `form` is its form as posted, with its errors."""
    rules = services.rules_for(escalation.partnership)
    context = {
        "access": access,
        "escalation": escalation,
        "stage_name": rules.name(escalation.stage),
        "history": services.stage_rows(escalation, timezone.localdate()),
        "mentions": services.items_discussed(escalation),
        "links": services.linked_actions(escalation),
        "item_links": services.linked_items(escalation),
        "named": escalation.named_people.select_related("organisation"),
        "audit_events": audit.trail_of(escalation) if access.can_edit else None,
        "failed_form": form,
        "stale": stale,
    }
    if access.can_edit and escalation.is_open:
        context["stage_form"] = (
            form if isinstance(form, f.StageForm) else f.StageForm(escalation=escalation, rules=rules)
        )
        context["close_form"] = form if isinstance(form, f.CloseForm) else f.CloseForm(escalation=escalation)
    if access.can_edit:
        context["action_form"] = (
            form if isinstance(form, f.ActionLinkForm) else f.ActionLinkForm(escalation=escalation)
        )
        context["item_form"] = (
            form if isinstance(form, f.ItemLinkForm) else f.ItemLinkForm(escalation=escalation)
        )
    return render(request, "escalations/escalation.html", context, status=409 if stale else 200)


@require_GET
def escalation(request: HttpRequest, slug: str, escalation_id: int) -> HttpResponse:
    escalation, access = _escalation(request, slug, escalation_id)
    return render_page(request, escalation, access)


@require_http_methods(["GET", "POST"])
def escalation_edit(request: HttpRequest, slug: str, escalation_id: int) -> HttpResponse:
    escalation, access = _escalation(request, slug, escalation_id)
    if request.method == "GET" and not access.can_edit:
        return redirect(_page_url(escalation))  # one named on it may read it, not change it
    access.require_edit()
    form = f.EscalationForm(request.POST or None, partnership=access.partnership, escalation=escalation)
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_edit(
                escalation=escalation,
                user=signed_in_user(request),
                version=form.cleaned_data["version"],
                **form.values(),
            )
        except StaleEdit as e:
            if e.current is None:
                raise Http404("No such escalation") from e
            escalation, stale = e.current, True
            data = request.POST.copy()
            data["version"] = str(escalation.version)
            form = f.EscalationForm(data, partnership=access.partnership, escalation=escalation)
            form.is_valid()
        else:
            messages.success(request, f"{escalation.reference} is saved.")
            return redirect(_page_url(escalation))
    return render(
        request,
        "escalations/edit.html",
        {"access": access, "escalation": escalation, "form": form, "stale": stale},
        status=409 if stale else 200,
    )


def _changed(
    request: HttpRequest, slug: str, escalation_id: int, anchor: str
) -> tuple[Escalation, Access] | HttpResponse:
    if request.method == "GET":
        escalation, _ = _escalation(request, slug, escalation_id)
        return redirect(_page_url(escalation, anchor))
    return _escalation(request, slug, escalation_id, edit=True)


@require_http_methods(["GET", "POST"])
def escalation_stage(request: HttpRequest, slug: str, escalation_id: int) -> HttpResponse:
    got = _changed(request, slug, escalation_id, "stages")
    if isinstance(got, HttpResponse):
        return got
    escalation, access = got
    rules = services.rules_for(escalation.partnership)
    form = f.StageForm(request.POST, escalation=escalation, rules=rules)
    if not form.is_valid():
        return render_page(request, escalation, access, form=form)
    try:
        services.stage_move(
            escalation=escalation,
            user=signed_in_user(request),
            version=form.cleaned_data["version"],
            stage=int(form.cleaned_data["to"]),
            on=form.cleaned_data["on"],
            note=form.cleaned_data["note"],
        )
    except StaleEdit as e:
        return _stale(request, e, access)
    except services.EscalationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, escalation, access, form=form)
    messages.success(
        request, f"{escalation.reference} is at stage {escalation.stage}: {rules.name(escalation.stage)}."
    )
    return redirect(_page_url(escalation, "stages"))


@require_http_methods(["GET", "POST"])
def escalation_close(request: HttpRequest, slug: str, escalation_id: int) -> HttpResponse:
    got = _changed(request, slug, escalation_id, "close")
    if isinstance(got, HttpResponse):
        return got
    escalation, access = got
    form = f.CloseForm(request.POST, escalation=escalation)
    if not form.is_valid():
        return render_page(request, escalation, access, form=form)
    try:
        services.escalation_close(
            escalation=escalation,
            user=signed_in_user(request),
            **{k: v for k, v in form.cleaned_data.items()},
        )
    except StaleEdit as e:
        return _stale(request, e, access)
    except services.EscalationRefused as refused:
        form.add_error(None, str(refused))
        return render_page(request, escalation, access, form=form)
    messages.success(request, f"{escalation.reference} is {escalation.get_status_display().lower()}.")
    return redirect(_page_url(escalation))


def _stale(request: HttpRequest, e: StaleEdit, access: Access) -> HttpResponse:
    if e.current is None:
        raise Http404("No such escalation") from e
    return render_page(request, e.current, access, stale=True)


@require_http_methods(["GET", "POST"])
def escalation_action(request: HttpRequest, slug: str, escalation_id: int) -> HttpResponse:
    got = _changed(request, slug, escalation_id, "actions")
    if isinstance(got, HttpResponse):
        return got
    escalation, access = got
    form = f.ActionLinkForm(request.POST, escalation=escalation)
    if not form.is_valid():
        return render_page(request, escalation, access, form=form)
    services.action_link(
        escalation=escalation, user=signed_in_user(request), action=form.actions[form.cleaned_data["action"]]
    )
    messages.success(request, "The action is linked.")
    return redirect(_page_url(escalation, "actions"))


@require_http_methods(["GET", "POST"])
def escalation_unlink(request: HttpRequest, slug: str, escalation_id: int, link_id: int) -> HttpResponse:
    got = _changed(request, slug, escalation_id, "actions")
    if isinstance(got, HttpResponse):
        return got
    escalation, _access = got
    services.action_unlink(escalation=escalation, user=signed_in_user(request), link_id=link_id)
    messages.success(request, "The action is no longer linked.")
    return redirect(_page_url(escalation, "actions"))


@require_http_methods(["GET", "POST"])
def escalation_item(request: HttpRequest, slug: str, escalation_id: int) -> HttpResponse:
    got = _changed(request, slug, escalation_id, "minutes")
    if isinstance(got, HttpResponse):
        return got
    escalation, access = got
    form = f.ItemLinkForm(request.POST, escalation=escalation)
    if not form.is_valid():
        return render_page(request, escalation, access, form=form)
    services.item_link(
        escalation=escalation, user=signed_in_user(request), item=form.items[form.cleaned_data["item"]]
    )
    messages.success(request, "The item is linked.")
    return redirect(_page_url(escalation, "minutes"))


@require_http_methods(["GET", "POST"])
def escalation_item_unlink(request: HttpRequest, slug: str, escalation_id: int, link_id: int) -> HttpResponse:
    got = _changed(request, slug, escalation_id, "minutes")
    if isinstance(got, HttpResponse):
        return got
    escalation, _access = got
    services.item_unlink(escalation=escalation, user=signed_in_user(request), link_id=link_id)
    messages.success(request, "The item is no longer linked.")
    return redirect(_page_url(escalation, "minutes"))
