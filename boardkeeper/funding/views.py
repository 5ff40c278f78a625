"""The funding pages: a partnership's years, a year's budget and contributions, their changes and the
year's spreadsheet. Everyone with a role reads them; the business team alone changes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from boardkeeper.accounts.permissions import Access, get_partnership_for_user
from boardkeeper.audit import recorder as audit
from boardkeeper.funding import services
from boardkeeper.funding.forms import COMMON_PARTNERS, ContributionForm, LineForm, RemoveForm, YearForm
from boardkeeper.funding.models import BudgetLine, Contribution, FinancialYear
from boardkeeper.funding.spreadsheet import year_xlsx
from boardkeeper.funding.templatetags.funding_money import gbp
from boardkeeper.lib.http import attachment
from boardkeeper.lib.versioning import StaleEdit, rebound

RowT = TypeVar("RowT", BudgetLine, Contribution)

STALE = (
    "Someone else changed this year’s funding since you opened the page, so your change has not been saved."
)


def _year(
    request: HttpRequest, slug: str, starts: int, *, edit: bool = False
) -> tuple[FinancialYear, Access]:
    access = get_partnership_for_user(request, slug)
    year = get_object_or_404(FinancialYear, partnership=access.partnership, starts=starts)
    if edit:
        access.require_edit()  # after the year is found: one that is not there is not found, for anyone
    return year, access


def _year_url(year: FinancialYear, anchor: str = "") -> str:
    url = reverse("funding_year", args=[year.partnership.slug, year.starts])
    return url + (f"#{anchor}" if anchor else "")


@require_http_methods(["GET", "POST"])
def funding_years(request: HttpRequest, slug: str) -> HttpResponse:
    access = get_partnership_for_user(request, slug, edit=request.method == "POST")
    years = services.years_of(access.partnership)
    taken = {y.starts for y in years}
    suggested = max(taken) + 1 if taken else services.current_starts(timezone.localdate())
    form = YearForm(
        request.POST or None, taken=taken, initial={"starts": suggested, "copy_previous": bool(taken)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            year = services.year_add(partnership=access.partnership, **form.cleaned_data)
        except IntegrityError:  # added by someone else between the check and the save
            form.add_error("starts", "That year is already recorded.")
        else:
            messages.success(request, f"{year.label} is added.")
            return redirect(_year_url(year))
    rows = [(year, services.totals(year)) for year in years]
    return render(request, "funding/years.html", {"access": access, "rows": rows, "form": form})


@require_GET
def funding_year(request: HttpRequest, slug: str, starts: int) -> HttpResponse:
    year, access = _year(request, slug, starts)
    summary = services.summary(year)
    this, before = summary.this, summary.before
    figures = [("Budget", this.budget, before.budget if before else None)]
    figures += [("Agreed by partners", this.agreed, before.agreed if before else None)]
    figures += [("Paid", this.paid, before.paid if before else None)]
    top = max([f[1] for f in figures] + [f[2] or 0 for f in figures]) or 1
    chart = [
        {
            "label": label,
            "bars": [
                (year.short, amount, round(100 * amount / top, 1)),
                *(
                    [(before.year.short, was, round(100 * was / top, 1))]
                    if before and was is not None
                    else []
                ),
            ],
        }
        for label, amount, was in figures
    ]
    return render(
        request,
        "funding/year.html",
        {
            "access": access,
            "year": year,
            "lines": year.lines.all(),
            "contributions": year.contributions.all(),
            "summary": summary,
            "chart": chart,
            "remove_version": year.version,
        },
    )


def _edit_page(
    request: HttpRequest,
    year: FinancialYear,
    access: Access,
    form: forms.Form,
    *,
    title: str,
    stale: bool = False,
    remove: str = "",
) -> HttpResponse:
    return render(
        request,
        "funding/edit.html",
        {
            "access": access,
            "year": year,
            "form": form,
            "title": title,
            "stale": stale,
            "remove": remove,
            "partners": COMMON_PARTNERS[:-1],
        },
    )


def _save(
    request: HttpRequest,
    year: FinancialYear,
    access: Access,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], str],
    anchor: str,
    title: str,
    remove: str = "",
) -> HttpResponse:
    """A line's or contribution's form: saved on the year's version (`save` returns the message), or
    shown again; from a stale page, as typed on the year's new version, with the reason."""
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except StaleEdit as exc:
            stale, form = True, rebound(form, exc.current.version)
        else:
            messages.success(request, done)
            return redirect(_year_url(year, anchor))
    return _edit_page(request, year, access, form, title=title, stale=stale, remove=remove)


def _row(
    request: HttpRequest, slug: str, starts: int, model: type[RowT], pk: int
) -> tuple[FinancialYear, Access, RowT]:
    """A line or contribution of the year, for the business team (not found before refused)."""
    year, access = _year(request, slug, starts)
    row = get_object_or_404(model, year=year, pk=pk)
    access.require_edit()
    row.year = year
    return year, access, row


@require_http_methods(["GET", "POST"])
def funding_line_add(request: HttpRequest, slug: str, starts: int) -> HttpResponse:
    year, access = _year(request, slug, starts, edit=True)

    def save(data: dict[str, Any]) -> str:
        line = services.line_add(year=year, **data)
        return f"‘{line}’ of {gbp(line.amount)} is added to the budget."

    form = LineForm(request.POST or None, initial={"version": year.version})
    return _save(request, year, access, form, save=save, anchor="budget", title="Add a budget line")


@require_http_methods(["GET", "POST"])
def funding_line(request: HttpRequest, slug: str, starts: int, line_id: int) -> HttpResponse:
    year, access, line = _row(request, slug, starts, BudgetLine, line_id)

    def save(data: dict[str, Any]) -> str:
        services.line_update(line=line, **data)
        return f"‘{line}’ is changed."

    initial: dict[str, Any] = {f: getattr(line, f) for f in services.LINE_FIELDS}
    form = LineForm(request.POST or None, initial={**initial, "version": year.version})
    remove = reverse("funding_line_remove", args=[slug, starts, line.pk])
    return _save(
        request, year, access, form, save=save, anchor="budget", title="Change a budget line", remove=remove
    )


@require_http_methods(["GET", "POST"])
def funding_line_remove(request: HttpRequest, slug: str, starts: int, line_id: int) -> HttpResponse:
    year, _access, line = _row(request, slug, starts, BudgetLine, line_id)
    return _remove(request, year, str(line), lambda version: services.line_remove(line=line, version=version))


@require_http_methods(["GET", "POST"])
def funding_contribution_add(request: HttpRequest, slug: str, starts: int) -> HttpResponse:
    year, access = _year(request, slug, starts, edit=True)

    def save(data: dict[str, Any]) -> str:
        contribution = services.contribution_add(year=year, **data)
        return f"{contribution.partner}’s contribution is added."

    form = ContributionForm(request.POST or None, initial={"version": year.version})
    return _save(
        request, year, access, form, save=save, anchor="contributions", title="Add a partner’s contribution"
    )


@require_http_methods(["GET", "POST"])
def funding_contribution(request: HttpRequest, slug: str, starts: int, contribution_id: int) -> HttpResponse:
    year, access, contribution = _row(request, slug, starts, Contribution, contribution_id)

    def save(data: dict[str, Any]) -> str:
        services.contribution_update(contribution=contribution, **data)
        return f"{contribution.partner}’s contribution is changed."

    initial: dict[str, Any] = {f: getattr(contribution, f) for f in services.CONTRIBUTION_FIELDS}
    form = ContributionForm(request.POST or None, initial={**initial, "version": year.version})
    remove = reverse("funding_contribution_remove", args=[slug, starts, contribution.pk])
    title = f"Change {contribution.partner}’s contribution"
    return _save(request, year, access, form, save=save, anchor="contributions", title=title, remove=remove)


@require_http_methods(["GET", "POST"])
def funding_contribution_remove(
    request: HttpRequest, slug: str, starts: int, contribution_id: int
) -> HttpResponse:
    year, _access, contribution = _row(request, slug, starts, Contribution, contribution_id)
    return _remove(
        request,
        year,
        f"{contribution.partner}’s contribution",
        lambda version: services.contribution_remove(contribution=contribution, version=version),
    )


def _remove(request: HttpRequest, year: FinancialYear, what: str, remove: Any) -> HttpResponse:
    if request.method != "POST":
        return redirect(_year_url(year))  # a GET has nothing to show
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "This page was out of date: nothing was removed.")
        return redirect(_year_url(year))
    try:
        remove(form.cleaned_data["version"])
    except StaleEdit:
        messages.error(request, STALE + " Check the year and remove it again if it still should go.")
    else:
        messages.success(request, f"{what[:1].upper()}{what[1:]} is removed.")
    return redirect(_year_url(year))


@require_GET
def funding_year_export(request: HttpRequest, slug: str, starts: int) -> HttpResponse:
    year, access = _year(request, slug, starts)
    data = year_xlsx(services.summary(year), list(year.lines.all()), list(year.contributions.all()))
    filename = f"{access.partnership.slug}-funding-{year.starts}-{year.starts + 1}.xlsx"
    audit.exported(filename, partnership_id=access.partnership.pk)
    return attachment(data, filename=filename, fmt="xlsx")
