"""The page rebuilt from geometry alone (readers/geometry.py), with words placed by hand.

Each test lays out words as a word processor would (points from the top left, 10 pt text) and
checks the role the layer gives the block: a margin note, a grid, two columns, a table's cells.
"""

from __future__ import annotations

from boardkeeper.minutes.layout import Para, Table
from boardkeeper.minutes.readers import geometry
from boardkeeper.minutes.readers.geometry import Edge, PageLines, Word

SIZE = 10.0


def words(x: float, top: float, text: str, *, bold: bool = False, gap: float = 2.5) -> list[Word]:
    """The words of `text` from x at a line's top, set 5 points a character (a 10 pt font)."""
    out = []
    for token in text.split():
        out.append(Word(token, x, x + 5 * len(token), top, top + 12, SIZE, bold))
        x += 5 * len(token) + gap
    return out


def page(*rows: list[Word], tables: list[geometry.TableDraft] | None = None) -> PageLines:
    return PageLines(1, 842, 595, geometry.lines_of([w for r in rows for w in r]), tables or [])


def blocks_of(*pages: PageLines) -> list[Para | Table]:
    metrics = geometry.metrics(list(pages))
    return [b for p in pages for b in geometry.page_blocks(p, metrics, set())]


def test_a_wide_gap_parts_segments_and_a_list_number_joins_its_text() -> None:
    (line,) = geometry.lines_of(words(72, 100, "Present:") + words(160, 100, "Jo Bloggs"))
    assert [s.text for s in line.segments] == ["Present:", "Jo Bloggs"]
    (numbered,) = geometry.lines_of(words(72, 100, "5.") + words(110, 100, "Apologies for absence"))
    assert [s.text for s in numbered.segments] == ["5. Apologies for absence"]


def test_initials_in_the_right_margin_belong_to_the_paragraph_they_are_level_with() -> None:
    body = page(
        words(72, 100, "Defibrillator - funding proposal still to be drawn up."),
        words(500, 100, "GD/IK"),
        words(72, 130, "Solar speed signs - an update was awaited from the council and"),
        words(72, 142, "the installer before any more work is done."),
        words(510, 142, "GD"),
        words(72, 172, "Christmas lights should be checked in good time."),
        words(500, 182, "KC/DN"),  # on a line of its own, just below its paragraph
        words(72, 210, "Other matters were noted with thanks to all who attended."),
    )
    paras = [b for b in blocks_of(body) if isinstance(b, Para)]
    assert [(p.text.split()[0], p.aside) for p in paras] == [
        ("Defibrillator", "GD/IK"),
        ("Solar", "GD"),
        ("Christmas", "KC/DN"),
        ("Other", None),
    ]
    assert "GD" not in paras[1].text  # taken out of the text


def test_a_single_short_line_at_the_right_is_no_margin_column() -> None:
    body = page(words(72, 100, "The meeting closed at nine."), words(480, 100, "Signed"))
    (para,) = blocks_of(body)
    assert isinstance(para, Para) and para.aside is None


def test_names_and_initials_set_with_tab_stops_are_a_grid() -> None:
    body = page(
        words(36, 100, "Present:")
        + words(110, 100, "Catherine Chisholm")
        + words(250, 100, "CC")
        + words(320, 100, "Kenny Combe")
        + words(460, 100, "KC"),
        words(110, 114, "Jim Fullarton")
        + words(250, 114, "JF")
        + words(320, 114, "Isabel Kellie")
        + words(460, 114, "IK"),
        words(110, 128, "Sarah Woodbury") + words(250, 128, "SW"),
    )
    (table,) = blocks_of(body)
    assert isinstance(table, Table) and not table.ruled
    assert [[c.text for c in row] for row in table.rows] == [
        ["Present:", "Catherine Chisholm", "CC", "Kenny Combe", "KC"],
        ["", "Jim Fullarton", "JF", "Isabel Kellie", "IK"],
        ["", "Sarah Woodbury", "SW", "", ""],
    ]


def test_two_columns_of_running_text_are_read_left_then_right() -> None:
    left = [
        "The panel met twice in the",
        "period and agreed its terms",
        "of reference for the review",
        "of services to children",
    ]
    right = [
        "Partners reported that the",
        "new referral pathway is in",
        "place and working across the",
        "whole of the county now",
    ]
    rows = [
        words(60, 100 + 14 * i, a) + words(320, 100 + 14 * i, b)
        for i, (a, b) in enumerate(zip(left, right, strict=True))
    ]
    paras = blocks_of(page(*rows))
    assert [(p.column, p.text) for p in paras if isinstance(p, Para)] == [
        (0, " ".join(left)),
        (1, " ".join(right)),
    ]


def test_ruled_grid_with_a_merged_cell() -> None:
    # three columns; the last row is one cell across the table
    h = [Edge(y, 50, 450) for y in (100, 120, 140, 160)]
    v = [Edge(50, 100, 160), Edge(450, 100, 160), Edge(150, 100, 140), Edge(300, 100, 140)]
    (grid,) = geometry.ruled_tables(h, v)
    assert [len(row) for row in grid.rows] == [3, 3, 1]
    assert grid.bbox == (50, 100, 450, 160)


def test_a_box_is_no_table() -> None:
    h = [Edge(100, 50, 450), Edge(160, 50, 450)]
    v = [Edge(50, 100, 160), Edge(450, 100, 160)]
    assert geometry.ruled_tables(h, v) == []


def test_owners_stacked_in_a_cell_break_the_actions_beside_them_at_their_heights() -> None:
    action_lines = geometry.lines_of(
        words(200, 100, "Share the final report with the family")
        + words(200, 112, "Brief the Chief Executive")
        + words(200, 124, "Arrange a learning event for staff")
    )
    owner_lines = geometry.lines_of(words(400, 100, "LH") + words(400, 112, "RO") + words(400, 124, "LH"))
    draft = geometry.TableDraft(top=100, rows=[[action_lines, owner_lines]])
    metrics = geometry.Metrics(1.2, 72, 520, None, None)
    (row,) = geometry.table_block(draft, metrics, 1).rows
    assert [p.text for p in row[0].paras] == [
        "Share the final report with the family",
        "Brief the Chief Executive",
        "Arrange a learning event for staff",
    ]
    assert [p.text for p in row[1].paras] == ["LH", "RO", "LH"]


def test_a_bold_run_in_title_is_the_lead_of_its_paragraph() -> None:
    line = (
        words(43, 100, "1.")
        + words(55.5, 100, "Minutes", bold=True)
        + words(93, 100, "were agreed as a record.")
    )
    (para,) = blocks_of(page(line))
    assert isinstance(para, Para) and para.lead == "1. Minutes" and not para.bold


def test_a_hyphen_at_a_line_end_is_kept_unless_the_document_writes_the_word_whole() -> None:
    assert geometry._join_lines("with Coleridge-", "Smith", frozenset()) == "with Coleridge-Smith"
    assert (
        geometry._join_lines("about the di-", "versity event", frozenset({"diversity"}))
        == "about the diversity event"
    )
    assert geometry._join_lines("the well-", "being of staff", frozenset()) == "the well-being of staff"
