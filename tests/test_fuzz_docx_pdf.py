"""Fuzzing the Word and PDF readers: whatever the bytes, a Layout or a MinutesError, nothing else."""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import shared
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from boardkeeper.minutes.errors import MinutesError
from boardkeeper.minutes.layout import Layout
from boardkeeper.minutes.readers.docx import read_docx
from boardkeeper.minutes.readers.pdf import read_pdf

FIXTURES = Path(__file__).parent / "fixtures"
SEED_DOCX = shared.SEED_DOCX.read_bytes()
SEED_PDF = (FIXTURES / "warwickshire-executive-board-2022-02-23.pdf").read_bytes()

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The seed PDF takes ~0.35 s a read; fewer examples keep the suite quick. The
# small uncompressed PDF below takes the full count and reaches deeper.
SLOW_FUZZ = settings(FUZZ, max_examples=40)


def _load_minipdf() -> ModuleType:
    """tests/fixtures/minipdf.py, loaded by path so it works however pytest sets up sys.path."""
    name = "boardkeeper_test_minipdf"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "minipdf.py")
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


def _small_pdf() -> bytes:
    minipdf = _load_minipdf()
    page = minipdf.Page().text(72, 780, "Minutes of the Board", size=14, bold=True)
    page.text(72, 760, "The chair opened the meeting and the Coleridge-").text(72, 748, "Smith review")
    page.grid([72, 200, 500], [700, 680, 660]).text(76, 686, "Item").text(204, 686, "Discussion")
    page.text(76, 666, "1.").text(204, 666, "Talked").text(280, 30, "Page 1 of 2")
    page.text(72, 600, "Police").rule(72, 99.5, 598)
    second = minipdf.Page().text(72, 740, "- A bullet").text(280, 30, "Page 2 of 2")
    return bytes(minipdf.build([page, second]))


SMALL_PDF = _small_pdf()
with zipfile.ZipFile(io.BytesIO(SEED_DOCX)) as _zip:
    SEED_MEMBERS = {name: _zip.read(name) for name in _zip.namelist()}


def reads_or_refuses(read: Callable[[bytes], Layout], data: bytes) -> None:
    try:
        layout = read(data)
    except MinutesError as refusal:
        message = str(refusal)
        assert message and "\n" not in message
        event(f"refused: {message}")
    else:
        assert isinstance(layout, Layout)
        event("read")


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """`seed` with a few bytes overwritten, maybe a span deleted or duplicated, maybe truncated."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(0, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    edit = draw(st.sampled_from(["none", "delete", "duplicate", "truncate"]))
    start = draw(st.integers(0, len(data) - 1))
    length = draw(st.integers(1, 512))
    if edit == "delete":
        del data[start : start + length]
    elif edit == "duplicate":
        data[start:start] = data[start : start + length]
    elif edit == "truncate":
        del data[start:]
    return bytes(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_after_a_pdf_header(tail: bytes) -> None:
    reads_or_refuses(read_pdf, b"%PDF-1.4\n" + tail)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                b"obj",
                b"endobj",
                b"<<",
                b">>",
                b"[",
                b"]",
                b"/Type",
                b"/Page",
                b"/Pages",
                b"/Kids",
                b"/Root",
                b"trailer",
                b"xref",
                b"startxref",
                b"stream",
                b"endstream",
                b"1 0 R",
                b"0",
                b"99999999",
                b"(",
                b")",
                b"%%EOF",
                b"\n",
            ]
        ),
        max_size=200,
    )
)
def test_pdf_shaped_token_soup(tokens: list[bytes]) -> None:
    reads_or_refuses(read_pdf, b"%PDF-1.4\n" + b" ".join(tokens))


@FUZZ
@given(mutated(SMALL_PDF))
def test_mutated_small_pdf(data: bytes) -> None:
    reads_or_refuses(read_pdf, data)


@SLOW_FUZZ
@given(mutated(SEED_PDF))
def test_mutated_seed_pdf(data: bytes) -> None:
    reads_or_refuses(read_pdf, data)


@FUZZ
@given(mutated(SEED_DOCX))
def test_mutated_seed_docx(data: bytes) -> None:
    reads_or_refuses(read_docx, data)


@FUZZ
@given(
    st.sampled_from(
        [
            "word/document.xml",
            "word/styles.xml",
            "word/numbering.xml",
            "[Content_Types].xml",
            "_rels/.rels",
            "word/_rels/document.xml.rels",
        ]
    ),
    st.data(),
)
def test_mutated_xml_inside_an_intact_zip(member: str, data: st.DataObject) -> None:
    # Byte flips in the zip mostly trip its CRC check; this reaches the XML parsing.
    members = dict(SEED_MEMBERS)
    members[member] = data.draw(mutated(members[member]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    reads_or_refuses(read_docx, out.getvalue())
