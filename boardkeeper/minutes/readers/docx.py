"""Read a Word (.docx) document into a `Layout`.

A .docx is a zip of XML parts. Only three are read: the main document (found through the
package's relationships, so a renamed part or a macro-enabled document reads too), its styles
and its numbering. Each is parsed with lxml with entities and network access off, and the body
is walked as raw XML so that nothing a convenience API hides or repeats gets in the way: runs
inside hyperlinks, tracked insertions and content controls are read; deleted text, field codes
and page furniture (headers, footers) are not; merged table cells appear once; Word's own
list numbering and tab stops are turned into what the page shows.

Before any XML is parsed the zip directory is checked, so a zip bomb or an archive that is not a
Word document is refused with a plain sentence.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..errors import MinutesError
from ..layout import LIST_MARKER, Block, Cell, Layout, Para, Table

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # all members together
MAX_MEMBER_UNCOMPRESSED = 100 * 1024 * 1024  # any one member, e.g. word/document.xml
MAX_RATIO = 100  # XML compresses 5-20x; deflate bombs reach ~1000x
RATIO_CHECK_FROM = 10 * 1024 * 1024  # small members may compress absurdly well
MAX_MEMBERS = 10_000

DAMAGED = "the Word document is damaged or incomplete (it could not be opened as a .docx)"
NOT_WORD = "this is a zip archive, not a Word document"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_WORD_TYPES = (  # main document parts Word writes: documents, templates, macro-enabled ones
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
)
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

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
    f"{_W}tab": "\t",  # kept until the paragraph is read: tab stops part columns and margin notes
    f"{_W}ptab": "\t",
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
        body, styles, numbering, saved = _open_parts(data)
        blocks = _BodyReader(body, styles, numbering).read()
    except MinutesError:
        raise
    except RecursionError as exc:
        raise MinutesError("the Word document is nested too deeply to read") from exc
    except MemoryError as exc:
        raise MinutesError("the Word document is too large to read") from exc
    except Exception as exc:  # whatever lxml or zipfile raise on damage
        raise MinutesError(DAMAGED) from exc
    if not blocks:
        raise MinutesError("the Word document contains no text")
    return Layout(format="docx", blocks=blocks, saved=saved)


_W3CDTF = re.compile(rb"<dcterms:(modified|created)[^>]*>\s*(\d{4})-(\d{2})-(\d{2})")


def _saved(zf: zipfile.ZipFile, names: set[str]) -> dt.date | None:
    """When the package says it was last modified (else created): docProps/core.xml, read as text
    (a date field needs no XML parser)."""
    if "docProps/core.xml" not in names:
        return None
    with zf.open("docProps/core.xml") as member:
        head = member.read(8192)
    found = {m.group(1): m.groups()[1:] for m in _W3CDTF.finditer(head)}
    for kind in (b"modified", b"created"):
        if kind in found:
            try:
                return dt.date(*(int(x) for x in found[kind]))
            except ValueError:
                return None
    return None


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


def _open_parts(data: bytes) -> tuple[Any, Any, Any, dt.date | None]:
    """The main document's body, its styles and numbering parts (None where it has none), and when
    it was last saved."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        target = None
        if "_rels/.rels" in names:
            for r in _xml(zf, "_rels/.rels", names).iter(_RELS):
                if (r.get("Type") or "").lower().endswith("/officedocument"):
                    target = r.get("Target")
                    break
        if not target:
            raise MinutesError(NOT_WORD)  # a package, but with no office document in it
        main = _part_name(target, "")
        content_type = _content_type(_xml(zf, "[Content_Types].xml", names), main).lower()
        if content_type not in _WORD_TYPES:
            if "spreadsheetml" in content_type or "ms-excel" in content_type:
                raise MinutesError("this is an Excel workbook, not a Word document")
            if "presentationml" in content_type or "ms-powerpoint" in content_type:
                raise MinutesError("this is a PowerPoint presentation, not a Word document")
            raise MinutesError(NOT_WORD)
        body = _xml(zf, main, names).find(f"{_W}body")
        if body is None:
            raise MinutesError(DAMAGED)
        folder, _, base = main.rpartition("/")
        rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
        related: dict[str, str] = {}
        if rels_name in names:
            for r in _xml(zf, rels_name, names).iter(_RELS):
                kind = (r.get("Type") or "").rsplit("/", 1)[-1]
                if r.get("TargetMode") != "External":
                    related.setdefault(kind, _part_name(r.get("Target") or "", folder))
        styles, numbering = related.get("styles"), related.get("numbering")
        return (
            body,
            _xml(zf, styles, names) if styles in names else None,
            _xml(zf, numbering, names) if numbering in names else None,
            _saved(zf, names),
        )


def _xml(zf: zipfile.ZipFile, name: str | None, names: set[str]) -> Any:
    if name is None or name not in names:
        raise MinutesError(DAMAGED)
    return etree.fromstring(zf.read(name), _PARSER)


def _part_name(target: str, folder: str) -> str:
    """A relationship's target as a name inside the zip ('/word/document.xml'; 'styles.xml' beside it)."""
    path = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}" if folder else target
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _content_type(types: Any, part: str) -> str:
    for override in types.iter(f"{_TYPES}Override"):
        if (override.get("PartName") or "").lstrip("/").lower() == part.lower():
            return override.get("ContentType") or ""
    extension = part.rsplit(".", 1)[-1].lower()
    for default in types.iter(f"{_TYPES}Default"):
        if (default.get("Extension") or "").lower() == extension:
            return default.get("ContentType") or ""
    return ""


# -- styles ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    """What a style (with everything it is based on) says about its text."""

    heading: int = 0
    list_item: bool = False
    bold: bool | None = None
    underline: bool | None = None
    num: tuple[str, int] | None = None  # the numbering the style applies (numId, level)
    right_tab: bool = False  # the style sets a right-aligned tab stop (a margin column)


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
        num: tuple[str, int] | None = None
        right_tab = False
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
            if num is None and num_id is not None:
                level = _val(style.find(f"{_W}pPr/{_W}numPr/{_W}ilvl"))
                num = (num_id, int(level) if level and level.isdigit() else 0)
            right_tab = right_tab or _has_right_tab(style.find(f"{_W}pPr"))
            rpr = style.find(RPR)
            if bold is None:
                bold = _onoff(_child(rpr, "b"))
            if underline is None:
                underline = _underline(_child(rpr, "u"))
            style_id = _val(style.find(f"{_W}basedOn"))
        if kind == "character":
            list_item = False
        return _Facts(heading, list_item, bold, underline, num, right_tab)


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
    def __init__(self, body: Any, styles: Any, numbering: Any) -> None:
        self._body = body
        self._styles = _Styles(styles)
        self._numbering = _Numbering(numbering)

    def read(self) -> list[Block]:
        return self._blocks(self._body)

    def _blocks(self, container: Any) -> list[Block]:
        blocks: list[Block] = []
        grid: list[Para] = []  # consecutive paragraphs laid out in columns with tab stops
        for child in _content(container):
            if child.tag == P:
                para, boxes = self._para(child)
                if _cells_of(para.text):
                    grid.append(para)
                    continue
                _flush_grid(grid, blocks)
                if para.text.strip("\t ") and para.text.lstrip("\t ") != para.text and _is_note(para):
                    # nothing but a margin note on its own line: it belongs to the paragraph above
                    last = blocks[-1] if blocks else None
                    if isinstance(last, Para):
                        last.aside = " / ".join(
                            dict.fromkeys(n for n in (last.aside, para.text.strip()) if n)
                        )
                        continue
                para.text = _untab(para.text)
                if para.text:
                    blocks.append(para)
                for box in boxes:  # text boxes anchored in the paragraph follow it
                    blocks.extend(self._blocks(box))
            elif child.tag == TBL:
                _flush_grid(grid, blocks)
                table = self._table(child)
                if table.rows:
                    blocks.append(table)
        _flush_grid(grid, blocks)
        return blocks

    def _para(self, p: Any) -> tuple[Para, list[Any]]:
        ppr = p.find(PPR)
        facts = self._styles.facts("paragraph", _val(_child(ppr, "pStyle")))
        texts: list[str] = []
        boxes: list[Any] = []
        bold = underline = True
        lead: list[str] = []  # the bold runs the paragraph opens with
        leading = True
        for run in _runs(p):
            text = _run_text(run)
            texts.append(text)
            if text.strip():
                run_bold, run_underline = self._run_flags(run, facts)
                bold, underline = bold and run_bold, underline and run_underline
                leading = leading and run_bold
                if leading:
                    lead.append(text)
            boxes.extend(_text_boxes(run))
        raw = "".join(texts).replace("\u00a0", " ")
        label = self._numbering.label(ppr, facts)
        text = "\t".join(" ".join(part.split()) for part in raw.split("\t")).strip(" ")
        aside = None
        right_tab = facts.right_tab or _has_right_tab(ppr)
        if right_tab and "\t" in text.strip("\t"):
            body, _, note = text.rstrip("\t").rpartition("\t")
            words = body.split()
            if words and LIST_MARKER.match(words[0]):
                words = words[1:]
            # a note after a paragraph of text, not a title after its number ('24/118<tab>Apologies')
            if len(words) >= 4 and _NOTE.match(note.strip()):
                text, aside = body, note.strip()  # '... at its June meeting.<right tab>SQ'
        if label:
            text = f"{label} {text.lstrip()}"  # Word's own numbering, as the reader sees it
        lead_text = " ".join(" ".join(lead).split())
        whole = " ".join(text.split())
        return (
            Para(
                text,
                heading=_outline_heading(ppr) or facts.heading,
                bold=bool(text.strip()) and bold,
                underline=bool(text.strip()) and underline,
                list_item=_is_list(ppr, facts),
                aside=aside,
                lead=(f"{label} {lead_text}" if label else lead_text)
                if lead_text and not bold and whole.startswith(label or lead_text)
                else None,
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
            # Iterating the w:tc elements (not a grid view such as python-docx's row.cells, which repeats
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


# -- numbering, tab stops, margin notes -----------------------------------------


_NOTE = re.compile(r"^[A-Z][\w'.]*(?:\s*[/&,+]\s*[A-Z][\w'.]*|\s+[A-Za-z][\w'.]*){0,3}$")


def _is_note(para: Para) -> bool:
    """A paragraph of tabs and a few words, such as owner initials pushed to the margin ('\t\tSQ/OF')."""
    note = para.text.strip("\t ")
    return "\t" not in note and len(note) <= 32 and bool(_NOTE.match(note))


def _has_right_tab(ppr: Any) -> bool:
    tabs = _child(ppr, "tabs")
    return tabs is not None and any(t.get(VAL) in ("right", "end") for t in tabs.iterfind(f"{_W}tab"))


def _cells_of(text: str) -> list[str]:
    """The columns of a paragraph laid out with tab stops, when it reads as a row of a grid
    (three or more parts: 'Andrew Pike<tab>AP<tab>Nadia Rahman<tab>NR'); [] otherwise. A row that
    starts with tabs keeps an empty cell for each column it skips ('<tab>Sarah Quayle<tab>SQ')."""
    if text.count("\t") < 2:
        return []
    tokens = text.rstrip("\t ").split("\t")
    parts = [p.strip() for p in tokens if p.strip()]
    if len(parts) < 3 or LIST_MARKER.match(parts[0]) or any(len(p) > 60 for p in parts):
        return []
    leading = next(i for i, t in enumerate(tokens) if t.strip())
    runs: list[int] = []  # tabs between one part and the next
    count = 0
    for token in tokens[leading + 1 :]:
        count += 1
        if token.strip():
            runs.append(count)
            count = 0
    step = min(runs) if runs else 1  # some authors press tab twice to reach each stop
    return [""] * round(leading / step) + parts


def _flush_grid(grid: list[Para], blocks: list[Block]) -> None:
    """Two or more grid rows in a row are a table; a lone one is a paragraph with its parts apart."""
    if len(grid) >= 2:
        rows = [_cells_of(p.text) for p in grid]
        width = max(len(r) for r in rows)
        blocks.append(
            Table(
                [[Cell([Para(c)] if c else []) for c in r + [""] * (width - len(r))] for r in rows],
                ruled=False,
            )
        )
    else:
        for para in grid:
            para.text = _untab(para.text)
            blocks.append(para)
    grid.clear()


def _untab(text: str) -> str:
    """Tabs out of a paragraph: after a number or bullet a space ('1.<tab>Welcome'); between two
    columns of words a comma ('Jane Smith<tab>Chair' reads 'Jane Smith, Chair'); inside a sentence a space."""
    if "\t" not in text:
        return text
    parts = [p.strip() for p in text.split("\t") if p.strip()]
    out = parts[0] if parts else ""
    for part in parts[1:]:
        columns = part[:1].isupper() or part[:1].isdigit()  # 'Jane Smith<tab>Chair', not 'spaced<tab>out'
        glue = (
            ", "
            if columns and not LIST_MARKER.match(out) and not out.endswith((":", ",", ";", "-", "\u2013"))
            else " "
        )
        out = f"{out}{glue}{part}"
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + numeral, n - value
    return out


_FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": lambda n: _letters(n).lower(),
    "upperLetter": lambda n: _letters(n),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": lambda n: _roman(n),
}


class _Numbering:
    """Word's automatic numbering (numbering.xml), counted as Word counts it, so that an item
    numbered by Word reads '1. Minutes of the June meeting' as it does on the page."""

    def __init__(self, root: Any) -> None:
        self._levels: dict[
            str, dict[int, tuple[str, str, int]]
        ] = {}  # numId -> level -> (format, text, start)
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for a in root.iterfind(f"{_W}abstractNum"):
            abstract[a.get(f"{_W}abstractNumId") or ""] = self._read_levels(a)
        for num in root.iterfind(f"{_W}num"):
            levels = dict(abstract.get(_val(num.find(f"{_W}abstractNumId")) or "", {}))
            for override in num.iterfind(f"{_W}lvlOverride"):
                ilvl = int(override.get(f"{_W}ilvl") or 0)
                start = _val(override.find(f"{_W}startOverride"))
                lvl = override.find(f"{_W}lvl")
                if lvl is not None:
                    levels.update(self._read_levels_of([lvl]))
                if start and start.isdigit() and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, int(start))
            self._levels[num.get(f"{_W}numId") or ""] = levels

    @staticmethod
    def _read_levels(abstract: Any) -> dict[int, tuple[str, str, int]]:
        return _Numbering._read_levels_of(abstract.iterfind(f"{_W}lvl"))

    @staticmethod
    def _read_levels_of(lvls: Any) -> dict[int, tuple[str, str, int]]:
        out = {}
        for lvl in lvls:
            ilvl = int(lvl.get(f"{_W}ilvl") or 0)
            start = _val(lvl.find(f"{_W}start"))
            out[ilvl] = (
                _val(lvl.find(f"{_W}numFmt")) or "decimal",
                _val(lvl.find(f"{_W}lvlText")) or "",
                int(start) if start and start.isdigit() else 1,
            )
        return out

    def label(self, ppr: Any, facts: _Facts) -> str:
        """The number Word prints before this paragraph ('1.', 'a)', '2.3'), or '' for none or a bullet."""
        num_pr = _child(ppr, "numPr")
        if num_pr is not None:
            num_id = _val(_child(num_pr, "numId"))
            level = _val(_child(num_pr, "ilvl"))
            ilvl = int(level) if level and level.isdigit() else (facts.num[1] if facts.num else 0)
        elif facts.num is not None:
            num_id, ilvl = facts.num
        else:
            return ""
        levels = self._levels.get(num_id or "")
        if not levels or num_id == "0" or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id or "", {})
        fmt, text, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a new entry restarts the levels below it
        if fmt in ("bullet", "none") or not text:
            return ""

        def value(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            f, _, st = levels.get(k, ("decimal", "", 1))
            n = counters.get(k, st)
            convert = _FORMATS.get(f, str)
            return convert(n)

        return re.sub(r"%(\d)", value, text).strip()
