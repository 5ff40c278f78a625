"""`boardkeeper partnership add|list` and `boardkeeper board add|list`: an empty installation set up from
the command line, then minutes imported into what was made. Run in-process through `boardkeeper.cli.main`."""

from __future__ import annotations

import getpass
import json
from typing import Any

import pytest
from cast import SEED_DOCX
from django.contrib.auth.models import User

from boardkeeper import cli
from boardkeeper.audit.models import AuditEvent
from boardkeeper.directory.models import Board, Partnership
from boardkeeper.meetings.models import Meeting

pytestmark = pytest.mark.django_db

WARKS = "Warwickshire Safeguarding"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys: pytest.CaptureFixture[str], command: str, *args: str) -> str:
    """Exit 2, nothing on stdout, one line on stderr: `boardkeeper COMMAND: reason` (the reason returned)."""
    code, out, err = run(capsys, command, *args)
    assert code == 2, (out, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    prefix = f"boardkeeper {command}: "
    assert lines[0].startswith(prefix), lines[0]
    return lines[0].removeprefix(prefix)


def made(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """The slug printed, one line, exit 0."""
    code, out, err = run(capsys, *args)
    assert (code, err) == (0, ""), err
    assert out.count("\n") == 1, out
    return out.strip()


def operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


# partnership add ---------------------------------------------------------------------------------------


def test_a_partnership_is_made_and_its_slug_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert made(capsys, "partnership", "add", WARKS) == "warwickshire-safeguarding"
    partnership = Partnership.objects.get()
    assert (partnership.name, partnership.slug) == (WARKS, "warwickshire-safeguarding")


def test_spaces_around_and_within_the_name_are_tidied(capsys: pytest.CaptureFixture[str]) -> None:
    assert made(capsys, "partnership", "add", "  Coventry   Safeguarding ") == "coventry-safeguarding"
    assert Partnership.objects.get().name == "Coventry Safeguarding"


def test_a_duplicate_partnership_is_refused_in_any_case(capsys: pytest.CaptureFixture[str]) -> None:
    made(capsys, "partnership", "add", WARKS)
    events = AuditEvent.objects.count()
    for name in (WARKS, WARKS.upper(), "warwickshire safeguarding"):
        reason = refused(capsys, "partnership", "add", name)
        assert reason == f"a partnership called '{WARKS}' already exists (slug warwickshire-safeguarding)"
    assert Partnership.objects.count() == 1
    assert AuditEvent.objects.count() == events  # nothing written


def test_a_name_that_is_another_partnerships_slug_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    made(capsys, "partnership", "add", WARKS)
    reason = refused(capsys, "partnership", "add", "warwickshire-safeguarding")
    assert reason == f"'warwickshire-safeguarding' is the slug of the partnership '{WARKS}'"
    assert Partnership.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "a partnership needs a name"),
        ("   ", "a partnership needs a name"),
        ("x" * 201, "a partnership's name is at most 200 characters (this one has 201)"),
    ],
)
def test_a_blank_or_overlong_name_is_refused(
    capsys: pytest.CaptureFixture[str], name: str, reason: str
) -> None:
    assert refused(capsys, "partnership", "add", name) == reason
    assert not Partnership.objects.exists()


def test_a_long_name_of_200_characters_is_kept_with_a_slug_of_80(capsys: pytest.CaptureFixture[str]) -> None:
    name = "Safeguarding " * 15 + "Board"
    name = name[:200]
    slug = made(capsys, "partnership", "add", name)
    assert len(slug) <= 80 and not slug.endswith("-")
    assert Partnership.objects.get().name == name


def test_a_taken_slug_gets_a_suffix(capsys: pytest.CaptureFixture[str]) -> None:
    assert made(capsys, "partnership", "add", "Warwickshire: Safeguarding") == "warwickshire-safeguarding"
    assert made(capsys, "partnership", "add", "Warwickshire Safeguarding!") == "warwickshire-safeguarding-2"
    assert made(capsys, "partnership", "add", "Warwickshire Safeguarding?") == "warwickshire-safeguarding-3"
    assert Partnership.objects.count() == 3


def test_a_name_with_nothing_to_make_a_slug_of_still_gets_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert made(capsys, "partnership", "add", "???") == "partnership"
    assert made(capsys, "partnership", "add", "!!!") == "partnership-2"


def test_the_making_of_a_partnership_is_audited(capsys: pytest.CaptureFixture[str]) -> None:
    made(capsys, "partnership", "add", WARKS)
    partnership = Partnership.objects.get()
    event = AuditEvent.objects.get(model="directory.partnership", object_id=str(partnership.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.username == operator() != ""
    assert event.user_id is None  # the person at the terminal, who may have no account yet
    assert event.partnership_id == partnership.pk
    assert event.changes["name"] == [None, WARKS]


# partnership list --------------------------------------------------------------------------------------


def test_the_list_says_how_to_begin_when_there_are_none(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "partnership", "list")
    assert (code, err) == (0, "")
    assert "boardkeeper partnership add NAME" in out
    assert made(capsys, "partnership", "list", "--json") == "[]"


def test_the_list_gives_name_slug_and_boards(capsys: pytest.CaptureFixture[str]) -> None:
    made(capsys, "partnership", "add", WARKS)
    made(capsys, "partnership", "add", "Coventry Safeguarding")
    made(capsys, "board", "add", "Executive Board", "--partnership", WARKS)
    made(capsys, "board", "add", "Learning and Improvement", "--partnership", WARKS)
    code, out, err = run(capsys, "partnership", "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Coventry Safeguarding      coventry-safeguarding      0 boards",
        "Warwickshire Safeguarding  warwickshire-safeguarding  2 boards",
    ]
    code, out, err = run(capsys, "partnership", "list", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {"name": "Coventry Safeguarding", "slug": "coventry-safeguarding", "boards": 0},
        {"name": WARKS, "slug": "warwickshire-safeguarding", "boards": 2},
    ]


def test_partnership_and_board_need_add_or_list(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("partnership", "board"):
        code, out, err = run(capsys, command)
        assert (code, out) == (2, "")
        assert err.splitlines()[-1] == (
            f"boardkeeper {command}: error: the following arguments are required: add|list"
        )


# board add ---------------------------------------------------------------------------------------------


@pytest.fixture
def warks(capsys: pytest.CaptureFixture[str]) -> Partnership:
    made(capsys, "partnership", "add", WARKS)
    return Partnership.objects.get()


@pytest.mark.parametrize("named", [WARKS, "warwickshire safeguarding", "warwickshire-safeguarding"])
def test_a_board_is_made_in_the_partnership_by_name_or_slug(
    capsys: pytest.CaptureFixture[str], warks: Partnership, named: str
) -> None:
    assert made(capsys, "board", "add", "Executive Board", "--partnership", named) == "executive-board"
    board = Board.objects.get()
    assert (board.partnership, board.name, board.slug) == (warks, "Executive Board", "executive-board")


def test_a_board_in_a_missing_partnership_is_refused_with_how_to_make_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reason = refused(capsys, "board", "add", "Executive Board", "--partnership", WARKS)
    assert (
        reason == f"no partnership called '{WARKS}'; make one with: boardkeeper partnership add \"{WARKS}\""
    )
    assert not Board.objects.exists()


def test_a_duplicate_board_is_refused_but_another_partnership_may_have_one(
    capsys: pytest.CaptureFixture[str], warks: Partnership
) -> None:
    made(capsys, "board", "add", "Executive Board", "--partnership", WARKS)
    events = AuditEvent.objects.count()
    reason = refused(capsys, "board", "add", "executive board", "--partnership", WARKS)
    assert reason == f"{WARKS} already has a board called 'Executive Board' (slug executive-board)"
    assert Board.objects.count() == 1
    assert AuditEvent.objects.count() == events
    made(capsys, "partnership", "add", "Coventry Safeguarding")
    assert made(capsys, "board", "add", "Executive Board", "--partnership", "Coventry Safeguarding") == (
        "executive-board"  # slugs are unique within a partnership
    )


def test_a_taken_board_slug_gets_a_suffix(capsys: pytest.CaptureFixture[str], warks: Partnership) -> None:
    assert made(capsys, "board", "add", "Executive Board", "--partnership", WARKS) == "executive-board"
    assert made(capsys, "board", "add", "Executive Board!", "--partnership", WARKS) == "executive-board-2"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "a board needs a name"),
        (" ", "a board needs a name"),
        ("b" * 250, "a board's name is at most 200 characters (this one has 250)"),
    ],
)
def test_a_blank_or_overlong_board_name_is_refused(
    capsys: pytest.CaptureFixture[str], warks: Partnership, name: str, reason: str
) -> None:
    assert refused(capsys, "board", "add", name, "--partnership", WARKS) == reason
    assert not Board.objects.exists()


def test_the_making_of_a_board_is_audited(capsys: pytest.CaptureFixture[str], warks: Partnership) -> None:
    made(capsys, "board", "add", "Executive Board", "--partnership", WARKS)
    board = Board.objects.get()
    event = AuditEvent.objects.get(model="directory.board", object_id=str(board.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.username == operator()
    assert event.partnership_id == warks.pk
    assert event.changes["name"] == [None, "Executive Board"]


def test_board_list(capsys: pytest.CaptureFixture[str], warks: Partnership) -> None:
    made(capsys, "board", "add", "Executive Board", "--partnership", WARKS)
    code, out, err = run(capsys, "board", "list", "--partnership", "warwickshire-safeguarding", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [{"partnership": WARKS, "name": "Executive Board", "slug": "executive-board"}]
    code, out, err = run(capsys, "board", "list")
    assert out == f"{WARKS}  Executive Board  executive-board\n"


# the whole way: an empty installation to imported minutes ----------------------------------------------


def test_minutes_are_imported_into_the_partnership_and_board_just_made(
    capsys: pytest.CaptureFixture[str],
) -> None:
    refusal = refused(capsys, "import", str(SEED_DOCX), "--partnership", WARKS, "--board", "Executive Board")
    assert refusal.endswith(f'make one with: boardkeeper partnership add "{WARKS}"')
    made(capsys, "partnership", "add", WARKS)
    refusal = refused(capsys, "import", str(SEED_DOCX), "--partnership", WARKS, "--board", "Executive Board")
    assert refusal.endswith(f'make one with: boardkeeper board add "Executive Board" --partnership "{WARKS}"')
    made(capsys, "board", "add", "Executive Board", "--partnership", WARKS)
    User.objects.create_user("amrita", password="correct-horse-battery-staple")
    code, out, err = run(
        capsys,
        "import",
        str(SEED_DOCX),
        "--partnership",
        WARKS,
        "--board",
        "Executive Board",
        "--user",
        "amrita",
    )
    assert (code, err) == (0, ""), err
    assert out.startswith("Imported ")
    meeting: Any = Meeting.objects.get()
    assert meeting.board == Board.objects.get(slug="executive-board")
    assert meeting.board.partnership.slug == "warwickshire-safeguarding"
    assert meeting.items.exists()
