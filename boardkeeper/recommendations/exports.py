"""The ledger's files: every recommendation as a spreadsheet, and the tables of a partnership's yearly report
as a Word document (counts by status and source, those not implemented and why, the impact checks made,
and the recommendations made again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet

from boardkeeper.lib.exports import Cell, docx_bytes, landscape_docx, table_xlsx, xml_text
from boardkeeper.recommendations import services
from boardkeeper.recommendations.models import Recommendation

XLSX_HEADER = [
    "Source",
    "Source kind",
    "Number",
    "Recommendation",
    "Made on",
    "Agencies",
    "Themes",
    "Status",
    "Reason not implemented",
    "Actions done",
    "Actions",
    "Evidence",
    "Impact",
    "Impact checked on",
    "How tested",
    "Finding",
    "Made before",
]


def _prefetched(recs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return services.with_source(recs).prefetch_related(
        "agencies", "themes", "action_links__action", "evidence"
    )


def ledger_rows(recs: QuerySet[Recommendation]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for rec in _prefetched(recs).order_by("made_on", "pk"):
        actions = [link.action for link in rec.action_links.all()]
        rows.append(
            [
                services.source_name(rec),
                services.SOURCE_LABELS[services.source_kind(rec)],
                rec.number,
                rec.text,
                rec.made_on,
                ", ".join(a.name for a in rec.agencies.all()),
                ", ".join(t.name for t in rec.themes.all()),
                rec.get_status_display(),
                rec.not_implemented_reason,
                sum(1 for a in actions if a.status == "done"),
                len(actions),
                len(rec.evidence.all()),
                rec.get_impact_display() if rec.impact else "",
                rec.impact_checked_on,
                rec.impact_method,
                rec.impact_finding,
                services.label_of(rec.repeats) if rec.repeats else "",
            ]
        )
    return rows


def ledger_xlsx(recs: QuerySet[Recommendation]) -> bytes:
    return table_xlsx("Recommendations", XLSX_HEADER, ledger_rows(recs))


@dataclass
class Section:
    heading: str
    header: Sequence[str]
    rows: list[list[str]] = field(default_factory=list)
    empty: str = "None."
    intro: str = ""


def yearly_sections(recs: QuerySet[Recommendation], starts: int) -> list[Section]:
    """The yearly report's tables for the financial year starting 1 April `starts`: the recommendations
    made in it, and the impact checks made in it (of recommendations of any year)."""
    first, last = services.year_span(starts)
    made = list(_prefetched(recs.filter(made_on__gte=first, made_on__lte=last)).order_by("made_on", "pk"))
    statuses = list(Recommendation.Status.choices)
    by_source: dict[str, list[int]] = {}
    for rec in made:
        tally = by_source.setdefault(services.source_kind(rec), [0] * len(statuses))
        tally[[s for s, _ in statuses].index(rec.status)] += 1
    counts = Section(
        "Recommendations made in the year, by source and status",
        ["Source", *[label for _, label in statuses], "Total"],
        intro="Their status as it stands on the day this document was made.",
        empty="No recommendations were made in the year.",
    )
    totals = [0] * len(statuses)
    for kind, label in services.SOURCE_KINDS:
        if kind in by_source:
            row = by_source[kind]
            totals = [a + b for a, b in zip(totals, row, strict=True)]
            counts.rows.append([label, *map(str, row), str(sum(row))])
    if counts.rows:
        counts.rows.append(["Total", *map(str, totals), str(sum(totals))])
    not_done = Section(
        "Recommendations not implemented, and why",
        ["Source", "Number", "Recommendation", "Reason"],
        empty="No recommendation made in the year was decided against.",
    )
    repeats = Section(
        "Recommendations made again",
        ["Source", "Number", "Recommendation", "Made before by"],
        intro="Recommendations made in the year that an earlier review or inspection had made already.",
        empty="No recommendation made in the year repeats an earlier one.",
    )
    for rec in made:
        if rec.status == Recommendation.Status.NOT_IMPLEMENTED:
            not_done.rows.append(
                [services.source_name(rec), rec.number, rec.text, rec.not_implemented_reason]
            )
        if rec.repeats is not None:
            earlier = rec.repeats
            repeats.rows.append(
                [
                    services.source_name(rec),
                    rec.number,
                    rec.text,
                    f"{services.label_of(earlier)}, {earlier.made_on:%-d %B %Y}",
                ]
            )
    impact = Section(
        "Checks of impact made in the year",
        ["Recommendation", "Checked on", "How it was tested", "What it found", "Result"],
        empty="No check of impact was made in the year.",
    )
    checked = _prefetched(recs.filter(impact_checked_on__gte=first, impact_checked_on__lte=last)).order_by(
        "impact_checked_on", "pk"
    )
    for rec in checked:
        assert rec.impact_checked_on is not None
        impact.rows.append(
            [
                f"{services.label_of(rec)}: {rec.text}",
                f"{rec.impact_checked_on:%-d %B %Y}",
                rec.impact_method,
                rec.impact_finding,
                rec.get_impact_display(),
            ]
        )
    return [counts, not_done, impact, repeats]


def sections_docx(*, title: str, lines: Iterable[str], sections: Iterable[Section]) -> bytes:
    """A Word document: a title, a few lines, and a heading and a table (its header row repeating on each
    page) for each section, or a line saying there is nothing."""
    from docx.oxml import OxmlElement

    doc = landscape_docx(title=title, lines=lines)
    for part in sections:
        doc.add_heading(xml_text(part.heading), level=2)
        if part.intro:
            doc.add_paragraph(xml_text(part.intro))
        if not part.rows:
            doc.add_paragraph(xml_text(part.empty))
            continue
        table = doc.add_table(rows=1, cols=len(part.header))
        table.style = "Table Grid"
        header = table.rows[0]
        for cell, text in zip(header.cells, part.header, strict=True):
            cell.paragraphs[0].add_run(xml_text(text)).bold = True
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for row in part.rows:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                for n, line in enumerate(xml_text(text).split("\n")):
                    paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                    paragraph.add_run(line)
    return docx_bytes(doc)


def yearly_docx(recs: QuerySet[Recommendation], *, partnership: str, starts: int, today: dt.date) -> bytes:
    return sections_docx(
        title=f"{partnership}: recommendations, {services.year_label(starts)}",
        lines=[
            "The tables of the yearly report on the recommendations of case reviews and inspections.",
            f"Made from the recommendations ledger on {today:%-d %B %Y}.",
        ],
        sections=yearly_sections(recs, starts),
    )
