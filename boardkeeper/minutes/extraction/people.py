"""Attendance: who was present, in attendance, sent apologies or was absent.

People are written many ways: 'Elaine Coleridge-Smith, ECS (Independent Chair,
Warwickshire Safeguarding)', 'Steve Fisher (SF), STFC', 'Mrs Claire Cann -
Chair', 'Cllr J Nicholas-Letch (Chairman)', plain comma lists, one name a line,
and attendance tables with a Yes/No column.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ..layout import Cell, Para, Table
from ..model import Attendance, Person

LABELS: list[tuple[re.Pattern[str], Attendance | str]] = [
    (
        re.compile(
            r"(?:[\w-]+\s+){0,2}in\s+attendance|also\s+(?:present|attending|joining|on\s+the\s+call)|present\s+at\s+the\s+invitation[\w ]*?(?=\s+(?:was|were)\b|:|$)|observ\w*|guests?|officers?(?:\s+present)?|staff\s+present|notes|minutes\s+taken\s+by",
            re.I,
        ),
        "in_attendance",
    ),
    (
        re.compile(
            r"apologies(?:\s+for\s+(?:absence|lateness))?\s+(?:were\s+|have\s+been\s+|had\s+been\s+)?(?:(?:received|given|noted|sent|accepted|tendered)\s+(?:and\s+)?)+(?:from|by)|apologies(?:\s+for\s+absence)?|apols?\b\.?|regrets",
            re.I,
        ),
        "apologies",
    ),
    (re.compile(r"absent|not\s+present|did\s+not\s+attend", re.I), "absent"),
    (
        re.compile(
            r"(?:those\s+)?attend\w*|present(?:\s+at\s+the\s+meeting)?|(?:[\w-]+\s+){1,2}present|participants|members|attendees|roll\s+call",
            re.I,
        ),
        "present",
    ),
    (
        re.compile(
            r"chair(?:man|person|woman)?|scribe(?:\(s\))?|minute\s*(?:taker|secretary)|minutes\s+(?:taken|issued|recorded|written)\s+by|note\s*taker|recorder|clerk|secretary",
            re.I,
        ),
        "role",
    ),
]
HONORIFICS = re.compile(
    r"^(?:(?:cllrs?|councillors?|mr|mrs|ms|miss|mx|dr|prof|professor|rev|revd|sir|dame|lady|lord|the\s+hon|rt\s+hon)\.?\s+)+",
    re.I,
)
ROLE_PREFIX = re.compile(
    r"^((?:county|borough|district|parish|city|town)\s+(?:councillor|cllr)\.?|councillor|pcso|pc|dc|ds|di|dci|dsupt|"
    r"(?-i:ACC|DCC)|(?:assistant\s+|deputy\s+)?chief\s+constable|"
    r"(?:det(?:ective)?\.?\s+)?(?:ch(?:ief)?\.?\s+)?(?:supt|superintendent|insp|inspector|sgt|sergeant|constable)\.?|"
    r"clerk|chair(?:man)?)\s+(?=[A-Z])",
    re.I,
)
ROLE_WORDS = re.compile(
    r"\b(chair\w*|vice|manager|taker|officer|director|lead|head|clerk|secretary|treasurer|member|councillor|"
    r"representative|adviser|advisor|designated|deputy|nurse|doctor|superintendent|inspector|scribe|coordinator|"
    r"executive|president|commissioner|pcso|partner|consultant|administrator|analyst|assistant|principal|"
    r"safeguarding\s+lead|governor|trustee|liaison|leader|pharmacist|headteacher|worker|practitioner|mayor|solicitor|"
    r"midwife|matron|therapist|paediatrician|psychologist|receptionist|caseworker|author|reviewer|named|gp|"
    r"guardian|scrutineer|controller|auditor|observer|minutes|notes)\b",
    re.I,
)
ORG_WORDS = re.compile(
    r"\b(council|police|constabulary|trust|nhs|ccg|icb|group|ltd|limited|inc|plc|gmbh|ag|corporation|university|"
    r"college|school|academy|foundation|service|services|partnership|board|department|agency|authority|"
    r"commissioning|hospital|safeguarding|team|association|society|company|office|fire|rescue|housing|homes|"
    r"probation|unit|healthwatch|ambulance|hospice|charity|network|alliance|forum|centre|center|practice|surgery|"
    r"pharmacy|commission|directorate|division|ministry|court|prison|church|diocese|federation|consortium|"
    r"collaborative|care|health|city|county|borough|district|region)\b",
    re.I,
)
INITIALS = re.compile(r"^[A-Z][A-Za-z]{0,2}[A-Z]?$")
_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"  # capitals, accented ones too ('Wójcik', 'Łukasz')
_LETTER = "a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f"
NAME_TOKEN = re.compile(
    rf"^(?:[{_UP}][{_LETTER}'\u2019]+(?:-[{_UP}]?[{_LETTER}'\u2019]+)*|[{_UP}]\.?(?:[{_UP}]\.?)*|"
    rf"(?:de|van|von|der|le|la|du|da|di|st\.?|mc|mac|o')|[{_UP}][a-z]+[{_UP}][a-z]+)$"
)
NOT_NAMES = re.compile(
    r"\b(members?\s+of\s+the\s+public|none|nil|n/a|tbc|all|apologies|present|meeting|minutes|agenda|item|the|"
    r"and|received|noted|public|were|was|from|quorum|committee|council)\b",
    re.I,
)


# Each label, with a note in brackets it may carry ('Attendees (joined by Teams unless stated)',
# 'Present (in person)'), then what may follow it: a colon, a dash, 'were' ('Apologies were received from'), or nothing
_LABEL_MATCHERS = [
    (
        re.compile(
            rf"(?:{pattern.pattern})(?:\s*\([^()]{{0,60}}\))?\s*(?::|-|–|\s+(?:was|were|are)\b|$|(?<=from)\s|(?<=by)\s)",
            re.I,
        ),
        kind,
    )
    for pattern, kind in LABELS
]
_LABEL_WORDS = (
    "attend",
    "present",
    "apol",
    "regret",
    "absent",
    "guest",
    "observ",
    "officer",
    "staff",
    "member",
    "participant",
    "roll",
    "chair",
    "scribe",
    "minute",
    "clerk",
    "secretar",
    "note",
)
_LEADING_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[a-z]\)|[ivx]+\))\s+", re.I)
_AGENDA_VERB = re.compile(r"^to\s+(?:consider|receive|note|record)\s+", re.I)


_WS = re.compile(r"\s+")
# a sentence ends at a full stop, never the one after 'Dr' or 'Mr' ('Dr. Fiona Lomax')
_TITLES_WITH_STOPS = ("Dr", "Mr", "Mrs", "Ms", "St", "Rev", "Revd", "Prof", "Cllr")
_NOT_AFTER_TITLE = "".join(rf"(?<!\b{t})" for t in _TITLES_WITH_STOPS)
NOT_AFTER_TITLE_STOP = "".join(rf"(?<!\b{t}\.)" for t in _TITLES_WITH_STOPS)
_PIECES = re.compile(rf"(?<=[a-z)]){_NOT_AFTER_TITLE}\.\s+(?=[A-Z])|(?<=\))\s*[;]?\s+(?:and\s+)?(?=[A-Z])")
_DIGIT = re.compile(r"\d")
_TOKENS = re.compile(r"\S+")
_PARENS = re.compile(r"\(([^()]*)\)")
_WAS_PRESENT = re.compile(r"\b(?:was|were)\s+(?:present|absent).*$", re.I)
_WAS_ABSENT = re.compile(r"^(?:was|were)\s+absent\b|^did\s+not\s+attend\b", re.I)
_WORDS = re.compile(r"[A-Za-z]+")
_NUMBER_START = re.compile(r"^\d+[.)]?\s")


def label_of(text: str) -> tuple[Attendance | str, str, str] | None:
    """(kind, label, rest) when text opens with an attendance label ('Present:', 'Apologies', '2.1.1 Voting Members Present')."""
    head = text[:90].lower()
    if not any(w in head for w in _LABEL_WORDS):
        return None  # the label patterns are slow alternations; most paragraphs have none of their words
    t = _LEADING_NUMBER.sub("", text.strip())
    t = _AGENDA_VERB.sub("", t.strip("*_ "))
    found: tuple[Attendance | str, str, str] | None = None
    for matcher, kind in _LABEL_MATCHERS:
        m = matcher.match(t)
        if m:
            found = kind, t[: m.end()].strip(" :*_-–"), t[m.end() :].strip(" :*_-–")
            break
    found = found or _compound_label(t)
    if found is None:
        return None
    inner = _compound_label(found[2]) if found[0] != "role" else None
    if inner is not None:
        return (
            inner[0],
            f"{found[1]}: {inner[1]}",
            inner[2],
        )  # 'Present: Members: ...', 'Present: Observers: ...'
    return found


_COMPOUND = re.compile(
    r"^(?P<label>[A-Za-z-]+(?:\s+[A-Za-z-]+){0,3})\s*(?::-?|\s[-\u2013]\s)\s*(?P<rest>.*)$", re.S
)
_LABEL_KINDS: list[tuple[re.Pattern[str], Attendance]] = [
    (re.compile(r"apolog|regret"), "apologies"),
    (re.compile(r"absent|absence"), "absent"),
    (re.compile(r"observ|attendance|also|officers?$|guests?|staff|visitors?|advis|invited"), "in_attendance"),
    (
        re.compile(r"present|members?|attendees?|governors?|trustees?|councillors?|directors?|voting"),
        "present",
    ),
]
_LABEL_FILLER = frozenset(
    "present also in attendance members member voting non-voting board council committee the co-opted "
    "observers observer officers officer guests guest staff visitors attendees apologies for absence absent "
    "governors trustees councillors directors invited advisers advisors".split()
)


def _compound_label(text: str) -> tuple[Attendance, str, str] | None:
    """'Present Observers:', 'Present members :-', 'Members present -', 'Co-opted members:': a label
    made of attendance words, its kind told by the most particular of them."""
    m = _COMPOUND.match(text)
    if not m:
        return None
    words = m.group("label").lower().split()
    if not all(w in _LABEL_FILLER for w in words):
        return None
    label = m.group("label").lower()
    for pattern, kind in _LABEL_KINDS:
        if pattern.search(label):
            return kind, m.group("label"), m.group("rest").strip(" :*_-–")
    return None


_AND = re.compile(r",?\s+(?:and|&)\s+(?=(?:Cllr|Mr|Mrs|Ms|Dr|[A-Z]))")


def _split_top(text: str, seps: str, *, on_and: bool = False) -> list[str]:
    """Split on separator characters (and optionally ' and ' / ' & ') outside parentheses."""
    if "(" not in text and "[" not in text:  # nothing nested: one regex split does it
        pattern = _split_pattern(seps, on_and)
        return [p.strip() for p in pattern.split(text) if p and p.strip()]
    depth_at: list[int] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        depth_at.append(depth)
        if ch in ")]":
            depth = max(0, depth - 1)
    cuts: list[tuple[int, int]] = [(i, i + 1) for i, ch in enumerate(text) if ch in seps and depth_at[i] == 0]
    if on_and:
        cuts += [(m.start(), m.end()) for m in _AND.finditer(text) if depth_at[m.start()] == 0]
    parts: list[str] = []
    start = 0
    for a, b in sorted(cuts):
        if a >= start:
            parts.append(text[start:a])
        start = max(start, b)
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


@functools.lru_cache(maxsize=16)
def _split_pattern(seps: str, on_and: bool) -> re.Pattern[str]:
    alternatives = [re.escape(c) for c in seps] + ([_AND.pattern] if on_and else [])
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


_LEADING_AND = re.compile(r"^(?:and|&)\s+(?:from\s+)?(?=[A-Z])")  # ", and from Councillor Ffion Roberts"


def split_people(text: str) -> list[str]:
    """A run of people in one paragraph, one string each.

    1. Sentences and 'Name (Role) Name (Role)' runs are cut apart;
    2. each piece is cut at commas, semicolons and 'and' outside parentheses;
    3. a part that is no name ('ECS', 'STFC', 'Scientific Computing') joins the person before it.
    """
    text = _WS.sub(" ", text).strip().rstrip(".")
    pieces = _PIECES.split(text)
    out: list[str] = []
    for piece in pieces:
        # each part with what joined it to the one before: a comma, or 'and'
        parts: list[str] = []
        joiners: list[str] = []
        for listed in _split_top(piece, ",;"):
            listed = _LEADING_AND.sub("", listed)  # '..., Treasurer, and Janet Campbell'
            for k, part in enumerate(_split_top(listed, "", on_and=True)):
                parts.append(part)
                joiners.append(" and " if k else ", ")
        for part, joiner in zip(_distribute_plural_titles(parts), joiners, strict=True):
            if _leading_name(part):
                out.append(part)
            elif out and not _DIGIT.search(part) and len(part) < 80:
                # an organisation, role or initials of the person before; after 'and', the rest of
                # one ('Head of Service – Safeguarding and Quality Assurance')
                out[-1] = f"{out[-1]}{joiner}{part}"
    return out


_NAME_ENDS = re.compile(
    r"^(?:was|were|is|attended|joined|present|for|from|representing|on\s+behalf|left|arrived|\(|,|-|–|—|:|$)"
)


@functools.lru_cache(maxsize=2048)
def _leading_name(chunk: str) -> str | None:
    """The name a chunk starts with, without honorifics ('Mrs Claire Cann - Chair' -> 'Claire Cann')."""
    s = chunk.strip().strip("*_").strip()
    had_title = bool(HONORIFICS.match(s))
    s = HONORIFICS.sub("", s)
    rp = ROLE_PREFIX.match(s)
    if rp:
        s = HONORIFICS.sub("", s[rp.end() :])
        had_title = True
    tokens: list[str] = []
    rest = s
    for m in _TOKENS.finditer(s):
        token = m.group(0).rstrip(",:;")
        if len(tokens) < 5 and NAME_TOKEN.match(token) and m.group(0)[:1] != "(":
            tokens.append(token)
            rest = s[m.end() :].strip()
            if m.group(0) != token:
                rest = m.group(0)[len(token) :] + " " + rest
                break
        else:
            break
    if not tokens or not _NAME_ENDS.match(rest.strip()):
        return None
    name = " ".join(tokens)
    if NOT_NAMES.search(name) or ORG_WORDS.search(tokens[0]) or ROLE_WORDS.search(tokens[0]):
        return None
    if any(t.lower() in _DOMAIN_NOUNS for t in tokens):
        return None  # 'Quality Assurance', 'Public Protection': the words of a service, not a name
    if len(tokens) == 1 and not had_title:
        return None
    if len(tokens) >= 2 and (
        all(ORG_WORDS.search(t) or ROLE_WORDS.search(t) for t in tokens[1:])
        or ORG_WORDS.fullmatch(tokens[-1])
        or ROLE_WORDS.fullmatch(tokens[-1])
    ):
        return None  # an organisation: 'Warwickshire Police', 'Coventry Clinical Commissioning Group'
    if all(t.isupper() and len(t) > 1 for t in tokens):
        return None  # an acronym such as 'STFC' or 'ESRF' is an organisation
    return name


_DOMAIN_NOUNS = frozenset(
    "quality assurance performance improvement governance development support engagement operations "
    "finance strategy policy planning resources education learning practice commissioning nursing "
    "safety standards transformation communications contracts compliance audit legal estates workforce "
    "protection prevention intelligence partnerships services business children adults families "
    "adult child family baby infant sibling siblings".split()  # case pseudonyms: SAR Adult F, Child Q
)
_INITIALS_FIRST = re.compile(r"^(?P<initials>[A-Z][A-Za-z]{1,3})\s*[\u2013\u2014:-]\s+(?P<rest>[A-Z].*)$")


def parse_person(chunk: str, attendance: Attendance) -> Person | None:
    raw = chunk.strip().strip("*_").strip()
    first = _INITIALS_FIRST.match(raw)
    if first and INITIALS.match(first.group("initials")):
        # 'CW – Claire Wetherby, Safeguarding Reviews Manager': the initials come first
        person = parse_person(first.group("rest"), attendance)
        if person and _initials_fit(first.group("initials"), person.name):
            person.initials = person.initials or first.group("initials")
            return person
    role: str | None = None
    body = HONORIFICS.sub("", raw)
    rp = ROLE_PREFIX.match(body)
    if rp:
        role = rp.group(1).strip().title() if not rp.group(1).isupper() else rp.group(1)
        body = HONORIFICS.sub("", body[rp.end() :])
    name = _leading_name(raw)
    if not name:
        return None
    rest = body[len(name) :].strip() if body.startswith(name) else body.split(name, 1)[-1].strip()
    if _WAS_ABSENT.search(rest):
        attendance = "absent"  # 'Cllr G Bell was absent', inside a list of apologies
    person = Person(name=name, attendance=attendance)
    # initials: ', ECS (' or ' (SF)'
    m = re.match(
        r"^,?\s*\(?([A-Z][A-Za-z]{0,2}[A-Z]?)\)(?=\s*(?:[,(]|$))|^,\s*([A-Z][A-Za-z]{0,2}[A-Z]?)(?=\s*(?:[,(]|$))",
        rest,
    )
    found = m and (m.group(1) or m.group(2))
    if found and INITIALS.match(found) and _initials_fit(found, name):
        person.initials = found
        rest = rest[m.end() :].strip()  # type: ignore[union-attr]
    details: list[str] = []
    bracketed, outside = _top_parens(rest)
    for paren in bracketed:
        # '(JT, Chair)': initials first inside the parentheses
        head, _, tail = paren.partition(",")
        if not person.initials and INITIALS.match(head.strip()) and _initials_fit(head.strip(), name):
            person.initials = head.strip()
            paren = tail
        details.append(paren)
    outside = _WAS_PRESENT.sub("", outside)
    details.extend(p for p in _split_top(outside.strip(" ,;-–—"), ",;") if p)
    _apply_details(person, details)
    if role:  # a rank or title before the name goes after the role the details give
        person.role = f"{person.role}, {role}" if person.role else role
    return person


def _top_parens(text: str) -> tuple[list[str], str]:
    """The texts in outermost brackets, and the text outside them: '(Chief Executive, Office of the
    Police and Crime Commissioner (OPCC))' is one detail with its own brackets inside."""
    if "(" not in text:
        return [], text
    inside: list[str] = []
    outside: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0:
                outside.append(text[start:i])
                start = i + 1
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                inside.append(text[start:i])
                start = i + 1
    if depth:  # a bracket left open: what follows it is outside text
        outside.append("(" + text[start:])
    else:
        outside.append(text[start:])
    return inside, " ".join(outside)


def _initials_fit(initials: str, name: str) -> bool:
    letters = "".join(w[0] for w in re.split(r"[\s-]+", name) if w).upper()
    caps = "".join(c for c in initials if c.isupper())
    return bool(caps) and caps[0] == letters[0] and caps[-1] in letters


_DEPUTY = re.compile(
    r"\b(?i:deputi[sz]ing|deputy|substitut\w*|sub|standing\s+in|on\s+behalf\s+of)\s+(?i:for\s+)?(?P<who>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3})",
)


def _is_role(detail: str) -> bool:
    """'Board Business Manager' is a role, 'Avon and Severn Police' an organisation: the last word decides."""
    words = _WORDS.findall(detail)
    if not words:
        return False
    opening = next((k for k, w in enumerate(words[:3]) if ROLE_WORDS.fullmatch(w)), None)
    while opening is not None and opening + 1 < len(words) and ROLE_WORDS.fullmatch(words[opening + 1]):
        opening += 1  # 'Designated Doctor for ...': the last role word of the run
    if opening is not None and len(words) > opening + 2 and words[opening + 1].lower() in ("of", "for"):
        return True  # 'Director of Property Services', 'Head of Service', 'Designated Nurse for ...'
    if ROLE_WORDS.fullmatch(words[-1]):
        return True
    if ORG_WORDS.fullmatch(words[-1]):
        return False
    return bool(ROLE_WORDS.search(detail)) and not ORG_WORDS.search(detail)


def _apply_details(person: Person, details: list[str]) -> None:
    """Details after a name: '(Independent Chair, Warwickshire Safeguarding)', ', STFC, Scientific Computing', '- Chair'."""
    flat: list[str] = []
    for d in details:
        d = d.strip(" .-–—")
        if re.fullmatch(r"@[\w.-]+", d):
            person.aliases.append(d)  # a chat handle the minutes use for this person
            continue
        deputy = _DEPUTY.search(d)
        if deputy and _leading_name("Mr " + deputy.group("who")):
            # 'deputising for John Brown': who they stood in for, not a role
            person.deputy_for = _leading_name("Mr " + deputy.group("who"))
            d = f"{d[: deputy.start()]} {d[deputy.end() :]}".strip(" ,;.-–—")
        if d:
            flat.append(d)
    if not flat:
        return
    if len(flat) == 1 and "," in flat[0]:
        first, _, rest = flat[0].partition(",")
        if _is_role(first):
            person.role = person.role or first.strip()
            person.organisation = rest.strip() or None
            return
    roles = [d for d in flat if _is_role(d)]
    orgs = [d for d in flat if d not in roles]
    if roles:
        person.role = person.role or ", ".join(roles)
    if orgs:
        person.organisation = ", ".join(orgs)


def people_from_text(
    text: str, attendance: Attendance, *, one_per_line: bool = False, entry: bool = False
) -> list[Person]:
    """People in text; on a line of its own, commas separate a person's details unless every part is a name."""
    first = _INITIALS_FIRST.match(text.strip())
    if first and INITIALS.match(first.group("initials")):
        # 'CW – Claire Wetherby, Reviews Manager' reads as 'Claire Wetherby (CW), Reviews Manager'
        name, sep, rest = first.group("rest").partition(",")
        text = f"{name} ({first.group('initials')}){sep}{rest}"
    text = _part_glued_titles(text)
    text = _part_initialled(text)
    chunks = split_people(text)
    firsts = _first_names(text, attendance)
    if firsts and len(firsts) > len(chunks):
        return firsts
    listed = bool(re.search(r"\)\s*;?\s+[A-Z]", text)) or len(_split_top(text, ";")) > 1
    if one_per_line and len(chunks) > 1 and not listed:
        # on a line of its own, 'Jane Smith, Coventry City' is one person with details; several
        # names, or every part titled or given a role ('Cllr Ives, Cllr Ward'), are several people
        parts = _split_top(text, ",;")
        names = sum(1 for c in chunks if _leading_name(c))
        titled = sum(1 for c in chunks if HONORIFICS.match(c) or ROLE_PREFIX.match(c) or _DASH_ROLE.search(c))
        # 'Andrew Bowler, Colin Solloway' are two people; a bullet ('Jonathan Bitle, Kaiser Permanente') is one entry
        full = (
            not entry
            and names == len(parts)
            and all(len((_leading_name(c) or "").split()) >= 2 for c in parts)
        )
        if (names < 3 or names < len(parts) * 0.6) and titled < len(chunks) and not full:
            chunks = [text]
    out = []
    for chunk in chunks or _split_top(text, ",;"):
        p = _with_status(chunk) or parse_person(chunk, attendance)
        if p:
            out.append(p)
    return out


_STATUS = re.compile(
    r"^(?P<name>[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){0,2})\s+(?:(?P<absent>not\s+(?:here|present|coming|attending|"
    r"in\s+attendance)|absent|unable\s+to\s+attend|did\s+not\s+attend|away)|(?P<apologies>(?:sent\s+)?apologi[sz]e[sd]?))\b"
)


def _with_status(chunk: str) -> Person | None:
    """'Cate not here', 'George apologies': a name and what became of them, as quick notes put it."""
    m = _STATUS.match(chunk.strip())
    if not m or NOT_NAMES.search(m.group("name")):
        return None
    return Person(name=m.group("name"), attendance="absent" if m.group("absent") else "apologies")


_GLUED_TITLE = re.compile(
    r"(?<=[A-Za-z\u2019')])(?P<before>\s+)(?=(?:Cllrs?|Councillors?|Mrs?|Ms|Miss|Dr|Prof)\.?\s+[A-Z])"
)
_TITLE_WORD = re.compile(
    r"(?:^|\s)(?:cllrs?|councillors?|mrs?|ms|miss|dr|prof|county|borough|district|parish|town|city)\.?$", re.I
)


def _part_glued_titles(text: str) -> str:
    """'Gina Preston Cllrs Alam, Dornan': a title after a name starts the next person (a comma was lost)."""
    if "Cllr" not in text and "Councillor" not in text and "Dr" not in text and "Mr" not in text:
        return text

    def part(m: re.Match[str]) -> str:
        before = text[: m.start()]
        word = before.rsplit(None, 1)[-1] if before.strip() else ""
        return ", " if word[:1].isupper() and not _TITLE_WORD.search(before) else m.group("before")

    return _GLUED_TITLE.sub(part, text)


_PLURAL_TITLE = re.compile(r"^(?P<title>Cllrs|Councillors|Drs|Messrs)\.?\s+", re.I)
_SINGULAR = {"cllrs": "Cllr", "councillors": "Councillor", "drs": "Dr", "messrs": "Mr"}
_FIRST_NAME = re.compile(r"^[A-Z][a-z]+(?:[-\u2019'][A-Z]?[a-z]+)?$")


# 'Gillian Rowe (GR) – Chair ... Council Dr. Alan Pryce (AP) – Named GP ...': a name with its initials
# in brackets starts a person, wherever the lines of a list ran together
_INITIALLED = re.compile(
    r"(?<=[\w).,])\s+(?P<who>(?:(?:Dr|Mr|Mrs|Ms|Cllr|Prof|Revd?|DS|DI|DC|DCI|PC|Supt|Insp)\.?\s+)?"
    r"[A-Z][a-z'\u2019-]+(?:\s+[A-Z]\.?)?\s+[A-Z][a-z'\u2019-]+\s+\([A-Z][A-Za-z]{1,3}\))"
)


def _part_initialled(text: str) -> str:
    if "(" not in text:
        return text
    return _INITIALLED.sub(lambda m: "; " + m.group("who"), text)


def _distribute_plural_titles(chunks: list[str]) -> list[str]:
    """'Cllrs Hodivala (Chairman), Hewett, Mosson and Wood': the title belongs to every surname after it."""
    out = []
    title: str | None = None
    for chunk in chunks:
        m = _PLURAL_TITLE.match(chunk)
        if m:
            title = _SINGULAR[m.group("title").lower()]
            chunk = f"{title} {chunk[m.end() :]}"
        elif title and _FIRST_NAME.match(chunk.split(" (")[0].strip(" .")):
            chunk = f"{title} {chunk}"
        else:
            title = None
        out.append(chunk)
    return out


_FIRST_WITH_DETAIL = re.compile(
    r"^(?P<name>[A-Z][a-z]+(?:[-'\u2019][A-Z]?[a-z]+)?)\s*(?:\((?P<detail>[^()]{1,60})\))?$"
)


def _first_names(text: str, attendance: Attendance) -> list[Person]:
    """'Amelie, Ella, Josh and Leo', 'Sam (Chair), Priya (Treasurer) and Tom': first names only, as
    small societies write them, each perhaps with a role in brackets."""
    parts = [p.strip(" .") for p in _split_top(text.replace(" and ", ", ").replace(" & ", ", "), ",;")]
    matches = [_FIRST_WITH_DETAIL.match(p) for p in parts if p]
    if not matches or not all(matches):
        return []
    names = [m.group("name") for m in matches if m]
    if any(NOT_NAMES.search(n) or ORG_WORDS.search(n) or ROLE_WORDS.search(n) for n in names):
        return []
    people = []
    for m in matches:
        assert m is not None
        person = Person(name=m.group("name"), attendance=attendance)
        if m.group("detail"):
            _apply_details(person, [m.group("detail")])
        people.append(person)
    return people


_DASH_ROLE = re.compile(r"\s[-\u2013\u2014]\s+[A-Z]")

_ATTENDANCE_VALUES: dict[str, Attendance] = {
    "yes": "present",
    "y": "present",
    "x": "present",
    "\u2713": "present",
    "\u2714": "present",
    "present": "present",
    "attended": "present",
    "no": "absent",
    "n": "absent",
    "absent": "absent",
    "dna": "absent",
    "apologies": "apologies",
    "apols": "apologies",
    "apol": "apologies",
    "a": "apologies",
    "sent apologies": "apologies",
}


def _mark(value: str) -> Attendance | None:
    """What an attendance column's cell says: 'Yes', '✓', 'Apologies – substitute attended', 'No'."""
    v = value.strip().casefold()
    if v in _ATTENDANCE_VALUES:
        return _ATTENDANCE_VALUES[v]
    for start, kind in _MARK_STARTS:
        if v.startswith(start):
            return kind
    return None


_MARK_STARTS: list[tuple[str, Attendance]] = [
    ("apolog", "apologies"),
    ("yes", "present"),
    ("present", "present"),
    ("attended", "present"),
    ("joined", "present"),  # 'Joined by Teams'
    ("in att", "in_attendance"),  # 'In attendance', 'In att.'
    ("no", "absent"),
    ("absent", "absent"),
    ("did not", "absent"),
]


_DATE_HEADER = re.compile(
    r"^\d{1,2}(?:[/.-]\d{1,2}(?:[/.-]\d{2,4})?|(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?(?:\s+\d{2,4})?)$"
)
_LEGEND_ENTRY = re.compile(
    r"(?:^|[\s;,])(?P<mark>[^\s=:;,]{1,3})\s*(?:=|:|[-\u2013])?\s*"
    r"(?P<meaning>present|apologies|in\s+attendance|absent|did\s+not\s+attend|not\s+(?:a\s+member|applicable)|"
    r"deput\w*|substitut\w*)",
    re.I,
)
_LEGEND_KINDS: dict[str, Attendance | None] = {
    "present": "present",
    "apologies": "apologies",
    "in attendance": "in_attendance",
    "absent": "absent",
    "did not attend": "absent",
    "not a member": None,
    "not applicable": None,
}


def attendance_legend(text: str) -> dict[str, Attendance | None] | None:
    """A key to an attendance table's marks ('✓ = present A = apologies IA = in attendance');
    a member who sent a deputy gave apologies; 'not a member' marks someone who is not counted."""
    if len(text) > 200:
        return None
    legend: dict[str, Attendance | None] = {}
    for m in _LEGEND_ENTRY.finditer(text):
        meaning = " ".join(m.group("meaning").casefold().split())
        kind = _LEGEND_KINDS.get(meaning, "apologies")  # 'D deputy sent'
        legend.setdefault(m.group("mark").casefold(), kind)
    return legend if len(legend) >= 2 else None


def attendance_table(table: Table, legend: dict[str, Attendance | None] | None = None) -> list[Person] | None:
    """A table with an attendance column (Yes/No, ✓, 'Apologies') and a name column; a substitute
    column names who came in a member's place. A register of the year's meetings, a column a
    meeting, is read at its last meeting's column; a key under the table says what its marks mean."""
    if len(table.rows) < 3:
        return None
    header = [c.text.casefold() for c in table.rows[0]]
    if any(len(c.text) > 30 or _leading_name(c.text) for c in table.rows[0]):
        return None  # a first row of people ('Present' | 'Dr Keira Pennant (KP) – ...'), not column titles
    flag = next((i for i, h in enumerate(header) if re.search(r"present|attend|apolog", h)), -1)
    dates = [i for i, h in enumerate(header) if _DATE_HEADER.match(h.strip())]
    if flag < 0 and dates:
        flag = dates[-1]  # the register's latest meeting: this one
    if flag < 0:
        return None
    marks = legend or {}

    def mark_of(value: str) -> Attendance | None:
        key = value.strip().casefold()
        return marks[key] if key in marks else _mark(value)

    values = [r[flag].text for r in table.rows[1:] if len(r) > flag and _section_of(r) is None]
    known = sum(
        mark_of(v) is not None or v.strip().casefold() in marks or bool(_DEPUTY.search(v)) for v in values
    )
    if known < len(values) * 0.7:
        return None
    named = [i for i, h in enumerate(header) if i != flag and re.search(r"\b(?:name|member|attendee|who)", h)]
    name_col = named[0] if named else next((i for i in range(len(header)) if i != flag), -1)
    substitute = next(
        (i for i, h in enumerate(header) if re.search(r"substitute|deputy|representative", h)), -1
    )
    people: list[Person] = []
    section: Attendance | None = None  # a row across the table: 'Members', 'In attendance'
    for row in table.rows[1:]:
        heading = _section_of(row)
        if heading is not None:
            section = heading
            continue
        if len(row) <= max(flag, name_col):
            continue
        mark = row[flag].text
        if mark.strip().casefold() in marks and marks[mark.strip().casefold()] is None:
            continue  # not a member at this meeting
        deputy = _DEPUTY.search(mark)
        att: Attendance = mark_of(mark) or ("present" if deputy else "absent")
        if section == "in_attendance" and att == "present":
            att = "in_attendance"  # 'Joined by Teams' under 'In attendance'
        p = parse_person(row[name_col].text, att)
        if not p:
            continue
        if deputy and _leading_name("Mr " + deputy.group("who")):
            p.deputy_for = _leading_name("Mr " + deputy.group("who"))  # 'Deputy for Janet Rowley'
        extra = [
            row[i].text
            for i in range(len(row))
            if i not in (flag, name_col, substitute) and i not in dates and row[i].text
        ]
        _apply_details(p, extra)
        people.append(p)
        if 0 <= substitute < len(row) and row[substitute].text.strip():
            sub = parse_person(row[substitute].text, "present")
            if sub:
                sub.deputy_for = p.name
                sub.organisation = sub.organisation or p.organisation
                people.append(sub)
    return people


def _section_of(row: list[Cell]) -> Attendance | None:
    """The kind a row across an attendance table gives the rows under it ('In attendance', 'Members')."""
    filled = [c.text.strip() for c in row if c.text.strip()]
    if len(set(filled)) != 1 or len(filled[0]) > 40:
        return None
    found = label_of(filled[0])
    if found is not None and found[0] != "role" and not found[2]:
        return found[0]  # type: ignore[return-value]
    return None


def merge_people(people: Iterable[Person]) -> list[Person]:
    """One entry a person: later mentions fill gaps, never overwrite."""
    out: list[Person] = []
    by_surname: dict[str, list[Person]] = {}  # only people with the same last name can be the same person
    for p in people:
        surname = p.name.casefold().split()[-1]
        same = next((q for q in by_surname.get(surname, []) if _same_person(q, p)), None)
        if same is None:
            out.append(p)
            by_surname.setdefault(surname, []).append(p)
            continue
        same.initials = same.initials or p.initials
        same.organisation = same.organisation or p.organisation
        same.role = same.role or p.role
        if len(p.name) > len(same.name) and p.name.split()[-1] == same.name.split()[-1]:
            same.name = p.name
        if same.attendance == "not_recorded":
            same.attendance = p.attendance
    return out


def _same_person(a: Person, b: Person) -> bool:
    x, y = a.name.casefold().split(), b.name.casefold().split()
    if x == y:
        return True
    # 'M Storey' and 'Martin Storey', 'Rockcliffe' and 'Cllr Rockcliffe'
    if x[-1] != y[-1]:
        return False
    fx, fy = x[0] if len(x) > 1 else "", y[0] if len(y) > 1 else ""
    return not fx or not fy or (fx[0] == fy[0] and (len(fx) == 1 or len(fy) == 1))


def _is_prose(text: str) -> bool:
    """Sentences, not a list of names: many lower-case words."""
    words = _WORDS.findall(_PARENS.sub("", text))
    lower = sum(1 for w in words if w.islower() and w not in ("and", "of", "for", "the", "de", "van", "von"))
    return len(words) > 6 and lower > len(words) * 0.3


_ATTENDANCE_HEADING = re.compile(r"^(?:attendance|attendees|present|apologies|regrets)\b(?![^:]*[.;])", re.I)
# 'Sam (Chair), Tom and Hazel were present', 'Kate Lindqvist (Operations Manager) was in attendance'
_WERE_PRESENT = re.compile(
    r"^(?P<names>[A-Z][^.:;]{0,400}?)\s+(?:were|was)\s+(?:all\s+|also\s+)?"
    r"(?P<kind>in\s+attendance|present|attending|absent)(?:\s+for\s+[^,;]+)?(?:,\s*(?:together\s+)?with\s+[^;]*)?$"
)
_CLAUSES = re.compile(rf"(?<=[.!?]){NOT_AFTER_TITLE_STOP}\s+(?=[A-Z])|[,;]\s+and\s+(?=[A-Z])|;\s+(?=[A-Z])")
_KINDS: dict[str, Attendance] = {"present": "present", "attending": "present", "absent": "absent"}


def _sentence_people(text: str, state: Attendance | None) -> list[Person] | None:
    """Attendance written as sentences: '... were present, and Kate (Manager) was in attendance.
    Apologies were received from Grace.' None when no clause of the paragraph says who attended."""
    no_verb = " were " not in text and " was " not in text
    if no_verb and ("pologies" not in text or label_of(text) is not None):
        return None  # no sentence says who came, and a labelled list is read as a list
    found: list[Person] = []
    said = False
    # 'were in attendance' alone says who came; beside 'were present' it sets others apart
    apart = " present" in text
    for n, clause in enumerate(_CLAUSES.split(text.strip())):
        clause = clause.strip().rstrip(".")
        m = _WERE_PRESENT.match(clause)
        if m:
            said = True
            kind = _KINDS.get(m.group("kind"), "in_attendance" if apart else "present")
            found.extend(people_from_text(m.group("names"), kind))
            continue
        lab = label_of(clause)
        if lab and lab[0] != "role" and lab[2]:
            named = people_from_text(lab[2], lab[0])  # type: ignore[arg-type]
            # 'KD welcomed everyone. Apologies were received from Julie Brennan (...) and ...'; a label
            # opening the paragraph is read by the caller as a list ('Present at the invitation ... was')
            said = said or (n > 0 and bool(named))
            found.extend(named)
        elif state is not None:
            found.extend(people_from_text(clause, state))  # the list the label above began
    return found if said else None


def _paras_people(
    paras: list[Para], state: Attendance | None
) -> tuple[list[Person], list[tuple[str, str]], Attendance | None]:
    """People from a run of paragraphs with attendance labels; also (role, name) pairs from 'Chair: X' lines."""
    people: list[Person] = []
    roles: list[tuple[str, str]] = []
    for para in paras:
        text = para.text.strip()
        sentences = _sentence_people(text, state)
        if sentences is not None:
            # 'Daniel, Braden, Cate and Sri were in attendance'
            people.extend(sentences)
            continue
        lab = label_of(text)
        if lab:
            kind, label, rest = lab
            if kind == "role":
                if rest:
                    roles.append((re.sub(r"\(s\)", "", label).strip().title(), rest))
                continue
            state = kind  # type: ignore[assignment]
            if rest:
                people.extend(people_from_text(rest, state))  # type: ignore[arg-type]
            continue
        heading = _ATTENDANCE_HEADING.match(_LEADING_NUMBER.sub("", text))
        if heading and len(text) <= 40:
            # '1.2 Attendance to be taken', '1.3 Apologies': a heading over the names
            state = "apologies" if heading.group(0).lower().startswith(("apolog", "regret")) else "present"
            continue
        if state is None:
            continue
        first = _split_top(text, ",;")  # empty for a paragraph of separators alone (',', ';;')
        notes = _with_status(first[0]) if first else None  # 'Cate not here, George not coming ever'
        if para.heading or _NUMBER_START.match(text) or (_is_prose(text) and not notes) or text.endswith(":"):
            state = None
            continue
        found = people_from_text(text, state, one_per_line=True, entry=para.list_item)
        if found:
            people.extend(found)
        elif not para.list_item:
            state = None
    return people, roles, state


def people_from_blocks(blocks: list[Para | Table]) -> tuple[list[Person], list[tuple[str, str]]]:
    """Attendance from paragraphs and tables in reading order.

    A label ('Present', 'Apologies:') sets who the following names are; tables count too:
    a Yes/No attendance table, a 'Name | Organisation | Role' table under a label, and a fields
    table whose first column holds the labels ('Present:' | name | role, then rows with an
    empty first cell for the next people under the same label).
    """
    # Within a document the same chunks are judged many times; the cache starts empty for each
    # document so that what it saves is real (a benchmark repeating one document gains nothing).
    _leading_name.cache_clear()
    people: list[Person] = []
    roles: list[tuple[str, str]] = []
    run: list[Para] = []
    state: Attendance | None = None

    def flush() -> None:
        nonlocal run, state
        if run:
            found, more_roles, state = _paras_people(run, state)
            people.extend(found)
            roles.extend(more_roles)
        run = []

    for n, block in enumerate(blocks):
        if isinstance(block, Para):
            run.append(block)
            continue
        # a label printed just above the table ('Governors present:') speaks for its rows
        above = label_of(run[-1].text) if run else None
        flush()
        after = blocks[n + 1] if n + 1 < len(blocks) else None
        legend = attendance_legend(after.text) if isinstance(after, Para) else None
        from_table = attendance_table(block, legend)
        if from_table:
            people.extend(from_table)
            continue
        labelled_above = above is not None and above[0] != "role" and not above[2]
        state = _table_people(block, state if labelled_above else None, people, roles, above=labelled_above)
    flush()
    return people, roles


def _column_kind(texts: list[str]) -> str | None:
    """What a column of an attendance grid holds: names, initials or details (roles, organisations)."""
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        return None
    initials = sum(1 for t in texts if INITIALS.match(t))
    names = sum(1 for t in texts if not INITIALS.match(t) and "\n" not in t and _leading_name(t))
    if initials > len(texts) / 2:
        return "initials"
    if names > len(texts) / 2:
        return "name"
    return "detail"


def _grid_people(rows: list[tuple[Attendance, list[Cell]]]) -> list[Person] | None:
    """A grid of several people a row ('Name | Initials | Name | Initials'), read by what each column holds.

    None when the rows hold one person each (a name, then details), which the caller reads row by row.
    """
    if not rows:
        return None
    width = max(len(cells) for _, cells in rows)
    kinds = [_column_kind([cells[c].text for _, cells in rows if c < len(cells)]) for c in range(width)]
    if kinds.count("name") < 2 and not (kinds.count("name") == 1 and "initials" in kinds):
        return None
    out: list[Person] = []
    for state, cells in rows:
        current: Person | None = None
        for kind, cell in zip(kinds, cells, strict=False):
            text = cell.text.strip()
            if not text:
                continue
            if kind == "name":
                current = parse_person(text, state)
                if current:
                    out.append(current)
            elif current is None:
                continue
            elif kind == "initials" and INITIALS.match(text) and _initials_fit(text, current.name):
                current.initials = current.initials or text
            else:
                _apply_details(current, [text])
    return out


_NAME_HEADERS = frozenset(
    ["name", "names", "member", "members", "attendee", "attendees", "attendees name", "participants", "who"]
)


def _table_people(
    table: Table,
    state: Attendance | None,
    people: list[Person],
    roles: list[tuple[str, str]],
    *,
    above: bool = False,
) -> Attendance | None:
    header = [c.text.strip().casefold() for c in table.rows[0]] if table.rows else []
    keys = [re.sub(r"[^a-z ]+", "", h).strip() for h in header]
    name_col = next((i for i, h in enumerate(keys) if h in _NAME_HEADERS), -1)
    initials_col = next((i for i, h in enumerate(header) if h in ("initials", "init")), -1)
    if name_col >= 0:
        # 'Name | Initials | Organisation | Role', with rows such as 'In attendance' parting the people
        current: Attendance = state or "present"
        for row in table.rows[1:]:
            section = _section_of(row)
            if section is not None:
                current = section
                continue
            if len(row) > name_col and row[name_col].text:
                p = parse_person(row[name_col].text, current)
                if p:
                    skip = {name_col, initials_col}
                    if 0 <= initials_col < len(row) and INITIALS.match(row[initials_col].text.strip()):
                        p.initials = row[initials_col].text.strip()
                    _apply_details(p, [c.text for i, c in enumerate(row) if i not in skip and c.text])
                    people.append(p)
        return current
    labelled: list[tuple[Attendance, list[Cell]]] = []
    if above and state is not None and not any(row and label_of(row[0].text) for row in table.rows):
        # a grid of names under a label printed above it ('Governors present:' then the grid)
        labelled = [(state, row) for row in table.rows]
    for row in table.rows if not labelled else []:
        if len(row) < 2:
            continue
        lab = label_of(row[0].text)
        if lab:
            kind, label, _ = lab
            if kind == "role":
                roles.extend((label.title(), c.text) for c in row[1:] if c.text)
                continue
            state = kind  # type: ignore[assignment]
        elif row[0].text.strip():
            state = None  # another field ('Date', 'Venue')
            continue
        if state is not None:
            labelled.append((state, row[1:]))
    grid = _grid_people(labelled)
    if grid is not None:
        people.extend(grid)
        return state
    for state_of_row, cells in labelled:
        filled = [c for c in cells if c.text]
        if len(filled) >= 2 and len(filled[0].paras) == 1:
            p = parse_person(filled[0].text, state_of_row)  # one person a row: name | role | organisation
            if p:
                _apply_details(p, [c.text for c in filled[1:]])
                people.append(p)
        else:
            found, more_roles, _ = _paras_people([p for c in filled for p in c.paras], state_of_row)
            people.extend(found)
            roles.extend(more_roles)
    return state
