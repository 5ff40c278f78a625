"""Commitments in the discussion: actions written into sentences, not marked as actions.

'PH agreed to ...', 'the Clerk is to ...', 'Sam was asked to ...', 'she would be happy to ...',
'RESOLVED ... that the Clerk arrange ...', '... will be rectified by CGM'. A sentence that only
restates an explicit action (see `actions`) is left out.
"""

from __future__ import annotations

import re

from ..layout import Para
from ..model import Action
from .actions import INLINE_MARKER, MARKER, OWNER_LINE, TEAM, section_name, unknown_initials
from .items import Section
from .owners import USER_ID, Directory
from .sentences import SENTENCE

_MODAL = (
    r"(?:has\s+|have\s+|had\s+)?(?:agreed|offered|undertook|volunteered|promised|intends?|plans?|is\s+going|are\s+going)\s+to"
    r"|(?:is|are)\s+to(?=\s+[a-z]+)|committed\s+(?:himself|herself|themselves)\s+to"
    r"|(?:would\s+be|is|was|are|were)\s+(?:happy|willing|pleased|glad)\s+to"
    r"|(?:was|were|has\s+been|have\s+been|had\s+been)\s+asked\s+to"
    r"|agreed\s+(?:that\s+)?(?:she|he|they)\s+would"
    r"|(?:had\s+|has\s+)?(?:said|confirmed|advised|indicated|stated|explained|added|reported)\s+(?:that\s+)?(?:she|he|they)\s+(?:would|will)(?!\s+be\b)"
    r"|will(?!\s+be\b|\s+have\s+(?:been|had)\b)|would(?!\s+(?:be|like)\b|\s+have\s+(?:been|liked|wanted|had)\b)"
    r"|(?<!\w)to(?=\s+[a-z]+)"
)
_ROLE = (
    r"(?:[Tt]he\s+|[Oo]ur\s+)?(?:[Aa]ssistant\s+|[Dd]eputy\s+|[Vv]ice[-\s])?(?:[Tt]own\s+|[Pp]arish\s+|[Mm]inute\s+|"
    r"[Bb]oard\s+|[Bb]usiness\s+|[Ii]ndependent\s+)?(?:[Cc]lerk|[Cc]hair(?:man|person|woman)?|[Ss]ecretary|[Tt]reasurer|"
    r"[Mm]ayor|[Mm]anager|[Pp]resident|[Cc]onvenor)"
)
_ROLE_SUBJECT = re.compile(rf"^{_ROLE}$")
_NAME = rf"(?:[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){{0,2}}(?:\s+of\s+the\s+[A-Z]{{2,6}}\b)?|{_ROLE})"
_SUBJECT = rf"(?P<subj>(?:[Tt]he\s+)?{_NAME}(?:\s*,\s*(?:the\s+)?{_NAME})*(?:\s+(?:&|and)\s+(?:Cllr\s+)?(?:the\s+)?{_NAME})?)"
_LEFT = r"(?:^|(?<=\bthat\s)|(?<=\band\s)|(?<=;\s)|(?<=,\s)|(?<=[-–]\s)|(?<=-)|(?<=\()|(?<=:\s))"
# A commitment is found from its modal ('agreed to', 'will', 'to') back to the subject before it:
# scanning for modals first keeps the subject pattern off most of the text.
_MODAL_AT = re.compile(rf"(?<=\s)(?P<modal>{_MODAL})\s+(?P<what>[a-z][^.;]*)")
_SUBJECT_BEFORE = re.compile(rf"{_LEFT}{_SUBJECT}\s*$")
_LEAD_SUBJECT = re.compile(rf"^{_SUBJECT}\s+[a-z]")
# 'asked the Clerk to ...', 'authorise the Assistant Town Clerk to ...', 'a motion ... for the treasurer to ...'
_ASKED = re.compile(
    rf"\b(?:asked|ask|authori[sz]ed?|invited|requested|tasked|instructed|mandated|nominated|for)\s+{_SUBJECT}"
    r"\s+to\s+(?!be\b)(?P<what>[a-z][^.;]*)"
)
# '... the bench will be rectified by CGM', 'Minute to be taken by Gordon MacKay'
_PASSIVE = re.compile(
    r"\s+(?:will|to)\s+be\s+(?P<verb>[a-z]+(?:ed|en|t))\s+by\s+(?P<subj>[A-Z][\w&'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*)?)"
)
# a subject at the start of a clause, before a verb in the past ('– the Commissioner acknowledged')
_CLAUSE_SUBJECT = re.compile(rf"(?:[-\u2013:;]\s+|,\s+and\s+)(?P<subj>[Tt]he\s+{_NAME})\s+(?=[a-z]+ed\b)")
# 'that the Clerk arrange ...': a resolution's subjunctive, the verb in its plain form
_SUBJUNCTIVE = re.compile(
    rf"\bthat\s+{_SUBJECT}\s+(?P<what>(?!(?:is|was|be|been|has|had|have|were|are|and|or|of|for|should|would|"
    rf"will|may|might|must|can|could|shall|not)\b)[a-z]+(?<!ed)(?<![^s]s)\s[^.;]*)"
)
# a subjunctive is a commitment when it was decided or asked for, not when it was suggested
_DECIDING = ("resolved", "agreed", "decided", "requested", "instructed", "directed")
_PRONOUN = re.compile(
    rf"(?:\bthat\s+|^|\band\s+|\b(?:said|says|advised|confirmed|stated|reported|explained|indicated|added|agreed)\s+)"
    rf"(?P<pron>[Ss]he|[Hh]e|[Tt]hey)\s+(?P<modal>{_MODAL})\s+(?P<what>[a-z][^.;]*)"
)
_CONTRACTION = re.compile(r"\b(?P<p>[Hh]e|[Ss]he|[Tt]hey)['\u2019](?P<c>d|ll)\b")
_LEADING_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+")
_ADVERB = re.compile(r"^(?:also|then|now|still|further|personally|shortly|first|again)\s+")
_TODO = re.compile(r"\bon\s+(?P<subj>[A-Z][\w-]*)['\u2019]s\s+to\s*-?\s*do\s+list", re.I)
_NOT_VERBS = re.compile(r"^(?:be|had|like|not|need|say|ensure\s+that|have\s+(?:been|had|liked))\b")
_SHORT_WHAT = re.compile(
    r"^(?:action|do\s+(?:this|that|so|it)|look\s+at\s+this|follow\s+up|investigate|progress)\.?$", re.I
)
_COMMITMENT_CUES = (
    " to ",
    "that ",
    "-to ",
    "will",
    "would",
    "agreed",
    "offered",
    "undertook",
    "volunteered",
    "promised",
    "intend",
    "plan",
    "going",
    "asked",
    "do list",
    "to-do",
)
_ROLE_NOUNS = frozenset(("clerk", "chair", "chairman", "chairperson", "secretary", "treasurer"))
_ANAPHOR = re.compile(r"\b(this|that|it|so|these)\.?$", re.I)


def prose_actions(sections: list[Section], d: Directory, explicit: list[Action]) -> list[Action]:
    out: list[tuple[Action, str]] = []
    for section in sections:
        previous = ""
        for block in section.blocks:
            if not isinstance(block, Para):
                continue
            if not (
                MARKER.match(block.text)
                or "ACTION" in block.text
                or INLINE_MARKER.search(block.text)
                or OWNER_LINE.match(block.text)
            ):
                out.extend(_prose_in(block.text, previous, section, d))
            previous = block.text
    # each action's words once: 'CC to arrange ...': CC is who, not what
    listed = [(a, _words(a.text) - _words(a.owner_text or "")) for a in explicit]
    return [a for a, sentence in out if not _restates(a, sentence, listed, d)]


def _prose_in(text: str, previous: str, section: Section, d: Directory) -> list[tuple[Action, str]]:
    """Commitments in a paragraph: 'PH agreed to ...', 'that she intends to ...', 'HC to look at this'."""
    found: list[tuple[Action, str]] = []
    sentences = SENTENCE.split(text)
    last_subject: str | None = None
    for n, sentence in enumerate(sentences):
        # '5.4 Harriet Quinlan will write ...', "he'd look into ...": the number and the contraction aside
        sentence = _LEADING_NUMBER.sub("", sentence)
        if "'" in sentence or "\u2019" in sentence:
            sentence = _CONTRACTION.sub(
                lambda m: m.group("p") + (" would" if m.group("c") == "d" else " will"), sentence
            )
        lead = _LEAD_SUBJECT.match(sentence) if sentence[:1].isupper() else None
        if lead and _is_owner(lead.group("subj"), d):
            last_subject = lead.group("subj")
        for clause in _CLAUSE_SUBJECT.finditer(sentence) if " the " in sentence else ():
            # '(a) call handling – the Commissioner acknowledged ...': whom a later 'she' means
            if _is_owner(clause.group("subj"), d):
                last_subject = clause.group("subj")
        lower = sentence.lower()
        if not any(cue in lower for cue in _COMMITMENT_CUES):
            continue  # no modal, no 'asked', no to-do list: nothing to find, and the patterns are dear
        hits: list[tuple[str, str]] = []
        for subj, what in _modal_clauses(sentence, d):
            hits.append((subj, what))
            last_subject = subj
        for m in _ASKED.finditer(sentence) if " to " in lower else ():
            if _is_owner(m.group("subj"), d):
                hits.append((m.group("subj"), m.group("what").strip()))
        decided = "that " in lower and any(w in lower for w in _DECIDING)
        for m in _SUBJUNCTIVE.finditer(sentence) if decided else ():
            # 'RESOLVED: ... and that the Panel Scrutiny Officer arrange an informal briefing'
            if _is_owner(m.group("subj"), d):
                hits.append((m.group("subj"), m.group("what").strip()))
        for m in _PASSIVE.finditer(sentence) if " be " in lower and " by " in lower else ():
            # '... the bench will be rectified by CGM': the thing done is the clause before 'will be'
            subj = m.group("subj")
            what = re.split(r"[.;,]", sentence[: m.start()])[-1].strip()
            if (
                what
                and subj.split()[0] not in ("The", "A", "An")
                and (d.lookup(subj) or subj.isupper() or _is_owner(subj, d))
                and (what[:1].isupper() or d.lookup(subj))
            ):
                hits.append((subj, f"{m.group('verb')}: {what}"))
                last_subject = subj
        padded = f" {lower} "
        has_pronoun = last_subject and any(p in padded for p in (" she ", " he ", " they "))
        for m in _PRONOUN.finditer(sentence) if has_pronoun else ():
            what = _ADVERB.sub("", m.group("what").strip())
            if last_subject and not _NOT_VERBS.match(what):
                hits.append((last_subject, what))
        for m in _TODO.finditer(sentence) if "do list" in lower or "to-do" in lower else ():
            if _is_owner(m.group("subj"), d):
                hits.append((m.group("subj"), sentence.strip()))
        for subj, what in dict.fromkeys(hits):  # 'ACC Garside said he would ...' is found twice
            quote = sentence.strip()
            whole = len(quote) <= len(subj) + len(what) + 20  # the commitment is the whole sentence
            text = what
            if _ANAPHOR.search(what) or _SHORT_WHAT.match(what):
                # 'ECS agreed to do this', 'KC to action': what is meant stands around it
                if whole:
                    before = sentences[n - 1] if n > 0 else previous
                    quote = f"{before.strip()} {quote}".strip()
                text = quote
            action = Action(
                item=section.number,
                text=text,
                owners=d.resolve(_clean_subject(subj)),
                origin="prose",
                owner_text=subj,
                quote=quote,
                section=section_name(section),
            )
            # a restatement is judged on the commitment, or on its own sentence where it says 'this' or 'it'
            found.append((action, sentence.strip() if _ANAPHOR.search(what) else what))
    return found


def _modal_clauses(sentence: str, d: Directory) -> list[tuple[str, str]]:
    """(subject, what) for each 'SUBJECT agreed to / will / to WHAT' whose subject is an owner.

    A modal with no owner before it ('likely be put out to report-KC to action') does not
    swallow the rest of the sentence: the search goes on from just after it.
    """
    out: list[tuple[str, str]] = []
    pos = 0
    while (m := _MODAL_AT.search(sentence, pos)) is not None:
        pos = m.start() + 1
        end = m.start()
        userid = USER_ID.search(sentence, max(0, end - 30), end)
        if userid:
            end = userid.start()  # 'Malcolm (mas90) to investigate': the id in brackets aside
        aside = _APPOSITIVE.search(sentence, max(0, end - 80), end)
        if aside:
            end = aside.start()  # 'JF, as link governor for safeguarding, will carry out'
        words = sentence[max(0, end - 30) : end].split()
        last = words[-1].rsplit("-", 1)[-1].strip(".,;:()\"'") if words else ""
        if not (last[:1].isupper() or last.casefold() in _ROLE_NOUNS):
            continue  # a subject ends in a capitalised word or a role ('the clerk'); most modals have neither
        sm = _SUBJECT_BEFORE.search(sentence, max(0, end - 150), end)
        if not sm:
            continue
        subj, what = sm.group("subj"), _ADVERB.sub("", m.group("what").strip())
        note = m.group("modal").strip() == "to"
        if note and not _note_position(sentence, sm.start()):
            continue  # 'X to do Y' only as a note of its own ('HC to look at this')
        if _NOT_VERBS.match(what) or not (_is_owner(subj, d) or (note and bool(TEAM.search(subj)))):
            continue
        out.append((subj, what))
        pos = m.end()
    return out


def _note_position(sentence: str, start: int) -> bool:
    """'HC to look at this' opens its sentence, or follows a dash, comma, bracket or label ('Additional:')."""
    before = sentence[:start].rstrip()
    return not before or before.endswith(("-", "–", ",", "(", ":"))


_THE = re.compile(r"^(?:the|The)\s+")
_TITLED = re.compile(
    r"^(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor|Rev|Revd|Prof)\.?\s+[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?$"
)
_APPOSITIVE = re.compile(r",\s+as\s+[^,]{3,60},\s*$")


def _clean_subject(subject: str) -> str:
    return _THE.sub("", subject)


def _is_owner(subject: str, d: Directory) -> bool:
    """Whether a subject names an owner: asked again and again for the same words, so remembered."""
    known = d.owner_cache.get(subject)
    if known is None:
        known = d.owner_cache[subject] = _names_owner(subject, d)
    return known


def _names_owner(subject: str, d: Directory) -> bool:
    """A person of the attendance, a first name some of them share ('Hannah'), a person given a title
    ('Mr Kirby'), a role ('the treasurer', 'Our Secretary'), initials, or a name the action log uses."""
    s = _clean_subject(subject.strip())
    if d.lookup(s) or d.first_name(s) or _ROLE_SUBJECT.match(subject.strip()) or _TITLED.match(s):
        return True
    if s in d.known_owners:
        return True
    parts = [p for p in re.split(r"\s*(?:,|&|\band\b)\s*", s) if p]
    if len(parts) > 1 and all(d.lookup(p) or unknown_initials(p) for p in parts):
        return True
    return unknown_initials(s)


_STEM = re.compile(r"(ing|ed|es|e|s)$")
_STOP = set(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "and",
        "or",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "be",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "this",
        "that",
        "these",
        "those",
        "from",
        "as",
        "it",
        "its",
        "into",
    ]
)


def _words(s: str) -> set[str]:
    return {_STEM.sub("", w) for w in re.findall(r"[a-z0-9]+", s.casefold()) if w not in _STOP and len(w) > 1}


_GENERIC = frozenset(
    _words("meeting next report update committee board item group member members plan review discuss")
)


def _restates(prose: Action, basis: str, explicit: list[tuple[Action, set[str]]], d: Directory) -> bool:
    """A prose sentence that says again what an action says.

    Within one item it restates when it shares two content words with the action, or one where the
    owners agree (the same person, or a person of the team that owns the action). An action list
    after the last item belongs to no item: it is restated by strong overlap, or by one word where
    the owners agree. Where both name owners and they differ, or only the prose names one ('Amelie to
    look into sticker designs' beside 'ACTION: Finalise sticker designs'), the words must say it all.
    """
    # 'KM has agreed to complete it': what 'it' is stands in the rest of the sentence
    mine = _words(basis)
    for a, theirs in explicit:
        shared = len(mine & theirs)
        ratio = shared / max(1, min(len(mine), len(theirs)))
        agree = _owners_agree(prose.owners, a.owners, d)
        if prose.owners and not agree and (shared < 3 or ratio < 0.8):
            continue  # someone else's action, or nobody's: only the same words say it again
        if a.item is None and a.section is None and (prose.item is not None or prose.section is not None):
            # the same person on the same particular thing ('Melatos', 'poll'), words of every minute aside
            particular = (mine & theirs) - _GENERIC
            if (shared >= 2 and ratio >= 0.5) or (particular and agree):
                return True
            continue
        if not _same_item(a.item, prose.item) or a.section != prose.section:
            continue
        if shared >= 2 and ratio >= 0.3:
            return True
        if shared >= 1 and ratio >= 0.3 and agree:
            return True
    return False


def _same_item(a: str | None, b: str | None) -> bool:
    """'3.1' in an action log is a paragraph of item 3."""
    if a == b:
        return True
    return a is not None and b is not None and (a.startswith(f"{b}.") or b.startswith(f"{a}."))


def _owners_agree(mine: list[str], theirs: list[str], d: Directory) -> bool:
    for name in mine:
        for owner in theirs:
            if name == owner:
                return True
            person = d.lookup(name)
            org = (person.organisation or "").casefold() if person else ""
            if org and TEAM.search(owner) and org in owner.casefold():
                return True
    return False
