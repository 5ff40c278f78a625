"""The document as read, kept for the preview (`minutes.source_text`), and laid out with each quote
marked (`imports.source_view`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from shared import SEED_DOCX

from boardkeeper.imports.source_view import source_view
from boardkeeper.minutes import extract, extract_with_text
from boardkeeper.minutes.layout import Cell, Layout, Para, Table
from boardkeeper.minutes.source_text import source_text


def test_the_seed_minutes_are_kept_as_their_tables_with_every_action_found_in_them() -> None:
    minutes, document = extract_with_text(SEED_DOCX.read_bytes(), SEED_DOCX.name)
    assert minutes == extract(SEED_DOCX.read_bytes(), SEED_DOCX.name)  # the same reading as ever
    assert document is not None and document["left_out"] == 0
    header = document["blocks"][1]["rows"][0]
    assert header == ["Item", "Discussion", "Action Required (if any)", "Owner"]
    view = source_view(document, minutes.to_json())
    # every action and decision of the seed is marked where it was read
    assert {f"a{i}" for i in range(len(minutes.actions))} <= set(view.targets)
    assert {f"d{i}" for i in range(len(minutes.decisions))} <= set(view.targets)
    cell = view.blocks[1].rows[5][2]  # type: ignore[index]
    assert [(p.text, p.mark) for p in cell.pieces] == [("PH to share examples of incidents", "q-a1")]


def test_a_document_past_the_limit_is_kept_to_it_and_says_how_much_is_left_out() -> None:
    layout = Layout(format="text", blocks=[Para("a" * 600), Para("b" * 600), Para(""), Para("c" * 300)])
    kept = source_text(layout, limit=1000)
    assert kept == {"blocks": [{"p": "a" * 600, "h": 0}, {"p": "c" * 300, "h": 0}], "left_out": 600}


def test_a_quote_is_found_whatever_its_line_breaks_and_one_overlapping_it_points_at_the_paragraph() -> None:
    layout = Layout(
        format="docx",
        blocks=[
            Para("Welcome"),
            Table(rows=[[Cell([Para("PH agreed to share")]), Cell([Para("examples.\nAll agreed.")])]]),
        ],
    )
    minutes = {
        "actions": [{"quote": "examples. All agreed."}],
        "decisions": [{"quote": "All agreed."}, {"quote": "not in the minutes"}],
    }
    view = source_view(source_text(layout), minutes)
    assert view.targets == {"a0": "q-a0", "d0": "s1-0-1"}
    cell = view.blocks[1].rows[0][1]  # type: ignore[index]
    assert [(p.text, p.mark, p.label) for p in cell.pieces] == [
        ("examples.\nAll agreed.", "q-a0", "Action 1")
    ]


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@given(text=texts, quotes=st.lists(texts, max_size=5))
def test_the_pieces_of_a_paragraph_are_its_text_whatever_the_quotes(text: str, quotes: list[str]) -> None:
    document = {"blocks": [{"p": text, "h": 0}], "left_out": 0}
    view = source_view(document, {"actions": [{"quote": q} for q in quotes]})
    unit = view.blocks[0].unit
    assert unit is not None
    assert "".join(p.text for p in unit.pieces) == text
    marks = [p.mark for p in unit.pieces if p.mark]
    assert len(marks) == len(set(marks))  # one mark a quote, never nested
