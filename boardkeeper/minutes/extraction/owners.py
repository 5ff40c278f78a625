"""Who an owner is: initials, names, first names, roles and teams resolved against the attendance."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Person

_NOBODY = re.compile(r"^\W*(\?+|who\??|tbc|tbd|n/?a|none|unassigned|unknown|-+)\W*$", re.I)
_TITLES = re.compile(
    r"^(?:(?:the|cllrs?|councillors?|mr|mrs|ms|miss|mx|dr|prof|revd|rev|owner|pc|dc|ds|di|dci|pcso|insp|inspector|sgt|"
    r"sergeant|supt|det|superintendent|acc|dcc|ch)\.?\s+)+",
    re.I,
)
INITIALS_TOKEN = re.compile(r"^[A-Z][A-Za-z]?[A-Z][a-z]?$|^[A-Z]{2,4}$")


@dataclass
class _Index:
    initials: dict[str, Person]
    names: dict[str, Person]  # full names and aliases, case-folded
    words: list[tuple[Person, list[str]]]
    roles: list[tuple[Person, str]]


@dataclass
class Directory:
    """The people of one document, indexed for resolving owners."""

    people: list[Person]
    warnings: list[str] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set)
    _cache: dict[str, Person | None] = field(default_factory=dict)
    owner_cache: dict[str, bool] = field(default_factory=dict)  # for callers that judge subjects
    known_owners: set[str] = field(default_factory=set)  # names the action log uses, not in the attendance
    _built: _Index | None = None

    def add(self, person: Person) -> None:
        self.people.append(person)
        self.refresh()

    def lookup(self, token: str) -> Person | None:
        """One person for a single reference, or None (remembered: the same words are asked for often)."""
        if token not in self._cache:
            self._cache[token] = self._lookup(token)
        return self._cache[token]

    def _index(self) -> _Index:
        """What lookups compare against, built once per change of the people (not once per lookup)."""
        if self._built is None:
            names: dict[str, Person] = {}
            for p in self.people:
                names.setdefault(p.name.casefold(), p)
                for a in p.aliases:
                    names.setdefault(a.casefold().lstrip("@"), p)
            self._built = _Index(
                initials={p.initials: p for p in self.people if p.initials},
                names=names,
                words=[(p, _name_words(p.name)) for p in self.people],
                roles=[(p, p.role.casefold()) for p in self.people if p.role],
            )
        return self._built

    def refresh(self) -> None:
        """Forget the index and answers: people were added or renamed."""
        self._cache.clear()
        self.owner_cache.clear()
        self._built = None

    def _lookup(self, token: str) -> Person | None:
        token = USER_ID.sub("", token)  # 'Malcolm (mas90)': a user id in brackets after the name
        t = _TITLES.sub("", token.strip().strip("*_.,;:()")).strip()
        if not t:
            return None
        index = self._index()
        if t in index.initials:
            return index.initials[t]
        key = t.casefold()
        if key.lstrip("@") in index.names:
            return index.names[key.lstrip("@")]
        if _ABBREVIATION.match(t):
            # 'CEO' for the Chief Executive Officer, 'DoF' for the Director of Finance, 'CoSec' for
            # the Company Secretary
            by_role = [p for p, role in index.roles if _abbreviates(t, p.role or "")]
            if len(by_role) == 1:
                return by_role[0]
        if INITIALS_TOKEN.match(t):
            cands = [p for p in self.people if not p.initials and _name_initials(p.name) == t.upper()]
            if len(cands) == 1:
                cands[0].initials = t  # the document uses these initials for this person
                self.refresh()
                return cands[0]
            return None
        words = key.split()
        # a first name, a surname, 'Helen C' (first name and initial)
        cands = [p for p, name in index.words if _matches_partial(words, name)]
        if len(cands) == 1:
            return cands[0]
        if len(words) == 2 and len(words[0]) >= 3:
            # 'Rob Preston' for Robert Preston: a short form of the first name and the same surname
            cands = [
                p
                for p, name in index.words
                if len(name) >= 2 and name[-1] == words[1] and name[0].startswith(words[0])
            ]
            if len(cands) == 1:
                return cands[0]
        if len(words) >= 2:
            # 'Station Manager Daintree', 'Supt Marlow': a surname after that person's role or rank
            same = [p for p, name in index.words if len(name) >= 2 and name[-1] == words[-1]]
            before = " ".join(words[:-1])
            if len(same) == 1 and same[0].role and _role_match(before, same[0].role.casefold()):
                return same[0]
        # a role: 'Clerk', 'Parish Clerk', 'Chairman'
        role_key = _ROLE_QUALIFIER.sub("", key)
        cands = [p for p, role in index.roles if _role_match(role_key, role)]
        if len(cands) == 1:
            return cands[0]
        if " " not in role_key and len(role_key) >= 6 and role_key not in _BODIES:
            # 'the Commissioner' for the Police and Crime Commissioner: the last word of one role only
            # ('Chair' is every Chair's and the Vice-Chair's: no one; 'the Executive' is the meeting)
            cands = [p for p, role in index.roles if _last_word(role) == role_key]
            if len(cands) == 1:
                return cands[0]
        of = _ROLE_OF.match(t)
        if of:
            # 'the Chief Executive of the OPCC': the role, held by someone of that organisation
            where = of.group("org").casefold()
            role_of = _ROLE_QUALIFIER.sub("", of.group("role").casefold())
            cands = [
                p
                for p, role in index.roles
                if _role_match(role_of, role) and where in f"{p.organisation or ''} {p.role}".casefold()
            ]
            if len(cands) == 1:
                return cands[0]
        if " " in t and any(_ABBREVIATION.match(w) for w in t.split()):
            # 'Head of Service – Safeguarding and QA' for the Head of Service – Safeguarding and Quality Assurance
            cands = [p for p, role in index.roles if _partly_abbreviated(t, role)]
            if len(cands) == 1:
                return cands[0]
        return None

    def first_name(self, token: str) -> bool:
        """Whether a single word is the first name of someone in the attendance (even of two people)."""
        key = token.strip().casefold()
        return " " not in key and any(words[0] == key for _, words in self._index().words if len(words) > 1)

    def learn_owners(self, owner_texts: list[str | None]) -> None:
        """Owners the action log names that the attendance does not ('Daniel', 'Trip'): later
        commitments in the discussion by the same names are owners too."""
        for text in owner_texts:
            for part in re.split(r"\s*(?:,|;|/|\band\b|\+|&)\s*", text or ""):
                part = part.strip()
                if (
                    part
                    and not self.lookup(part)
                    and re.fullmatch(r"[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)?", part)
                ):
                    self.known_owners.add(part)
        self.owner_cache.clear()

    def resolve(self, owner_text: str | None) -> list[str]:
        """Owner names for an owner as written ('PH', 'TG & BM', 'Ben, Fletcher', 'Warwickshire Safeguarding Team')."""
        if not owner_text or _NOBODY.match(owner_text):
            return []
        text = owner_text.strip().strip("*_").strip()
        if _NOBODY.match(text):
            return []
        whole = self.lookup(text)
        if whole:
            return [whole.name]
        parts: list[str] = []
        for part in self._join_and(re.split(r"\s*(?:,|;|/|\bwith\b|\+)\s*", text)):
            # '&' joins two owners ('TG & BM') or lies inside one ('Chair of Audit & Risk Committee')
            if "&" in part and not self.lookup(part):
                parts.extend(p for p in re.split(r"\s*&\s*", part) if p.strip())
            elif part.strip():
                parts.append(part)
        owners: list[str] = []
        for part in parts:
            person = self.lookup(part)
            if person:
                owners.append(person.name)
            elif not _NOBODY.match(part):
                owners.append(_TITLES.sub("", part).strip() if not INITIALS_TOKEN.match(part) else part)
                self._warn_unmatched(part)
        if len(parts) > 1 and not any(self.lookup(p) for p in parts) and not re.search(r"[/,;+]", text):
            return [text]  # a team written with 'and' ('Children and Families Team'); 'Innes/George' are two
        return list(dict.fromkeys(owners))

    def _join_and(self, listed: list[str]) -> list[str]:
        """Each part cut at 'and', where the words either side are not one role: 'Director of
        Quality and Safety and Medical Director' is two people, the first with 'and' in the role."""
        out: list[str] = []
        for part in listed:
            pieces = re.split(r"\s+and\s+", part)
            i = 0
            while i < len(pieces):
                # the longest run of pieces from here that names one person, else the piece alone
                j = next(
                    (j for j in range(len(pieces), i + 1, -1) if self.lookup(" and ".join(pieces[i:j]))),
                    i + 1,
                )
                out.append(" and ".join(pieces[i:j]))
                i = j
        return out

    def _warn_unmatched(self, part: str) -> None:
        if INITIALS_TOKEN.match(part.strip()) and part not in self._warned:
            self._warned.add(part)
            self.warnings.append(f"owner '{part}' matches no one in the attendance; kept as written")


USER_ID = re.compile(r"(?<=\w)\s*\((?:[a-z]+\d+|@?[\w.]+)\)\s*$")  # 'Malcolm (mas90)'
_PUNCTUATION = re.compile(r"[^\w&]+")  # 'Head of Service – Safeguarding' is 'Head of Service, Safeguarding'
_ROLE_QUALIFIER = re.compile(r"^(parish|town|the)\s+")
_ROLE_GENDER = re.compile(r"(man|woman|person)$")
_NAME_PARTS = re.compile(r"[\s-]+")


_ROLE_OF = re.compile(
    r"^(?P<role>[A-Z][\w\s-]{2,40}?)\s+(?:of|at|from)\s+(?:the\s+)?(?P<org>[A-Z][\w&\s-]{1,60})$"
)
_ABBREVIATION = re.compile(r"^(?=(?:[a-z]*[A-Z]){2})[A-Z][A-Za-z]{1,7}$")  # two capitals at least
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "to", "in", "&"})


def _abbreviates(token: str, role: str) -> bool:
    """Whether a token abbreviates a role: each capital opens a word of it ('DoHC': Director of
    Housing and Communities), letters after a capital carry on that word ('CoSec': Company Secretary)
    or are the initial of a small word ('o' for 'of'); small words may be left out."""
    words = re.findall(r"[A-Za-z&]+", re.split(r"[,(]", role)[0].casefold())
    if not words:
        return False

    def fits(i: int, j: int) -> bool:
        if i == len(token):
            return all(w in _SMALL_WORDS for w in words[j:])
        if j == len(words):
            return False
        if words[j] in _SMALL_WORDS and fits(i, j + 1):
            return True
        if token[i].islower() and words[j] not in _SMALL_WORDS:
            return False  # a lower-case letter opens only a small word
        word = words[j]
        k = 1
        while i + k <= len(token) and word.startswith(token[i : i + k].casefold()):
            if fits(i + k, j + 1):
                return True
            nxt = token[i + k] if i + k < len(token) else ""
            if nxt.isupper():
                # a capital may open the second part of a compound word ('HT': Headteacher)
                for cut in range(max(4, k), len(word) - 3):
                    if word[cut] == nxt.casefold() and word[cut:] not in _SMALL_WORDS:
                        words.insert(j + 1, word[cut:])
                        try:
                            if fits(i + k, j + 1):
                                return True
                        finally:
                            del words[j + 1]
                break  # a capital opens the next word
            k += 1
        return False

    return fits(0, 0)


def _partly_abbreviated(text: str, role: str) -> bool:
    """Whether a role written with some of its words abbreviated is this role, word for word."""
    said = re.findall(r"[A-Za-z&]+", text)
    words = re.findall(r"[A-Za-z&]+", re.split(r"[,(]", role)[0])
    folded = [w.casefold() for w in words]

    def fits(i: int, j: int) -> bool:
        if i == len(said):
            return j == len(words)
        if j < len(words) and said[i].casefold() == folded[j] and fits(i + 1, j + 1):
            return True
        if _ABBREVIATION.match(said[i]):
            for n in range(1, min(len(said[i]) + 3, len(words) - j) + 1):
                if _abbreviates(said[i], " ".join(words[j : j + n])) and fits(i + 1, j + n):
                    return True
        return False

    return fits(0, 0)


_BODIES = frozenset("executive board committee panel partnership group council forum trust".split())


def _last_word(role: str) -> str:
    words = _PUNCTUATION.sub(" ", re.split(r"[,(;]", role)[0]).split()
    return words[-1] if words else ""


def _name_words(name: str) -> list[str]:
    return name.casefold().split()


def _name_initials(name: str) -> str:
    return "".join(w[0] for w in _NAME_PARTS.split(name) if w and w[0].isalpha()).upper()


def _matches_partial(words: list[str], name: list[str]) -> bool:
    if not words or len(words) > len(name):
        return False
    if len(words) == 1:
        return words[0] == name[0] or (len(words[0]) > 2 and words[0] == name[-1])
    # 'Helen C' for 'Helen Cliffe'; 'Eric J' for 'Eric Johnson'
    return words[0] == name[0] and all(
        n.startswith(w.rstrip(".")) for w, n in zip(words[1:], name[1:], strict=False)
    )


def _role_match(key: str, role: str) -> bool:
    key, role = _PUNCTUATION.sub(" ", key).strip(), _PUNCTUATION.sub(" ", role).strip()
    role = _ROLE_QUALIFIER.sub("", role)
    if key == role or (" " in key and role.endswith(" " + key)):
        return True  # 'Business Manager' for a 'Board Business Manager'
    stem = _ROLE_GENDER.sub("", key)
    return role.startswith(stem) and not role.startswith("vice") and len(stem) >= 4
