"""`boardkeeper funding --partnership NAME [--year 2022/23] [--json]`: one financial year's budget lines and
partner contributions, the totals, the shortfall or surplus, and the year before's totals to compare.

Without --year: the current financial year (April to March) if it is recorded, else the latest recorded.
Amounts are strings of pounds with two decimals ("57550.00"), exact as recorded: a float could not be.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from boardkeeper.funding import services
from boardkeeper.funding.models import FinancialYear
from boardkeeper.lib.commands import BoardkeeperCommand
from boardkeeper.recommendations.management.commands.recommendations import (
    partnership_named,
    table,
    write_out,
)

_YEAR = re.compile(r"^(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$")


def year_starts(text: str) -> int:
    """'2022/23', '2022-23', '2022/2023' or '2022': the April it starts. ValueError for anything else."""
    match = _YEAR.match(text.strip())
    if not match:
        raise ValueError(text)
    starts = int(match[1])
    if match[2] is not None and int(match[2]) % 100 != (starts + 1) % 100:
        raise ValueError(text)
    return starts


def name_of(year: FinancialYear) -> str:
    return f"{year.starts}/{(year.starts + 1) % 100:02d}"


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def totals_row(totals: services.Totals) -> dict[str, Any]:
    return {
        "year": name_of(totals.year),
        "budget": money(totals.budget),
        "agreed": money(totals.agreed),
        "paid": money(totals.paid),
        "invoiced_not_paid": money(totals.invoiced_not_paid),
        "not_invoiced": money(totals.not_invoiced),
        "balance": money(totals.balance),
        "outcome": totals.outcome,
        "shortfall": money(totals.shortfall),
        "surplus": money(totals.surplus),
    }


class Command(BoardkeeperCommand):
    help = "Print a partnership's funding for a year: lines, contributions, totals, shortfall or surplus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnership", required=True, help="the partnership's name or slug")
        parser.add_argument(
            "--year",
            help="the financial year, as 2022/23 (default: the current one if recorded, else the latest)",
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        partnership = partnership_named(options["partnership"])
        years = FinancialYear.objects.filter(partnership=partnership)
        if options["year"]:
            try:
                starts = year_starts(options["year"])
            except ValueError:
                raise CommandError(
                    f"{options['year']!r} is not a financial year: write it as 2022/23", returncode=2
                ) from None
            year = years.filter(starts=starts).first()
            if year is None:
                recorded = ", ".join(name_of(y) for y in years.order_by("starts")) or "none"
                raise CommandError(
                    f"{partnership.name} has no funding recorded for {starts}/{(starts + 1) % 100:02d}"
                    f" (recorded: {recorded})",
                    returncode=2,
                )
        else:
            current = services.current_starts(timezone.localdate())
            year = years.filter(starts=current).first() or years.order_by("-starts").first()
            if year is None:
                raise CommandError(f"{partnership.name} has no funding recorded", returncode=2)
        summary = services.summary(year)
        out: dict[str, Any] = {
            "partnership": partnership.name,
            "year": name_of(year),
            "starts": year.starts,
            "label": year.label,
            "lines": [
                {
                    "id": line.pk,
                    "kind": line.kind,
                    "kind_label": line.get_kind_display(),
                    "description": line.description,
                    "amount": money(line.amount),
                }
                for line in year.lines.all()
            ],
            "contributions": [
                {
                    "id": c.pk,
                    "partner": c.partner,
                    "agreed": money(c.agreed),
                    "invoiced_on": c.invoiced_on.isoformat() if c.invoiced_on else None,
                    "paid_on": c.paid_on.isoformat() if c.paid_on else None,
                    "status": c.status,
                    "note": c.note,
                }
                for c in year.contributions.all()
            ],
            "totals": totals_row(summary.this),
            "previous_year": totals_row(summary.before) if summary.before else None,
        }
        if options["json"]:
            write_out(self, json.dumps(out, ensure_ascii=False, indent=2))
            return
        t = out["totals"]
        lines = [(line["kind_label"], line["amount"], line["description"]) for line in out["lines"]]
        parts = [
            f"{partnership.name}: funding {year.label}",
            "",
            table(("Budget line", "Amount", "Description"), lines) if lines else "No budget lines.",
            "",
        ]
        contributions = [
            (c["partner"], c["agreed"], c["invoiced_on"] or "-", c["paid_on"] or "-", c["status"], c["note"])
            for c in out["contributions"]
        ]
        parts.append(
            table(("Partner", "Agreed", "Invoiced", "Paid", "Status", "Note"), contributions)
            if contributions
            else "No contributions."
        )
        parts += [
            "",
            f"Budget {t['budget']}; agreed {t['agreed']} (paid {t['paid']}, invoiced not paid "
            f"{t['invoiced_not_paid']}, not invoiced {t['not_invoiced']}).",
            {
                "Shortfall": f"Shortfall: {t['shortfall']}.",
                "Surplus": f"Surplus: {t['surplus']}.",
                "Balanced": "Balanced.",
            }[t["outcome"]],
        ]
        before = out["previous_year"]
        if before:
            gap = {"Shortfall": f" {before['shortfall']}", "Surplus": f" {before['surplus']}"}
            parts.append(
                f"{before['year']}: budget {before['budget']}, agreed {before['agreed']}, "
                f"{before['outcome'].lower()}{gap.get(before['outcome'], '')}."
            )
        write_out(self, "\n".join(parts))
