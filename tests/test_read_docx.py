"""The Word reader: the seed minutes, and synthetic documents for each structure it must get right."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from shared import SEED_DOCX  # the demo's sample, in the package

from boardkeeper.minutes.layout import Cell, Layout, Para, Table
from boardkeeper.minutes.readers.docx import read_docx

SEED = SEED_DOCX
HEADER = ["Item", "Discussion", "Action Required (if any)", "Owner"]


@pytest.fixture(scope="module")
def seed() -> Layout:
    return read_docx(SEED.read_bytes())


def tables(layout: Layout) -> list[Table]:
    return [b for b in layout.blocks if isinstance(b, Table)]


def paras(cell: Cell) -> list[str]:
    return [p.text for p in cell.paras]


def row_for(table: Table, item: str) -> list[Cell]:
    return next(r for r in table.rows if r[0].text == item)


def save(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


# -- the seed document -------------------------------------------------------


def test_seed_has_the_meeting_table_then_the_main_table(seed: Layout) -> None:
    assert seed.format == "docx"
    first, main = tables(seed)
    assert seed.blocks.index(first) < seed.blocks.index(main)
    assert [r[0].text for r in first.rows] == ["Meeting", "Date", "Present", "Apologies"]
    assert first.rows[0][1].text == "Warwickshire Safeguarding Executive Board"
    assert all(r[0].paras[0].bold for r in first.rows)  # the labels are bold runs
    assert not first.rows[0][1].paras[0].bold


def test_seed_present_cell_keeps_its_two_paragraphs(seed: Layout) -> None:
    present = tables(seed)[0].rows[2][1]
    assert len(present.paras) == 2
    assert present.paras[0].text.startswith("Elaine Coleridge-Smith, ECS (Independent Chair")
    assert present.paras[1].text.startswith("In attendance: Amrita Sharma")


def test_seed_main_table_structure(seed: Layout) -> None:
    main = tables(seed)[1]
    assert main.width == 4
    assert [c.text for c in main.rows[0]] == HEADER
    assert all(c.paras[0].bold for c in main.rows[0])
    items = [r[0].text for r in main.rows[1:-1]]
    assert items == [f"{n}." for n in range(1, 12)]  # the header row appears once, as row 0


def test_seed_item_5(seed: Layout) -> None:
    _, discussion, action, owner = row_for(tables(seed)[1], "5.")
    assert len(discussion.paras) == 11
    assert discussion.paras[0].text == "Mental Health Provision"
    assert discussion.paras[1].text.startswith("PH explained that there are several concerns")
    assert discussion.paras[-1].text == (
        "PH agreed to put together a list of examples and will share with JG, JC and Nigel Minns."
    )
    assert paras(action) == ["PH to share examples of incidents"]
    assert paras(owner) == ["Pete Hill"]


def test_seed_item_7_action_and_owner_cells_keep_paragraphs(seed: Layout) -> None:
    _, discussion, action, owner = row_for(tables(seed)[1], "7.")
    assert discussion.paras[0].text == "Partnership Funding 2022/2023"
    assert paras(action) == [
        "Seek update on budget shortfall sum from Finance",
        "Request partnership funding to be added to the School's Forum next agenda",
    ]
    assert paras(owner) == ["Amrita Sharma", "Amrita Sharma"]


def test_seed_empty_cells_are_empty(seed: Layout) -> None:
    row = row_for(tables(seed)[1], "1.")
    assert len(row) == 4
    assert row[2].paras == [] and row[3].paras == []


def test_seed_list_paragraphs(seed: Layout) -> None:
    discussion = row_for(tables(seed)[1], "2.")[1]
    flagged = [p.text for p in discussion.paras if p.list_item]
    assert len(flagged) == 4
    assert flagged[0].startswith("AS confirmed the LLB for Tom")
    assert not discussion.paras[0].list_item


def test_seed_full_width_row_appears_once(seed: Layout) -> None:
    last = tables(seed)[1].rows[-1]
    assert len(last) == 1
    assert last[0].text == "Date of next meeting: Friday 11 th March 2022"
    everything = [p.text for t in tables(seed) for r in t.rows for c in r for p in c.paras] + [
        b.text for b in seed.blocks if isinstance(b, Para)
    ]
    assert everything.count("Date of next meeting: Friday 11 th March 2022") == 1


def test_seed_text_is_whitespace_folded(seed: Layout) -> None:
    for table in tables(seed):
        for row in table.rows:
            for cell in row:
                for p in cell.paras:
                    assert p.text and p.text == " ".join(p.text.split())


# -- synthetic documents -----------------------------------------------------


def test_headings_bold_underline_lists_and_order() -> None:
    d = docx.Document()
    d.add_heading("Board minutes", level=0)  # the Title style
    for level in range(1, 7):
        d.add_heading(f"Heading level {level}", level=level)
    d.add_paragraph().add_run("All bold").bold = True
    mixed = d.add_paragraph()
    mixed.add_run("Half ").bold = True
    mixed.add_run("bold")
    under = d.add_paragraph()
    under.add_run("Underlined").underline = True
    under.add_run("   ")  # blank runs do not count
    d.add_paragraph("A bullet", style="List Bullet")
    d.add_paragraph("   spaced \t\n out   text   ")
    d.add_paragraph("")
    d.add_table(rows=1, cols=1).cell(0, 0).text = "In a table"
    d.add_paragraph("After the table")
    blocks = read_docx(save(d)).blocks

    texts = [b.text if isinstance(b, Para) else "<table>" for b in blocks]
    assert texts[0] == "Board minutes"
    assert "" not in texts  # the empty paragraph was dropped
    assert texts[-3:] == ["spaced out text", "<table>", "After the table"]
    by_text = {b.text: b for b in blocks if isinstance(b, Para)}
    assert by_text["Board minutes"].heading == 1
    assert [by_text[f"Heading level {n}"].heading for n in range(1, 7)] == [1, 2, 3, 4, 5, 6]
    assert by_text["All bold"].bold and not by_text["Half bold"].bold
    assert by_text["Underlined"].underline and not by_text["All bold"].underline
    assert by_text["A bullet"].list_item and not by_text["All bold"].list_item
    assert by_text["spaced out text"].heading == 0


def test_bold_and_underline_come_from_styles_too() -> None:
    d = docx.Document()
    resolution = d.styles.add_style("Resolution", WD_STYLE_TYPE.PARAGRAPH)
    resolution.font.bold = True
    derived = d.styles.add_style("Resolution Detail", WD_STYLE_TYPE.PARAGRAPH)
    derived.base_style = resolution
    strong = d.styles.add_style("Loud", WD_STYLE_TYPE.CHARACTER)
    strong.font.bold = True
    strong.font.underline = True
    d.add_paragraph("Style bold", style="Resolution")
    d.add_paragraph("Inherited bold", style="Resolution Detail")
    p = d.add_paragraph(style="Resolution")
    p.add_run("Run says ")
    p.add_run("not bold").bold = False
    d.add_paragraph().add_run("Character style", style="Loud")
    my_heading = d.styles.add_style("Agenda Heading", WD_STYLE_TYPE.PARAGRAPH)
    my_heading.base_style = d.styles["Heading 2"]
    d.add_paragraph("Custom heading", style="Agenda Heading")
    by_text = {b.text: b for b in read_docx(save(d)).blocks if isinstance(b, Para)}
    assert by_text["Style bold"].bold
    assert by_text["Inherited bold"].bold
    assert not by_text["Run says not bold"].bold
    assert by_text["Character style"].bold and by_text["Character style"].underline
    assert by_text["Custom heading"].heading == 2


def test_numbering_and_switched_off_numbering() -> None:
    d = docx.Document()
    numbered = d.add_paragraph("Numbered")
    numbered._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    )
    off = d.add_paragraph("Not numbered", style="List Number")
    off._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="0"/></w:numPr>'))
    by_text = {b.text: b for b in read_docx(save(d)).blocks if isinstance(b, Para)}
    assert by_text["Numbered"].list_item
    assert not by_text["Not numbered"].list_item


def test_merged_cells_appear_once_and_vertical_continuations_are_empty() -> None:
    d = docx.Document()
    t = d.add_table(rows=4, cols=3)
    for r in range(4):
        for c in range(3):
            t.cell(r, c).text = f"r{r}c{c}"
    t.cell(0, 0).merge(t.cell(0, 1)).text = "wide"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "tall"
    t.cell(3, 0).merge(t.cell(3, 2)).text = "Date of next meeting: 1 May"
    (table,) = tables(read_docx(save(d)))
    rows = [[c.text for c in r] for r in table.rows]
    assert rows[0] == ["wide", "r0c2"]
    assert rows[1] == ["tall", "r1c1", "r1c2"]
    assert rows[2] == ["", "r2c1", "r2c2"]
    assert rows[3] == ["Date of next meeting: 1 May"]
    assert table.width == 3


def test_cell_paragraphs_nested_tables_and_repeated_header_row() -> None:
    d = docx.Document()
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "Item", "Discussion"
    t.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    cell = t.cell(1, 1)
    cell.text = "First paragraph"
    cell.add_paragraph("")
    cell.add_paragraph("Second paragraph")
    nested = cell.add_table(rows=1, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "Nested A", "Nested B"
    cell.add_paragraph("After nested")
    t.cell(1, 0).text = "1."
    (table,) = tables(read_docx(save(d)))
    assert [c.text for c in table.rows[0]] == ["Item", "Discussion"]
    assert len(table.rows) == 2
    assert paras(table.rows[1][1]) == [
        "First paragraph",
        "Second paragraph",
        "Nested A",
        "Nested B",
        "After nested",
    ]


def test_headers_and_footers_are_skipped() -> None:
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "OFFICIAL - running header"
    d.sections[0].footer.paragraphs[0].text = "Page footer"
    d.add_paragraph("Body text")
    assert [b.text for b in read_docx(save(d)).blocks if isinstance(b, Para)] == ["Body text"]


def _append(d: object, xml: str) -> None:
    body = d.element.body  # type: ignore[attr-defined]
    body.insert(len(body) - 1, parse_xml(xml))  # before the section properties


def test_hyperlinks_tracked_changes_content_controls_fields_and_text_boxes() -> None:
    d = docx.Document()
    w = nsdecls("w", "r")
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    _append(
        d,
        f'<w:p {w}><w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink r:id="rId99">'
        "<w:r><w:t>the report</w:t></w:r></w:hyperlink></w:p>",
    )
    _append(
        d,
        f'<w:p {w}><w:r><w:t xml:space="preserve">Agreed </w:t></w:r><w:del w:id="1" w:author="x">'
        '<w:r><w:delText>not </w:delText></w:r></w:del><w:ins w:id="2" w:author="x">'
        "<w:r><w:t>unanimously</w:t></w:r></w:ins></w:p>",
    )
    _append(
        d,
        f"<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>In a content control</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>",
    )
    _append(
        d,
        f'<w:p {w}><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText>'
        '</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1 May 2024</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>',
    )
    _append(
        d,
        f"<w:p {w} {vml} {mc}><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r>'
        "</w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>"
        "<w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></v:textbox>"
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
    )
    texts = [b.text for b in read_docx(save(d)).blocks if isinstance(b, Para)]
    assert texts == [
        "See the report",
        "Agreed unanimously",
        "In a content control",
        "1 May 2024",
        "Anchor",
        "Boxed note",
    ]


def test_cyclic_style_inheritance_terminates() -> None:
    d = docx.Document()
    a = d.styles.add_style("Loop A", WD_STYLE_TYPE.PARAGRAPH)
    b = d.styles.add_style("Loop B", WD_STYLE_TYPE.PARAGRAPH)
    a.base_style = b
    b.base_style = a
    d.add_paragraph("Round and round", style="Loop A")
    assert [b.text for b in read_docx(save(d)).blocks if isinstance(b, Para)] == ["Round and round"]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    ],
)
def test_macro_enabled_documents_and_templates_are_read(content_type: str) -> None:
    source = zipfile.ZipFile(io.BytesIO(SEED.read_bytes()))
    out = io.BytesIO()
    plain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                assert plain.encode() in data
                data = data.replace(plain.encode(), content_type.encode())
            z.writestr(name, data)
    layout = read_docx(out.getvalue())
    assert [r[0].text for r in tables(layout)[0].rows] == ["Meeting", "Date", "Present", "Apologies"]


def test_run_level_bold_off_value_forms() -> None:
    d = docx.Document()
    p = d.add_paragraph()
    r = p.add_run("explicit")
    r._r.get_or_add_rPr().append(parse_xml(f'<w:b {nsdecls("w")} w:val="false"/>'))
    q = d.add_paragraph().add_run("on")
    q._r.get_or_add_rPr().append(parse_xml(f'<w:b {nsdecls("w")} w:val="1"/>'))
    by_text = {b.text: b for b in read_docx(save(d)).blocks if isinstance(b, Para)}
    assert not by_text["explicit"].bold
    assert by_text["on"].bold


# -- what the page shows: Word's numbering, tab stops, run-in headings ---------------------


def _numbered(d: object, text: str, num_id: int, level: int = 0) -> None:
    p = d.add_paragraph(text)  # type: ignore[attr-defined]
    p._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_word_numbering_is_printed_as_word_prints_it() -> None:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    _numbered(d, "MINUTES OF THE JUNE MEETING", 90)
    _numbered(d, "Matters arising", 90)
    _numbered(d, "Bus shelter", 90, level=1)
    _numbered(d, "Noticeboard", 90, level=1)
    _numbered(d, "Any other business", 90)
    _numbered(d, "Second point", 90, level=1)  # the letters start again under a new item
    texts = [b.text for b in read_docx(save(d)).blocks if isinstance(b, Para)]
    assert texts == [
        "1. MINUTES OF THE JUNE MEETING",
        "2. Matters arising",
        "a) Bus shelter",
        "b) Noticeboard",
        "3. Any other business",
        "a) Second point",
    ]


def _tabbed(d: object, text: str, right_tab: bool = True) -> None:
    p = d.add_paragraph()  # type: ignore[attr-defined]
    parts = text.split("\t")
    for n, part in enumerate(parts):
        if n:
            p.add_run().add_tab()
        p.add_run(part)
    if right_tab:
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:tabs {nsdecls("w")}><w:tab w:val="right" w:pos="9638"/></w:tabs>')
        )


def test_initials_on_a_right_tab_stop_are_the_paragraphs_aside() -> None:
    d = docx.Document()
    _tabbed(d, "The Board asked for an analysis of care home concerns for June.\tSQ/OF")
    _tabbed(d, "The discretionary review was discussed at length by members of the Board.")
    _tabbed(d, "\t\tMT")  # on a line of its own, under the paragraph it belongs to
    _tabbed(d, "Item\tAction", right_tab=False)
    paras = [b for b in read_docx(save(d)).blocks if isinstance(b, Para)]
    assert [(p.text, p.aside) for p in paras] == [
        ("The Board asked for an analysis of care home concerns for June.", "SQ/OF"),
        ("The discretionary review was discussed at length by members of the Board.", "MT"),
        ("Item, Action", None),
    ]


def test_rows_of_tabbed_columns_are_a_grid_and_a_number_before_a_tab_is_no_column() -> None:
    d = docx.Document()
    _tabbed(d, "Present:\tAndrew Pike\tAP\tNadia Rahman\tNR", right_tab=False)
    _tabbed(d, "\tSarah Quayle\tSQ\tOwen Fletcher\tOF", right_tab=False)
    _tabbed(d, "1.\tWelcome and apologies", right_tab=False)
    _tabbed(d, "Jane Smith\tChair", right_tab=False)
    blocks = read_docx(save(d)).blocks
    grid = blocks[0]
    assert isinstance(grid, Table) and not grid.ruled
    assert [[c.text for c in row] for row in grid.rows] == [
        ["Present:", "Andrew Pike", "AP", "Nadia Rahman", "NR"],
        ["", "Sarah Quayle", "SQ", "Owen Fletcher", "OF"],
    ]
    assert [b.text for b in blocks[1:] if isinstance(b, Para)] == [
        "1. Welcome and apologies",
        "Jane Smith, Chair",
    ]


def test_bold_words_a_paragraph_opens_with_are_its_lead() -> None:
    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("Action:").bold = True
    p.add_run(" JB to circulate the protocol.")
    (para,) = [b for b in read_docx(save(d)).blocks if isinstance(b, Para)]
    assert para.lead == "Action:" and not para.bold
