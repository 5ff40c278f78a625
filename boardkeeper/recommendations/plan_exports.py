"""An inspection's improvement plan as files: a Word document for the inspectorate, a spreadsheet for the
board. Both are made from the `Plan` the page shows, so they say what the page says."""

from __future__ import annotations

import datetime as dt

from boardkeeper.inspections.models import Inspection
from boardkeeper.lib.exports import Cell, docx_bytes, landscape_docx, table_xlsx, xml_text
from boardkeeper.recommendations.models import Evidence
from boardkeeper.recommendations.plans import Plan, PlanAction, PlanRecommendation

DOCX_COLUMNS = ("Recommendation", "Actions", "Owner", "Due", "RAG/Status", "Evidence")
XLSX_COLUMNS = (
    "Recommendation",
    "Recommendation text",
    "Recommendation status",
    "Agencies",
    "Action",
    "Owners",
    "Due",
    "RAG",
    "Why",
    "Action status",
    "Evidence",
)
NO_ACTIONS = "No actions yet"
AS_A_WHOLE = "Evidence for the recommendation as a whole"


def evidence_text(evidence: list[Evidence]) -> str:
    return "\n".join(e.note + (f" (file: {e.file_name})" if e.file_name else "") for e in evidence)


def _due(a: PlanAction) -> dt.date | str:
    return a.action.due_summary


def _due_text(a: PlanAction) -> str:
    due = _due(a)
    return f"{due:%-d %B %Y}" if isinstance(due, dt.date) else due


def _label(rec: PlanRecommendation) -> str:
    return rec.recommendation.number or "-"


def details(inspection: Inspection, plan: Plan, today: dt.date) -> list[str]:
    lines = [f"{inspection.get_body_display()}: {inspection.title}"]
    lines.append(f"Inspection: {inspection.inspected_on:%-d %B %Y}")
    if inspection.published_on:
        lines.append(f"Report published: {inspection.published_on:%-d %B %Y}")
    if inspection.judgement:
        lines.append(f"Judgement: {inspection.judgement}")
    if inspection.board:
        lines.append(f"Plan owned by: {inspection.board.name}")
    lines.append(f"Progress on {today:%-d %B %Y}: {plan.summary}")
    return lines


def plan_xlsx(plan: Plan) -> bytes:
    """One row per action of each recommendation; a recommendation without actions has a row of its own, and
    so does its evidence for the recommendation as a whole."""
    rows: list[list[Cell]] = []
    for rec in plan.recommendations:
        r = rec.recommendation
        head: list[Cell] = [_label(rec), r.text, r.get_status_display(), ", ".join(rec.agencies)]
        for a in rec.actions:
            rows.append(
                [
                    *head,
                    a.action.text,
                    a.owners,
                    _due(a),
                    a.flag.colour.capitalize(),
                    a.flag.reason,
                    a.action.get_status_display(),
                    evidence_text(a.evidence),
                ]
            )
        if not rec.actions or rec.evidence:
            what = NO_ACTIONS if not rec.actions else AS_A_WHOLE
            rows.append([*head, what, "", None, "", "", "", evidence_text(rec.evidence)])
    return table_xlsx("Improvement plan", XLSX_COLUMNS, rows)


def plan_docx(inspection: Inspection, plan: Plan, today: dt.date) -> bytes:
    """A Word document for the inspectorate: a title, the inspection's details, and the table
    Recommendation | Actions | Owner | Due | RAG/Status | Evidence, a recommendation's cell spanning its
    actions' rows, the header row repeated on every page (landscape A4, as the board's action log)."""
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    doc = landscape_docx(
        title=f"Improvement plan: {inspection.title}", lines=details(inspection, plan, today), font_size=10
    )

    widths = (Cm(7), Cm(6.7), Cm(3.2), Cm(2.6), Cm(3), Cm(3.2))
    table = doc.add_table(rows=1, cols=len(DOCX_COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    for cell, text, width in zip(header.cells, DOCX_COLUMNS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page

    def add_row(values: tuple[str, ...]) -> None:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            for n, line in enumerate(xml_text(text).split("\n")):
                paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                paragraph.add_run(line)

    for rec in plan.recommendations:
        r = rec.recommendation
        lines = [f"{r.number}. {r.text}" if r.number else r.text, f"Status: {r.get_status_display()}"]
        if rec.agencies:
            lines.append(f"Agencies: {', '.join(rec.agencies)}")
        lines.append(f"Progress: {rec.progress}")
        first = len(table.rows)
        for a in rec.actions:
            rag = f"{a.flag.words}\nStatus: {a.action.get_status_display()}"  # as the other exports write it
            add_row(("", a.action.text, a.owners, _due_text(a), rag, evidence_text(a.evidence)))
        if not rec.actions or rec.evidence:
            add_row(
                ("", NO_ACTIONS if not rec.actions else AS_A_WHOLE, "", "", "", evidence_text(rec.evidence))
            )
        top = table.cell(first, 0)
        if len(table.rows) - 1 > first:
            top = top.merge(table.cell(len(table.rows) - 1, 0))
        for n, line in enumerate(xml_text("\n".join(lines)).split("\n")):
            paragraph = top.paragraphs[0] if n == 0 else top.add_paragraph()
            paragraph.add_run(line).bold = n == 0
    if not plan.recommendations:
        doc.add_paragraph("No recommendations are recorded yet.")
    return docx_bytes(doc)
