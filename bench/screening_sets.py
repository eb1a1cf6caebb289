"""Labelled screening queries made by mutating real list records, for the benchmark.

Every query is a :class:`Case`: the query, the set and kind it belongs to, the
record it was made from (``expected``) and the records that may answer it
(``acceptable``: ``expected`` and any record of the same list carrying the
source name up to romanisation, as one list sometimes carries a person twice).
A query is kept only when it is still a fair question:

* it differs from its source name (only ``case_changed`` differs by case alone);
* it is no name of another record, written together, without legal forms, or
  in another order or romanisation (same sorted :func:`skeleton`): a mutation
  that lands on another listed name would reward the wrong answer;
* a query that drops names (``middle_dropped``, ``surname_dropped``,
  ``legal_form_dropped``, the given-name + first-surname set) is kept only when
  no other record has a name that contains all its words (as written or as
  skeletons);
* Hangul is written only for records of the Koreas, and every record whose
  name is written the same in Hangul answers the query.

Operators are pure functions ``(rng, name) -> str | None`` (None: the operator
does not apply to this name) so that tests can check each one alone. Records
are drawn round-robin over (programme, schema) groups, so every programme of
the list is used and vessels are not drowned by people.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from anyascii import anyascii
from hangul import syllable_count, syllables, to_hangul

from sanctionwatch.model.entity import Entity
from sanctionwatch.screening.screen import Query

MIN_TYPO_LETTERS = 8  # a one-letter error in a shorter name may well be another name
PARTICLES = frozenset(
    {"al", "el", "abu", "abou", "bin", "ibn", "bint", "ben", "de", "del", "da", "di", "dos", "das", "do", "van",
     "von", "la", "le", "y", "ould", "ul", "ur", "ad", "as", "ash", "at", "az", "abd", "ag", "wuld", "mac", "st"}
)  # fmt: skip

# Titles and ranks written before a name: not a given name to keep or drop.
TITLES = frozenset(
    {"dr", "colonel", "col", "general", "gen", "major", "maj", "captain", "capt", "brigadier", "lieutenant",
     "sheikh", "shaykh", "mullah", "mulla", "maulvi", "mawlawi", "qari", "haji", "hajji", "imam", "mufti", "sayyid",
     "mr", "mrs", "ms", "eng", "engineer", "professor", "prof", "admiral", "marshal", "commander"}
)  # fmt: skip

# Legal forms as sequences of punctuation-free lower-case tokens; the longest match wins.
SUFFIX_FORMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(f.split())
    for f in (
        "public joint stock company", "open joint stock company", "closed joint stock company",
        "joint stock company", "limited liability company", "co ltd", "co limited", "company limited", "company ltd", "pte ltd", "private limited", "pvt ltd",
        "sdn bhd", "sa de cv", "pty ltd", "pty limited", "proprietary limited", "ltd sti", "co inc", "s a",
        "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "gmbh", "ag", "sa",
        "srl", "sarl", "sas", "spa", "bv", "nv", "plc", "llp", "lp", "jsc", "ojsc", "cjsc", "pjsc", "ooo", "fze",
        "fzco", "fzc", "fzllc", "dmcc", "ltda", "sl", "as", "ab", "oy", "kft", "doo", "sro", "bhd", "tbk", "kk",
    )
)  # fmt: skip
PREFIX_FORMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(f.split())
    for f in (
        "ooo", "oao", "zao", "pao", "ao", "tov", "pt", "jsc", "ojsc", "cjsc", "pjsc", "llc",
        "public joint stock company", "open joint stock company", "closed joint stock company",
        "joint stock company", "limited liability company",
    )
)  # fmt: skip
_SUFFIX_WRITTEN = (
    "LTD",
    "LIMITED",
    "CO., LTD.",
    "COMPANY LIMITED",
    "CORPORATION",
    "CORP.",
    "INC.",
    "LLC",
    "CO.",
    "COMPANY",
)
_PREFIX_WRITTEN = ("OOO", "AO", "ZAO", "OAO", "PAO", "LLC", "JSC")
_ALL_FORMS = frozenset(SUFFIX_FORMS) | frozenset(PREFIX_FORMS)

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    pos = {c: (r, i) for r, row in enumerate(_QWERTY) for i, c in enumerate(row)}
    return {
        c: "".join(d for d, (r2, i2) in pos.items() if d != c and abs(r2 - r) <= 1 and abs(i2 - i) <= 1)
        for c, (r, i) in pos.items()
    }


NEIGHBOURS = _neighbours()  # keys a typing finger lands on instead


@dataclass(frozen=True, slots=True)
class Case:
    """One benchmark query with its labels."""

    query: Query
    set: str  # "labelled", "must_not_match", "mutation", "given_surname"
    kind: str  # mutation kind, locale group, ...
    expected: str | None = None  # entity id the query was made from; None for must-not-match
    acceptable: frozenset[str] = frozenset()
    source: str | None = None  # the list name it was made from

    @property
    def positive(self) -> bool:
        """True when some record should match."""
        return bool(self.acceptable)


# --- text -----------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """ASCII transliteration (anyascii), with a space around each CJK, kana or Hangul character."""
    return "".join(f" {anyascii(c)} " if ord(c) >= 0x2E80 else anyascii(c) for c in text)


def norm(text: str) -> str:
    """Lower-case ASCII words, punctuation removed inside words and spaces elsewhere."""
    text = re.sub(r"[.'`\u2019]", "", fold(text).lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def token_key(token: str) -> str:
    """A token without case, accents or punctuation: ``"(PTY)"`` -> ``"pty"``, ``"S.A."`` -> ``"sa"``."""
    return "".join(c for c in anyascii(token).lower() if c.isalnum())


def core(text: str) -> str:
    """:func:`norm` with legal forms at either end removed (for comparing company names)."""
    tokens = norm(text).split()
    span = _form_span(tokens)
    if span is not None:
        start, end = span
        tokens = tokens[:start] + tokens[end:]
    return " ".join(tokens)


_FOLDS = (("ch", "j"), ("sh", "s"), ("ph", "p"), ("th", "t"), ("kh", "k"), ("gh", "k"), ("ck", "k"))
_LETTERS = str.maketrans({"q": "k", "c": "k", "g": "k", "d": "t", "b": "p", "f": "p", "v": "p", "z": "j", "l": "r", "w": None, "y": None, "h": None})  # fmt: skip


def skeleton(text: str) -> str:
    """A rough phonetic key of each word: consonant classes folded, later vowels and doubled letters dropped."""
    out = []
    for word in norm(text).split():
        for a, b in _FOLDS:
            word = word.replace(a, b)
        word = word.translate(_LETTERS)
        if not word:
            continue
        # an initial vowel is kept as a vowel of any kind (Yong / Yeong -> "ong" / "eong")
        key = ("a" if word[0] in "aeiou" else word[0]) + "".join(c for c in word[1:] if c not in "aeiou")
        out.append(re.sub(r"(.)\1+", r"\1", key))
    return " ".join(out)


# Applied in order: vowel spellings first, then consonant classes.
_ROMAN_FOLDS = (
    ("yeo", "yo"), ("you", "yo"), ("eo", "o"), ("eu", "u"), ("oo", "u"), ("ou", "u"), ("ee", "i"),
    ("ch", "j"), ("sh", "s"), ("ph", "p"), ("th", "t"), ("kh", "k"), ("gh", "k"), ("ck", "k"),
    ("q", "k"), ("c", "k"), ("g", "k"), ("d", "t"), ("b", "p"), ("f", "p"), ("v", "p"), ("z", "j"), ("l", "r"),
)  # fmt: skip


def fold_romanisation(text: str) -> str:
    """:func:`norm` with romanisation variants folded together (``Gim Yeong-cheol`` -> ``kim yonk jor``)."""
    out = []
    for word in norm(text).split():
        for a, b in _ROMAN_FOLDS:
            word = word.replace(a, b)
        out.append(re.sub(r"(.)\1+", r"\1", word))
    return " ".join(out)


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is a Latin letter (accents allowed)."""
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in text)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _case_like(template: str, text: str) -> str:
    return text.upper() if template.isupper() else text


# --- mutation operators ---------------------------------------------------------------------------


def _pick_token(rng: random.Random, name: str, min_letters: int) -> tuple[list[str], int] | None:
    tokens = name.split()
    eligible = [i for i, t in enumerate(tokens) if _letters(t) >= min_letters]
    if not eligible or _letters(name) < MIN_TYPO_LETTERS:
        return None
    return tokens, rng.choice(eligible)


def _letter_positions(token: str) -> list[int]:
    return [i for i, c in enumerate(token) if c.isalpha()]


def _edit_one_token(
    rng: random.Random, name: str, min_letters: int, edit: Callable[[random.Random, str], str | None]
) -> str | None:
    picked = _pick_token(rng, name, min_letters)
    if picked is None:
        return None
    tokens, t = picked
    new = edit(rng, tokens[t])
    if new is None:
        return None
    tokens[t] = new
    return " ".join(tokens)


def _cased(template: str, letter: str) -> str:
    return letter.upper() if template.isupper() else letter.lower()


def _drop(rng: random.Random, word: str) -> str:
    i = rng.choice(_letter_positions(word))
    return word[:i] + word[i + 1 :]


def _insert(rng: random.Random, word: str) -> str:
    i = rng.choice(_letter_positions(word))
    lower = word[i].lower()
    letter = rng.choice(NEIGHBOURS[lower] + lower) if lower in NEIGHBOURS else lower
    at = i + rng.choice((0, 1))
    return word[:at] + _cased(word[i], letter) + word[at:]


def _substitute(rng: random.Random, word: str) -> str | None:
    options = [i for i in _letter_positions(word) if word[i].lower() in NEIGHBOURS]
    if not options:
        return None
    i = rng.choice(options)
    return word[:i] + _cased(word[i], rng.choice(NEIGHBOURS[word[i].lower()])) + word[i + 1 :]


def _transpose(rng: random.Random, word: str) -> str | None:
    pairs = [i for i in range(len(word) - 1) if word[i].isalpha() and word[i + 1].isalpha() and word[i] != word[i + 1]]
    if not pairs:
        return None
    i = rng.choice(pairs)
    # the case stays with the position ("Kaua" -> "Akua", not "aKua")
    return word[:i] + _cased(word[i], word[i + 1]) + _cased(word[i + 1], word[i]) + word[i + 2 :]


def letter_drop(rng: random.Random, name: str) -> str | None:
    """One letter of one token (of at least 3 letters) left out."""
    return _edit_one_token(rng, name, 3, _drop)


def letter_insert(rng: random.Random, name: str) -> str | None:
    """One letter added to one token: a neighbouring key of the letter beside it, or that letter doubled."""
    return _edit_one_token(rng, name, 2, _insert)


def letter_substitute(rng: random.Random, name: str) -> str | None:
    """One letter of one token (of at least 3 letters) replaced by a neighbouring key."""
    return _edit_one_token(rng, name, 3, _substitute)


def letter_transpose(rng: random.Random, name: str) -> str | None:
    """Two adjacent, different letters of one token (of at least 3 letters) swapped."""
    return _edit_one_token(rng, name, 3, _transpose)


def space_removed(rng: random.Random, name: str) -> str | None:
    """Two adjacent tokens written together."""
    tokens = name.split()
    if len(tokens) < 2:
        return None
    i = rng.randrange(len(tokens) - 1)
    return " ".join(tokens[:i] + [tokens[i] + tokens[i + 1]] + tokens[i + 2 :])


def space_added(rng: random.Random, name: str) -> str | None:
    """One token of at least 6 letters split in two, each part at least 3 letters."""
    tokens = name.split()
    eligible = [i for i, t in enumerate(tokens) if t.isalpha() and len(t) >= 6]
    if not eligible:
        return None
    t = rng.choice(eligible)
    k = rng.randint(3, len(tokens[t]) - 3)
    return " ".join(tokens[:t] + [tokens[t][:k], tokens[t][k:]] + tokens[t + 1 :])


def case_changed(rng: random.Random, name: str) -> str | None:
    """The same letters in another case: upper, lower, title or first letter only."""
    options = [o for o in dict.fromkeys((name.upper(), name.lower(), name.title(), name.capitalize())) if o != name]
    return rng.choice(options) if options else None


def split_person(name: str) -> tuple[list[str], list[str]] | None:
    """(given names, surnames) of a name written ``Given Names SURNAMES`` (OFAC's style), else None."""
    tokens = name.split()
    n_upper = 0
    for t in reversed(tokens):
        # a one-letter capital before the surname is a given syllable (Chol U YU), not a surname
        if _letters(t) and t.isupper() and (n_upper == 0 or _letters(t) > 1):
            n_upper += 1
        else:
            break
    given, surnames = tokens[: len(tokens) - n_upper], tokens[len(tokens) - n_upper :]
    if not given or not surnames or any(t.isupper() and _letters(t) > 1 for t in given):
        return None
    return given, surnames


def looks_korean(name: str) -> bool:
    """Every token is one romanised Korean syllable, or two written together of which the second
    starts with a consonant (KIM JONG UN, Yong-Chol KIM, Jongun; not Lui Wai Ming)."""
    parts = name.replace("-", " ").split()

    def korean(part: str) -> bool:
        pieces = syllables(part)
        return pieces is not None and (len(pieces) == 1 or (len(pieces) == 2 and pieces[1][0] not in "aeiouwy"))

    return bool(parts) and all(korean(p) for p in parts)


def _particle(token: str) -> bool:
    return token_key(token) in PARTICLES


def _plain(token: str) -> bool:
    """A name word: letters (apostrophes, hyphens), no title, no abbreviation."""
    return bool(re.fullmatch(r"[^\W\d_][\w'\-]*", token)) and token_key(token) not in TITLES


def middle_dropped(rng: random.Random, name: str) -> str | None:
    """A middle name left out, from a person name of at least 3 tokens.

    ``Given Middle SURNAME``: a given name other than the first. A name in one
    case (UN style): a token neither first nor last. Particles (AL, ABU, DE)
    and names of romanised Korean syllables (whose given name is two
    syllables, not a first and a middle name) are left alone.
    """
    tokens = name.split()
    if len(tokens) < 3 or not all(_plain(t) for t in tokens) or looks_korean(name):
        return None
    split = split_person(name)
    if split is not None:
        given, surnames = split
        options = [i for i in range(1, len(given)) if not _particle(given[i])]
        if not options:
            return None
        i = rng.choice(options)
        return " ".join(given[:i] + given[i + 1 :] + surnames)
    if not name.isupper() and not name.islower():
        return None
    options = [i for i in range(1, len(tokens) - 1) if not _particle(tokens[i]) and not _particle(tokens[i - 1])]
    if not options:
        return None
    i = rng.choice(options)
    return " ".join(tokens[:i] + tokens[i + 1 :])


def surname_dropped(rng: random.Random, name: str) -> str | None:
    """The second surname left out (``Gilberto Jose RODRIGUEZ OREJUELA`` -> ``... RODRIGUEZ``)."""
    split = split_person(name)
    if split is None or not all(_plain(t) for t in name.split()):
        return None
    given, surnames = split
    proper = [t for t in surnames if not _particle(t)]
    if len(proper) < 2 or _particle(surnames[-2]):
        return None
    return " ".join(given + surnames[:-1])


def word_order(rng: random.Random, name: str) -> str | None:
    """A person's names in another order: the surnames first (``MADURO MOROS Nicolas``), or
    a one-case name rotated (surname moved to the other end)."""
    tokens = name.split()
    if len(tokens) < 2 or not all(_plain(t) for t in tokens):
        return None
    split = split_person(name)
    if split is not None:
        given, surnames = split
        return " ".join(surnames + given)
    out = tokens[1:] + tokens[:1] if looks_korean(name) else tokens[-1:] + tokens[:-1]
    return " ".join(out)


def _form_span(keys: list[str]) -> tuple[int, int] | None:
    """(start, end) of the legal form in a list of token keys: a suffix first, else a prefix."""
    for form in sorted(SUFFIX_FORMS, key=len, reverse=True):
        if len(keys) > len(form) and tuple(keys[-len(form) :]) == form:
            return len(keys) - len(form), len(keys)
    for form in sorted(PREFIX_FORMS, key=len, reverse=True):
        if len(keys) > len(form) and tuple(keys[: len(form)]) == form:
            return 0, len(form)
    return None


def legal_form(name: str) -> tuple[int, int] | None:
    """Token span of ``name``'s legal form (``"KOREA X TRADING CO., LTD."`` -> (3, 5)), or None."""
    return _form_span([token_key(t) for t in name.split()])


def legal_form_changed(rng: random.Random, name: str) -> str | None:
    """The legal form replaced by another (``LTD`` -> ``CORPORATION``, ``OOO`` -> ``AO``)."""
    span = legal_form(name)
    if span is None:
        return None
    tokens = name.split()
    start, end = span
    if _letters(" ".join(tokens[:start] + tokens[end:])) < 5:
        return None  # "E. X. CO." is initials, not a name to keep
    current = tuple(token_key(t) for t in tokens[start:end])
    written = _PREFIX_WRITTEN if start == 0 and end < len(tokens) else _SUFFIX_WRITTEN
    options = [w for w in written if tuple(token_key(t) for t in w.split()) != current]
    new = _case_like(name, rng.choice(options))
    return " ".join(tokens[:start] + [new] + tokens[end:])


def legal_form_dropped(rng: random.Random, name: str) -> str | None:
    """The legal form left out, when what remains has at least 5 letters."""
    span = legal_form(name)
    if span is None:
        return None
    tokens = name.split()
    rest = tokens[: span[0]] + tokens[span[1] :]
    rest[-1] = rest[-1].rstrip(",")
    if _letters(" ".join(rest)) < 5:
        return None
    return " ".join(rest)


def hangul_person(rng: random.Random, name: str) -> str | None:
    """A romanised Korean person name in Hangul, surname first (``Yong Chol KIM`` -> ``김영철``)."""
    if not looks_korean(name):
        return None
    split = split_person(name)
    tokens = split[1] + split[0] if split is not None else name.split()
    if not 2 <= len(tokens) <= 4 or (syllable_count(tokens[0]) or 0) != 1:
        return None
    surname, given = to_hangul(tokens[:1]), to_hangul(tokens[1:])
    if surname is None or given is None:
        return None
    return surname + (" " if rng.random() < 0.3 else "") + given


def hangul_company(rng: random.Random, name: str) -> str | None:
    """A Korean organisation name in Hangul: vocabulary words translated, the rest transliterated.

    Applies when the name has a word of its own (one to four romanised syllables)
    and a vocabulary word that Hangul writes (TRADING, BANK, ...), and no English
    word order (OF, FOR: 조선 names put the owner first).
    """
    from hangul import COMPANY_WORDS

    words = [w for w in re.split(r"[\s,.()]+", name) if w]
    keys = [token_key(w) for w in words]
    own = [w for w, k in zip(words, keys) if k not in COMPANY_WORDS]
    if {"of", "for"} & set(keys) or not any(COMPANY_WORDS.get(k) for k in keys):
        return None
    if not own or any(len(w) < 3 or not 1 <= (syllable_count(w) or 0) <= 4 for w in own):
        return None  # "IT", "U" are initials, not Korean words
    return to_hangul(words, company=True)


Operator = Callable[[random.Random, str], "str | None"]

# kind -> (operator, schemata it applies to)
MUTATIONS: dict[str, tuple[Operator, tuple[str, ...]]] = {
    "letter_drop": (letter_drop, ("Person", "Organization", "Vessel")),
    "letter_insert": (letter_insert, ("Person", "Organization", "Vessel")),
    "letter_substitute": (letter_substitute, ("Person", "Organization", "Vessel")),
    "letter_transpose": (letter_transpose, ("Person", "Organization", "Vessel")),
    "space_removed": (space_removed, ("Person", "Organization", "Vessel")),
    "space_added": (space_added, ("Person", "Organization", "Vessel")),
    "case_changed": (case_changed, ("Person", "Organization", "Vessel")),
    "middle_dropped": (middle_dropped, ("Person",)),
    "surname_dropped": (surname_dropped, ("Person",)),
    "word_order": (word_order, ("Person",)),
    "legal_form_changed": (legal_form_changed, ("Organization",)),
    "legal_form_dropped": (legal_form_dropped, ("Organization",)),
    "hangul_person": (hangul_person, ("Person",)),
    "hangul_company": (hangul_company, ("Organization",)),
}
_DROPS_NAMES = {"middle_dropped", "surname_dropped", "legal_form_dropped", "given_surname"}
_KOREAN_ONLY = {"hangul_person", "hangul_company"}


# --- labels ---------------------------------------------------------------------------------------


def _fold_key(text: str) -> str:
    return " ".join(sorted(fold_romanisation(text).split()))


def sorted_skeleton(text: str) -> str:
    """The :func:`skeleton` words in sorted order: one key for a name in any order and romanisation."""
    return " ".join(sorted(skeleton(text).split()))


class ListNames:
    """Which records of one list carry a name: up to romanisation (the labels); written
    together, without legal forms or by sorted skeleton (collisions); by words (containment)."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.by_fold: dict[str, set[str]] = defaultdict(set)
        self.by_key: dict[str, set[str]] = defaultdict(set)  # compact, core and sorted-skeleton keys
        self.postings: dict[str, set[int]] = defaultdict(set)  # word -> name numbers
        self.skeleton_postings: dict[str, set[int]] = defaultdict(set)
        self.owner: list[str] = []  # name number -> entity id
        for e in entities:
            for n in e.names:
                text = norm(n.value)
                if not text:
                    continue
                self.by_fold[_fold_key(n.value)].add(e.id)
                for key in self._keys(n.value):
                    self.by_key[key].add(e.id)
                number = len(self.owner)
                self.owner.append(e.id)
                for word in set(text.split()):
                    self.postings[word].add(number)
                for word in set(skeleton(text).split()):
                    self.skeleton_postings[word].add(number)

    @staticmethod
    def _keys(text: str) -> set[str]:
        return {
            "c:" + norm(text).replace(" ", ""),
            "f:" + core(text).replace(" ", ""),
            "s:" + sorted_skeleton(text),
        }

    def acceptable(self, source: str, entity: Entity) -> frozenset[str]:
        """The record itself and every record of the list carrying ``source`` up to romanisation
        (same :func:`fold_romanisation` words in any order: Ruhollah / Rouhollah BAZGHANDI)."""
        return frozenset(self.by_fold.get(_fold_key(source), set()) | {entity.id})

    def collides(self, query: str, acceptable: frozenset[str]) -> bool:
        """True when ``query`` is a name of another record: written together, without legal forms,
        or in another order or romanisation (same sorted skeleton)."""
        others = set().union(*(self.by_key.get(k, set()) for k in self._keys(query)))
        return bool(others - acceptable)

    def containing(self, query: str) -> set[str]:
        """Records with a name that contains every word of ``query``, as written or as skeletons."""
        found: set[str] = set()
        for words, postings in (
            (set(norm(query).split()), self.postings),
            (set(skeleton(query).split()), self.skeleton_postings),
        ):
            if words:
                numbers = set.intersection(*(postings.get(w, set()) for w in words))
                found |= {self.owner[i] for i in numbers}
        return found


def korean_related(entity: Entity) -> bool:
    """Records of the Koreas: country KP or KR (and no other), or a DPRK programme and no other country.

    A Chinese company under a DPRK programme is not written in Hangul.
    """
    countries = set(entity.countries)
    if countries - {"kp", "kr"}:
        return False
    return bool(countries) or any("DPRK" in p or "NKSPEA" in p for p in entity.programs)


def _round_robin(rng: random.Random, entities: Iterable[Entity]) -> list[Entity]:
    """Records one from each (programme, schema) group in turn, so that small programmes
    and the few vessels are drawn as well as the many people."""
    by_programme: dict[tuple[str, str], list[Entity]] = defaultdict(list)
    for e in entities:
        by_programme[(e.programs[0] if e.programs else "-", e.schema)].append(e)
    groups = [by_programme[k] for k in sorted(by_programme)]
    for g in groups:
        rng.shuffle(g)
    out: list[Entity] = []
    for i in range(max((len(g) for g in groups), default=0)):
        out += [g[i] for g in groups if i < len(g)]
    return out


def _source_names(entity: Entity) -> list[str]:
    return [n.value for n in entity.names if n.kind != "weak_alias" and is_latin(n.value) and norm(n.value)]


def build_mutation_set(
    entities: Sequence[Entity], *, seed: int, per_kind: int, kinds: Sequence[str] | None = None, label: str = ""
) -> list[Case]:
    """Up to ``per_kind`` queries of each mutation kind, from records of every programme of one list."""
    names = ListNames(entities)
    out: list[Case] = []
    for kind in kinds or MUTATIONS:
        op, schemata = MUTATIONS[kind]
        rng = random.Random(f"{seed}:{label}:{kind}")
        pool = [e for e in entities if e.schema in schemata and (kind not in _KOREAN_ONLY or korean_related(e))]
        same_hangul = _hangul_index(op, pool) if kind in _KOREAN_ONLY else {}
        seen: set[str] = set()
        for e in _round_robin(rng, pool):
            if len(seen) >= per_kind:
                break
            sources = _source_names(e)
            if not sources:
                continue
            source = rng.choice(sources)
            text = op(rng, source)
            if text is None or text in seen:
                continue
            # Hangul does not tell Daesong from Taesong: every record written the same way answers.
            acceptable = names.acceptable(source, e) | same_hangul.get(text.replace(" ", ""), frozenset())
            if not _fair(kind, text, source, acceptable, names):
                continue
            seen.add(text)
            q = Query(f"{label}m-{kind}-{len(seen)}", text, schema=e.schema)
            out.append(Case(q, "mutation", kind, e.id, acceptable, source))
    return out


def _hangul_index(op: Operator, pool: Sequence[Entity]) -> dict[str, frozenset[str]]:
    """Hangul (without spaces) -> the records with a name that ``op`` writes so."""
    index: dict[str, set[str]] = defaultdict(set)
    for e in pool:
        for name in _source_names(e):
            text = op(random.Random(0), name)
            if text:
                index[text.replace(" ", "")].add(e.id)
    return {k: frozenset(v) for k, v in index.items()}


def _fair(kind: str, text: str, source: str, acceptable: frozenset[str], names: ListNames) -> bool:
    if kind in _KOREAN_ONLY:
        return True
    if kind == "case_changed":
        return text != source and not names.collides(text, acceptable)
    if norm(text) == norm(source) or names.collides(text, acceptable):
        return False
    return kind not in _DROPS_NAMES or names.containing(text) <= acceptable


def given_surname_query(name: str) -> str | None:
    """``Given Middle SURNAME1 SURNAME2`` -> ``Given Surname1`` (a particle stays with its surname);
    None when that is the whole name already."""
    split = split_person(name)
    if split is None or not all(_plain(t) for t in name.split()) or looks_korean(name):
        return None  # a Korean given name is two syllables, not a first and a middle name
    given, surnames = split
    end = next((i for i, t in enumerate(surnames) if not _particle(t)), None)
    if end is None or len(given[0]) < 2:
        return None
    tokens = [given[0], *surnames[: end + 1]]
    if len(tokens) == len(name.split()):
        return None
    return " ".join(t.title() if t.isupper() else t for t in tokens)


def build_given_surname_set(entities: Sequence[Entity], *, seed: int, size: int, label: str = "") -> list[Case]:
    """People queried by first given name and first surname only, each query naming one record alone."""
    names = ListNames(entities)
    rng = random.Random(f"{seed}:{label}:given_surname")
    out: list[Case] = []
    seen: set[str] = set()
    for e in _round_robin(rng, (e for e in entities if e.schema == "Person")):
        if len(out) >= size:
            break
        primary = e.caption
        text = given_surname_query(primary)
        if text is None or text in seen:
            continue
        acceptable = names.acceptable(primary, e)
        if not _fair("given_surname", text, primary, acceptable, names):
            continue
        seen.add(text)
        q = Query(f"{label}g-{len(out)}", text, schema="Person")
        out.append(Case(q, "given_surname", "given_surname", e.id, acceptable, primary))
    return out
