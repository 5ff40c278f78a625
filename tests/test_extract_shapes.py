"""Minutes in the shapes people write them: attendance, owners, action lists and tables, dates and
commitments. Each test is a short document in one shape (invented people) and what must come out.

They are written as markdown or text so the shape is visible in the test; the readers turn every
format into the same layout, and tests/test_read_*.py show each reader produces that layout.
"""

from __future__ import annotations

import datetime as dt

from boardkeeper.minutes import Minutes, extract


def read(text: str, name: str = "minutes.md") -> Minutes:
    return extract(text.encode(), name)


def people(m: Minutes) -> dict[str, str]:
    return {p.name: p.attendance for p in m.people}


def explicit(m: Minutes) -> list[tuple[str, list[str]]]:
    return [(a.text, a.owners) for a in m.actions if a.origin != "prose"]


def prose(m: Minutes) -> list[tuple[list[str], str]]:
    return [(a.owners, a.text) for a in m.actions if a.origin == "prose"]


# -- attendance -----------------------------------------------------------------------------


def test_attendance_in_sentences_clause_by_clause() -> None:
    m = read(
        "# Trustees meeting, 2 June 2025\n\n"
        "Sam (Chair), Priya (Treasurer), Jo and Tom were present, and Kate Lindqvist (Operations Manager) "
        "was in attendance. Apologies were received from Grace.\n\n1. Welcome\n\nSam welcomed everyone.\n"
    )
    assert people(m) == {
        "Sam": "present",
        "Priya": "present",
        "Jo": "present",
        "Tom": "present",
        "Kate Lindqvist": "in_attendance",
        "Grace": "apologies",
    }
    assert {p.name: p.role for p in m.people}["Priya"] == "Treasurer"


def test_a_plural_title_is_every_councillors_and_a_title_after_a_name_starts_another() -> None:
    m = read(
        "Minutes of the Committee, 13 March 2018\n\n"
        "Present: Gina Preston Cllrs Hodivala (Chairman), Hewett and Wood.\n\n"
        "Apologies: Cllrs Ives and Ellis; Humza Yusaf MSP\n\n1. Apologies\n\nNoted.\n",
        "minutes.txt",
    )
    assert people(m) == {
        "Gina Preston": "present",
        "Hodivala": "present",
        "Hewett": "present",
        "Wood": "present",
        "Ives": "apologies",
        "Ellis": "apologies",
        "Humza Yusaf MSP": "apologies",
    }


def test_attendance_labels_made_of_attendance_words_and_notes_of_who_was_missing() -> None:
    m = read(
        "Club AGM, 7 September 2023\n\nPresent members :- Alan Heath, Dave Wells\n\n"
        "Present Observers: Claire Hogg\n\n1. Attendance\n\nCate not here, George not coming ever\n\n"
        "2. Apologies\n\nApologies for absence were received from Margaret Carey and Dr. Fiona Lomax.\n",
        "minutes.txt",
    )
    assert people(m) == {
        "Alan Heath": "present",
        "Dave Wells": "present",
        "Claire Hogg": "in_attendance",
        "Cate": "absent",
        "George": "absent",
        "Margaret Carey": "apologies",
        "Fiona Lomax": "apologies",
    }


def test_a_label_with_a_note_in_brackets_and_apologies_said_after_the_welcome() -> None:
    m = read(
        "# Subgroup, 8 October 2024\n\n**Attendees (joined by Teams unless stated)**\n\n"
        "- Kathryn Doyle (KD) – Head of Safeguarding – Chair\n- Sunil Mehta (SM) – Named Nurse\n\n"
        "Notes: Harriet Cole, Business Support\n\n## 1. Welcome and apologies\n\n"
        "KD welcomed everyone. Apologies were received from Dr. Julie Brennan (Healthwatch) and "
        "Sam Whitlock (Fire and Rescue). There was no representation from probation.\n\n"
        "## 2. Close\n\nNone.\n"
    )
    assert people(m) == {
        "Kathryn Doyle": "present",
        "Sunil Mehta": "present",
        "Harriet Cole": "in_attendance",
        "Julie Brennan": "apologies",
        "Sam Whitlock": "apologies",
    }


def test_an_attendance_grid_with_abbreviated_marks() -> None:
    m = read(
        "# Committee, 21 November 2024\n\n| Name | Initials | Title | Present |\n|---|---|---|---|\n"
        "| Rachel Amos | RA | Chair | Y |\n| Oliver Venn | OV | Named Doctor | Apologies |\n"
        "| Carl Mensah | CM | Deputy Director (item 4) | In att. |\n\n## 1. Welcome\n\nNoted.\n"
    )
    assert people(m) == {"Rachel Amos": "present", "Oliver Venn": "apologies", "Carl Mensah": "in_attendance"}


def test_attendance_registers_with_a_key_section_rows_and_deputies() -> None:
    m = read(
        "# Subgroup, 23 July 2024\n\n| Name | Agency | 16 Jan | 21 May | 23 Jul |\n|---|---|---|---|---|\n"
        "| Claire Ashworth | Council | ✓ | ✓ | ✓ |\n| Samuel Idowu | ICB | ✓ | ✓ | A |\n"
        "| Liam Garvey | Schools | A | ✓ | x |\n| Sophie Laird | Probation | ✓ | ✓ | D |\n"
        "| Mehmet Aksoy | Early Help | ✓ | ✓ | – |\n| Jenny Holt | Business Unit | ✓ | A | IA |\n\n"
        "✓ present A apologies x did not attend D deputy sent IA in attendance – not a member at the time\n\n"
        "| Name | Title | Attendance |\n|---|---|---|\n| Members | | |\n"
        "| Hugh Penrose | Non-Executive Member | Joined by Teams |\n"
        "| Andrea Kelsall | Deputy Director | Deputy for Janet Rowley |\n| In attendance | | |\n"
        "| Paul Underwood | Chief Officer | Joined by Teams |\n\n"
        "PRESENT:\n\nApols: Nick Hardy (Kit)\n\n## 1. Welcome\n\nNoted.\n"
    )
    assert people(m) == {
        "Claire Ashworth": "present",
        "Samuel Idowu": "apologies",
        "Liam Garvey": "absent",
        "Sophie Laird": "apologies",
        "Jenny Holt": "in_attendance",
        "Hugh Penrose": "present",
        "Andrea Kelsall": "present",
        "Paul Underwood": "in_attendance",
        "Nick Hardy": "apologies",
    }
    assert {p.name: p.deputy_for for p in m.people}["Andrea Kelsall"] == "Janet Rowley"


# -- actions --------------------------------------------------------------------------------


def test_an_action_list_of_name_dash_task_entries_names_every_owner_as_written() -> None:
    m = read(
        "Committee, 15 March 2016\n\nPresent: Daniel Ross, Cate Brown\n\n1. Events\n\nTalked.\n\n2. Close\n\nDone.\n\n"
        "Action List\n\n1. Daniel - organise posters\n\n2. Innes/George - buy knives and forks\n\n"
        "3. Others - let Daniel know about other groups\n",
        "minutes.txt",
    )
    assert explicit(m) == [
        ("organise posters", ["Daniel Ross"]),
        ("buy knives and forks", ["Innes", "George"]),
        ("let Daniel know about other groups", ["Others"]),
    ]
    assert all(
        a.item is None for a in m.actions if a.origin != "prose"
    )  # the meeting's list, after the items


def test_tasks_grouped_under_their_owners_names() -> None:
    m = read(
        "# Trustees, 2 June 2025\n\nPresent: Sam Oduya, Priya Shah\n\n## 1. Lease\n\nAgreed.\n\n"
        "## 2. Accounts\n\nNoted.\n\n## 3. Any other business\n\nNone.\n\n"
        "**Actions**\n\n**Sam Oduya**\n\n- Sign the lease renewal\n- Write to the council\n\n"
        "**Priya Shah**\n\n- Circulate the accounts\n"
    )
    assert explicit(m) == [
        ("Sign the lease renewal", ["Sam Oduya"]),
        ("Write to the council", ["Sam Oduya"]),
        ("Circulate the accounts", ["Priya Shah"]),
    ]


def test_whoever_a_marked_action_opens_with_is_its_owner_known_or_not() -> None:
    m = read(
        "# Committee 18th April 2009\n\n## In attendance:\n\n- Malcolm Scott (mas90), sysadmin\n"
        "- Daniel Thomas (drt24), Publicity Officer\n\n## Minutes\n\n1. Servers\n\n"
        "- Action: Sysadmins to inform CERT.\n- Action: Publicity officer to email the society.\n"
        "- Action: Malcolm (mas90) to investigate the venue.\n- Action: Instruct the company to hand over the files.\n"
    )
    assert explicit(m) == [
        ("Sysadmins to inform CERT.", ["Sysadmins"]),
        ("Publicity officer to email the society.", ["Daniel Thomas"]),
        ("Malcolm (mas90) to investigate the venue.", ["Malcolm Scott"]),
        ("Instruct the company to hand over the files.", []),
    ]


def test_an_action_table_whose_header_is_shifted_against_its_columns() -> None:
    m = read(
        "Meeting Date:\t14th February 2019\n\nAttendees:\tSignatures:\nArlana Keen\t\nOliver Howe\t\n\n"
        "Next Steps:\tOwner:\tDue date:\nArlana Keen\tEdit meeting minutes.\t21st February 2019\n"
        "Oliver Howe\tStart class diagram\tUndecided\n",
        "minutes.txt",
    )
    assert explicit(m) == [
        ("Edit meeting minutes.", ["Arlana Keen"]),
        ("Start class diagram", ["Oliver Howe"]),
    ]
    assert m.actions[0].due == dt.date(2019, 2, 21)


def test_minutes_laid_out_in_a_table_of_numbers_text_and_who_acts_by_role() -> None:
    m = read(
        "# Housing Board, 25 September 2024\n\n"
        "Present: Margaret Doherty (Chair), Bernadette Quinn (Chief Executive)\n\n"
        "In attendance: Imran Siddiqui (Director of Finance), Louise Carver (Director of Housing and "
        "Communities), Sian Parry (Company Secretary)\n\n"
        "| Minute | | Action |\n|---|---|---|\n"
        "| B24/51 | Apologies | |\n"
        "| 51.1 | Apologies were received from Neil Ashworth. | |\n"
        "| B24/52 | Chief Executive's report | |\n"
        "| 52.1 | The Chief Executive presented her report on the consumer standards. | |\n"
        "| 52.2 | The Board asked for a mock inspection to be arranged in 2025. | CE |\n"
        "| B24/53 | Damp and mould | |\n"
        "| 53.1 | It was agreed that each case open for more than 28 days be reviewed. | DoHC |\n"
        "| 53.2 | The treasury strategy will be circulated to the Audit Committee. | DoF |\n"
        "| 53.3 | RESOLVED: that an external review be commissioned. | Chair / CoSec |\n"
    )
    assert [(i.number, i.title) for i in m.items] == [
        ("B24/51", "Apologies"),
        ("B24/52", "Chief Executive's report"),
        ("B24/53", "Damp and mould"),
    ]
    assert [(a.item, a.text, a.owners) for a in m.actions if a.origin == "action_column"] == [
        ("B24/52", "The Board asked for a mock inspection to be arranged in 2025.", ["Bernadette Quinn"]),
        (
            "B24/53",
            "It was agreed that each case open for more than 28 days be reviewed.",
            ["Louise Carver"],
        ),
        ("B24/53", "The treasury strategy will be circulated to the Audit Committee.", ["Imran Siddiqui"]),
        ("B24/53", "RESOLVED: that an external review be commissioned.", ["Margaret Doherty", "Sian Parry"]),
    ]


def test_owners_named_by_role_written_short_and_roles_with_and_in_them() -> None:
    m = read(
        "# Quality Committee, 26 September 2024\n\n"
        "Present: Sarah Lindqvist (Headteacher), David Ross (Chair), ACC Louise Tranter (LT) – Delegated "
        "Safeguarding Partner; Lesley Armitage, Director of Quality and Safety; Imogen Fairley, Medical "
        "Director; Tom Hargreaves (TH), Head of Service – Safeguarding and Quality Assurance; Becky Shaw\n\n"
        "## 1. Attendance\n\n- **Action:** HT to report absence figures to governors.\n"
        "- **Action:** DR and HT to amend the Behaviour Policy.\n"
        "- **Action:** MR with Becky – draft the recruitment pack.\n\n"
        "## 2. Quality\n\n| Action | Owner |\n|---|---|\n"
        "| Review the falls audit | Director of Quality and Safety and Medical Director |\n"
        "| Bring a revised neglect plan | Head of Service – Safeguarding and QA |\n"
    )
    assert people(m)["Louise Tranter"] == "present"
    assert {p.name: p.initials for p in m.people}["Louise Tranter"] == "LT"
    assert [a.owners for a in m.actions if a.origin != "prose"] == [
        ["Sarah Lindqvist"],
        ["David Ross", "Sarah Lindqvist"],
        ["MR", "Becky Shaw"],
        ["Lesley Armitage", "Imogen Fairley"],
        ["Tom Hargreaves"],
    ]


# -- dates -----------------------------------------------------------------------------------


def test_numeric_dates_read_by_the_documents_other_dates() -> None:
    uk = read("Board minutes 03/04/2024\n\nThe minutes of 17/01/2024 were agreed.\n", "m.txt")
    us = read("Board minutes 03/04/2024\n\nThe minutes of 01/17/2024 were agreed.\n", "m.txt")
    assert uk.meeting.date == dt.date(2024, 4, 3)
    assert us.meeting.date == dt.date(2024, 3, 4)


def test_dates_as_typed() -> None:
    for line, day in [
        ("GENERAL MEETING MONDAY 4 MARCH 2O24", dt.date(2024, 3, 4)),  # a letter O for a zero
        ("Held on 4th sept 2025 in the Berrill Cafe", dt.date(2025, 9, 4)),
        ("14.00, Tuesday15th March, 2016", dt.date(2016, 3, 15)),
        ("Conference held 12-14 March 2024", dt.date(2024, 3, 12)),
    ]:
        assert read(f"{line}\n\nPresent: Ann Lee\n", "m.txt").meeting.date == day, line


# -- commitments in the discussion -------------------------------------------------------------


def test_commitments_in_every_common_phrasing() -> None:
    m = read(
        "Committee, 24 February 2000\n\nPresent: Peter Clay, Hanna Wallach, Esme Clark, Alan Heath (Treasurer)\n\n"
        "1. Business\n\n"
        "Peter is to send an email to the security officer. Hanna said she would manage the membership list. "
        "Esme was asked to continue the discussions with the manager. "
        "A motion was made for the treasurer to approach Metro bank. "
        "The DNS changes will be requested by Hanna. Cllr Dornan committed himself to make the request. "
        "(Councillors to investigate the library.)\n",
        "minutes.txt",
    )
    found = prose(m)
    assert (["Peter Clay"], "send an email to the security officer") in found
    assert (["Hanna Wallach"], "manage the membership list") in found
    assert (["Esme Clark"], "continue the discussions with the manager") in found
    assert (["Alan Heath"], "approach Metro bank") in found
    assert any(o == ["Hanna Wallach"] and "DNS changes" in t for o, t in found)
    assert (["Dornan"], "make the request") in found
    assert (["Councillors"], "investigate the library") in found


def test_commitments_in_a_panels_formal_minutes() -> None:
    m = read(
        "# Police and Crime Panel, 23 September 2024\n\n"
        "Also present: Victoria Hallam (Police and Crime Commissioner), Jonathan Reeve (Chief Executive, "
        "Office of the Police and Crime Commissioner (OPCC)), Assistant Chief Constable Neil Garside "
        "(Marchshire Police)\n\nOfficers: Owen Blake (Panel Scrutiny Officer)\n\n## 23. Annual report\n\n"
        "(a) call handling – the Commissioner acknowledged that the answer time remains too long. "
        "She undertook to provide members with a breakdown of waiting times by district;\n\n"
        "Asked about neighbourhood teams, ACC Garside said he would provide the figures after the meeting. "
        "Councillor Ingleby asked about the fund; the Chief Executive of the OPCC agreed to circulate a "
        "list of the projects. Mike suggested that Jochen raise it with the PMC.\n\n## 24. Work programme\n\n"
        "RESOLVED: That the programme be approved, and that the Panel Scrutiny Officer arrange a "
        "briefing for members in December.\n\nScrutiny Officer Blake said the campaign starts in "
        "October and he will share the materials with partners. Victoria Hallam said that she would be "
        "happy to present it at a future meeting. JR, as lead for the fund, will carry out the check.\n"
    )
    assert prose(m)[4:] == [
        (["Owen Blake"], "share the materials with partners"),
        (["Victoria Hallam"], "present it at a future meeting"),
        (["Jonathan Reeve"], "carry out the check"),
    ]
    assert prose(m)[:4] == [
        (["Victoria Hallam"], "provide members with a breakdown of waiting times by district"),
        (["Neil Garside"], "provide the figures after the meeting"),
        (["Jonathan Reeve"], "circulate a list of the projects"),
        (["Owen Blake"], "arrange a briefing for members in December"),
    ]


def test_commitments_restating_a_closing_action_table_or_an_item_paragraphs_log_entry() -> None:
    m = read(
        "# Juniors FC, 9 October 2024\n\nPresent: Gemma Tait, Sandra Kettle, Carl Winters\n\n"
        "**Fixtures**\n\nNo ref for U13s. Gemma to ask the county referees' secretary.\n\n"
        "**Fundraising**\n\nCarl offered to run the bottle tombola.\n\n**Next meeting**\n\n13th Nov.\n\n"
        "ACTIONS\n\n| Who | What | When |\n|---|---|---|\n"
        "| Gemma | Ask county referees' secretary about a ref for U13s | next mtg |\n"
        "| Sandra | Chase Nick re kit order | next week |\n"
    )
    assert [(a.item, a.section) for a in m.actions if a.origin == "action_table"] == [(None, None)] * 2
    assert prose(m) == [(["Carl Winters"], "run the bottle tombola")]
    m = read(
        "# Executive, 12 September 2024\n\nPresent: Joanne Pitt (JP), Helen Marsh (HM)\n\n"
        "## 3. Reviews\n\n3.1 JP will notify the National Panel of the decision.\n\n## 4. Close\n\nNone.\n\n"
        "Action log\n\n| No. | Item | Action | Owner |\n|---|---|---|---|\n"
        "| 24/22 | 3.1 | Notify the National Panel of the decision to commission a review | JP |\n"
    )
    assert [a.owners for a in m.actions if a.origin == "action_table"] == [["Joanne Pitt"]]
    assert prose(m) == []


def test_a_commitment_that_restates_the_action_list_is_not_listed_twice() -> None:
    m = read(
        "Committee, 15 March 2016\n\nPresent: Tristan Hale, Cate Brown\n\n1. Mentoring\n\n"
        "Tristan will bring this up with Andrew Melatos at the next committee.\n\n"
        "2. Events\n\nCate will make and post posters.\n\n3. Close\n\nDone.\n\n"
        "Action List\n\n1. Tristan - talk to Melatos about mentoring\n",
        "minutes.txt",
    )
    assert prose(m) == [(["Cate Brown"], "make and post posters")]


# -- when the file was saved ----------------------------------------------------------------


def _word(lines: list[str], saved: dt.datetime) -> bytes:
    import io

    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.core_properties.created = saved - dt.timedelta(days=1)
    document.core_properties.modified = saved
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_when_the_file_was_saved_breaks_a_tie_between_day_first_and_month_first() -> None:
    lines = ["Trustees meeting, 03/04/2024", "Present: Sam Oduya, Priya Shah", "1. Accounts", "Noted."]
    # saved on 10 March 2024: '03/04/2024' can only be 4 March, a meeting before the minutes
    m = extract(_word(lines, dt.datetime(2024, 3, 10)), "minutes.docx")
    assert m.meeting.date == dt.date(2024, 3, 4)
    # saved on 6 April: 3 April is the nearer reading before it, and day first is the default anyway
    m = extract(_word(lines, dt.datetime(2024, 4, 6)), "minutes.docx")
    assert m.meeting.date == dt.date(2024, 4, 3)
    # a date the document settles itself is never overruled ('17/04/2024' is day first)
    m = extract(_word([*lines, "Next meeting: 17/04/2024"], dt.datetime(2024, 3, 10)), "minutes.docx")
    assert m.meeting.date == dt.date(2024, 4, 3)


def test_a_line_of_separators_under_an_attendance_label_is_no_one() -> None:
    """A paragraph of a comma alone under 'Present:' (found by the HTML fuzz test) is read as no one,
    not an IndexError."""
    minutes = extract(b"Present:\n\n,\n\nItem 1", "x.txt")  # an IndexError before
    assert minutes.people == []
