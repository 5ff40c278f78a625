"""The PDF reader: the seed minutes (checked against the Word original) and synthetic PDFs."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from shared import SEED_DOCX  # the demo's sample, in the package

from boardkeeper.minutes.layout import Cell, Layout, Para, Table
from boardkeeper.minutes.readers.docx import read_docx
from boardkeeper.minutes.readers.pdf import read_pdf

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "warwickshire-executive-board-2022-02-23"
HEADER = ["Item", "Discussion", "Action Required (if any)", "Owner"]


def _load_minipdf() -> ModuleType:
    """tests/fixtures/minipdf.py, loaded by path so it works however pytest sets up sys.path."""
    name = "boardkeeper_test_minipdf"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "minipdf.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


minipdf = _load_minipdf()


@pytest.fixture(scope="module")
def seed() -> Layout:
    return read_pdf(SEED.with_suffix(".pdf").read_bytes())


def main_tables(layout: Layout) -> list[Table]:
    return [b for b in layout.blocks if isinstance(b, Table) and [c.text for c in b.rows[0]] == HEADER]


def texts(cell: Cell) -> list[str]:
    return [p.text for p in cell.paras]


def by_item(tables: list[Table]) -> dict[str, list[list[str]]]:
    """Each item's paragraphs per column, following rows continued (empty first cell) onto later pages."""
    items: dict[str, list[list[str]]] = {}
    current = ""
    for table in tables:
        for row in table.rows[1:]:
            if len(row) != 4:
                continue
            if row[0].text:
                current = row[0].text
                items[current] = [[], [], [], []]
            for column, cell in enumerate(row):
                items[current][column] += texts(cell)
    return items


# -- the seed document -------------------------------------------------------


def test_seed_pages_and_first_table(seed: Layout) -> None:
    assert seed.format == "pdf" and seed.pages == 5 and seed.warnings == []
    first = seed.blocks[0]
    assert isinstance(first, Table) and first.page == 1
    assert [r[0].text for r in first.rows] == ["Meeting", "Date", "Present", "Apologies"]
    assert all(r[0].paras[0].bold for r in first.rows) and not first.rows[0][1].paras[0].bold
    present = first.rows[2][1]
    # the paragraph gap inside the cell is seen; the names above it are lines broken by hand in Word,
    # which the page shows as lines: short lines one under another are entries, each its own paragraph
    starts = [p.text.split(",")[0] for p in present.paras]
    assert starts[0] == "Elaine Coleridge-Smith" and present.paras[-1].text.startswith(
        "In attendance: Amrita Sharma"
    )
    assert all(p.text[:1].isupper() for p in present.paras)
    word = read_docx(SEED_DOCX.read_bytes()).blocks[0]
    assert isinstance(word, Table)
    assert " ".join(p.text for p in present.paras) == " ".join(p.text for p in word.rows[2][1].paras)


def test_seed_says_when_it_was_saved(seed: Layout) -> None:
    assert seed.saved == dt.date(2026, 11, 26)  # its ModDate: a tie-breaker for numeric dates only


def test_seed_one_table_per_page_each_with_the_header_row(seed: Layout) -> None:
    tables = main_tables(seed)
    assert [t.page for t in tables] == [1, 2, 3, 4, 5]
    assert all(t.width == 4 for t in tables)
    assert all(c.paras[0].bold for t in tables for c in t.rows[0])
    for block in seed.blocks:
        for cell in (c for r in block.rows for c in r) if isinstance(block, Table) else []:
            assert all(p.page == block.page for p in cell.paras)


def test_seed_rows_split_across_pages_continue_with_an_empty_first_cell(seed: Layout) -> None:
    page2 = main_tables(seed)[1]
    continued = page2.rows[1]
    assert continued[0].paras == []
    # The page break fell between two paragraphs of item 3 in this PDF.
    assert continued[1].paras[0].text.startswith("It was noted that the two cases, Arthur and Star")
    assert [r[0].text for r in page2.rows[1:]] == ["", "4."]
    page4 = main_tables(seed)[3]
    # ... and in the middle of a paragraph of item 5 here: both halves are kept as they are.
    assert page4.rows[1][0].paras == []
    assert page4.rows[1][1].paras[0].text == "roles and duty effectively."


def test_seed_item_5_cell_paragraphs(seed: Layout) -> None:
    page3 = main_tables(seed)[2]
    _, discussion, action, owner = next(r for r in page3.rows if r[0].text == "5.")
    assert len(discussion.paras) == 8
    assert discussion.paras[0].text == "Mental Health Provision"
    assert discussion.paras[1].text == (
        "PH explained that there are several concerns from a Police perspective surrounding the Mental "
        "Health provision and in particular in reference to the use of s147"
    )
    assert texts(action) == ["PH to share examples of incidents"]
    assert texts(owner) == ["Pete Hill"]


def test_seed_item_7_and_the_full_width_last_row(seed: Layout) -> None:
    tables = main_tables(seed)
    _, _, action, owner = next(r for r in tables[3].rows if r[0].text == "7.")
    assert texts(action) == [
        "Seek update on budget shortfall sum from Finance",
        "Request partnership funding to be added to the School's Forum next agenda",
    ]
    assert texts(owner) == ["Amrita Sharma", "Amrita Sharma"]
    last = tables[-1].rows[-1]
    assert len(last) == 1 and last[0].text == "Date of next meeting: Friday 11 th March 2022"


def test_seed_bullets_are_list_items_without_the_bullet(seed: Layout) -> None:
    discussion = next(r for r in main_tables(seed)[0].rows if r[0].text == "2.")[1]
    listed = [p.text for p in discussion.paras if p.list_item]
    assert len(listed) == 4
    assert listed[0].startswith("AS confirmed the LLB for Tom has been developed into a 7MB")


def test_seed_pdf_text_matches_the_word_original_cell_by_cell(seed: Layout) -> None:
    word = read_docx(SEED_DOCX.read_bytes())
    word_items = by_item([b for b in word.blocks if isinstance(b, Table) and b.width == 4])
    pdf_items = by_item(main_tables(seed))
    assert list(pdf_items) == [f"{n}." for n in range(1, 12)] == list(word_items)
    for item, columns in word_items.items():
        for column, word_paras in enumerate(columns):
            pdf_paras = pdf_items[item][column]
            # Same words, same wrapped-line joins and de-hyphenation...
            assert " ".join(pdf_paras) == " ".join(word_paras), (item, column)
            # ... and the same paragraphs, except that a page break can cut one in two.
            assert len(word_paras) <= len(pdf_paras) <= len(word_paras) + 1, (item, column)
    assert [len(pdf_items[i][1]) - len(word_items[i][1]) for i in ("4.", "5.")] == [1, 1]


# -- synthetic PDFs ----------------------------------------------------------


def paras_of(layout: Layout) -> list[Para]:
    return [b for b in layout.blocks if isinstance(b, Para)]


def test_paragraphs_from_line_spacing_hyphens_bullets_bold_and_underline() -> None:
    page = minipdf.Page()
    page.text(72, 780, "Minutes of the Board", size=14, bold=True)
    page.text(72, 760, "The chair opened the meeting and the minutes of the Coleridge-")
    page.text(72, 748, "Smith review were agreed as a correct record.")
    page.text(72, 730, "Second paragraph starts here and wraps onto a line ending in a dash -")
    page.text(72, 718, "which keeps its space.")
    page.text(72, 706, "5. Numbered item starts a paragraph")
    page.text(72, 694, "- A bullet point that")
    page.text(72, 682, "continues here")
    page.text(72, 660, "Police").rule(72, 99.5, 658)
    page.text(72, 640, "Next paragraph after the underline")
    page.text(72, 628, "Bold line", bold=True)
    page.text(72, 616, "plain line after it")
    paras = paras_of(read_pdf(minipdf.build([page])))
    assert [p.text for p in paras] == [
        "Minutes of the Board",
        "The chair opened the meeting and the minutes of the Coleridge-Smith review were agreed as a "
        "correct record.",
        "Second paragraph starts here and wraps onto a line ending in a dash - which keeps its space.",
        "5. Numbered item starts a paragraph",
        "A bullet point that continues here",
        "Police",
        "Next paragraph after the underline",
        "Bold line",
        "plain line after it",
    ]
    flags = {p.text.split()[0]: p for p in paras}
    assert flags["Minutes"].bold and flags["Bold"].bold and not flags["plain"].bold
    assert flags["A"].list_item and not flags["5."].list_item
    assert flags["Police"].underline and not flags["Next"].underline
    assert all(p.page == 1 for p in paras)


def test_running_headers_and_page_numbers_are_dropped_and_tables_keep_their_place() -> None:
    pages = []
    for n in range(1, 4):
        page = minipdf.Page().text(72, 810, "Safeguarding Board - OFFICIAL").text(280, 30, f"Page {n} of 3")
        page.text(72, 740, f"Body of page {n}")
        pages.append(page)
    pages[1].text(72, 700, "Text above the table")
    pages[1].grid([72, 200, 500], [680, 660, 640])
    pages[1].text(76, 666, "Item").text(204, 666, "Discussion").text(76, 646, "1.").text(204, 646, "Talked")
    pages[1].text(72, 600, "Text below the table")
    pages[1].grid([72, 500], [560, 500]).text(76, 540, "Boxed text")  # a lone box is not a table
    layout = read_pdf(minipdf.build(pages))
    shown = [(b.page, b.text if isinstance(b, Para) else "<table>") for b in layout.blocks]
    assert shown == [
        (1, "Body of page 1"),
        (2, "Body of page 2"),
        (2, "Text above the table"),
        (2, "<table>"),
        (2, "Text below the table"),
        (2, "Boxed text"),
        (3, "Body of page 3"),
    ]
    table = next(b for b in layout.blocks if isinstance(b, Table))
    assert [[c.text for c in r] for r in table.rows] == [["Item", "Discussion"], ["1.", "Talked"]]


def test_full_width_row_is_a_single_cell() -> None:
    page = minipdf.Page()
    # Borders drawn cell by cell, with no divider in the last row.
    for x in (72, 500):
        page.line(x, 700, x, 640)
    page.line(200, 700, 200, 660)
    for y in (700, 680, 660, 640):
        page.line(72, y, 500, y)
    page.text(76, 686, "Item").text(204, 686, "Discussion").text(76, 666, "1.").text(204, 666, "Talked")
    page.text(76, 646, "Date of next meeting: 1 May")
    (table,) = [b for b in read_pdf(minipdf.build([page])).blocks if isinstance(b, Table)]
    assert [[c.text for c in r] for r in table.rows] == [
        ["Item", "Discussion"],
        ["1.", "Talked"],
        ["Date of next meeting: 1 May"],
    ]


def test_a_table_shaded_on_alternate_rows_without_borders_is_one_table() -> None:
    page = minipdf.Page()
    columns = [(72, 200), (200, 360), (360, 520)]
    rows = [  # (top, texts, shaded) from the top down; a section row is shaded across the table
        (700, ["Name", "Role", "Organisation"], True),
        (680, ["Present"], True),
        (660, ["Denise Harford", "Chair", "Borough Council"], False),
        (640, ["Kevin Marlow", "Commander", "Police"], True),
        (620, ["Amanda Cross", "Head of Safety", "Borough Council"], False),
        (600, ["Apologies"], True),
        (580, ["Mark Tansley", "Director", "Borough Council"], False),
        (560, ["Anita Desai", "Policy Officer", "Commissioner"], True),
    ]
    for top, cells, shaded in rows:
        if shaded and len(cells) == 1:
            page.fill(72, top - 20, 520, top)
        elif shaded:
            for x0, x1 in columns:
                page.fill(x0, top - 20, x1, top)
        for (x0, _), text in zip(columns, cells, strict=False):
            page.text(x0 + 4, top - 14, text)
    page.text(72, 500, "1. Welcome", bold=True).text(72, 486, "The Chair welcomed members.")
    (table,) = [b for b in read_pdf(minipdf.build([page])).blocks if isinstance(b, Table)]
    got = [[c.text for c in r if c.text] for r in table.rows]
    assert got == [cells for _, cells, _ in rows]


def test_a_table_shaded_only_on_its_headings_has_a_row_for_each_numbered_minute() -> None:
    page = minipdf.Page()
    columns = [(72, 130), (130, 460), (460, 520)]

    def band(top: float, cells: list[str]) -> None:
        for (x0, x1), text in zip(columns, cells, strict=True):
            page.fill(x0, top - 20, x1, top)
            page.text(x0 + 4, top - 14, text, bold=True)

    def minute(top: float, number: str, lines: list[str], who: str = "") -> None:
        page.text(76, top, number)
        for k, line in enumerate(lines):
            page.text(134, top - 12 * k, line)
        if who:
            page.text(464, top, who)

    band(700, ["Minute", "", "Action"])
    band(680, ["B24/54", "Chief Executive's report", ""])
    minute(
        636,
        "54.1",
        [
            "The Chief Executive presented her report on the",
            "consumer standards, which took",
            "effect in April.",
        ],
    )
    minute(
        596, "54.2", ["The Board asked for a mock inspection to be", "arranged in the first quarter."], "CE"
    )
    band(560, ["B24/55", "Damp and mould", ""])
    minute(526, "55.1", ["The Director of Assets presented the report."])  # the last minute on the page
    page.text(72, 300, "Signed by the Chair, the whole width of the page below the table.")
    (table,) = [b for b in read_pdf(minipdf.build([page])).blocks if isinstance(b, Table)]
    assert [[c.text for c in r] for r in table.rows] == [
        ["Minute", "", "Action"],
        ["B24/54", "Chief Executive's report", ""],
        [
            "54.1",
            "The Chief Executive presented her report on the consumer standards, which took effect in April.",
            "",
        ],
        ["54.2", "The Board asked for a mock inspection to be arranged in the first quarter.", "CE"],
        ["B24/55", "Damp and mould", ""],
        ["55.1", "The Director of Assets presented the report.", ""],
    ]


def test_a_borderless_table_whose_first_cell_wraps_stays_one_table() -> None:
    page = minipdf.Page()
    wide = "of a meeting of the Marchshire Police and Crime Panel held at Shire Hall, Marchbury"
    page.text(72, 740, f"MINUTES {wide} on Monday,").text(72, 726, "23 September 2024 at 10.00 am")
    page.text(72, 700, "PRESENT:", bold=True)
    page.text(72, 590, f"Also present: Victoria Hallam, Police and Crime Commissioner, {wide[:40]}")
    rows = [
        ("Councillor Graham Tolley (Chairman)", "Marchbury City Council"),
        ("Councillor Amina Chowdhury (Vice-", "Westfield District Council"),
        ("Chairman)", ""),
        ("Councillor Robert Yates", "Marchshire County Council"),
        ("Mr Dev Sharma", "Independent co-opted member"),
    ]
    for k, (left, right) in enumerate(rows):
        page.text(72, 680 - 14 * k, left)
        if right:
            page.text(300, 680 - 14 * k, right)
    (table,) = [b for b in read_pdf(minipdf.build([page])).blocks if isinstance(b, Table)]
    assert [[c.text for c in r] for r in table.rows] == [
        ["Councillor Graham Tolley (Chairman)", "Marchbury City Council"],
        ["Councillor Amina Chowdhury (Vice-Chairman)", "Westfield District Council"],
        ["Councillor Robert Yates", "Marchshire County Council"],
        ["Mr Dev Sharma", "Independent co-opted member"],
    ]


def test_lines_broken_by_hand_are_entries_but_a_run_in_heading_stays_with_its_text() -> None:
    page = minipdf.Page()
    wide = "The Chair welcomed members and those in attendance, and the apologies were noted as above."
    page.text(72, 740, wide).text(72, 726, "Also in attendance:", bold=True)
    page.text(72, 712, "Rosa Delgado (Marrowby Healthwatch) - item 4")
    page.text(72, 698, "Priti Varma (Community Health NHS Trust), on behalf of Dr Imran Sheikh")
    page.text(72, 684, "Colin Draper, representing Marrowby Voluntary Action")
    page.text(72, 650, "Police").text(72, 636, wide)
    texts = [p.text for p in paras_of(read_pdf(minipdf.build([page])))]
    assert texts == [
        wide,
        "Also in attendance:",
        "Rosa Delgado (Marrowby Healthwatch) - item 4",
        "Priti Varma (Community Health NHS Trust), on behalf of Dr Imran Sheikh",
        "Colin Draper, representing Marrowby Voluntary Action",
        f"Police {wide}",
    ]


def test_a_single_page_number_is_dropped_even_without_repetition() -> None:
    page = minipdf.Page().text(72, 740, "Only page").text(280, 30, "Page 1 of 1")
    assert [p.text for p in paras_of(read_pdf(minipdf.build([page])))] == ["Only page"]


def test_permissions_only_encryption_is_read() -> None:
    # Encrypted with an owner password only: anyone may open it, so we read it.
    page = minipdf.Page().text(72, 740, "Open to all readers")
    layout = read_pdf(minipdf.build([page], user_password=""))
    assert [p.text for p in paras_of(layout)] == ["Open to all readers"]


def test_a_scanned_page_among_text_pages_is_a_warning() -> None:
    pages = [minipdf.Page().text(72, 740, "Typed page"), minipdf.Page(image=True)]
    layout = read_pdf(minipdf.build(pages))
    assert [p.text for p in paras_of(layout)] == ["Typed page"]
    assert layout.warnings == ["page 2 has no text layer (it may be a scanned image); it was skipped"]


# -- geometry in real PDF bytes ------------------------------------------------------------


def test_an_action_column_of_initials_without_a_table_is_read_as_asides() -> None:
    page = minipdf.Page()
    page.text(72, 780, "Item").text(500, 780, "Action")
    page.text(72, 750, "Defibrillator - funding proposal still to be drawn up.").text(505, 750, "GD/IK")
    page.text(72, 730, "Stop, Look and Listen - IK had reminded the council that this work was")
    page.text(72, 718, "still outstanding. HL would expedite.").text(520, 718, "HL")
    page.text(72, 696, "Parking in the High Street - an informal approach was agreed.")
    page.text(520, 686, "GD")  # alone on its line, just below its paragraph
    page.text(72, 660, "No other business was raised at the meeting.")
    paras = paras_of(read_pdf(minipdf.build([page])))
    assert [(p.text.split(" - ")[0], p.aside) for p in paras[1:]] == [
        ("Defibrillator", "GD/IK"),
        ("Stop, Look and Listen", "HL"),
        ("Parking in the High Street", "GD"),
        ("No other business was raised at the meeting.", None),
    ]
    assert paras[2].text.endswith("HL would expedite.")  # the initials are out of the text


def test_words_set_without_spaces_are_spaced_from_the_gaps_between_them() -> None:
    # a LaTeX text layer: each word placed on its own, no space characters at all
    page = minipdf.Page()
    x = 72.0
    for word in "Braden was elected Chair".split():
        page.text(x, 760, word)
        x += 5.6 * len(word) + 3.3  # Helvetica 10 pt is about 5.6 pt a letter; a space is 2.8
    (para,) = paras_of(read_pdf(minipdf.build([page])))
    assert para.text == "Braden was elected Chair"


def test_the_geometry_travels_with_each_paragraph() -> None:
    page = minipdf.Page().text(90, 700, "Indented paragraph")
    (para,) = paras_of(read_pdf(minipdf.build([page])))
    assert para.page == 1 and para.x0 == 90 and para.column == 0
    assert para.top is not None and 130 < para.top < 145  # 842 - 700 - ascent, from the top of the page
