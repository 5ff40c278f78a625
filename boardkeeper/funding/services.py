"""Changing a partnership's funding, and adding it up.

Every change to a year's lines or contributions is checked against the version of the year the page
showed and moves it on (one conditional UPDATE, see `lib.versioning`): two people editing the same year
do not silently overwrite each other."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from boardkeeper.audit import recorder as audit
from boardkeeper.directory.models import Partnership
from boardkeeper.funding.models import BudgetLine, Contribution, FinancialYear
from boardkeeper.lib.versioning import update_versioned

ZERO = Decimal("0.00")
LINE_FIELDS = ("kind", "description", "amount")
CONTRIBUTION_FIELDS = ("partner", "agreed", "invoiced_on", "paid_on", "note")


def years_of(partnership: Partnership) -> list[FinancialYear]:
    return list(FinancialYear.objects.filter(partnership=partnership).order_by("-starts"))


def year_before(year: FinancialYear) -> FinancialYear | None:
    return FinancialYear.objects.filter(partnership_id=year.partnership_id, starts=year.starts - 1).first()


def current_starts(today: dt.date) -> int:
    """The financial year `today` falls in: April to March."""
    return today.year if today.month >= 4 else today.year - 1


@transaction.atomic
def year_add(*, partnership: Partnership, starts: int, copy_previous: bool = False) -> FinancialYear:
    """A new year; with `copy_previous`, the year before's budget lines and partners with their amounts
    (not its dates or notes: this year's invoices are yet to be sent)."""
    year = FinancialYear.objects.create(partnership=partnership, starts=starts)
    previous = year_before(year) if copy_previous else None
    if previous is not None:
        with audit.together():
            lines = BudgetLine.objects.bulk_create(
                BudgetLine(year=year, kind=line.kind, description=line.description, amount=line.amount)
                for line in previous.lines.all()
            )
            contributions = Contribution.objects.bulk_create(
                Contribution(year=year, partner=c.partner, agreed=c.agreed)
                for c in previous.contributions.all()
            )
            audit.created([*lines, *contributions], partnership_id=partnership.pk)
    return year


def _moved_on(year: FinancialYear, version: int) -> None:
    """The year at `version` moves on to the next, or StaleEdit (nothing changed)."""
    update_versioned(FinancialYear.objects.all(), pk=year.pk, version=version)
    year.version = version + 1


@transaction.atomic
def line_add(*, year: FinancialYear, version: int, **fields: Any) -> BudgetLine:
    _moved_on(year, version)
    return BudgetLine.objects.create(year=year, **{k: fields[k] for k in LINE_FIELDS})


@transaction.atomic
def line_update(*, line: BudgetLine, version: int, **fields: Any) -> None:
    _moved_on(line.year, version)
    for name in LINE_FIELDS:
        setattr(line, name, fields[name])
    line.save()


@transaction.atomic
def line_remove(*, line: BudgetLine, version: int) -> None:
    _moved_on(line.year, version)
    line.delete()


@transaction.atomic
def contribution_add(*, year: FinancialYear, version: int, **fields: Any) -> Contribution:
    _moved_on(year, version)
    return Contribution.objects.create(year=year, **{k: fields[k] for k in CONTRIBUTION_FIELDS})


@transaction.atomic
def contribution_update(*, contribution: Contribution, version: int, **fields: Any) -> None:
    _moved_on(contribution.year, version)
    for name in CONTRIBUTION_FIELDS:
        setattr(contribution, name, fields[name])
    contribution.save()


@transaction.atomic
def contribution_remove(*, contribution: Contribution, version: int) -> None:
    _moved_on(contribution.year, version)
    contribution.delete()


@dataclass(frozen=True, slots=True)
class Totals:
    """A year's sums. `balance` is what the partners agreed less the budget: below nothing, a shortfall."""

    year: FinancialYear
    budget: Decimal
    agreed: Decimal
    paid: Decimal
    invoiced_not_paid: Decimal
    not_invoiced: Decimal

    @property
    def balance(self) -> Decimal:
        return self.agreed - self.budget

    @property
    def shortfall(self) -> Decimal:
        return max(-self.balance, ZERO)

    @property
    def surplus(self) -> Decimal:
        return max(self.balance, ZERO)

    @property
    def outcome(self) -> str:
        if self.balance < 0:
            return "Shortfall"
        return "Surplus" if self.balance > 0 else "Balanced"


@dataclass(frozen=True, slots=True)
class Summary:
    this: Totals
    before: Totals | None  # the year before, when it was recorded


def totals(year: FinancialYear) -> Totals:
    lines = list(year.lines.all())
    contributions = list(year.contributions.all())
    return Totals(
        year=year,
        budget=sum((line.amount for line in lines), ZERO),
        agreed=sum((c.agreed for c in contributions), ZERO),
        paid=sum((c.agreed for c in contributions if c.paid_on), ZERO),
        invoiced_not_paid=sum((c.agreed for c in contributions if c.invoiced_on and not c.paid_on), ZERO),
        not_invoiced=sum((c.agreed for c in contributions if not c.invoiced_on and not c.paid_on), ZERO),
    )


def summary(year: FinancialYear) -> Summary:
    before = year_before(year)
    return Summary(this=totals(year), before=totals(before) if before else None)
