"""Bad .docx and .pdf input: each is refused with one MinutesError sentence saying what is wrong.

`pytest.raises(MinutesError)` also proves that nothing else escapes: any other
exception fails the test. Bad files are made here at run time, not committed.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import sys
import tracemalloc
import zipfile
from pathlib import Path
from types import ModuleType

import docx
import pytest
import shared

from boardkeeper.minutes.errors import MinutesError
from boardkeeper.minutes.layout import Para
from boardkeeper.minutes.readers import docx as docx_reader
from boardkeeper.minutes.readers.docx import read_docx
from boardkeeper.minutes.readers.pdf import read_pdf

FIXTURES = Path(__file__).parent / "fixtures"
SEED_DOCX = shared.SEED_DOCX.read_bytes()
SEED_PDF = (FIXTURES / "warwickshire-executive-board-2022-02-23.pdf").read_bytes()
DOCUMENT_XML = "word/document.xml"


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


def refused(read: object, data: bytes, *words: str) -> str:
    """Assert `read(data)` raises MinutesError whose one-line message mentions all `words`."""
    with pytest.raises(MinutesError) as caught:
        read(data)  # type: ignore[operator]
    message = str(caught.value)
    assert message and "\n" not in message
    for word in words:
        assert word in message, message
    return message


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def seed_members() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(SEED_DOCX)) as z:
        return {name: z.read(name) for name in z.namelist()}


def seed_with(replace: dict[str, bytes | None]) -> bytes:
    """The seed .docx with members replaced (or, given None, removed)."""
    members = seed_members()
    for name, data in replace.items():
        if data is None:
            del members[name]
        else:
            members[name] = data
    return zipped(members)


def with_dtd(dtd: str, body_xml: str) -> bytes:
    xml = seed_members()[DOCUMENT_XML].decode()
    head_end = xml.index("?>") + 2
    body_at = xml.index("<w:body>") + len("<w:body>")
    return (xml[:head_end] + dtd + xml[head_end:body_at] + body_xml + xml[body_at:]).encode()


# -- .docx -------------------------------------------------------------------


def test_docx_not_a_zip() -> None:
    refused(read_docx, b"PK\x03\x04" + b"\x00garbage" * 50, "damaged", ".docx")


def test_docx_truncated() -> None:
    for cut in (100, len(SEED_DOCX) // 2, len(SEED_DOCX) - 30):
        refused(read_docx, SEED_DOCX[:cut], "damaged or incomplete")


def test_docx_a_zip_that_is_not_a_word_document() -> None:
    refused(read_docx, zipped({"notes.txt": b"hello"}), "zip archive, not a Word document")


def test_docx_an_excel_workbook() -> None:
    members = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        b'openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b"<workbook/>",
    }
    refused(read_docx, zipped(members), "Excel workbook, not a Word document")


def test_docx_an_opendocument_file() -> None:
    members = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
    refused(read_docx, zipped(members), "OpenDocument (.odt)", "save it as .docx")


def test_docx_password_protected_or_old_doc() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000
    refused(read_docx, ole, "password-protected", ".doc")


def test_docx_zip_bomb_by_compression_ratio() -> None:
    data = seed_with({DOCUMENT_XML: b" " * (20 * 1024 * 1024)})  # 20 MB deflating to ~20 KB
    refused(read_docx, data, "zip bomb")


def test_docx_zip_bomb_by_declared_size() -> None:
    # Forge the size the zip directory declares for word/document.xml: 300 MB.
    data = bytearray(SEED_DOCX)
    at = data.find(b"PK\x01\x02")  # central directory entries
    found = False
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len] == DOCUMENT_XML.encode():
            struct.pack_into("<I", data, at + 24, 300 * 1024 * 1024)
            found = True
        at = data.find(b"PK\x01\x02", at + 4)
    assert found
    tracemalloc.start()
    try:
        refused(read_docx, bytes(data), "unreasonable size")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # refused from the directory: nothing inflated


def test_docx_too_many_parts() -> None:
    members = {f"junk/{n}.bin": b"" for n in range(docx_reader.MAX_MEMBERS + 1)}
    refused(read_docx, zipped(members), "parts")


def test_docx_corrupt_xml() -> None:
    refused(read_docx, seed_with({DOCUMENT_XML: b"<w:document><w:body><w:p>"}), "damaged")


def test_docx_missing_document_part() -> None:
    refused(read_docx, seed_with({DOCUMENT_XML: None}), "damaged")


def test_docx_with_no_text() -> None:
    out = io.BytesIO()
    docx.Document().save(out)
    refused(read_docx, out.getvalue(), "no text")


BILLION_LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)).replace(
        "&lol0;", "&lol;"
    )
    + "]>"
)
XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY hi "HELLO">]>'


def test_docx_entity_tricks_are_refused() -> None:
    body = "<w:p><w:r><w:t>A&lol9;</w:t></w:r></w:p>"
    refused(read_docx, seed_with({DOCUMENT_XML: with_dtd(BILLION_LAUGHS, body)}), "DTD", "unsafe")
    body = "<w:p><w:r><w:t>A&hi;B&xxe;C</w:t></w:r></w:p>"
    refused(read_docx, seed_with({DOCUMENT_XML: with_dtd(XXE, body)}), "DTD")


def test_docx_parser_does_not_resolve_entities_even_without_the_dtd_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The DTD check is belt and braces: our lxml parser has
    # resolve_entities=False, so neither internal nor external entities expand.
    monkeypatch.setattr(docx_reader, "_declares_dtd", lambda zf, info: False)
    body = "<w:p><w:r><w:t>A&hi;B&xxe;C</w:t></w:r></w:p>"
    layout = read_docx(seed_with({DOCUMENT_XML: with_dtd(XXE, body)}))
    first = layout.blocks[0]
    assert isinstance(first, Para)
    assert "HELLO" not in first.text and "root:" not in first.text
    body = "<w:p><w:r><w:t>A&lol9;</w:t></w:r></w:p>"
    # libxml2 refuses the amplification: the document is reported damaged, nothing expands
    refused(read_docx, seed_with({DOCUMENT_XML: with_dtd(BILLION_LAUGHS, body)}), "damaged")


def test_docx_given_other_formats() -> None:
    refused(read_docx, SEED_PDF, "damaged")
    refused(read_docx, b"", "damaged")
    refused(read_docx, b"Minutes of the meeting", "damaged")


# -- .pdf --------------------------------------------------------------------


def test_pdf_garbage_after_the_header() -> None:
    refused(read_pdf, b"%PDF-1.4\n" + bytes(range(256)) * 20, "damaged")


def test_pdf_truncated() -> None:
    for cut in (20, 1000, len(SEED_PDF) // 2, len(SEED_PDF) - 200):
        refused(read_pdf, SEED_PDF[:cut], "damaged or incomplete")


def test_pdf_cut_short_but_recoverable_is_still_refused() -> None:
    whole = minipdf.build([minipdf.Page().text(72, 740, "First"), minipdf.Page().text(72, 740, "Second")])
    # The objects survive, the index and end-of-file marker do not.
    cut = whole[: whole.index(b"xref")] + b"trailer\n<< /Root 1 0 R >>\n"
    refused(read_pdf, cut, "incomplete", "cut short")


def test_pdf_password_protected() -> None:
    page = minipdf.Page().text(72, 740, "Secret minutes")
    data = minipdf.build([page], user_password="secret")
    assert b"/Encrypt" in data and b"Secret minutes" not in data
    refused(read_pdf, data, "password-protected", "remove the password")


def test_pdf_password_fixture_is_a_real_encrypted_pdf() -> None:
    import pypdfium2

    data = minipdf.build([minipdf.Page().text(72, 740, "Secret minutes")], user_password="secret")
    pdf = pypdfium2.PdfDocument(data, password="secret")
    assert pdf[0].get_textpage().get_text_range().strip() == "Secret minutes"


def test_pdf_unsupported_encryption() -> None:
    data = minipdf.build([minipdf.Page().text(72, 740, "x")], user_password="secret")
    data = data.replace(b"/Filter /Standard", b"/Filter /Bogus123")  # same length: offsets hold
    refused(read_pdf, data, "encrypted", "remove the encryption")


def test_pdf_scanned() -> None:
    data = minipdf.build([minipdf.Page(image=True), minipdf.Page(image=True)])
    refused(read_pdf, data, "no text layer", "OCR")


def test_pdf_blank() -> None:
    refused(read_pdf, minipdf.build([minipdf.Page()]), "no text layer")


def test_pdf_too_many_pages() -> None:
    data = minipdf.build([minipdf.Page()] * 501)
    refused(read_pdf, data, "more than 500 pages")


def test_pdf_given_other_formats() -> None:
    refused(read_pdf, SEED_DOCX, "damaged")
    refused(read_pdf, b"", "damaged")
    refused(read_pdf, b"Minutes of the meeting", "damaged")
