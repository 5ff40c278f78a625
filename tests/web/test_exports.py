"""What leaves Boardkeeper as files: the agenda and the action log in the board's four-column Word table,
the log as a spreadsheet and CSV (exactly as the filtered page shows it), the forward plan as a
spreadsheet, the `boardkeeper actions` command, and each person's private calendar feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import docx
import icalendar
import lxml.html
import openpyxl
import pytest
from cast import SEED_DOCX, Cast, signed_in
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boardkeeper import cli
from boardkeeper.actions import services
from boardkeeper.actions.models import Action, CalendarFeed
from boardkeeper.directory.models import Board, Person
from boardkeeper.meetings import services as meeting_services
from boardkeeper.meetings.models import Meeting

MARCH = dt.date(2022, 3, 11)
OFSTED = "Ofsted & IICSA report findings"
ACTION_LOG = "Minutes of the previous meeting and action log"
PETES = "PH to share examples of incidents"
LOG_COLUMNS = ["Number", "Item", "Action", "Owners", "Raised at", "Due", "Status"]
FOUR_COLUMNS = ["Item", "Discussion", "Action Required", "Owner"]


@pytest.fixture
def held(cast: Cast) -> Meeting:
    return meeting_services.import_file(
        board=cast.board, user=cast.manager, name=SEED_DOCX.name, data=SEED_DOCX.read_bytes()
    ).meeting


@pytest.fixture
def march(cast: Cast, held: Meeting) -> Meeting:
    return services.schedule_next_meeting(board=cast.board, date=MARCH)


@pytest.fixture
def manager(cast: Cast) -> Client:
    return signed_in(cast.manager)


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
    services.agenda_entry_update(
        entry=services.agenda_draft(meeting=march)[2],
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
    assert rows[-2][1] == f"{OFSTED}\nPresenter: Nigel Minns\nPapers: Paper 2"
    # the open actions, between the action-log item and the next: text under Action, owners under Owner
    under_log = rows[3:-2]
    open_actions = services.open_actions_before(march)
    assert [(r[2], r[3]) for r in under_log] == [
        (a.text, ", ".join(services.action_owner_names(a))) for a in open_actions
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
    services.forward_plan_entry_add(
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


# The calendar --------------------------------------------------------------------------------------


def feed_of(client: Client) -> str:
    """The address the calendar page gives, after asking for one."""
    client.post(reverse("my_calendar"))
    page = lxml.html.fromstring(client.get(reverse("my_calendar")).content)
    (address,) = page.xpath("//input[@id='feed-url']/@value")
    return str(address)


def test_pete_gets_a_private_feed_of_his_boards_meetings_and_his_deadlines(
    cast: Cast, march: Meeting, pete: Person
) -> None:
    Action.objects.filter(text=PETES).update(due_date=dt.date(2022, 3, 4))
    Action.objects.filter(text__startswith="LLB").update(due_date=dt.date(2022, 3, 1))  # a team's: not his
    march.time = dt.time(10, 0)
    march.location = "Shire Hall, Warwick"
    march.save()
    client = signed_in(cast.member)
    address = feed_of(client)
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")

    response = Client().get(address)  # no sign-in: the calendar program has only the address
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content and b"\n" not in response.content.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(response.content.decode())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Executive Board meeting", f"Action due: {PETES}"}
    meetings = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Executive Board meeting"]
    starts = sorted(str(e["DTSTART"].dt) for e in meetings)
    assert starts == ["2022-02-23", "2022-03-11 10:00:00+00:00"]  # the held meeting all day; March at 10
    timed = next(e for e in meetings if isinstance(e["DTSTART"].dt, dt.datetime))
    assert str(timed["LOCATION"]) == "Shire Hall, Warwick"
    deadline = events[f"Action due: {PETES}"]
    assert deadline["DTSTART"].dt == dt.date(2022, 3, 4)
    assert all(e["UID"] and e["DTSTAMP"] for e in calendar.walk("VEVENT"))
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == 3


def test_a_done_action_leaves_the_calendar(cast: Cast, march: Meeting, pete: Person) -> None:
    Action.objects.filter(text=PETES).update(due_date=dt.date(2022, 3, 4), status=Action.Status.DONE)
    response = Client().get(feed_of(signed_in(cast.member)))
    assert PETES not in response.content.decode()


def test_a_revoked_or_unknown_address_is_not_found_with_a_plain_message(
    cast: Cast, march: Meeting, pete: Person
) -> None:
    client = signed_in(cast.member)
    address = feed_of(client)
    response = client.post(reverse("my_calendar_revoke"), follow=True)
    assert "Your calendar address no longer works." in response.content.decode()
    assert CalendarFeed.objects.get().revoked_at is not None
    assert lxml.html.fromstring(response.content).xpath(
        "//button[normalize-space()='Get a calendar address']"
    )
    for url in [address, reverse("calendar_feed", args=["not-a-token"]), "/calendar/%00.ics"]:
        gone = Client().get(url)
        assert gone.status_code == 404, url
        assert gone["Content-Type"] == "text/plain; charset=utf-8"
        assert b"revoked" in gone.content


def test_a_new_address_stops_the_old_one(cast: Cast, march: Meeting, pete: Person) -> None:
    client = signed_in(cast.member)
    first = feed_of(client)
    second = feed_of(client)
    assert first != second
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 200
    assert CalendarFeed.objects.filter(person=pete, revoked_at=None).count() == 1


def test_an_address_stops_when_its_person_loses_their_role(cast: Cast, march: Meeting, pete: Person) -> None:
    address = feed_of(signed_in(cast.member))
    cast.member.partnership_roles.all().delete()
    assert Client().get(address).status_code == 404


def test_someone_linked_to_nobody_is_told_and_gets_no_address(cast: Cast, held: Meeting) -> None:
    client = signed_in(cast.viewer)
    response = client.get(reverse("my_calendar"))
    assert response.status_code == 200
    assert "not linked to anyone in the directory" in response.content.decode()
    assert client.post(reverse("my_calendar")).status_code == 200
    assert client.post(reverse("my_calendar_revoke")).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_the_calendar_page_needs_a_sign_in_but_the_feed_does_not(
    cast: Cast, march: Meeting, pete: Person
) -> None:
    anonymous = Client()
    login = reverse("login")
    for url in (reverse("my_calendar"), reverse("my_calendar_revoke")):
        assert anonymous.get(url)["Location"] == f"{login}?next={url}"
        assert anonymous.post(url)["Location"] == f"{login}?next={url}"
    assert not CalendarFeed.objects.exists()
