"""Extraction through the engine's entry point, on real minutes and on small documents made for one behaviour."""

import json
from pathlib import Path

import pytest
from record import record
from shared import SEED_DOCX, corpus_file

from boardkeeper.minutes import Minutes, MinutesError, extract

FIXTURES = Path(__file__).parent / "fixtures"
SEED = "warwickshire-executive-board-2022-02-23"


def read(name: str) -> Minutes:
    path = SEED_DOCX if name == SEED_DOCX.name else FIXTURES / name  # the Word seed is in the package
    return extract(path.read_bytes(), name)


def read_real(name: str) -> Minutes:
    """Real public minutes from the shared corpus beside the clone (the test is skipped without it)."""
    return extract(corpus_file(name).read_bytes(), name)


def explicit(m: Minutes) -> list[tuple[str | None, str, list[str]]]:
    return [(a.item, a.text, a.owners) for a in m.actions if a.origin != "prose"]


@pytest.mark.parametrize("suffix", ["txt", "docx", "pdf"])
def test_every_rendition_of_the_seed_gives_the_expected_record(suffix: str) -> None:
    expected = json.loads((FIXTURES / f"{SEED}.expected.json").read_text())
    assert record(read(f"{SEED}.{suffix}")) == expected


def test_the_seed_has_eight_actions_with_their_owners() -> None:
    m = read(f"{SEED}.docx")
    assert explicit(m) == [
        ("4", "Safeguarding Reviews Panel Members training to be explored", ["Amrita Sharma"]),
        ("5", "PH to share examples of incidents", ["Pete Hill"]),
        ("7", "Seek update on budget shortfall sum from Finance", ["Amrita Sharma"]),
        ("7", "Request partnership funding to be added to the School's Forum next agenda", ["Amrita Sharma"]),
        ("8", "LLB to be progressed", ["Warwickshire Safeguarding Team"]),
        ("9", "Add to forward plan", ["Warwickshire Safeguarding Team"]),
        ("11", "Ofsted report and action plan to be shared with partners", ["Nigel Minns"]),
        (
            "11",
            "Add Ofsted & IICSA report findings to the forward plan for March",
            ["Warwickshire Safeguarding Team"],
        ),
    ]
    assert {a.origin for a in m.actions if a.origin != "prose"} == {"action_column"}


def test_the_seed_people_carry_initials_and_attendance() -> None:
    m = read(f"{SEED}.pdf")
    people = {p.name: (p.initials, p.attendance) for p in m.people}
    assert people == {
        "Elaine Coleridge-Smith": ("ECS", "present"),
        "Jackie Channell": ("JC", "present"),
        "Pete Hill": ("PH", "present"),
        "John Coleman": ("JCo", "present"),
        "Jo Galloway": ("JG", "present"),
        "Amrita Sharma": ("AS", "in_attendance"),
        "Kiran Mahal": (None, "in_attendance"),
        "Nigel Minns": (None, "apologies"),
    }


def test_a_row_split_by_a_page_break_is_one_sentence_again() -> None:
    m = read(f"{SEED}.pdf")
    covid = next(i for i in m.items if i.number == "3")
    assert (
        "PH highlighted there has been an increase in incidents/ reports relating to children and young people. "
        "PH advised that other areas of Police work have been business as usual." in covid.discussion
    )


def test_every_action_keeps_the_quote_and_item_it_came_from() -> None:
    m = read(f"{SEED}.txt")
    for action in m.actions:
        assert action.quote and action.item
        assert action.text in action.quote or action.origin == "prose"


def test_a_prose_sentence_restating_a_listed_action_is_not_listed_again() -> None:
    m = read(f"{SEED}.docx")
    prose = [a.quote or "" for a in m.actions if a.origin == "prose"]
    assert not any("PH agreed to put together a list of examples" in q for q in prose)
    assert not any("AS would seek an update on the shortfall" in q for q in prose)
    assert any(a.text.startswith("approach schools and academies") for a in m.actions if a.origin == "prose")


def test_an_action_table_carried_forward_is_listed_once_with_the_later_owners() -> None:
    m = read_real("01_icat-steering-group-2015-12-09.txt")
    acts = [a for a in m.actions if a.origin == "action_table"]
    assert len(acts) == 12
    carried = next(a for a in acts if a.number == "2.4")
    assert carried.owners == ["Brian Matthews", "Tom Griffin"]
    assert carried.status == "TG to discuss with BM and CLF"


def test_action_markers_resolve_roles_and_unexpanded_initials() -> None:
    m = read_real("03_west-dereham-pc-2008-09-18.txt")
    acts = explicit(m)
    assert len(acts) == 17
    assert ("4", "AR to contact the BC to negotiate rent increase.", ["Alison Richardson"]) in acts
    assert ("7", "Parish Clerk to get more details before the next meeting.", ["Lindsay Goward"]) in acts
    assert ("9", "Poster to be displayed on notice boards.", []) in acts  # an 'Action:' in mid-paragraph
    # the agenda of the next meeting, appended after the minutes, is not this meeting's items
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "11"]
    assert str(m.meeting.next_meeting_date) == "2008-10-09"  # '9th October', the year from the meeting


def test_minutes_without_explicit_actions_have_none() -> None:
    for name in ("04_stoke-ferry-pc-2013-07-10.txt", "13_w3c-publishing-wg-2018-08-27.txt"):
        assert explicit(read_real(name)) == []


def test_an_html_page_inside_php_gives_its_attendance_table_and_styled_headings() -> None:
    m = read_real("16_eclipse-board-2012-10-22_html.txt")
    assert m.source.format == "html"
    assert str(m.meeting.date) == "2012-10-22"  # not the template's 2008 header comment
    assert len(m.items) == 10 and m.items[0].title == "General Business"
    absent = {p.name for p in m.people if p.attendance == "absent"}
    assert absent == {"Mik Kersten", "Paul Lipton"}
    assert {p.name for p in m.people if p.attendance == "in_attendance"} == {
        "Mike Milinkovich",
        "Chris Larocque",
        "Janet Campbell",
    }


def test_pdftotext_output_keeps_a_heading_glued_to_prose_and_a_hanging_action() -> None:
    m = read_real("14_oasis-csaf-tc-2018-08-29_pdftotext.txt")
    assert [i.number for i in m.items] == ["1", "2", "3", "4", "5", "8", "10", "11", "12"]
    (action,) = [a for a in m.actions if a.origin != "prose"]
    assert action.item == "5" and action.owners == ["Troy Fridley"]
    assert action.text.startswith("Would you mind summarizing this")
    assert str(m.meeting.next_meeting_date) == "2018-10-31"


def test_wiki_minutes_resolve_first_names_and_ownerless_markers() -> None:
    m = read_real("10_perth-artifactory-committee-2023-04-01.txt")
    acts = {a.text: a.owners for a in m.actions if a.origin != "prose"}
    assert acts["Identify tools which need safety signage"] == ["Ben Connor", "Fletcher Boyd"]
    assert acts["Restock first aid cabinet"] == []
    assert acts["Requires final polish and attention from rehearsal room coordinators."] == []
    assert len(m.items) == 15


def test_initials_in_a_name_are_expanded_from_the_text() -> None:
    m = read_real("04_stoke-ferry-pc-2013-07-10.txt")
    assert "Martin Storey" in {p.name for p in m.people}
    assert ("C Sampson", "apologies") in {(p.name, p.attendance) for p in m.people}


def test_front_matter_gives_the_date_when_the_body_has_none() -> None:
    m = read_real("08_yic-head-neck-sig-2022-05-12.txt")
    assert str(m.meeting.date) == "2022-05-12"
    assert [i.title for i in m.items][:2] == ["Introduce SIG Project Managers", "Non- Contrast CT Protocols"]


# ---------------------------------------------------------------- small documents, one behaviour each


def md(text: str) -> Minutes:
    return extract(text.encode(), "minutes.md")


def test_mixed_case_initials_are_different_people() -> None:
    m = md(
        "# Board\n\nDate: 3 March 2023\n\nPresent: Jane Cole, JC (Police); John Coe, JCo (Council)\n\n"
        "1. Welcome\n\nNotes.\n\n2. Budget\n\nAction: JCo to report the shortfall.\n\nAction: JC to brief the chief.\n\n"
        "3. Any other business\n\nNone.\n"
    )
    assert [a.owners for a in m.actions if a.origin != "prose"] == [["John Coe"], ["Jane Cole"]]


def test_an_owner_nobody_matches_is_kept_as_written_with_a_warning() -> None:
    m = md(
        "Minutes of the Board, 12/01/2024\n\nPresent: Ann Lee, Bob Stone, Cat Ward\n\n1. Welcome\n\nHello.\n\n"
        "2. Reviews\n\nAction: ZQ to circulate the report.\n\n3. Close\n\nBye.\n"
    )
    (action,) = [a for a in m.actions if a.origin != "prose"]
    assert action.owners == ["ZQ"]
    assert any("ZQ" in w for w in m.warnings)
    assert str(m.meeting.date) == "2024-01-12"


def test_a_document_without_a_date_says_so() -> None:
    m = md("Present: Ann Lee, Bob Stone\n\n1. Welcome\n\nHello.\n\n2. Close\n\nBye.\n\n3. AOB\n\nNone.\n")
    assert m.meeting.date is None
    assert any("date" in w for w in m.warnings)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\n ",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
    ],
)
def test_it_rejects_what_is_not_minutes_with_the_engine_error(data: bytes) -> None:
    with pytest.raises(MinutesError):
        extract(data, "x")


def test_a_deputy_is_recorded_with_whom_they_stand_in_for() -> None:
    m = md(
        "# Board\n\nDate: 3 March 2024\n\nPresent: Ann Lee (Chair), Raj Patel (deputising for John Brown, Police), "
        "Kim Ode, on behalf of Sue Hart\n\n1. Welcome\n\nHi.\n\n2. Budget\n\nOK.\n\n3. AOB\n\nNone.\n"
    )
    people = {p.name: (p.deputy_for, p.organisation) for p in m.people}
    assert people["Raj Patel"] == ("John Brown", "Police")
    assert people["Kim Ode"] == ("Sue Hart", None)
    assert "John Brown" not in people


def test_case_pseudonyms_are_kept_on_their_items_and_agencies_are_not() -> None:
    m = read(f"{SEED}.txt")
    mentions = {i.number: i.case_mentions for i in m.items if i.case_mentions}
    assert mentions == {
        "2": ["Tom", "Mason"],
        "3": ["Arthur", "Star"],
        "4": ["Family M", "Prada & Jordan", "Charlie"],
    }
