"""Fuzzing the engine's contract: `extract` returns Minutes or raises MinutesError, nothing else.

Inputs aimed at the sniffer and the text, markdown and HTML readers: arbitrary bytes,
arbitrary unicode, HTML-ish tag soup and markdown-ish lines built from the pieces the
readers and extraction look for.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from shared import corpus_file

from boardkeeper.minutes import Minutes, MinutesError, extract

# BOARDKEEPER_FUZZ_EXAMPLES=5000 for a longer hunt than the default run.
FUZZ = settings(
    max_examples=int(os.environ.get("BOARDKEEPER_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def extract_or_reject(data: bytes) -> Minutes | None:
    """The result, or None for a MinutesError; any other exception fails the test."""
    try:
        minutes = extract(data, "x")
    except MinutesError as exc:
        assert str(exc).strip(), "a MinutesError must say what is wrong"
        return None
    assert isinstance(minutes, Minutes)
    return minutes


# ------------------------------------------------------------- building blocks

WORDS = st.sampled_from(
    [
        "Minutes",
        "Meeting",
        "Present:",
        "Apologies:",
        "Absent:",
        "In attendance:",
        "Action:",
        "ACTION",
        "Actions",
        "Owner",
        "Item",
        "Discussion",
        "Agreed",
        "RESOLVED,",
        "Chair",
        "Clerk",
        "to",
        "share",
        "Pete Hill (PH)",
        "PH",
        "Jane Smith",
        "JS",
        "Cllr",
        "12 March 2024",
        "23/02/2022",
        "2022-03-11",
        "Date of next meeting",
        "Next meeting:",
        "Any other business",
        "1.",
        "4.2",
        "b)",
        "iv.",
        "£",
        "“",
        "”",
        "’",
        "&amp;",
        "&nbsp;",
        "\u200b",
        "\u00ad",
        "\ufeff",
        "é",
        "—",
        "\u00a0",
        ";",
        ":",
        "(",
        ")",
    ]
)
TEXT_RUN = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=6).map(" ".join)

TAGS = st.sampled_from(
    [
        "p",
        "div",
        "span",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "a",
        "br",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h6",
        "blockquote",
        "pre",
        "section",
        "center",
        "html",
        "head",
        "body",
        "title",
        "script",
        "style",
        "svg",
        "noscript",
        "template",
        "font",
    ]
)
ATTRS = st.sampled_from(
    [
        "",
        ' style="font-weight:bold"',
        ' style="text-decoration: underline"',
        ' colspan="2"',
        " rowspan=3",
        ' class="action"',
        ' href="x"',
        " style=",
        ' style="font-weight:700;text-decoration:underline',
    ]
)


@st.composite
def html_soup(draw: st.DrawFn) -> str:
    pieces: list[str] = []
    if draw(st.booleans()):
        pieces.append(draw(st.sampled_from(["<!DOCTYPE html>", "<html>", "<?php $x = 'y'; ?>", "<body>"])))
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            pieces.append(f"<{draw(TAGS)}{draw(ATTRS)}>")
        elif kind == 1:
            pieces.append(f"</{draw(TAGS)}>")
        elif kind == 2:
            pieces.append(f"<{draw(TAGS)}/>")
        elif kind == 3:
            pieces.append(
                draw(st.sampled_from(["<", ">", "<!--", "-->", "&", "&#", "&#x110000;", "<![CDATA["]))
            )
        else:
            pieces.append(draw(TEXT_RUN))
    if draw(st.booleans()):
        depth = draw(st.integers(0, 400))
        tag = draw(TAGS)
        pieces.append(f"<{tag}>" * depth + "deep text" + f"</{tag}>" * depth)
    return draw(st.sampled_from(["", "\n", "\r\n"])).join(pieces)


MD_PIECES = st.sampled_from(
    [
        "|",
        " | ",
        "\t",
        "#",
        "## ",
        "**",
        "*",
        "__",
        "- ",
        "* ",
        "+ ",
        "> ",
        "---",
        "===",
        ":--",
        "\\",
        "\\.",
        "  ",
        "{: .class}",
        "[",
        "](x)",
        "`",
        "1.",
        "2)",
        "10.",
        "4.2",
        "a)",
        "iv.",
        "\f",
        "\r",
    ]
)
MD_LINE = st.lists(
    st.one_of(MD_PIECES, WORDS, st.integers(0, 2100).map(str), st.text(max_size=5)), max_size=10
).map("".join)


@st.composite
def markdown_lines(draw: st.DrawFn) -> str:
    lines = draw(st.lists(MD_LINE, max_size=40))
    if draw(st.booleans()):
        front = draw(
            st.lists(
                st.sampled_from(
                    [
                        "title: Minutes",
                        "date: 2022-02-23",
                        "body: |",
                        "  # Item",
                        "  | a | b |",
                        "x:",
                        "summary: >",
                    ]
                ),
                max_size=6,
            )
        )
        lines = ["---", *front, "---", *lines]
    return "\n".join(lines)


FIXTURES = Path(__file__).parent / "fixtures"
# Real minutes to damage: our own tab export, and PHP-wrapped HTML from the shared corpus beside the
# clone (looked up when the test runs, so only that case is skipped when the shared folder is absent).
SEEDS = [
    pytest.param(lambda: FIXTURES / "warwickshire-executive-board-2022-02-23.txt", id="tab-export"),
    pytest.param(lambda: corpus_file("16_eclipse-board-2012-10-22_html.txt"), id="php-wrapped-html"),
]


@st.composite
def mutated_seed(draw: st.DrawFn, original: bytes) -> bytes:
    """Real minutes with a few cuts, splices and byte changes."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            del data[at : at + draw(st.integers(1, 2000))]
        elif kind == 1:
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == 2:
            data[at:at] = draw(
                st.sampled_from([b"\t", b"\n", b"|", b"<td>", b"</table>", b"\f", b"\r", b"\x00"])
            ) * draw(st.integers(1, 50))
        else:
            start = draw(st.integers(0, len(data)))
            data[at:at] = data[start : start + draw(st.integers(1, 3000))]  # a repeated passage
    return bytes(data)


# ------------------------------------------------------------- properties


@FUZZ
@given(st.binary(max_size=4096))
@example(b"")
@example(b"\xff\xfe")
@example(b"\xfe\xff\x00")
@example(b"%PDF-")
@example(b"PK\x03\x04")
@example(b"\xef\xbb\xbf")
@example(b"\x00" * 64)
def test_arbitrary_bytes_give_minutes_or_a_minutes_error(data: bytes) -> None:
    extract_or_reject(data)


@FUZZ
@given(st.text(max_size=2000))
def test_arbitrary_unicode_text_gives_minutes_or_a_minutes_error(text: str) -> None:
    extract_or_reject(text.encode("utf-8"))


@FUZZ
@given(st.text(max_size=500), st.sampled_from(["utf-16", "utf-8-sig", "cp1252", "latin-1"]))
def test_text_in_other_encodings_gives_minutes_or_a_minutes_error(text: str, encoding: str) -> None:
    extract_or_reject(text.encode(encoding, errors="replace"))


@FUZZ
@given(html_soup())
def test_html_soup_gives_minutes_or_a_minutes_error(markup: str) -> None:
    extract_or_reject(markup.encode("utf-8"))


@FUZZ
@given(markdown_lines())
def test_markdown_ish_lines_give_minutes_or_a_minutes_error(text: str) -> None:
    extract_or_reject(text.encode("utf-8"))


@pytest.mark.parametrize("seed", SEEDS)
@FUZZ
@given(data=st.data())
def test_damaged_real_minutes_give_minutes_or_a_minutes_error(
    seed: Callable[[], Path], data: st.DataObject
) -> None:
    extract_or_reject(data.draw(mutated_seed(seed().read_bytes())))


@FUZZ
@given(st.one_of(html_soup(), markdown_lines(), st.text(max_size=1000)))
def test_extracted_minutes_serialise_to_json(text: str) -> None:
    minutes = extract_or_reject(text.encode("utf-8"))
    if minutes is None:
        return
    doc = minutes.to_json()
    round_trip = json.loads(json.dumps(doc, ensure_ascii=False))
    assert round_trip == doc
    assert set(doc) >= {"source", "meeting", "people", "items", "actions", "warnings"}
