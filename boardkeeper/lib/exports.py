"""Files made from the record: the board's four-column Word table, spreadsheets, CSV and iCalendar.

Pure functions over plain rows: nothing here knows Django, so the views (and scripts) hand in what the
page shows and get bytes back. python-docx and openpyxl are imported where used.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Cell = str | int | dt.date | None

FOUR_COLUMNS = ("Item", "Discussion", "Action Required", "Owner")
# 'Minutes': the status of the minutes of the meeting it was raised at ('Draft minutes', 'Minutes approved on
# 11 March 2022'), last so that a program reading the columns by position reads the others where they were
# 'Flag' (the page's RAG flag, 'Red – Overdue') and 'Latest progress note' come after it, for the same reason
ACTION_LOG_COLUMNS = (
    "Number",
    "Item",
    "Action",
    "Owners",
    "Raised at",
    "Due",
    "Status",
    "Minutes",
    "Flag",
    "Latest progress note",
)


@dataclass(frozen=True, slots=True)
class ActionRow:
    """One line of an action log, as the log page shows it."""

    number: int
    item: str
    action: str
    owners: str
    raised_at: dt.date
    due: dt.date | str  # a date, or a meeting or the words of the minutes ('by the March meeting')
    status: str
    board: str = ""
    minutes: str = ""  # the status of the minutes it was raised in
    flag: str = ""  # the log page's flag in words: 'Red – Overdue'
    latest_note: str = ""  # the newest progress note with its date: '3 March 2022: Examples shared'

    def cells(self, *, with_board: bool = False) -> list[Cell]:
        cells: list[Cell] = [self.number, self.item, self.action, self.owners, self.raised_at, self.due]
        cells += [self.status, self.minutes, self.flag, self.latest_note]
        if with_board:
            cells.insert(1, self.board)
        return cells


@dataclass(frozen=True, slots=True)
class FourColumnRow:
    """A row of the board's minutes table: Item | Discussion | Action Required | Owner."""

    item: str = ""
    discussion: str = ""
    action: str = ""
    owner: str = ""
    heading: bool = False  # an agenda item's own row, in bold; the action rows under it are not


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """A VEVENT: a `date` start is an all-day event, an aware `datetime` a timed one."""

    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    busy: bool = True  # a deadline is shown without making anyone busy that day


# CSV and spreadsheets --------------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: Cell) -> str:
    """A cell as CSV text; text a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_STARTS) else text


def table_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte-order mark, which is what makes Excel read the accents and dashes right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 forbids these characters


def xml_text(value: str) -> str:
    """Text that an XML document (xlsx, docx) can hold: control characters from pasted minutes (Word's
    vertical tab for a line break, terminal escapes) become spaces rather than a failed download."""
    return _NOT_XML.sub(" ", value)


def table_xlsx(
    sheet: str, header: Sequence[str], rows: Iterable[Sequence[Cell]], *, autofilter: bool = False
) -> bytes:
    """One sheet: a bold, frozen header row, dates as dates, text never read as a formula; with
    `autofilter`, the header row's filter buttons over every row (a list people sort and filter in Excel)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]

    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook has its one sheet
    ws.title = sheet[:31]  # Excel's limit
    ws.append([xml_text(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in header]
    wrapped, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")  # one of each: shared
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            value = xml_text(value) if isinstance(value, str) else value
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would take '=...' for a formula
                cell.alignment = wrapped
            elif isinstance(value, dt.date):
                cell.number_format = "d mmm yyyy"
                cell.alignment = top
            widths[c - 1] = max(widths[c - 1], min(len(_csv_safe(value)), 60))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = width + 2
    ws.freeze_panes = "A2"
    if autofilter:
        ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(header)).column_letter}{ws.max_row}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def action_log_header(*, with_board: bool = False) -> list[str]:
    header = list(ACTION_LOG_COLUMNS)
    return [header[0], "Board", *header[1:]] if with_board else header


def action_log_csv(rows: Iterable[ActionRow], *, with_board: bool = False) -> bytes:
    return table_csv(action_log_header(with_board=with_board), (r.cells(with_board=with_board) for r in rows))


def action_log_xlsx(rows: Iterable[ActionRow], *, with_board: bool = False) -> bytes:
    header = action_log_header(with_board=with_board)
    return table_xlsx("Action log", header, (r.cells(with_board=with_board) for r in rows), autofilter=True)


def action_log_four_columns(rows: Iterable[ActionRow], *, with_board: bool = False) -> list[FourColumnRow]:
    """The log in the minutes' layout: where each action came from and where it stands under Discussion."""
    out = []
    for r in rows:
        raised = f"{r.board}, " if with_board and r.board else ""
        discussion = [f"Raised {raised}{r.raised_at:%-d %B %Y}", f"Status: {r.status}"]
        if r.due:
            due = f"{r.due:%-d %B %Y}" if isinstance(r.due, dt.date) else r.due
            discussion.insert(1, f"Due: {due}")
        out.append(FourColumnRow(r.item, "\n".join(discussion), r.action, r.owners))
    return out


# Word ------------------------------------------------------------------------------------------------


def landscape_docx(*, title: str, lines: Iterable[str], font_size: int = 11) -> Any:
    """A new Word document as the boards' own papers are laid out: landscape A4, 2 cm margins, Arial, a
    title and a few lines under it (python-docx's `Document`, for the caller to add its tables to)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(font_size)
    doc.add_heading(xml_text(title), level=1)
    for line in lines:
        doc.add_paragraph(xml_text(line))
    return doc


def docx_bytes(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def four_column_docx(*, title: str, lines: Sequence[str], rows: Iterable[FourColumnRow]) -> bytes:
    """A Word document: a title, a few lines under it, and the table Item | Discussion | Action Required |
    Owner whose header row repeats on every page, as the boards' own minutes are laid out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    doc = landscape_docx(title=title, lines=lines)  # landscape: the discussion column needs the room

    widths = (Cm(2), Cm(12.7), Cm(7.5), Cm(3.5))
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.autofit = False
    header = table.rows[0]
    for cell, text, width in zip(header.cells, FOUR_COLUMNS, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].add_run(text).bold = True
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on each page
    for row in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(
            cells, (row.item, row.discussion, row.action, row.owner), widths, strict=True
        ):
            cell.width = width
            for n, line in enumerate(xml_text(text).split("\n")):
                paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                paragraph.add_run(line).bold = row.heading
        # keep a row on one page where it fits
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        table.rows[-1]._tr.get_or_add_trPr().append(cant_split)
    return docx_bytes(doc)


# iCalendar (RFC 5545) --------------------------------------------------------------------------------


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in TEXT; tab and line breaks are


def _ics_text(value: str) -> str:
    """TEXT values: backslash, semicolon, comma and line breaks escaped, control characters dropped
    (RFC 5545 3.3.11)."""
    value = _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """Lines of at most 75 octets, continued after CRLF and a space; never inside a UTF-8 sequence."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte: step back
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # a continuation line's leading space is one of its 75
    return "\r\n ".join(parts)


def _ics_when(name: str, value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("calendar times must be aware datetimes")
        return f"{name}:{value.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def calendar_ics(events: Iterable[CalendarEvent], *, name: str, now: dt.datetime) -> bytes:
    """A VCALENDAR of the events: UTC times, all-day events as dates ending the day after, CRLF lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Boardkeeper//Board calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(name)}",
    ]
    stamp = _ics_when("DTSTAMP", now)
    for event in events:
        end = event.end
        if end is None and not isinstance(event.start, dt.datetime):
            end = event.start + dt.timedelta(days=1)  # DTEND is exclusive
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", stamp, _ics_when("DTSTART", event.start)]
        if end is not None:
            lines.append(_ics_when("DTEND", end))
        lines.append(f"SUMMARY:{_ics_text(event.summary)}")
        if event.description:
            lines.append(f"DESCRIPTION:{_ics_text(event.description)}")
        if event.location:
            lines.append(f"LOCATION:{_ics_text(event.location)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("TRANSP:OPAQUE" if event.busy else "TRANSP:TRANSPARENT")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_ics_fold(line) for line in lines) + "\r\n").encode("utf-8")
