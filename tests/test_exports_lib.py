"""boardkeeper.lib.exports without Django: each file read back with the reader a user's program would use."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import docx
import icalendar
import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardkeeper.lib import exports

LONDON = ZoneInfo("Europe/London")
ROWS = [
    exports.ActionRow(
        number=1,
        item="5 Mental Health Provision",
        action="PH to share examples of incidents",
        owners="Pete Hill",
        raised_at=dt.date(2022, 2, 23),
        due=dt.date(2022, 3, 4),
        status="Open",
        board="Executive Board",
        minutes="Draft minutes",
    ),
    exports.ActionRow(
        number=2,
        item="8 Safeguarding Reviews update",
        action='=HYPERLINK("http://example.invalid") – not a formula',
        owners="Warwickshire Safeguarding Team, Amrita Sharma",
        raised_at=dt.date(2022, 2, 23),
        due="Meeting of 11 March 2022",
        status="In progress",
        board="Executive Board",
        minutes="Minutes approved on 11 March 2022",
    ),
]


def read_docx_table(data: bytes) -> list[list[str]]:
    (table,) = docx.Document(io.BytesIO(data)).tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_four_column_table_has_the_boards_header_and_one_row_per_line() -> None:
    data = exports.four_column_docx(
        title="Executive Board: agenda",
        lines=["Warwickshire Safeguarding", "Friday 11 March 2022"],
        rows=[
            exports.FourColumnRow(item="1", discussion="Welcome\nPresenter: Chair", heading=True),
            exports.FourColumnRow(
                discussion="Raised 23 February 2022", action="LLB to be progressed", owner="WST"
            ),
        ],
    )
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs[:3]] == [
        "Executive Board: agenda",
        "Warwickshire Safeguarding",
        "Friday 11 March 2022",
    ]
    assert read_docx_table(data) == [
        ["Item", "Discussion", "Action Required", "Owner"],
        ["1", "Welcome\nPresenter: Chair", "", ""],
        ["", "Raised 23 February 2022", "LLB to be progressed", "WST"],
    ]
    (table,) = document.tables
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader"), "the header row repeats on every page"
    assert all(run.bold for run in table.rows[1].cells[1].paragraphs[0].runs)  # an agenda item's own row
    assert not any(run.bold for run in table.rows[2].cells[2].paragraphs[0].runs)


def test_the_action_log_in_four_columns_says_where_each_action_came_from_and_stands() -> None:
    rows = read_docx_table(
        exports.four_column_docx(title="Log", lines=[], rows=exports.action_log_four_columns(ROWS))
    )
    assert rows[1] == [
        "5 Mental Health Provision",
        "Raised 23 February 2022\nDue: 4 March 2022\nStatus: Open",
        "PH to share examples of incidents",
        "Pete Hill",
    ]
    assert rows[2][1] == "Raised 23 February 2022\nDue: Meeting of 11 March 2022\nStatus: In progress"


def test_the_csv_has_the_log_columns_and_quotes_what_a_spreadsheet_would_run() -> None:
    data = exports.action_log_csv(ROWS)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(exports.ACTION_LOG_COLUMNS)
    assert rows[1] == [
        "1",
        "5 Mental Health Provision",
        "PH to share examples of incidents",
        "Pete Hill",
        "2022-02-23",
        "2022-03-04",
        "Open",
        "Draft minutes",
        "",
        "",
    ]
    assert rows[2][2] == '\'=HYPERLINK("http://example.invalid") – not a formula'
    assert rows[2][5] == "Meeting of 11 March 2022"
    with_board = list(
        csv.reader(io.StringIO(exports.action_log_csv(ROWS, with_board=True).decode("utf-8-sig")))
    )
    assert with_board[0][:3] == ["Number", "Board", "Item"] and with_board[1][1] == "Executive Board"


def test_an_empty_log_is_a_header_row_alone_in_every_format() -> None:
    assert exports.action_log_csv([]).decode("utf-8-sig").splitlines() == [
        "Number,Item,Action,Owners,Raised at,Due,Status,Minutes,Flag,Latest progress note"
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(exports.action_log_xlsx([]))).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [list(exports.ACTION_LOG_COLUMNS)]
    assert read_docx_table(exports.four_column_docx(title="Log", lines=[], rows=[])) == [
        list(exports.FOUR_COLUMNS)
    ]


def test_the_spreadsheet_keeps_dates_as_dates_and_text_as_text() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(exports.action_log_xlsx(ROWS))).active
    assert sheet is not None
    assert sheet.title == "Action log" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == list(exports.ACTION_LOG_COLUMNS)
    assert all(c.font.b for c in sheet[1])
    assert [c.value for c in sheet[2]] == [
        1,
        "5 Mental Health Provision",
        "PH to share examples of incidents",
        "Pete Hill",
        dt.datetime(2022, 2, 23),  # openpyxl reads a date cell back as a datetime
        dt.datetime(2022, 3, 4),
        "Open",
        "Draft minutes",
        None,  # no flag or note given: an empty cell
        None,
    ]
    formula_like = sheet.cell(row=3, column=3)
    assert formula_like.data_type == "s" and formula_like.value == ROWS[1].action


def parse_ics(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data.decode("utf-8"))


def test_the_calendar_is_valid_rfc_5545_with_timed_and_all_day_events() -> None:
    now = dt.datetime(2022, 3, 1, 9, 30, tzinfo=dt.UTC)
    data = exports.calendar_ics(
        [
            exports.CalendarEvent(
                uid="meeting-1@boardkeeper",
                summary="Executive Board meeting",
                start=dt.datetime(2022, 3, 11, 10, 0, tzinfo=LONDON),
                end=dt.datetime(2022, 3, 11, 12, 0, tzinfo=LONDON),
                location="Shire Hall, Warwick; Room 1",
                description="Agenda:\n1. Welcome, apologies",
            ),
            exports.CalendarEvent(
                uid="action-2-due@boardkeeper",
                summary="Action due: PH to share examples of incidents",
                start=dt.date(2022, 3, 4),
                busy=False,
            ),
        ],
        name="Boardkeeper: Pete Hill",
        now=now,
    )
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = parse_ics(data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    meeting, deadline = calendar.walk("VEVENT")
    assert str(meeting["UID"]) == "meeting-1@boardkeeper"
    assert meeting["DTSTAMP"].dt == now
    assert meeting["DTSTART"].dt == dt.datetime(2022, 3, 11, 10, 0, tzinfo=dt.UTC)  # GMT in March
    assert meeting["DTEND"].dt == dt.datetime(2022, 3, 11, 12, 0, tzinfo=dt.UTC)
    assert str(meeting["LOCATION"]) == "Shire Hall, Warwick; Room 1"
    assert str(meeting["DESCRIPTION"]) == "Agenda:\n1. Welcome, apologies"
    assert deadline["DTSTART"].dt == dt.date(2022, 3, 4)
    assert deadline["DTEND"].dt == dt.date(2022, 3, 5)  # DTEND is exclusive: one whole day
    assert str(deadline["TRANSP"]) == "TRANSPARENT"


def test_a_summer_meeting_is_given_in_utc() -> None:
    event = exports.CalendarEvent(uid="m@b", summary="m", start=dt.datetime(2022, 7, 1, 10, tzinfo=LONDON))
    data = exports.calendar_ics([event], name="c", now=dt.datetime(2022, 1, 1, tzinfo=dt.UTC))
    assert b"DTSTART:20220701T090000Z\r\n" in data  # 10:00 BST


def test_a_naive_time_is_refused_rather_than_guessed() -> None:
    event = exports.CalendarEvent(uid="m@b", summary="m", start=dt.datetime(2022, 3, 11, 10))
    with pytest.raises(ValueError, match="aware"):
        exports.calendar_ics([event], name="c", now=dt.datetime(2022, 1, 1, tzinfo=dt.UTC))


@given(st.text(min_size=0, max_size=400))
def test_any_summary_folds_into_short_lines_and_parses_back_without_control_characters(summary: str) -> None:
    event = exports.CalendarEvent(uid="x@boardkeeper", summary=summary, start=dt.date(2022, 3, 11))
    data = exports.calendar_ics([event], name="Calendar", now=dt.datetime(2022, 1, 1, tzinfo=dt.UTC))
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (parsed,) = parse_ics(data).walk("VEVENT")
    expected = re.sub("[\x00-\x08\x0b-\x1f\x7f]", "", summary.replace("\r\n", "\n").replace("\r", "\n"))
    assert str(parsed["SUMMARY"]) == expected
