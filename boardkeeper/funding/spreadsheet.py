"""A year's funding as a workbook: its budget, its contributions, each with their totals."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from boardkeeper.funding.models import BudgetLine, Contribution
from boardkeeper.funding.services import Summary
from boardkeeper.lib.exports import xml_text

POUNDS = '"£"#,##0.00;-"£"#,##0.00'

Value = str | Decimal | dt.date | None


def year_xlsx(summary: Summary, lines: Sequence[BudgetLine], contributions: Sequence[Contribution]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]

    this, before = summary.this, summary.before
    book = Workbook()
    budget = book.active
    assert budget is not None  # a new workbook has its one sheet
    budget.title = "Budget"
    contributed = book.create_sheet("Contributions")

    def rows(ws: Any, header: list[str], body: list[list[Value]], foot: list[list[Value]]) -> None:
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for n, row in enumerate([*body, *foot]):
            ws.append([xml_text(v) if isinstance(v, str) else v for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never read as a formula
                elif isinstance(cell.value, Decimal):
                    cell.number_format = POUNDS
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "d mmm yyyy"
                if n >= len(body):
                    cell.font = Font(bold=True)  # the totals
        for letter, width in zip("ABCDEF", (36, 40, 16, 16, 20, 40), strict=False):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A2"

    foot: list[list[Value]] = [["Total budget", "", this.budget]]
    foot.append(["Agreed by partners", "", this.agreed])
    foot.append([f"{this.outcome} (agreed less budget)", "", this.balance])
    if before is not None:
        foot.append([f"Year before ({before.year.short}): budget", "", before.budget])
        foot.append([f"Year before ({before.year.short}): agreed", "", before.agreed])
        foot.append([f"Year before ({before.year.short}): {before.outcome.lower()}", "", before.balance])
    rows(
        budget,
        ["Budget line", "Description", "Amount"],
        [[line.get_kind_display(), line.description, line.amount] for line in lines],
        foot,
    )
    rows(
        contributed,
        ["Partner", "Agreed", "Invoiced on", "Paid on", "Status", "Note"],
        [
            [
                c.partner,
                c.agreed,
                c.invoiced_on,
                c.paid_on,
                c.status,
                c.note,
            ]
            for c in contributions
        ],
        [
            ["Total agreed", this.agreed],
            ["Paid", this.paid],
            ["Invoiced, not paid", this.invoiced_not_paid],
            ["Not invoiced", this.not_invoiced],
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
