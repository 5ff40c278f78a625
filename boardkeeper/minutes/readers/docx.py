"""Read a Word (.docx) document into a `Layout`.

python-docx opens the package (zip, content types, relationships); the body is
then walked as raw XML so that nothing python-docx's convenience API hides or
repeats gets in the way: runs inside hyperlinks, tracked insertions and content
controls are read; deleted text, field codes and page furniture (headers,
footers) are not; merged table cells appear once.

Before python-docx sees the bytes the zip directory is checked, so a zip bomb
or an archive that is not a Word document is refused with a plain sentence.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx  # noqa: F401  (importing the package registers its part classes)
from docx.opc.part import PartFactory
from docx.package import Package
from docx.parts.document import DocumentPart

from ..errors import MinutesError
from ..layout import Block, Cell, Layout, Para, Table

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # all members together
MAX_MEMBER_UNCOMPRESSED = 100 * 1024 * 1024  # any one member, e.g. word/document.xml
MAX_RATIO = 100  # XML compresses 5-20x; deflate bombs reach ~1000x
RATIO_CHECK_FROM = 10 * 1024 * 1024  # small members may compress absurdly well
MAX_MEMBERS = 10_000

DAMAGED = "the Word document is damaged or incomplete (it could not be opened as a .docx)"
NOT_WORD = "this is a zip archive, not a Word document"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Macro-enabled documents and templates have the same body XML as a .docx, but
# python-docx only maps the plain document content type to its DocumentPart.
for _ct in (
    "application/vnd.ms-word.document.macroEnabled.main+xml",  # .docm
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",  # .dotx
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",  # .dotm
):
    PartFactory.part_type_for.setdefault(_ct, DocumentPart)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
P, R, T, TBL, TR, TC = (f"{_W}{t}" for t in ("p", "r", "t", "tbl", "tr", "tc"))
PPR, RPR, TCPR, VAL = f"{_W}pPr", f"{_W}rPr", f"{_W}tcPr", f"{_W}val"
TXBX = f"{_W}txbxContent"
# Elements that only wrap block or run content (content controls, custom XML):
# their children are read as if they stood in the wrapper's place.
_WRAPPERS = frozenset({f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"})
# Inside a paragraph: never descend into these (properties, deleted or moved-away
# text, and the Fallback half of mc:AlternateContent, which repeats the Choice).
_SKIP_IN_PARA = frozenset(
    {PPR, RPR, f"{_W}del", f"{_W}moveFrom", f"{_W}sdtPr", f"{_W}sdtEndPr", f"{_MC}Fallback"}
)
_RUN_TEXT = {
    T: None,  # its own text
    f"{_W}tab": " ",
    f"{_W}ptab": " ",
    f"{_W}br": " ",
    f"{_W}cr": " ",
    f"{_W}noBreakHyphen": "-",
}
_HEADING_NAME = re.compile(r"heading\s*([1-9])")
_FALSE = frozenset({"0", "false", "off", "none"})


def read_docx(data: bytes) -> Layout:
    """Read .docx bytes into a Layout; every failure is a MinutesError."""
    _check_archive(data)
    try:
        document = _open_document(data)
        blocks = _BodyReader(document).read()
    except MinutesError:
        raise
    except RecursionError as exc:
        raise MinutesError("the Word document is nested too deeply to read") from exc
    except MemoryError as exc:
        raise MinutesError("the Word document is too large to read") from exc
    except Exception as exc:  # whatever python-docx, lxml or zipfile raise on damage
        raise MinutesError(DAMAGED) from exc
    if not blocks:
        raise MinutesError("the Word document contains no text")
    return Layout(format="docx", blocks=blocks)


# -- the archive -------------------------------------------------------------


def _check_archive(data: bytes) -> None:
    """Refuse what is not a sound, reasonably sized Word package, before parsing any XML."""
    if data.startswith(OLE_MAGIC):
        # Password-protected .docx files are OLE containers, as are old .doc files.
        raise MinutesError(
            "the Word document is password-protected or in the old .doc format; "
            "remove the password or save it as .docx and try again"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            problem = _size_problem(infos)
            if problem:
                raise MinutesError(problem)
            names = {i.filename for i in infos}
            mimetype = b""
            if "mimetype" in names:  # OpenDocument's first member
                with zf.open("mimetype") as member:
                    mimetype = member.read(100)
            has_dtd = any(_declares_dtd(zf, i) for i in infos)
    except MinutesError:
        raise
    except Exception as exc:  # BadZipFile, truncated data, unsupported compression...
        raise MinutesError(DAMAGED) from exc
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise MinutesError("this is an OpenDocument (.odt) file; save it as .docx or PDF")
    if "[Content_Types].xml" not in names:
        raise MinutesError(NOT_WORD)
    if has_dtd:
        # Word never writes a DTD; one in a package can only be an entity trick.
        raise MinutesError(
            "the Word document contains an XML DTD, which Word never writes; it was refused as unsafe"
        )


def _size_problem(infos: list[zipfile.ZipInfo]) -> str | None:
    # zipfile never inflates a member past the size declared in the directory
    # (it stops at file_size), so checking the declared sizes is enough.
    if len(infos) > MAX_MEMBERS:
        return f"the Word document has {len(infos)} parts, far more than any real document; it was refused"
    total = 0
    for info in infos:
        total += info.file_size
        too_big = info.file_size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED
        bomb = info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if too_big or bomb:
            return (
                "the Word document would unpack to an unreasonable size (it looks like a zip bomb); "
                "it was refused"
            )
    return None


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    name = info.filename.lower()
    if not name.endswith((".xml", ".rels")) or name.startswith("customxml/") or info.is_dir():
        return False
    with zf.open(info) as member:
        head = member.read(4096)
    head = head.replace(b"\x00", b"")  # UTF-16 XML reads as ASCII with NULs between
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _open_document(data: bytes) -> Any:
    package = Package.open(io.BytesIO(data))
    try:
        part = package.main_document_part
    except KeyError:  # a package, but with no office document in it
        raise MinutesError(NOT_WORD) from None
    if not isinstance(part, DocumentPart):
        content_type = part.content_type.lower()
        if "spreadsheetml" in content_type or "ms-excel" in content_type:
            raise MinutesError("this is an Excel workbook, not a Word document")
        if "presentationml" in content_type or "ms-powerpoint" in content_type:
            raise MinutesError("this is a PowerPoint presentation, not a Word document")
        raise MinutesError(NOT_WORD)
    return part.document


# -- styles ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a style (with everything it is based on) says about its text."""

    heading: int = 0
    list_item: bool = False
    bold: bool | None = None
    underline: bool | None = None


class _Styles:
    def __init__(self, styles_element: Any) -> None:
        self._by_id: dict[str, Any] = {}
        self._default: dict[str, str] = {}
        self._cache: dict[tuple[str, str | None], _Facts] = {}
        defaults = None
        if styles_element is not None:
            for style in styles_element.iterfind(f"{_W}style"):
                sid, kind = style.get(f"{_W}styleId"), style.get(f"{_W}type") or "paragraph"
                if sid is None:
                    continue
                self._by_id.setdefault(sid, style)
                if _onoff(style.get(f"{_W}default")) and kind not in self._default:
                    self._default[kind] = sid
            defaults = styles_element.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self.default_bold = bool(_onoff(_child(defaults, "b")))
        self.default_underline = bool(_underline(_child(defaults, "u")))

    def facts(self, kind: str, style_id: str | None) -> _Facts:
        key = (kind, style_id)
        if key not in self._cache:
            self._cache[key] = self._resolve(kind, style_id or self._default.get(kind))
        return self._cache[key]

    def _resolve(self, kind: str, style_id: str | None) -> _Facts:
        heading, list_item = 0, False
        bold: bool | None = None
        underline: bool | None = None
        seen: set[str] = set()
        while style_id and style_id not in seen and len(seen) < 20:  # basedOn may loop
            seen.add(style_id)
            style = self._by_id.get(style_id)
            if style is None:
                break
            name = (_val(style.find(f"{_W}name")) or "").strip().lower()
            match = _HEADING_NAME.fullmatch(name)
            if not heading and (match or name == "title"):
                heading = min(int(match.group(1)), 6) if match else 1
            num_id = _val(style.find(f"{_W}pPr/{_W}numPr/{_W}numId"))
            list_item = list_item or "list" in name or (num_id not in (None, "0"))
            rpr = style.find(RPR)
            if bold is None:
                bold = _onoff(_child(rpr, "b"))
            if underline is None:
                underline = _underline(_child(rpr, "u"))
            style_id = _val(style.find(f"{_W}basedOn"))
        if kind == "character":
            list_item = False
        return _Facts(heading, list_item, bold, underline)


def _child(el: Any, tag: str) -> Any:
    return None if el is None else el.find(f"{_W}{tag}")


def _val(el: Any) -> str | None:
    return None if el is None else el.get(VAL)


def _onoff(el_or_value: Any) -> bool | None:
    """An OOXML on/off property: absent -> None, <w:b/> -> True, <w:b w:val="0"/> -> False."""
    if el_or_value is None:
        return None
    value = el_or_value if isinstance(el_or_value, str) else el_or_value.get(VAL)
    return value is None or value.lower() not in _FALSE


def _underline(el: Any) -> bool | None:
    if el is None:
        return None
    value = el.get(VAL)
    return value is None or value.lower() != "none"


# -- the body ----------------------------------------------------------------


def _content(el: Any) -> Iterator[Any]:
    """Children of `el`, looking through content controls and custom-XML wrappers."""
    for child in el:
        if child.tag in _WRAPPERS:
            yield from _content(child)
        else:
            yield child


def _runs(el: Any) -> Iterator[Any]:
    """The w:r elements of a paragraph, wherever they are nested (hyperlinks, insertions...)."""
    for child in el:
        tag = child.tag
        if tag == R:
            yield child
        elif isinstance(tag, str) and tag not in _SKIP_IN_PARA:  # comments/PIs have no str tag
            yield from _runs(child)


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for child in run:
        if child.tag in _RUN_TEXT:
            parts.append(_RUN_TEXT[child.tag] or child.text or "")
    return "".join(parts)


class _BodyReader:
    def __init__(self, document: Any) -> None:
        self._body = document.element.body
        self._styles = _Styles(document.styles.element)

    def read(self) -> list[Block]:
        return self._blocks(self._body)

    def _blocks(self, container: Any) -> list[Block]:
        blocks: list[Block] = []
        for child in _content(container):
            if child.tag == P:
                para, boxes = self._para(child)
                if para.text:
                    blocks.append(para)
                for box in boxes:  # text boxes anchored in the paragraph follow it
                    blocks.extend(self._blocks(box))
            elif child.tag == TBL:
                table = self._table(child)
                if table.rows:
                    blocks.append(table)
        return blocks

    def _para(self, p: Any) -> tuple[Para, list[Any]]:
        ppr = p.find(PPR)
        facts = self._styles.facts("paragraph", _val(_child(ppr, "pStyle")))
        texts: list[str] = []
        boxes: list[Any] = []
        bold = underline = True
        for run in _runs(p):
            text = _run_text(run)
            texts.append(text)
            if text.strip():
                run_bold, run_underline = self._run_flags(run, facts)
                bold, underline = bold and run_bold, underline and run_underline
            boxes.extend(_text_boxes(run))
        text = " ".join("".join(texts).split())
        return (
            Para(
                text,
                heading=_outline_heading(ppr) or facts.heading,
                bold=bool(text) and bold,
                underline=bool(text) and underline,
                list_item=_is_list(ppr, facts),
            ),
            boxes,
        )

    def _run_flags(self, run: Any, para: _Facts) -> tuple[bool, bool]:
        """Effective bold and underline: the run, then its character style, then the paragraph's."""
        rpr = run.find(RPR)
        char = self._styles.facts("character", _val(_child(rpr, "rStyle")))
        bold = _first(_onoff(_child(rpr, "b")), char.bold, para.bold, self._styles.default_bold)
        underline = _first(
            _underline(_child(rpr, "u")), char.underline, para.underline, self._styles.default_underline
        )
        return bold, underline

    def _table(self, tbl: Any) -> Table:
        rows: list[list[Cell]] = []
        for tr in _content(tbl):
            if tr.tag != TR:
                continue
            row: list[Cell] = []
            # Iterating the w:tc elements (not python-docx's row.cells, which repeats
            # a cell once per grid column it spans) gives each merged cell once.
            for tc in _content(tr):
                if tc.tag != TC:
                    continue
                tcpr = tc.find(TCPR)
                h_merge, v_merge = _child(tcpr, "hMerge"), _child(tcpr, "vMerge")
                if h_merge is not None and _val(h_merge) != "restart":
                    continue  # legacy horizontal merge: part of the cell to its left
                if v_merge is not None and _val(v_merge) != "restart":
                    row.append(Cell())  # continues the cell above
                    continue
                row.append(Cell(self._cell_paras(tc)))
            if row:
                rows.append(row)
        return Table(rows)

    def _cell_paras(self, tc: Any) -> list[Para]:
        # Empty paragraphs are dropped and nested tables flattened into paragraphs.
        paras: list[Para] = []
        for block in self._blocks(tc):
            if isinstance(block, Para):
                paras.append(block)
            else:
                paras.extend(p for row in block.rows for cell in row for p in cell.paras)
        return paras


def _first(*values: bool | None) -> bool:
    return next((v for v in values if v is not None), False)


def _outline_heading(ppr: Any) -> int:
    level = _val(_child(ppr, "outlineLvl"))
    return int(level) + 1 if level is not None and level.isdigit() and int(level) < 6 else 0


def _is_list(ppr: Any, facts: _Facts) -> bool:
    num_pr = _child(ppr, "numPr")
    if num_pr is None:
        return facts.list_item
    return _val(_child(num_pr, "numId")) != "0"  # numId 0 switches inherited numbering off


def _text_boxes(run: Any) -> list[Any]:
    """Outermost text boxes in a run, ignoring the duplicate copy in mc:Fallback."""
    boxes = []
    for box in run.iter(TXBX):
        parent = box.getparent()
        nested = False
        while parent is not None and parent is not run:
            if parent.tag in (TXBX, f"{_MC}Fallback"):
                nested = True
                break
            parent = parent.getparent()
        if not nested:
            boxes.append(box)
    return boxes
