"""What leaves Boardkeeper as files: the agenda and the action log in the board's four-column Word table,
the log as a spreadsheet and CSV (exactly as the filtered page shows it), the forward plan as a
spreadsheet, and the `boardkeeper actions` command. (Each person's calendar feed: test_calendar.py.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import docx
import lxml.html
import openpyxl
import pytest
from cast import Cast, signed_in
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper import cli
from boardkeeper.actions.models import Action
from boardkeeper.actions.services import action_owner_names, open_actions_before
from boardkeeper.directory.models import Board, Person
from boardkeeper.meetings.models import Meeting
from boardkeeper.plan.agenda import agenda_draft, agenda_entry_update
from boardkeeper.plan.forward_plan import forward_plan_entry_add

MARCH = dt.date(2022, 3, 11)
OFSTED = "Ofsted & IICSA report findings"
ACTION_LOG = "Minutes of the previous meeting and action log"
PETES = "PH to share examples of incidents"
LOG_COLUMNS = [
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
]
FOUR_COLUMNS = ["Item", "Discussion", "Action Required", "Owner"]


@pytest.fixture
def pete(cast: Cast, held: Meeting) -> Person:
    """Pete Hill, as the import made him, signing in as the cast's board member."""
    person = Person.objects.get(partnership=cast.partnership, full_name="Pete Hill")
    person.user = cast.member
    person.save(update_fields=["user"])
    return person


def docx_table(response: Any) -> list[list[str]]:
    (table,) = docx.Document(io.BytesIO(response.content)).tables
    return [[cell.text for cell in row.cells] for row in table.rows]


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: Any) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [[c.value for c in row] for row in sheet.iter_rows()]


def board_export(cast: Cast, fmt: str) -> str:
    return reverse("board_actions_export", args=[cast.partnership.slug, cast.board.slug, fmt])


def assert_attachment(response: Any, filename: str, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


# The agenda ----------------------------------------------------------------------------------------


def test_the_march_agenda_downloads_in_four_columns_with_the_open_actions_under_the_action_log(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    agenda_entry_update(
        entry=agenda_draft(meeting=march)[2],
        title=OFSTED,
        presenter="Nigel Minns",
        papers="Paper 2",
        version=1,
    )
    response = manager.get(reverse("agenda_export", args=[march.pk]))
    assert_attachment(
        response,
        "executive-board-agenda-2022-03-11.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "Executive Board: agenda"
    assert "Friday 11 March 2022" in document.paragraphs[2].text
    rows = docx_table(response)
    assert rows[0] == FOUR_COLUMNS
    items = [(r[0], r[1].split("\n")[0]) for r in rows[1:] if r[0]]
    assert items == [
        ("1", "Welcome, introductions and apologies"),
        ("2", ACTION_LOG),
        ("3", OFSTED),
        ("4", "Any other business"),
    ]
    assert rows[-2][1] == f"{OFSTED}\nPapers: Paper 2"
    assert rows[-2][3] == "Nigel Minns"  # the presenter in the Owner column (issue 16)
    # the open actions, between the action-log item and the next: text under Action, owners under Owner
    under_log = rows[3:-2]
    open_actions = open_actions_before(march)
    assert [(r[2], r[3]) for r in under_log] == [
        (a.text, ", ".join(action_owner_names(a))) for a in open_actions
    ]
    assert len(under_log) == 8
    assert (PETES, "Pete Hill") in [(r[2], r[3]) for r in under_log]
    assert under_log[0][1] == "Raised 23 February 2022, item 4. Open."


# The action log ------------------------------------------------------------------------------------


def test_the_board_log_downloads_as_csv_xlsx_and_docx(cast: Cast, held: Meeting, manager: Client) -> None:
    Action.objects.filter(text=PETES).update(due_date=dt.date(2022, 3, 4), status=Action.Status.IN_PROGRESS)
    today = timezone.localdate()
    stem = f"warwickshire-executive-board-actions-{today:%Y-%m-%d}"

    response = manager.get(board_export(cast, "csv"))
    assert_attachment(response, f"{stem}.csv", "text/csv; charset=utf-8")
    rows = csv_rows(response)
    assert rows[0] == LOG_COLUMNS and len(rows) == 1 + 8
    assert rows[2] == [
        "2",
        "5 Mental Health Provision",
        PETES,
        "Pete Hill",
        "2022-02-23",
        "2022-03-04",
        "In progress",
        "Draft minutes",
        "Red – Overdue",
        "",
    ]

    response = manager.get(board_export(cast, "xlsx"))
    assert_attachment(
        response, f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = xlsx_rows(response)
    assert sheet[0] == LOG_COLUMNS and len(sheet) == 1 + 8
    assert sheet[2] == [
        2,
        "5 Mental Health Provision",
        PETES,
        "Pete Hill",
        dt.datetime(2022, 2, 23),
        dt.datetime(2022, 3, 4),
        "In progress",
        "Draft minutes",
        "Red – Overdue",
        None,  # no progress note: an empty cell
    ]

    response = manager.get(board_export(cast, "docx"))
    assert_attachment(
        response, f"{stem}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    table = docx_table(response)
    assert table[0] == FOUR_COLUMNS and len(table) == 1 + 8
    assert table[2] == [
        "5 Mental Health Provision",
        "Raised 23 February 2022\nDue: 4 March 2022\nStatus: In progress",
        PETES,
        "Pete Hill",
    ]


def page_actions(response: Any) -> list[tuple[str, str]]:
    """The (action, status) rows of the log page, in the page's order."""
    page = lxml.html.fromstring(response.content)
    return [
        (
            " ".join(tr.xpath(".//*[@data-field='text']")[0].text_content().split()),
            " ".join(tr.xpath(".//*[@data-field='status']")[0].text_content().split()),
        )
        for tr in page.xpath("//main//table/tbody/tr[.//*[@data-field='text']]")
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"status": ["in_progress", "done"]},
        {"owner": "PETE"},
        {"raised": "HELD", "sort": "newest"},
        {"overdue": "on"},
        {"sort": "due"},
        {"status": "open", "owner": "PETE", "sort": "bogus"},
    ],
)
def test_each_export_holds_exactly_the_actions_the_filtered_page_shows(
    cast: Cast, held: Meeting, pete: Person, manager: Client, query: dict[str, Any]
) -> None:
    Action.objects.filter(text=PETES).update(status=Action.Status.IN_PROGRESS, due_date=dt.date(2022, 3, 4))
    Action.objects.filter(text__startswith="LLB").update(
        status=Action.Status.DONE, due_date=dt.date(2022, 3, 1)
    )
    Action.objects.filter(text__startswith="Seek update").update(due_date=dt.date(2099, 1, 1))
    ids = {"PETE": str(pete.pk), "HELD": str(held.pk)}
    query = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in query.items()}
    page = page_actions(
        manager.get(reverse("board_actions", args=[cast.partnership.slug, cast.board.slug]), query)
    )
    assert page or query.get("owner") == ids["PETE"]
    csv_shown = [(r[2], r[6]) for r in csv_rows(manager.get(board_export(cast, "csv"), query))[1:]]
    xlsx_shown = [(r[2], r[6]) for r in xlsx_rows(manager.get(board_export(cast, "xlsx"), query))[1:]]
    docx_shown = [
        (r[2], r[1].rsplit("Status: ", 1)[1])
        for r in docx_table(manager.get(board_export(cast, "docx"), query))[1:]
    ]
    assert csv_shown == xlsx_shown == docx_shown == page


def test_the_partnership_log_names_each_board(cast: Cast, held: Meeting, manager: Client) -> None:
    other = Board.objects.create(partnership=cast.partnership, name="Learning Group", slug="learning")
    meeting = Meeting.objects.create(board=other, date=dt.date(2022, 1, 5), status="held")
    Action.objects.create(board=other, meeting=meeting, text="Write the learning brief", origin="manual")
    response = manager.get(reverse("partnership_actions_export", args=[cast.partnership.slug, "csv"]))
    rows = csv_rows(response)
    assert response["Content-Disposition"].startswith('attachment; filename="warwickshire-actions-')
    assert rows[0] == ["Number", "Board", *LOG_COLUMNS[1:]]
    assert rows[1][:4] == ["1", "Learning Group", "", "Write the learning brief"]  # oldest first
    assert {r[1] for r in rows[1:]} == {"Learning Group", "Executive Board"} and len(rows) == 1 + 9


def test_an_empty_log_downloads_as_a_header_row(cast: Cast, manager: Client) -> None:
    assert csv_rows(manager.get(board_export(cast, "csv"))) == [LOG_COLUMNS]
    assert xlsx_rows(manager.get(board_export(cast, "xlsx"))) == [LOG_COLUMNS]
    assert docx_table(manager.get(board_export(cast, "docx"))) == [FOUR_COLUMNS]
    nothing_matches = manager.get(board_export(cast, "csv"), {"status": "dropped", "owner": "not-a-person"})
    assert csv_rows(nothing_matches) == [LOG_COLUMNS]


def test_only_csv_xlsx_and_docx_are_offered(cast: Cast, manager: Client) -> None:
    url = board_export(cast, "csv").replace(".csv", ".pdf")
    assert manager.get(url).status_code == 404


@pytest.mark.parametrize("who", ["member", "viewer"])
def test_members_and_viewers_download_what_they_can_read(cast: Cast, march: Meeting, who: str) -> None:
    client = signed_in(getattr(cast, who))
    for url in [
        board_export(cast, "xlsx"),
        reverse("partnership_actions_export", args=[cast.partnership.slug, "docx"]),
        reverse("agenda_export", args=[march.pk]),
        reverse("forward_plan_export", args=[cast.partnership.slug, cast.board.slug]),
    ]:
        assert client.get(url).status_code == 200, url


def test_an_outsider_downloads_nothing(cast: Cast, march: Meeting) -> None:
    client = signed_in(cast.outsider)
    for url in [
        board_export(cast, "csv"),
        reverse("partnership_actions_export", args=[cast.partnership.slug, "xlsx"]),
        reverse("agenda_export", args=[march.pk]),
        reverse("forward_plan_export", args=[cast.partnership.slug, cast.board.slug]),
    ]:
        assert client.get(url).status_code == 404, url


# The forward plan ----------------------------------------------------------------------------------


def test_the_forward_plan_downloads_as_a_spreadsheet_by_meeting_and_month(
    cast: Cast, march: Meeting, manager: Client
) -> None:
    forward_plan_entry_add(
        board=cast.board,
        topic="Budget",
        target_month=dt.date(2022, 6, 1),
        owner_text="Business Manager",
        recurs_annually=True,
    )
    url = reverse("forward_plan_export", args=[cast.partnership.slug, cast.board.slug])
    response = manager.get(url)
    assert_attachment(
        response,
        "executive-board-forward-plan-2022-03.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    rows = xlsx_rows(response)
    assert rows[0] == ["When", "Meeting", "Topic", "Owner", "Where it came from", "Every year"]
    assert rows[1] == [
        "Meeting 11 March 2022",
        dt.datetime(2022, 3, 11),
        OFSTED,
        "Warwickshire Safeguarding Team",
        "Action of the meeting of 23 February 2022, item 11: "
        "Add Ofsted & IICSA report findings to the forward plan for March",
        None,
    ]
    assert rows[2] == ["June 2022", None, "Budget", "Business Manager", "Added by hand", "Yes"]
    assert rows[3][0] == "A future meeting" and rows[3][2] == "Draft Strategic Plan"
    assert len(rows) == 4


# The command line ----------------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["actions", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_prints_the_log_as_json_for_scripts(
    cast: Cast, held: Meeting, capsys: pytest.CaptureFixture[str]
) -> None:
    Action.objects.filter(text=PETES).update(status=Action.Status.DONE, due_date=dt.date(2022, 3, 4))
    code, out, err = run_cli(
        capsys, "--partnership", "Warwickshire Safeguarding", "--board", "executive-board", "--json"
    )
    assert (code, err) == (0, "")
    log = json.loads(out)
    assert (log["partnership"], log["board"]) == ("Warwickshire Safeguarding", "Executive Board")
    assert len(log["actions"]) == 8
    petes = next(a for a in log["actions"] if a["text"] == PETES)
    assert {k: petes[k] for k in ("owners", "item", "meeting_date", "due_date", "status")} == {
        "owners": ["Pete Hill"],
        "item": "5",
        "meeting_date": "2022-02-23",
        "due_date": "2022-03-04",
        "status": "done",
    }
    code, out, _ = run_cli(capsys, "--partnership", "warwickshire", "--status", "open", "--json")
    assert code == 0
    assert [a["status"] for a in json.loads(out)["actions"]] == ["open"] * 7


def test_the_command_prints_a_table_for_people(
    cast: Cast, held: Meeting, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "--partnership", "warwickshire")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["Raised", "Item", "Status", "Due", "Owners", "Action"]
    assert any(PETES in line and "Pete Hill" in line and "2022-02-23" in line for line in lines)
    assert lines[-1] == "8 actions."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partnership", "Nowhere"], "boardkeeper actions: no partnership called 'Nowhere'\n"),
        (
            ["--partnership", "warwickshire", "--board", "Scrutiny"],
            "boardkeeper actions: Warwickshire Safeguarding has no board called 'Scrutiny'\n",
        ),
    ],
)
def test_an_unknown_partnership_or_board_exits_2_with_one_line(
    cast: Cast, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run_cli(capsys, *args, "--json")
    assert (code, out, err) == (2, "", message)


def note(action: Action, user: Any, text: str, status: str = Action.Status.IN_PROGRESS) -> None:
    from boardkeeper.actions.services import action_update

    action.refresh_from_db()
    action_update(action=action, user=user, version=action.version, status=status, note=text)


def exported_queries(client: Client, url: str) -> int:
    """The queries a download runs, the streamed body read to its end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200 and response.content
    return len(ctx.captured_queries)


def test_the_log_downloads_carry_the_flag_and_the_latest_progress_note(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    """Issue 16: the flag the page shows and the newest progress note with its date, in the CSV and the
    spreadsheet alike; a status change without a note does not hide the note before it."""
    Action.objects.filter(text=PETES).update(due_date=dt.date(2022, 3, 4))
    Action.objects.filter(text__startswith="Seek update").update(due_date=dt.date(2099, 1, 1))
    petes = Action.objects.get(text=PETES)
    note(petes, cast.manager, "Asked JG for examples")
    note(petes, cast.manager, "=Examples shared with JG")  # the newest
    note(petes, cast.manager, "", status=Action.Status.IN_PROGRESS)  # no note: not the latest note
    llb = Action.objects.get(text__startswith="LLB")
    note(llb, cast.manager, "Progressed", status=Action.Status.DONE)
    today = f"{timezone.localdate():%-d %B %Y}"

    rows = {r[2]: r for r in csv_rows(manager.get(board_export(cast, "csv")))[1:]}
    assert rows[PETES][8:] == ["Red – Overdue", f"{today}: =Examples shared with JG"]
    assert rows[llb.text][8:] == ["Green – Done", f"{today}: Progressed"]
    seek = next(r for t, r in rows.items() if t.startswith("Seek update"))
    assert seek[8:] == ["Green – On track", ""]

    sheet = openpyxl.load_workbook(io.BytesIO(manager.get(board_export(cast, "xlsx")).content)).active
    assert sheet is not None
    assert sheet.auto_filter.ref == "A1:J9" and sheet.freeze_panes == "A2"
    cells = {r[2]: r for r in ([c.value for c in row] for row in sheet.iter_rows(min_row=2))}
    assert cells[PETES][8:] == ["Red – Overdue", f"{today}: =Examples shared with JG"]
    assert cells[llb.text][8:] == ["Green – Done", f"{today}: Progressed"]


def test_the_flag_and_notes_cost_the_same_queries_however_many_actions_have_notes(
    cast: Cast, held: Meeting, manager: Client
) -> None:
    manager.get(
        board_export(cast, "csv")
    )  # the first reads what the log keeps between requests (lib.reference)
    counts = {fmt: exported_queries(manager, board_export(cast, fmt)) for fmt in ("csv", "xlsx")}
    for action in Action.objects.all():
        note(action, cast.manager, f"Note on {action.pk}")
    # the notes' status changes changed the partnership's version (actions migration 0009): read again once
    manager.get(board_export(cast, "csv"))
    assert {fmt: exported_queries(manager, board_export(cast, fmt)) for fmt in ("csv", "xlsx")} == counts
    rows = csv_rows(manager.get(board_export(cast, "csv")))[1:]
    assert all(r[9].endswith(f"Note on {Action.objects.get(text=r[2]).pk}") for r in rows)
