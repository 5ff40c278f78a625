"""Explicit actions: the ones minutes mark as actions.

Action columns and action tables (an action log closing the minutes among them), lists headed
'Actions', 'Action:' markers before or after a task, owners in the margin and markdown task
lists. Commitments that are only written into the discussion are read by `commitments`.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..layout import Cell, Para, Table
from ..model import Action
from .dates import first_date
from .items import Section, is_point
from .owners import Directory
from .sentences import SENTENCE, norm
from .tables import Columns, action_header

MARKER = re.compile(r"^\W{0,3}actions?\W{0,3}\s*(?:\((?P<owner>[^()]{1,40})\)\s*)?(?::|-|–|—)\s*(.*)$", re.I)
_TRAILING_MARKER = re.compile(
    r"^(?P<body>.*?)\s*[-–—]?\s*\*{0,2}\bACTION\b\*{0,2}\s*(?::|-|–)?\s*(?P<owner>\(?[^().]{0,40}\)?)?\s*$"
)
OWNER_LINE = re.compile(
    r"^\W{0,3}(?:action(?:ed)?\s+by|(?-i:ACTION)|action)\W{0,3}\s*(?::|-|–)?\s*(?P<owner>[^.]{0,40}?)\W{0,3}$",
    re.I,
)
_TASK = re.compile(r"^\[(?P<box>[ xX]?)\]\s+(?P<body>\S.*)$")
_PARA_NUMBER = re.compile(r"^\(?\d{1,3}(?:\.\d{1,3})+\)?\s+|^\(?\d{1,3}[.)]\s+")
_AP_MARKER = re.compile(r"^AP\s*:\s*(\S.*)$")
_ACTIONS_LABEL = re.compile(
    r"^\W*(?:summary\s+of\s+actions|(?:new\s+|agreed\s+|outstanding\s+|previous\s+)?actions?"
    r"(?:\s+(?:agreed|arising|points?|items?|list|log|summary|required|tracker|update))?"
    r"(?:\s+(?:from|of|for)\s+(?:the\s+)?(?:this|last|previous|[\w-]+)?\s*(?:meeting|minutes)\b[^.:]{0,30})?)"
    r"\s*(?:\([^()]{0,40}\))?\W*$",
    re.I,
)
_OWNER_LEAD = re.compile(
    r"^(?:owner\s+)?(?P<owner>(?:[Tt]he\s+)?(?:(?:parish|town)\s+)?(?:clerk|chair(?:man|person)?|secretary|treasurer)"
    r"|(?:[Aa]ll\s+)?(?:trustees|governors|members|partners|agencies|staff|directors|officers|councillors)"
    r"|@[\w.-]+(?:\s+(?:&|and)\s+@[\w.-]+)*"
    r"|(?:[Tt]he\s+)?[A-Z][\w'\u2019.-]*(?:\s+(?:&|and)\s+[A-Z][\w.-]*|\s+[A-Z][\w'\u2019.-]*){0,3})"
    r"\s+(?:to|will|shall|should|must|arrange|arranges|agreed\s+to)\b",
)
TEAM = re.compile(
    r"\b(team|group|board|panel|service|unit|committee|members|partners|office|department|trustees|governors|"
    r"agencies|staff|directors|officers|councillors|cllrs|everyone|all)$",
    re.I,
)
_OWNER_COLON = re.compile(r"^(?P<owner>[A-Z][\w .'&/-]{0,40}?):\s+(?P<rest>\S.*)$")
_SLASHES = re.compile(r"\s+/\s+")
_OWNER_DASH = re.compile(r"^(?P<owner>[A-Z][^\u2013\u2014:]{1,80}?)\s+[-\u2013\u2014]\s+(?P<rest>\S.*)$")
_FUNCTION = r"(?!(?:to|be|been|that|this|they|them|it|its|is|are|was|were|not|must|should|will|shall|has|have|had|of|for|in|on|with|by)\b)"
_SUBJECT_TO = re.compile(
    rf"^(?P<owner>(?:[Tt]he\s+|[Aa]ll\s+)?{_FUNCTION}[A-Za-z@][\w'\u2019.@-]*(?:\s*\([^()]{{1,20}}\))?"
    rf"(?:(?:\s*,\s*|\s+(?:and|&|of)\s+|\s*[/+]\s*|\s+){_FUNCTION}(?!(?:the|a|an)\b)[\w'\u2019.@-]+"
    rf"(?:\s*\([^()]{{1,20}}\))?){{0,7}}?)"
    r"\s+(?:to|will|shall|should|must|needs?\s+to)\s+"
    r"(?!(?:be|the|a|an|all|our|their|his|her|its|my|your|them|him|us|me|this|that|these|those)\b)[a-z]"
)  # 'to' before a verb, not the preposition of 'Write to the council'
NOT_OWNERS = re.compile(r"^(?:it|this|that|these|there|we|they|everything|nothing|all|each)\b", re.I)
INLINE_MARKER = re.compile(r"(?<=[.!?])\s+\**actions?\**\s*(?::|\s[-\u2013\u2014])\s*(?P<body>\S.*)$", re.I)
_OWNER_PREFIX = re.compile(
    r"^owner\s+(?P<owner>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})\s*[-–—,:]?\s*(?P<rest>.*)$"
)
_ACRONYMS = frozenset(
    [
        "AOB",
        "AGM",
        "EGM",
        "GP",
        "TOR",
        "TORS",
        "NHS",
        "CCG",
        "ICB",
        "LLB",
        "SAR",
        "CSPR",
        "PC",
        "BC",
        "CC",
        "MP",
        "NB",
        "OK",
        "UK",
    ]
)


def explicit_actions(
    sections: list[Section], d: Directory, *, minutes_table: bool = False, order: str = "dmy"
) -> list[Action]:
    out: list[Action] = []
    table_index: dict[str, Action] = {}  # action-table rows by number and by text: carried forward once
    markers: list[Action] = []  # 'Action:' lines, which a closing summary table may list again
    for section in sections:
        for acts, owners in section.column_actions:
            out.extend(_column_actions(section, acts, owners, d))
        prev: Para | None = None
        blocks = section.blocks
        i = 0
        while i < len(blocks):
            block = blocks[i]
            i += 1
            if isinstance(block, Table):
                # a log under its own 'Actions' heading, or closing the minutes after the last item
                # (nothing but short lines after it), belongs to no one item
                closing = (
                    section is sections[-1]
                    and section.number is not None
                    and all(isinstance(b, Table) or len(b.text) <= 120 for b in blocks[i:])
                    and i > 1
                )
                labelled = (prev is not None and bool(_ACTIONS_LABEL.match(prev.text))) or closing
                out.extend(
                    _table_actions(
                        block, section, d, table_index, markers, labelled=labelled, above=prev, order=order
                    )
                )
                prev = None
                continue
            if _ACTIONS_LABEL.match(block.text):
                prev = block
                end = _list_end(blocks, i, d)
                # minutes with an action column keep their actions there; their 'Actions' lists are updates
                if end > i and not section.column_actions and not minutes_table:
                    entries = [b for b in blocks[i:end] if isinstance(b, Para)]
                    # a list that runs to the end of the last section is the meeting's list, not the item's
                    whole = end == len(blocks) and section is sections[-1] and section.number is not None
                    listed = _listed_actions(entries, section, d, item_less=whole)
                    out.extend(listed)
                    markers.extend(listed)
                    i = end
                continue
            action = _aside_action(block, section, d) or _marker_action(block, prev, section, d)
            if action:
                out.append(action)
                markers.append(action)
            prev = block
    return out


_ENTRY_NUMBER = re.compile(r"^\(?(?P<n>\d{1,3}|[a-z])[.)]\s+(?=\S)")
_ENTRY_OWNER = re.compile(
    r"^(?P<owner>[A-Z@][\w'\u2019.@]*(?:\s*[/&+,]\s*[\w'\u2019.@]+|\s+(?:and|&)\s+[A-Z][\w'.]*|\s+[\w'.]+){0,3})"
    r"\s*(?:[-\u2013\u2014]|:)\s+(?P<task>\S.*)$"
)


def _list_end(blocks: list[Para | Table], start: int, d: Directory) -> int:
    """Where the entries of a list headed 'Actions' end: bullets, numbered lines, 'Name - task' lines,
    and short lines naming an owner over the tasks that follow them."""
    j = start
    while j < len(blocks):
        b = blocks[j]
        if not isinstance(b, Para) or b.heading or _ACTIONS_LABEL.match(b.text):
            break
        text = b.text.strip()
        if _FORM_LINE.search(text):
            break  # 'Approved: ........ (Chair)  Date: ......': a line to sign, not a task
        if not (
            b.list_item
            or _ENTRY_NUMBER.match(text)
            or _ENTRY_OWNER.match(text)
            or (_group_line(b) and j + 1 < len(blocks) and is_point(blocks[j + 1]))
            or (len(text) <= 40 and _owner_only(text.rstrip(":"), d) and j + 1 < len(blocks))
        ):
            break
        j += 1
    return j


_FORM_LINE = re.compile(r"[.\u2026_]{5,}")


def _group_line(para: Para) -> bool:
    """A short line over a group of tasks: an owner's name, or 'To be allocated'."""
    text = para.text.strip()
    return not para.list_item and len(text) <= 40 and not text.endswith((".", ";"))


def _listed_actions(entries: list[Para], section: Section, d: Directory, *, item_less: bool) -> list[Action]:
    """Entries of a list headed 'Actions', each an action.

    The list decides how its owners are written: when most entries read 'Name - task' (or
    'Name: task'), the part before the dash is the owner of every entry so written, even a
    name the attendance does not know ('Others', 'George'); a short line naming someone alone
    is the owner of the entries under it (tasks grouped by owner).
    """
    texts = [_ENTRY_NUMBER.sub("", e.text.strip()) for e in entries]
    numbers = [m.group("n") if (m := _ENTRY_NUMBER.match(e.text.strip())) else None for e in entries]
    owned = [m for t in texts if (m := _ENTRY_OWNER.match(t))]
    known = [m for m in owned if _names_someone(m.group("owner"), d)]
    by_dash = len(owned) >= max(2, 0.6 * len(texts)) and bool(known or len(owned) >= 3)
    out: list[Action] = []
    group_owner: str | None = None
    for para, text, number in zip(entries, texts, numbers, strict=True):
        if number is None and _group_line(para) and not _ENTRY_OWNER.match(text):
            # 'Jane Smith' over her tasks; 'To be allocated' over tasks nobody has yet
            group_owner = text.rstrip(":") if _owner_only(text.rstrip(":"), d) else None
            continue
        m = _ENTRY_OWNER.match(text) if by_dash else None
        marked = _marker_action(para, None, section, d) if not m else None
        if marked:
            action = marked  # 'ACTION (TH): share the chronology', '[ ] task', in a list of its own
        elif m:
            trailing = _trailing_owner(m.group("task"), d)  # 'Finance - review the budget (JB)'
            action = _marker(m.group("task"), trailing or m.group("owner"), para.text, section, d)
        else:
            hint = group_owner if group_owner and not _lead_owner(text, d) else None
            action = _marker(text, hint, para.text, section, d)
        action.number = number
        if item_less:
            action.item = None
        out.append(action)
    return out


def _aside_action(para: Para, section: Section, d: Directory) -> Action | None:
    """A paragraph with owners in the margin level with it: an Action column that is no table."""
    if not para.aside or not _owner_only(para.aside, d) or OWNER_LINE.match(para.aside):
        return None
    owner_text = para.aside.replace(" / ", "/")
    return Action(
        item=section.number,
        text=MARKER.sub(r"\2", _PARA_NUMBER.sub("", para.text)).strip(),  # '54.3 The Board asked ...'
        owners=d.resolve(owner_text),
        origin="action_column",
        owner_text=owner_text,
        quote=para.text,
        section=section_name(section),
    )


def _column_actions(section: Section, acts: list[Para], owners: list[Para], d: Directory) -> list[Action]:
    """Actions of one row's Action and Owner cells: several actions pair with several owners in order."""
    act_texts = [p.text for p in acts]
    owner_texts = [o.text for o in owners]
    if len(act_texts) == 1:
        # 'Circulate the dashboard / Add the rate' with 'PM / Business Unit': two actions in one line
        parts = _SLASHES.split(act_texts[0])
        owner_parts = _SLASHES.split(owner_texts[0]) if len(owner_texts) == 1 else owner_texts
        if len(parts) > 1 and len(parts) == len(owner_parts):
            act_texts, owner_texts = parts, owner_parts
    out = []
    for n, raw in enumerate(act_texts):
        text = MARKER.sub(r"\2", raw).strip()
        if len(owner_texts) == len(act_texts):
            owner_text = owner_texts[n]
        elif len(act_texts) == 1:
            owner_text = " & ".join(owner_texts)
        else:
            owner_text = owner_texts[min(n, len(owner_texts) - 1)] if owner_texts else ""
        if not owner_text:
            owner_text = _lead_owner(text, d) or _trailing_owner(text, d) or ""
        names = d.resolve(owner_text) if owner_text else []
        out.append(
            Action(
                item=section.number,
                text=text,
                owners=names,
                origin="action_column",
                owner_text=owner_text or None,
                quote=acts[min(n, len(acts) - 1)].text,
                section=section_name(section),
            )
        )
    return out


def _table_actions(
    table: Table,
    section: Section,
    d: Directory,
    index: dict[str, Action],
    markers: list[Action],
    *,
    labelled: bool = False,
    above: Para | None = None,
    order: str = "dmy",
) -> list[Action]:
    out: list[Action] = []
    header = action_header(table, above)
    body = table.rows[header[0] + 1 :] if header else []
    cols = _settle_columns(body, header[1], d) if header else Columns()
    here: dict[str, Action] = {}  # this table's rows: the same task for other owners is another action
    for row in body:
        stacked = _row_actions(row, cols)
        for text, owner_text, due_text in stacked:
            number = (_cell(row, cols.number) or None) if len(stacked) == 1 else None
            status = _cell(row, cols.status) or None
            names = d.resolve(owner_text)
            earlier = index.get(f"n:{number}") if number else None
            earlier = earlier or index.get(f"t:{norm(text)}") or _restated_marker(text, markers)
            if earlier is not None and here.get(f"t:{norm(text)}") is earlier and earlier.owners != names:
                earlier = None
            if earlier:
                # carried forward: the later table's owners are the current assignment
                earlier.owners = list(dict.fromkeys(earlier.owners + names))
                continue
            out.append(
                Action(
                    item=_cell(row, cols.item).rstrip(".") or (None if labelled else section.number),
                    text=text,
                    owners=names,
                    origin="action_table",
                    due=first_date(due_text, order) if due_text else None,
                    due_text=due_text,
                    owner_text=owner_text or None,
                    status=status,
                    number=number,
                    quote=" | ".join(c.text for c in row),
                    section=None if labelled else section_name(section),  # the meeting's list
                )
            )
            index[f"t:{norm(text)}"] = here[f"t:{norm(text)}"] = out[-1]
            if number:
                index[f"n:{number}"] = out[-1]
    # an ACTION marker inside any cell ('Follow up with Ben - **ACTION**')
    for row in body or table.rows[1:]:
        for c in row:
            m = _TRAILING_MARKER.match(c.text.strip()) if "ACTION" in c.text else None
            if m and m.group(1).strip():
                out.append(_marker(m.group(1).strip(" -–"), m.group(2), c.text, section, d))
    return out


def _settle_columns(rows: list[list[Cell]], cols: Columns, d: Directory) -> Columns:
    """Which column names the owners is decided by what the cells hold, not only by the header:
    a header shifted against its columns ('Next Steps' over the names, 'Owner' over the tasks)
    is read the way a person reads it."""

    def naming(c: int) -> float:
        cells = [row[c].text.strip() for row in rows if 0 <= c < len(row) and row[c].text.strip()]
        return sum(1 for t in cells if _owner_only(t, d)) / len(cells) if cells else 0.0

    if cols.owner >= 0 and cols.action >= 0 and naming(cols.action) > 0.6 and naming(cols.owner) < 0.3:
        return replace(cols, action=cols.owner, owner=cols.action)
    if cols.owner < 0:
        used = {cols.action, cols.due, cols.status, cols.number, cols.item}
        width = max((len(r) for r in rows), default=0)
        owner = next((c for c in range(width) if c not in used and naming(c) > 0.6), -1)
        return replace(cols, owner=owner)
    return cols


def _row_actions(row: list[Cell], cols: Columns) -> list[tuple[str, str, str | None]]:
    """(task, owner, due) of each action in a row: one, or several stacked in the action cell
    ('Seek update ... / Request funding ...') each with the owner and date level with it."""
    acts = [p for p in row[cols.action].paras if p.text] if 0 <= cols.action < len(row) else []
    if not acts:
        return []
    owners = [p for p in row[cols.owner].paras if p.text] if 0 <= cols.owner < len(row) else []
    dues = [p for p in row[cols.due].paras if p.text] if 0 <= cols.due < len(row) else []
    if len(acts) == 1 or not (len(owners) > 1 or len(dues) > 1):
        task = " ".join(p.text for p in acts).replace("\n", " ")
        return [(task, _cell(row, cols.owner), _cell(row, cols.due) or None)]
    out = []
    for n, act in enumerate(acts):
        mine = pair_owners(acts, n, owners)
        due = pair_owners(acts, n, dues)
        out.append((act.text, " & ".join(p.text for p in mine), " ".join(p.text for p in due) or None))
    return out


def pair_owners(acts: list[Para], n: int, owners: list[Para]) -> list[Para]:
    """The paragraphs of a neighbouring cell that belong to the n-th stacked action.

    By height where the reader knows it (PDF: what stands level with the action, or the nearest
    above it); else by order (the n-th, the last for actions beyond them, all of them for one action).
    """
    if not owners:
        return []
    if len(acts) == 1:
        return owners
    top = _height(acts[n])
    tops = [_height(o) for o in owners]
    if top is not None and all(t is not None for t in tops):
        following = _height(acts[n + 1]) if n + 1 < len(acts) else None
        nxt = following if following is not None else (float("inf"), 0.0)
        level = [
            o
            for o, t in zip(owners, tops, strict=True)
            if t is not None and _near(top, -2) <= t < _near(nxt, -2)
        ]
        return level or [o for o, t in zip(owners, tops, strict=True) if t is not None and t < top][-1:]
    if len(owners) == len(acts):
        return [owners[n]]
    return [owners[min(n, len(owners) - 1)]]


def _height(para: Para) -> tuple[float, float] | None:
    """Where a paragraph stands: (page, top), so a row continued on the next page keeps its order."""
    return None if para.top is None else (float(para.page or 0), para.top)


def _near(height: tuple[float, float], by: float) -> tuple[float, float]:
    return height[0], height[1] + by


def _restated_marker(text: str, markers: list[Action]) -> Action | None:
    """A summary table's row that repeats an 'Action:' line of the minutes, without its owner."""
    key = norm(text)
    for action in markers:
        theirs = norm(action.text)
        if len(key) > 15 and (key in theirs or theirs in key):
            return action
    return None


def _cell(row: list[Cell], i: int) -> str:
    return row[i].text.strip() if 0 <= i < len(row) else ""


def _marker_action(para: Para, prev: Para | None, section: Section, d: Directory) -> Action | None:
    """The action a paragraph marks, in the ways minutes mark them.

    1. an owner line after the task: 'Action by: Clerk', 'ACTION: (Who?)', 'ACTION' alone;
    2. a marker first: 'Action: PH to share ...', 'ACTION (SK): circulate ...', 'AP: Tobias – send ...';
    3. a marker last: '... confirm receipt by 17 May. ACTION: MT', 'Book the room. **ACTION**';
    4. a marker after a sentence inside a paragraph: '... in 2009. Action: Poster to be displayed.';
    5. a markdown task: '- [ ] @AliT to put up posters'.
    (Entries of a list headed 'Actions' are read by `_listed_actions`.)
    """
    text = para.text.strip()
    owner_line = OWNER_LINE.match(text)
    if owner_line and prev is not None and prev.text and _owner_only(owner_line.group("owner") or "", d):
        return _marker(prev.text, owner_line.group("owner") or None, f"{prev.text} {text}", section, d)
    m = MARKER.match(text)
    if m and m.group(2).strip():
        return _marker(m.group(2).strip(), m.group("owner"), text, section, d)
    ap = _AP_MARKER.match(text)
    if ap and not d.lookup("AP"):  # 'AP' is an action point unless someone has those initials
        return _marker(ap.group(1).strip(), None, text, section, d)
    if "ACTION" in text:
        t = _TRAILING_MARKER.match(text)
        if t and len(t.group("body").strip(" -–.")) > 3 and _owner_only(t.group("owner") or "", d):
            body = SENTENCE.split(t.group("body").strip(" -–"))[-1]
            return _marker(body, t.group("owner"), text, section, d)
    inline = INLINE_MARKER.search(text)
    if inline:
        body = inline.group("body").strip()
        if _owner_only(body, d) and not _lead_owner(body, d):
            # '... confirm receipt by 17 May. Action: MT': the task is the sentence before
            before = SENTENCE.split(text[: inline.start()].strip())[-1]
            return _marker(before, body, text, section, d)
        return _marker(body, None, text, section, d)
    task = _TASK.match(text) if para.list_item else None
    if task:
        # a markdown task list: '- [ ] @AliT to put up posters', '- [x] ... – done'
        action = _marker(task.group("body"), None, text, section, d)
        action.status = "done" if task.group("box").strip() else "open"
        return action
    return None


def _owner_only(s: str, d: Directory) -> bool:
    """Whether a marker's remainder names only who ('MT', '(Who?)', 'Clerk'), not what."""
    s = s.strip(" .*_")
    if not s or re.fullmatch(r"\(?\s*who\??\s*\)?", s, re.I):
        return True
    return len(s) <= 40 and " to " not in f" {s} " and _names_someone(s.strip("()"), d)


def _marker(body: str, owner_hint: str | None, quote: str, section: Section, d: Directory) -> Action:
    owner_text = None
    text = body
    pm = _OWNER_PREFIX.match(body)
    if pm:
        # 'owner Troy Fridley – requested from Omar – Would you mind ...': the task follows the dashes
        owner_text = pm.group("owner").strip()
        segments = re.split(r"\s+[-–—]\s+", pm.group("rest"))
        while len(segments) > 1 and len(segments[0]) < 40:
            segments.pop(0)
        text = " – ".join(segments).strip() or body
    elif owner_hint and owner_hint.strip("() ").strip():
        owner_text = owner_hint.strip("() ")
    else:
        owner_text = _lead_owner(body, d) or _trailing_owner(body, d)
        colon = _OWNER_COLON.match(body) if owner_text is None else None
        if colon and _names_someone(colon.group("owner"), d):
            owner_text, text = colon.group("owner"), colon.group("rest")  # 'Dean: circulate the plan'
        dash = _OWNER_DASH.match(body) if owner_text is None else None
        if dash and _names_someone(dash.group("owner"), d):
            owner_text = dash.group("owner")  # 'Communications Team – publicise the shortages'
        subject = _SUBJECT_TO.match(body) if owner_text is None else None
        if subject and not NOT_OWNERS.match(subject.group("owner")):
            # marked as an action, so whoever it opens with is its owner, known or not:
            # 'Sysadmins to inform CERT', 'Publicity officer to email ...', 'Malcolm (mas90) to ...'
            owner_text = subject.group("owner")
    owners = d.resolve(owner_text) if owner_text else []
    return Action(
        item=section.number,
        text=text,
        owners=owners,
        origin="action_marker",
        owner_text=owner_text,
        quote=quote,
        section=section_name(section),
    )


def _lead_owner(text: str, d: Directory) -> str | None:
    """The owner an action opens with ('PH to share ...', 'The parish clerk to send ...'), if it names someone."""
    m = _OWNER_LEAD.match(text.strip())
    if not m:
        return None
    owner = m.group("owner").strip()
    return owner if _names_someone(owner, d) else None


_TRAILING_PAREN = re.compile(r"\((?P<owner>[^()]{1,40})\)\s*\.?\s*$")


_TRAILING_DASH = re.compile(
    r"\s[-\u2013\u2014]\s*(?P<owner>[A-Z][\w'.]*(?:\s*[/&,]\s*[A-Z][\w'.]*|\s+[A-Z][\w'.]*){0,3})"
    r"\s*(?:\((?P<status>[^()]{1,25})\))?\s*\.?\s*$"
)


def _trailing_owner(text: str, d: Directory) -> str | None:
    """'Update the risk register (NS)', 'Secure chronologies (All)': the owner in brackets at the end;
    'Circulate the audit tool – JH (complete)': after a dash at the end, a status perhaps after it."""
    m = _TRAILING_PAREN.search(text)
    if m and (_names_someone(m.group("owner"), d) or m.group("owner").casefold() in ("all", "everyone")):
        return m.group("owner")
    dash = _TRAILING_DASH.search(text)
    if dash and _names_someone(dash.group("owner"), d):
        return dash.group("owner")
    return None


def _names_someone(owner: str, d: Directory) -> bool:
    """A person of the attendance, initials, a role someone holds, or a team."""
    if d.lookup(owner) or unknown_initials(owner) or TEAM.search(owner):
        return True
    parts = [p for p in re.split(r"\s*(?:,|&|/|\band\b|\bwith\b)\s*", owner) if p]  # 'MR with Becky'
    return len(parts) > 1 and all(d.lookup(p) or unknown_initials(p) for p in parts)


def section_name(section: Section) -> str | None:
    return None if section.number else section.title


def unknown_initials(s: str) -> bool:
    """Initials nobody in the attendance has ('RF'): still an owner, kept as written."""
    return bool(re.fullmatch(r"[A-Z]{2,3}", s)) and s not in _ACRONYMS
