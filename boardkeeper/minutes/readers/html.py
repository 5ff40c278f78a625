"""HTML reader: lxml's forgiving HTML parser, walked into paragraphs and tables.

Also reads HTML fragments (the cells of a tab-separated export carry <p>, <u>
and <ul> markup), and HTML wrapped in a server template (a PHP page whose
content sits in a heredoc).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree
from lxml import html as lxml_html

from ..errors import MinutesError
from ..layout import Block, Cell, Layout, Para, Table
from .decoding import DecodedText, clean_text

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "blockquote",
        "pre",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "header",
        "footer",
        "main",
        "nav",
        "aside",
        "address",
        "center",
        "hr",
        "br",
        "caption",
        "form",
        "fieldset",
        "figure",
        "figcaption",
        "details",
        "summary",
        "body",
        "html",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "head",
        "title",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "select",
    ]
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
MAX_DEPTH = 200  # deeper than any real document; past it a subtree is read as plain text
_WS = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]*>")
_DOWNLEVEL = re.compile(r"<!\[(?:if\s[^\]]*|endif)\]>", re.I)
_DASH_BULLETS = re.compile(r"(?:^|\s)[-\u2022*\u2013]\s+(?=\S)")


# The markup read of an enormous page: a parsed tree takes ten times its text and more, and a
# board's minutes as a web page (a Word 'Web Page' export is the largest) are well under a megabyte.
MAX_MARKUP_CHARS = 1_000_000


def read_html(data: bytes) -> Layout:
    return read_decoded_stream(DecodedText.of(data))


def read_decoded_stream(decoded: DecodedText) -> Layout:
    """A page read from its start, at most MAX_MARKUP_CHARS of it (decoded only that far)."""
    markup = decoded.head(MAX_MARKUP_CHARS + 1)
    if len(markup) <= MAX_MARKUP_CHARS:
        return read_decoded_html(markup, decoded.warning)
    layout = read_decoded_html(markup[:MAX_MARKUP_CHARS], decoded.warning)
    layout.warnings.append(
        f"the page is too long to read whole: only its first {MAX_MARKUP_CHARS:,} characters were read"
    )
    return layout


def read_decoded_html(text: str, warning: str | None) -> Layout:
    layout = Layout(format="html")
    if warning:
        layout.warnings.append(warning)
    # Word's 'Web Page' export wraps list numbers in <![if !supportLists]>...<![endif]>, which
    # libxml2 reads as the start of a comment that swallows the heading after it
    markup = _DOWNLEVEL.sub("", unwrap_template(text))
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError) as exc:
        raise MinutesError("the HTML could not be read (it has no content a parser recognises)") from exc
    layout.blocks = _Walker().blocks(root)
    if not any(isinstance(b, Table) or b.text for b in layout.blocks):
        if _TAG.sub("", markup).strip():
            # libxml2 drops what lies deeper than 255 elements
            raise MinutesError("the HTML is nested too deeply (or too malformed) to read")
        raise MinutesError("the HTML has no readable text")
    return layout


def fragment_paras(markup: str) -> list[Para]:
    """The paragraphs of an HTML fragment (a table cell of a text export)."""
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return [Para(clean_text(markup))]
    paras: list[Para] = []
    for block in _Walker().blocks(root):
        if isinstance(block, Para):
            paras.append(block)
        else:  # a table inside a cell: keep its text, row by row
            paras.extend(Para(" | ".join(c.text for c in row)) for row in block.rows)
    return [p for p in paras if p.text]


_HEREDOC = re.compile(r"<<<['\"]?(\w+)['\"]?\r?\n(.*?)\r?\n\s*\1;", re.S)
_PHP_STRING_VAR = re.compile(r"\$(\w+)\s*=\s*([\"'])(.*?)\2\s*;")
_PHP_BLOCK = re.compile(r"<\?(?:php)?.*?(?:\?>|\Z)", re.S)


def unwrap_template(text: str) -> str:
    """HTML inside a PHP page: the largest heredoc, with simple string variables filled in."""
    if "<?php" not in text[:4096]:
        return text
    docs = [m.group(2) for m in _HEREDOC.finditer(text)]
    if docs:
        body = max(docs, key=len)
        variables = {m.group(1): m.group(3) for m in _PHP_STRING_VAR.finditer(text)}
        return re.sub(r"\$(\w+)", lambda m: variables.get(m.group(1), m.group(0)), body)
    return _PHP_BLOCK.sub("", text)


def _ordinal(li: etree._Element) -> str:
    """'3.' for the third <li> of an <ol> (its start and type honoured), '' in other lists."""
    parent = li.getparent()
    if parent is None or not isinstance(parent.tag, str) or parent.tag.lower() != "ol":
        return ""
    start = parent.get("start") or "1"
    n = (int(start) if start.lstrip("-").isdigit() else 1) - 1
    for sibling in parent:
        if isinstance(sibling.tag, str) and sibling.tag.lower() == "li":
            n += 1
        if sibling is li:
            break
    kind = parent.get("type") or "1"
    if kind in ("a", "A") and 1 <= n <= 26:
        letter = chr(ord("a") + n - 1)
        return f"{letter.upper() if kind == 'A' else letter}."
    return f"{n}."


class _Walker:
    """Turns an element tree into blocks without recursing past MAX_DEPTH."""

    def blocks(self, root: etree._Element) -> list[Block]:
        out: list[Block] = []
        self._walk(root, out, 0)
        return out

    def _walk(self, el: etree._Element, out: list[Block], depth: int) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS or not tag:
            return
        if tag == "li" and depth <= MAX_DEPTH:
            label = _ordinal(el)
            if label:
                # an entry of an ordered list shows its number, as the browser prints it
                start = len(out)
                self._walk_inner(el, out, depth)
                first = next((b for b in out[start:] if isinstance(b, Para)), None)
                if first is not None:
                    first.text = f"{label} {first.text}"
                    if first is not out[-1] or _has_block_child(el):
                        first.list_item = False  # an outline entry with its points under it
                return
        self._walk_inner(el, out, depth)

    def _walk_inner(self, el: etree._Element, out: list[Block], depth: int) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table":
            out.append(self._table(el, depth))
            return
        if depth > MAX_DEPTH or not _has_block_child(el):
            if tag in ("ul", "ol") and depth <= MAX_DEPTH:
                # a list written with dashes instead of <li> (seen in text exports)
                for part in _DASH_BULLETS.split(_inline_text(el)):
                    if part.strip():
                        out.append(Para(clean_text(part), list_item=True))
                return
            para = self._para(el, tag)
            if para.text:
                out.append(para)
            return
        # Mixed content: text runs between block children are paragraphs of their own.
        run: list[etree._Element | str] = [el.text] if el.text else []
        for child in el:
            ctag = child.tag.lower() if isinstance(child.tag, str) else ""
            if ctag in BLOCK_TAGS:
                self._flush(run, out)
                run = []
                if ctag != "br":
                    self._walk(child, out, depth + 1)
            elif ctag and ctag not in SKIP_TAGS:
                run.append(child)
            if child.tail:
                run.append(child.tail)
        self._flush(run, out)

    def _flush(self, run: list[etree._Element | str], out: list[Block]) -> None:
        parts = [r if isinstance(r, str) else _inline_text(r) for r in run]
        text = clean_text("".join(parts))
        if not text:
            return
        elements = [r for r in run if not isinstance(r, str)]
        bold = bool(elements) and _all_in(elements, text, _is_bold)
        out.append(Para(text, bold=bold))

    def _para(self, el: etree._Element, tag: str) -> Para:
        text = clean_text(el.text or "") if len(el) == 0 else clean_text(_inline_text(el))
        bold = underline = False
        if text and len(el) == 0:
            bold, underline = _is_bold(el), _is_underline(el)  # no children: the element's own style decides
        elif text:
            letters = len(text.replace(" ", ""))
            bold = _styled_text(el, _is_bold) >= letters
            underline = _styled_text(el, _is_underline) >= letters
        return Para(
            text,
            heading=HEADINGS.get(tag, 0),
            bold=bold,
            underline=underline,
            list_item=tag in ("li", "dt", "dd"),
        )

    def _table(self, table: etree._Element, depth: int) -> Table:
        rows: list[list[Cell]] = []
        for tr in table.iter("tr", "TR"):
            if _closest_table(tr) is not table:
                continue  # rows of a nested table belong to its cell
            cells: list[Cell] = []
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                inner: list[Block] = []
                self._walk_cell(td, inner, depth + 1)
                paras: list[Para] = []
                for b in inner:
                    if isinstance(b, Para):
                        paras.append(b)
                    else:
                        paras.extend(Para(" | ".join(c.text for c in r)) for r in b.rows)
                cells.append(Cell([p for p in paras if p.text]))
            if cells:
                rows.append(cells)
        return Table(rows)

    def _walk_cell(self, td: etree._Element, out: list[Block], depth: int) -> None:
        if not _has_block_child(td):
            text = clean_text(_inline_text(td))
            if text:
                out.append(
                    Para(
                        text,
                        bold=_styled_text(td, _is_bold) >= len(text.replace(" ", "")),
                        underline=_styled_text(td, _is_underline) >= len(text.replace(" ", "")),
                    )
                )
            return
        td_tag = td.tag
        td.tag = "div"  # walk the cell's content as a block container
        try:
            self._walk(td, out, depth)
        finally:
            td.tag = td_tag


def _closest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and not (isinstance(parent.tag, str) and parent.tag.lower() == "table"):
        parent = parent.getparent()
    return parent


def _has_block_child(el: etree._Element) -> bool:
    return any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS for c in el)


def _inline_text(el: etree._Element) -> str:
    """Text of an element in order, <br> as a space, skipped tags left out (iterative: depth is no risk)."""
    parts: list[str] = []
    skipping = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in SKIP_TAGS or not tag:
                skipping += 1
            elif not skipping:
                parts.append(" " if tag == "br" else (node.text or ""))
        else:
            if tag in SKIP_TAGS or not tag:
                skipping -= 1
            if node is not el and not skipping and node.tail:
                parts.append(node.tail)
    return "".join(parts)


def _is_bold(el: etree._Element) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    style = (el.get("style") or "").replace(" ", "").lower()
    return tag in ("b", "strong") or "font-weight:bold" in style or "font-weight:700" in style


def _is_underline(el: etree._Element) -> bool:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    style = (el.get("style") or "").replace(" ", "").lower()
    return tag == "u" or "text-decoration:underline" in style


def _styled_text(el: etree._Element, test: Callable[[etree._Element], bool]) -> int:
    """How many non-space characters of el sit inside elements that pass `test` (one iterative walk)."""
    styled = 0
    inside = 0  # how many open elements pass the test
    for event, node in etree.iterwalk(el, events=("start", "end")):
        passes = isinstance(node.tag, str) and test(node)
        if event == "start":
            inside += passes
            if inside and isinstance(node.tag, str) and node.text:
                styled += len(_WS.sub("", node.text))
        else:
            inside -= passes
            if inside and node is not el and node.tail:
                styled += len(_WS.sub("", node.tail))
    return styled


def _all_in(elements: list[etree._Element], text: str, test: Callable[[etree._Element], bool]) -> bool:
    styled = sum(_styled_text(e, test) for e in elements)
    return styled >= len(text.replace(" ", ""))
