"""Candidate index: find the few list entities worth scoring for a query.

Built once from the loaded entities. Every name is reduced to phonetic token keys
(:func:`~sanctionwatch.screening.normalise.phonetic_key`); the index maps

* each token key, and the key of adjacent tokens written together ("YU JONG" ->
  "YUJONG") and of the whole name, to the names that contain it;
* each token key to its one-deletion variants, so a query token with a typo finds
  the keys within one or two edits without a scan of the vocabulary;
* IMO and MMSI numbers to their entities (exact keys).

A query collects, per name, the inverse-document-frequency weight of the keys it
shares, and the best ``max_candidates`` entities go to the scoring algorithm.
No query ever touches every record.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, AnyStr

import numpy as np
from rapidfuzz.distance import OSA

from ..identifiers import imo_check_digit_ok, imo_number, mmsi_number
from ..model.entity import Entity
from ..settings import load_config
from .config import ScreeningConfig
from .normalise import (
    BUSINESS_WORDS,
    GENERIC_WORDS,
    case_pieces,
    compact_name,
    country_code,
    cyrillic_traditional_variant,
    joined_key,
    korean_reading,
    korean_syllables,
    legal_forms,
    name_tokens,
    name_tokens_v2,
    phonetic_key,
    script_of,
    structured_name_tokens,
)

if TYPE_CHECKING:
    from .screen import Query

GENERIC_KEYS = frozenset(phonetic_key(w) for w in GENERIC_WORDS)
BUSINESS_KEYS = frozenset(phonetic_key(w) for w in BUSINESS_WORDS)


@dataclass(frozen=True, slots=True)
class PreparedName:
    """One name ready for comparison: spelling tokens, their keys and weights."""

    text: str  # as written
    kind: str  # primary, alias, weak_alias, previous; "query" for query names
    tokens: tuple[str, ...]  # spellings (normalise.name_tokens)
    keys: tuple[str, ...]  # phonetic keys, one per token
    keyset: frozenset[str]  # the same keys as a set
    idf: tuple[float, ...]  # inverse document frequency of each key among list names
    generic: tuple[bool, ...]  # token is a generic word (normalise.GENERIC_WORDS)
    business: tuple[bool, ...]  # ... and among them a business word (normalise.BUSINESS_WORDS)
    script: str  # latin, hangul, han, cyrillic, other (normalise.script_of)
    spans: Mapping[str, tuple[int, ...]]  # key of 2-3 adjacent tokens written together -> their positions
    # Read by dprk-v2 only (empty under v1):
    qualifier: tuple[bool, ...] = ()  # token came from a parenthesis: "(PTY)", "(HONG KONG)"
    weak: tuple[bool, ...] = ()  # qualifier, legal form, country or 1-2 letters: never a match on its own
    syllables: tuple[int, ...] = ()  # Korean syllables the token can be read as (normalise.korean_syllables)
    pieces: Mapping[int, tuple[str, ...]] = field(default_factory=dict)  # token -> keys of its case pieces
    korean: bool = False  # every token reads as one or two Korean syllables: a Korean name, no middle names
    typeable: tuple[bool, ...] = ()  # token may carry a typo: not a qualifier, number or legal form
    # Read by dprk-v3 only (empty before):
    compact: str = ""  # the main part's letters and digits run together (normalise.compact_name)


@dataclass(frozen=True, slots=True)
class IndexedEntity:
    """A list entity with its names prepared and identifiers normalised."""

    entity: Entity
    names: tuple[PreparedName, ...]
    imo: frozenset[str]
    mmsi: frozenset[str]
    birth_dates: tuple[str, ...]
    countries: frozenset[str]


@dataclass(frozen=True, slots=True)
class PreparedQuery:
    """A :class:`~sanctionwatch.screening.screen.Query` normalised against an index."""

    id: str
    names: tuple[PreparedName, ...]
    schema: str | None
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    imo: frozenset[str]
    mmsi: frozenset[str]
    notes: tuple[str, ...]  # input that was not used, and why
    # Keys a list name must share with the query's names to be aligned with them (telling_keys);
    # the same for every candidate, so found once.
    name_keys: frozenset[str] = frozenset()


_PARENTHESIS_RE = re.compile(r"\s*\(([^()]*)\)\s*")
_WORD_RE = re.compile(r"[^\W_]+")
# Combining marks other than the breve (U+0306, Ch'ŏl) and the apostrophe-like ones.
_FOREIGN_ACCENT_RE = re.compile("[\u0300-\u0305\u0307-\u036f]")


def name_variants(text: str) -> list[str]:
    """A list name and, when it has a parenthesis, the name without it and the parenthesis alone.

    Lists put acronyms and other-script forms in brackets: "GENERAL BUREAU OF
    ATOMIC ENERGY (GBAE)", "Jin Tiesan (金铁三)"; each part is a name of its own.
    Only one-word or other-script parentheses stand alone: "LEADER (HONG KONG)
    INTERNATIONAL" does not make "HONG KONG" a name.
    """
    if not _PARENTHESIS_RE.search(text):
        return [text]
    inner = [m.strip() for m in _PARENTHESIS_RE.findall(text) if m.strip() and (len(m.split()) == 1 or not m.isascii())]
    outer = " ".join(_PARENTHESIS_RE.sub(" ", text).split())
    return [text, *([outer] if outer else []), *inner]


def _other_readings(text: str) -> list[str]:
    return [v for v in (korean_reading(text), cyrillic_traditional_variant(text)) if v]


def query_name_variants(text: str) -> list[str]:
    """:func:`name_variants` plus readings of other scripts a query may need.

    A Han-script name is also read the Korean way (Hanja), a Cyrillic one also
    in the traditional Russian spelling of Korean vowels.
    """
    out = name_variants(text)
    return out + [v for v in _other_readings(text) if v not in out]


@lru_cache(maxsize=8192)
def _is_acronym(acronym: str, words: tuple[str, ...]) -> bool:
    """``acronym`` is made of word beginnings of ``words`` in order (GBAE, KOMID = KOrea MIning Development)."""
    if not acronym:
        return True
    return any(
        acronym[:k] == word[:k] and _is_acronym(acronym[k:], words[j + 1 :])
        for j, word in enumerate(words)
        for k in range(min(len(acronym), len(word)), 0, -1)
    )


def qualified_names(text: str) -> list[tuple[str, str]]:
    """(name, qualifiers) pairs for a name: the parenthesised parts are qualifiers of the rest.

    "ONE CLASS PROPERTIES (PTY) LTD." -> ("ONE CLASS PROPERTIES LTD.", "PTY"): a
    parenthesis says which branch, country or form, never who. It stands as a
    name of its own only when it is the name in another script ("Jin Tiesan
    (金铁三)") or an acronym of the rest ("GENERAL BUREAU OF ATOMIC ENERGY (GBAE)").
    """
    inner = [m.strip() for m in _PARENTHESIS_RE.findall(text) if m.strip()]
    if not inner:
        return [(text, "")]
    outer = " ".join(_PARENTHESIS_RE.sub(" ", text).split())
    words = tuple(w.casefold() for w in _WORD_RE.findall(outer))
    alone = [
        m
        for m in inner
        if not m.isascii()
        or (len(m.split()) == 1 and len(m.replace(".", "")) >= 3 and _is_acronym(m.replace(".", "").casefold(), words))
    ]
    qualifiers = " ".join(m for m in inner if m not in alone)
    return ([(outer, qualifiers)] if outer else []) + [(m, "") for m in alone]


@dataclass(frozen=True, slots=True)
class NameReading:
    """How an algorithm version reads names into tokens; the index and queries follow it.

    ``v1``: parenthesised parts are names of their own, every token carries the
    same kind of weight. ``v2``: parentheses are qualifiers
    (:func:`qualified_names`), tokens are marked weak, Korean or split by case,
    and the names of companies, ships and bodies go through the Korean company
    vocabulary (:func:`~sanctionwatch.screening.normalise.translate_korean_words`).
    """

    version: str
    # Candidate ranking from v2 on: a list name's weight beyond what it shares with the
    # query counts this many times (v1 counts a list name's whole weight).
    extra_weight: float = 1.0
    min_share: float = 0.0  # candidates below this share of the best candidate's score are not scored
    # From v3 on: names are also read run together (normalise.compact_name) and looked up within one edit.
    compact: bool = False
    compact_min_letters: int = 5  # shorter compact names are not indexed run together
    # From v3 on: a Korean name has at most this many syllables in all (KIM JONG UN: 3), so that
    # MALEK REUBEN RIAK RENGU, short words every one, may still carry a middle name. 0: no limit.
    korean_max_syllables: int = 0
    # The tokeniser's word tables and Korean vocabulary (normalise.structured_name_tokens): 2 from v2 on, 4 from v4.
    words: int = 2

    @property
    def structured(self) -> bool:
        """True from v2 on: names carry qualifiers, weak tokens and Korean syllables."""
        return self.version != "v1"


READING_V1 = NameReading("v1")
READING_V2 = NameReading("v2", extra_weight=0.25, min_share=0.5)
READING_V3 = NameReading("v3", extra_weight=0.25, min_share=0.5, compact=True, korean_max_syllables=5)
READING_V4 = NameReading("v4", extra_weight=0.25, min_share=0.5, compact=True, korean_max_syllables=5, words=4)


def _spans(tokens: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    spans: dict[str, tuple[int, ...]] = {}
    for width in (2, 3):
        for start in range(len(tokens) - width + 1):
            if not any(t.isdigit() for t in tokens[start : start + width]):
                spans.setdefault(joined_key(tokens[start : start + width]), tuple(range(start, start + width)))
    return spans


@dataclass(frozen=True, slots=True)
class _Reading:
    """One way of reading a written name: display text, the text the tokens came from, tokens."""

    text: str  # as shown to the analyst
    raw: str  # the part the main tokens were read from (case is kept: case_pieces)
    tokens: tuple[str, ...]
    qualifier: tuple[bool, ...] = ()
    person: bool = False  # a person's name: countries in it are names (MONTENEGRO), not places

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(phonetic_key(t) for t in self.tokens)


def telling_keys(name: PreparedName) -> frozenset[str]:
    """A name's keys less those of weak tokens (v2 marks them; "AL", "(PTY)" select no list name),
    and the keys of its adjacent tokens written together."""
    if not name.weak or not any(name.weak):
        return name.keyset | name.spans.keys()
    return frozenset(k for k, weak in zip(name.keys, name.weak) if not weak) | name.spans.keys()


def _main_tokens(name: PreparedName) -> tuple[str, ...]:
    """The tokens of a name less its qualifiers (they come last)."""
    return name.tokens[: len(name.tokens) - sum(name.qualifier)]


@lru_cache(maxsize=65536)
def _is_country(text: str) -> bool:
    return len(text) > 2 and country_code(text) is not None


def _weak_tokens(
    tokens: tuple[str, ...], qualifier: tuple[bool, ...], korean: bool, person: bool, *, forms: bool = True
) -> tuple[bool, ...]:
    """Tokens that never make a match on their own: qualifiers, legal forms, countries, 1-2 letters.

    In a Korean name short tokens are syllables of the name (CHO IL U), not initials
    or codes; in a person's name a country is a name (Luis MONTENEGRO). With
    ``forms=False`` (dprk-v3, for people's names) a legal-form word is a name too
    (UG is the German UG and the Korean syllable 욱).
    """
    short = 0 if korean else 2
    weak = [
        q or (forms and t in legal_forms()) or (len(t) <= short and not t.isdigit()) for t, q in zip(tokens, qualifier)
    ]
    for width in () if person else (3, 2, 1):  # "united arab emirates", "hong kong", "singapore"
        for start in range(len(tokens) - width + 1):
            if _is_country(" ".join(tokens[start : start + width])):
                weak[start : start + width] = [True] * width
    return tuple(weak)


def _runs(values: np.ndarray) -> np.ndarray:
    """Marks where a run of equal values begins in a sorted non-empty array."""
    starts = np.empty(len(values), dtype=bool)
    starts[0] = True
    np.not_equal(values[1:], values[:-1], out=starts[1:])
    return starts


_NONE: frozenset[str] = frozenset()


def _frozen(values: Iterable[str]) -> frozenset[str]:
    """``frozenset(values)``, the empty one shared: most records have no IMO, MMSI or country, and
    every frozenset is an object the garbage collector walks."""
    found = frozenset(values)
    return found if found else _NONE


def _deletions(key: AnyStr) -> set[AnyStr]:
    """``key`` with one letter (or byte) left out, each way."""
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _compact_hashes(compact: str) -> list[int]:
    """CRC-32 of a compact name and of its one-deletion variants: two names within one edit share one.

    A content hash (not Python's per-process ``hash``), so a pickled index answers alike in any process.
    """
    data = compact.encode()
    # ASCII, as most compact names are: a letter left out is a byte left out, and bytes need no encoding.
    variants = {data, *_deletions(data)} if len(data) == len(compact) else {compact, *_deletions(compact)}
    return [zlib.crc32(v if isinstance(v, bytes) else v.encode()) for v in variants]


class CandidateIndex:
    """Blocking index over entities; see the module docstring."""

    def __init__(
        self,
        entities: Sequence[Entity],
        settings: ScreeningConfig | None = None,
        *,
        reading: NameReading = READING_V1,
    ) -> None:
        self.settings = settings or load_config(ScreeningConfig)
        self.reading = reading
        tokenised: list[tuple[int, str, str, _Reading]] = []
        df: dict[str, int] = defaultdict(int)
        for ei, entity in enumerate(entities):
            seen: set[tuple[tuple[str, ...], tuple[bool, ...], str]] = set()
            for name in entity.names:
                for read in self._read(name.value, person=entity.schema == "Person"):
                    # From v3 on names are also compared written together: same tokens, other letters, other name.
                    same = (read.tokens, read.qualifier, compact_name(read.raw) if reading.compact else "")
                    if not read.tokens or same in seen:
                        continue
                    seen.add(same)
                    tokenised.append((ei, read.text, name.kind, read))
                    for key in set(read.keys):
                        df[key] += 1
        self.name_count = len(tokenised)
        # Each key's weight once, not a logarithm per lookup (every query looks up most of its keys several times).
        self._idf = {key: math.log((self.name_count + 1) / (n + 1)) + 1.0 for key, n in df.items()}
        self._unseen_idf = math.log(self.name_count + 1) + 1.0

        postings: dict[str, list[int]] = defaultdict(list)  # token key -> name ids
        joined: dict[str, list[int]] = defaultdict(list)  # key of tokens written together -> name ids
        self._name_entity: list[int] = []
        self._name_position: list[int] = []  # the name's place among its entity's prepared names
        self._name_weight: list[float] = []  # sum of the name's key weights, to rank by coverage
        names_of: list[list[PreparedName]] = [[] for _ in entities]
        for nid, (ei, text, kind, read) in enumerate(tokenised):
            prepared = self._prepared(text, kind, read)
            names_of[ei].append(prepared)
            self._name_entity.append(ei)
            self._name_position.append(len(names_of[ei]) - 1)
            self._name_weight.append(sum(prepared.idf))
            for key in set(read.keys):
                postings[key].append(nid)
            for key in self._joined_keys(_main_tokens(prepared)):
                joined[key].append(nid)
        # Tuples, not lists: a tuple of numbers is left out of the garbage collector's walks (see _deletion_table).
        self._tables: dict[str, dict[str, Any]] = {
            name: {k: tuple(v) for k, v in table.items()} for name, table in (("token", postings), ("joined", joined))
        }
        if reading.structured:
            # Postings as arrays, for the vectorised ranking (and a cheap section each in the index file).
            self._tables = {
                name: {k: np.asarray(v, dtype=np.int32) for k, v in table.items()}
                for name, table in self._tables.items()
            }
            self._name_entity_array = np.asarray(self._name_entity, dtype=np.int32)
            self._name_weight_array = np.asarray(self._name_weight)
            # Keys too common to walk, as masks over names: a lookup per query instead of a set operation.
            self._common = {
                key: np.isin(np.arange(self.name_count), ids)
                for key, ids in self._tables["token"].items()
                if len(ids) > self.settings.max_postings
            }
        self._postings, self._joined = self._tables["token"], self._tables["joined"]

        if reading.compact:
            # Sorted (hash, name id) arrays: names within one edit of each other run together.
            pairs: list[tuple[int, int]] = []
            for nid, ei in enumerate(self._name_entity):
                compact = names_of[ei][self._name_position[nid]].compact
                if len(compact) >= reading.compact_min_letters:
                    pairs += [(h, nid) for h in _compact_hashes(compact)]
            table = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
            order = np.argsort(table[:, 0], kind="stable")
            self._compact_hash = table[order, 0]
            self._compact_name = table[order, 1].astype(np.int32)
        self._deletes = self._deletion_table(self._postings)
        # v2 also looks typos up by spelling: a key can spread a typo ("aiuyun" keys to "oyon", "xiuyun" to "xioyon").
        self._spelling_key = (
            {t: k for _, _, _, read in tokenised for t, k in zip(read.tokens, read.keys)} if reading.structured else {}
        )
        self._spelling_deletes = self._deletion_table(self._spelling_key)

        imo_of: dict[str, list[int]] = defaultdict(list)
        mmsi_of: dict[str, list[int]] = defaultdict(list)
        indexed = []
        for ei, entity in enumerate(entities):
            imos = _frozen(filter(None, (imo_number(v) for v in entity.identifier_values("imoNumber"))))
            mmsis = _frozen(filter(None, (mmsi_number(v) for v in entity.identifier_values("mmsi"))))
            for v in imos:
                imo_of[v].append(ei)
            for v in mmsis:
                mmsi_of[v].append(ei)
            indexed.append(
                IndexedEntity(
                    entity=entity,
                    names=tuple(names_of[ei]),
                    imo=imos,
                    mmsi=mmsis,
                    birth_dates=tuple(entity.birth_dates),
                    countries=_frozen(c.lower() for c in entity.countries),
                )
            )
        self.entities: tuple[IndexedEntity, ...] = tuple(indexed)
        self._imo_of = dict(imo_of)
        self._mmsi_of = dict(mmsi_of)

    def __len__(self) -> int:
        return len(self.entities)

    # -- preparation ---------------------------------------------------------------

    def idf(self, key: str) -> float:
        """Inverse document frequency of a key among the indexed names (unseen keys weigh most)."""
        return self._idf.get(key, self._unseen_idf)

    def _read(self, value: str, *, person: bool, query: bool = False) -> list[_Reading]:
        """The token readings of one written name under this index's :class:`NameReading`."""
        if not self.reading.structured:
            variants = query_name_variants(value) if query else name_variants(value)
            return [_Reading(text, text, name_tokens(text)) for text in variants]
        out = []
        for written in [value, *_other_readings(value)] if query else [value]:
            for main, qualifiers in qualified_names(written):
                # Company vocabulary for companies, ships and bodies: 해운 is also a given name.
                tokens = structured_name_tokens(main, person=person, words=self.reading.words)
                extra = tuple(dict.fromkeys(t for t in name_tokens_v2(qualifiers) if t not in legal_forms()))
                extra = tuple(t for t in extra if t not in tokens) if qualifiers else ()
                text = written if qualifiers else main
                flags = (False,) * len(tokens) + (True,) * len(extra)
                out.append(_Reading(text, main, tokens + extra, flags, person))
        return out

    def _prepared(self, text: str, kind: str, read: _Reading) -> PreparedName:
        tokens, keys = read.tokens, read.keys
        structured = {}
        if self.reading.structured:
            pieces = case_pieces(read.raw)
            # Letters with accents other than the breve of McCune-Reischauer (Tùng Dương) write no Korean name.
            foreign = script_of(read.raw) == "other" and bool(
                _FOREIGN_ACCENT_RE.search(unicodedata.normalize("NFD", read.raw))
            )
            syllables = tuple(0 if foreign else korean_syllables(t) for t in tokens)
            main = [s for s, q, t in zip(syllables, read.qualifier, tokens) if not q and not t.isdigit()]
            korean = len(main) > 1 and all(0 < s <= 2 for s in main)
            if self.reading.korean_max_syllables:
                korean = korean and sum(main) <= self.reading.korean_max_syllables
            structured = {
                "qualifier": read.qualifier,
                "weak": _weak_tokens(
                    tokens, read.qualifier, korean, read.person, forms=not (read.person and self.reading.compact)
                ),
                "syllables": syllables,
                "pieces": {i: tuple(phonetic_key(p) for p in pieces[t]) for i, t in enumerate(tokens) if t in pieces},
                "korean": korean,
                "typeable": tuple(
                    not q and not t.isdigit() and t not in legal_forms() for t, q in zip(tokens, read.qualifier)
                ),
            }
            if self.reading.compact:
                structured["compact"] = compact_name(read.raw)
        return PreparedName(
            text=text,
            kind=kind,
            tokens=tokens,
            keys=keys,
            keyset=frozenset(keys),
            idf=tuple(self.idf(k) for k in keys),
            generic=tuple(t in GENERIC_WORDS or k in GENERIC_KEYS for t, k in zip(tokens, keys)),
            business=tuple(t in BUSINESS_WORDS or k in BUSINESS_KEYS for t, k in zip(tokens, keys)),
            script=script_of(text),
            spans=_spans(tokens[: len(tokens) - sum(read.qualifier)]),
            **structured,  # type: ignore[arg-type]
        )

    def prepare_name(self, text: str, kind: str = "query", *, person: bool = False) -> PreparedName | None:
        """A query name prepared with this index's weights; None when nothing is left of it."""
        found = self.prepare_names(text, kind, person=person, variants=False)
        return found[0] if found else None

    def prepare_names(
        self, text: str, kind: str = "query", *, person: bool = False, variants: bool = True
    ) -> list[PreparedName]:
        """Every reading of a query name (parenthesis, other scripts) prepared with this index's weights."""
        reads = self._read(text, person=person, query=True) if variants else self._read(text, person=person)[:1]
        return [self._prepared(r.text, kind, r) for r in reads if r.tokens]

    def prepare(self, query: Query) -> PreparedQuery:
        """Normalise a query: names, identifiers (IMO check digit), dates, country."""
        notes: list[str] = []
        names = []
        for given in (query.name, *query.aliases):
            if given:
                names += self.prepare_names(given, person=query.schema == "Person")
        imos: set[str] = set()
        if query.imo:
            imo = imo_number(query.imo)
            if imo is None:
                notes.append(f"IMO {query.imo!r} ignored: not a 7-digit number")
            elif query.schema == "Vessel" and not imo_check_digit_ok(imo):
                notes.append(f"IMO {imo} ignored: check digit fails, not a ship IMO number")
            else:
                imos.add(imo)
        mmsis: set[str] = set()
        if query.mmsi:
            mmsi = mmsi_number(query.mmsi)
            if mmsi is None:
                notes.append(f"MMSI {query.mmsi!r} ignored: not a 9-digit number")
            else:
                mmsis.add(mmsi)
        countries: set[str] = set()
        if query.nationality:
            code = country_code(query.nationality)
            if code is None:
                notes.append(f"nationality {query.nationality!r} ignored: unknown country")
            else:
                countries.add(code)
        return PreparedQuery(
            id=query.id,
            names=tuple(names),
            schema=query.schema,
            birth_dates=(query.birth_date,) if query.birth_date else (),
            countries=frozenset(countries),
            imo=frozenset(imos),
            mmsi=frozenset(mmsis),
            notes=tuple(notes),
            name_keys=frozenset().union(*(telling_keys(n) for n in names)),
        )

    # -- blocking ------------------------------------------------------------------

    def _joined_keys(self, tokens: tuple[str, ...]) -> set[str]:
        """Keys of a name's adjacent token pairs and of the whole name written together."""
        keys = {joined_key(tokens[i : i + 2]) for i in range(len(tokens) - 1)}
        if self.reading.structured:  # three syllables run together: HAP JANG GANG = HAPJANGGANG
            keys |= {joined_key(tokens[i : i + 3]) for i in range(len(tokens) - 2)}
        if 2 < len(tokens) <= self.settings.max_joined_tokens:
            keys.add(joined_key(tokens))
        return keys

    def _deletion_table(self, words: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
        """One-deletion variant -> the words it comes from (words long enough for a typo lookup).

        Tuples, not lists: the garbage collector stops tracking a tuple of strings, and a full
        collection walks every object it tracks (hundreds of thousands of lists here: a tenth
        of a second or more per collection while screening).
        """
        deletes: dict[str, list[str]] = defaultdict(list)
        for word in words:
            if len(word) >= self.settings.fuzzy_min_length and not word.isdigit():
                for d in _deletions(word):
                    deletes[d].append(word)
        return {d: tuple(found) for d, found in deletes.items()}

    def _near(
        self, word: str, deletes: Mapping[str, Sequence[str]], known: Mapping[str, object]
    ) -> list[tuple[str, float]]:
        """Words of ``known`` within a typo or two of ``word`` (one-deletion neighbourhood), with similarity."""
        found: set[str] = set(deletes.get(word, ()))
        for d in _deletions(word):
            if d in known:
                found.add(d)
            found.update(deletes.get(d, ()))
        out = []
        for other in found:
            sim = OSA.normalized_similarity(word, other)
            if sim >= self.settings.fuzzy_min_similarity:
                out.append((other, sim))
        return out

    def _similar_keys(self, key: str, token: str = "") -> list[tuple[str, float]]:
        """Indexed keys within a typo or two of ``key`` (and, from v2 on, of the spelling ``token``), with similarity."""
        near = dict(self._near(key, self._deletes, self._postings))
        for spelling, sim in self._near(token, self._spelling_deletes, self._spelling_key) if token else ():
            other = self._spelling_key[spelling]
            near[other] = max(sim, near.get(other, 0.0))
        return list(near.items())

    def candidates(self, query: PreparedQuery) -> list[IndexedEntity]:
        """Entities worth scoring for ``query``: identifier hits first, then the best name hits."""
        chosen: dict[int, None] = {}
        for imo in query.imo:
            chosen.update(dict.fromkeys(self._imo_of.get(imo, ())))
        for mmsi in query.mmsi:
            chosen.update(dict.fromkeys(self._mmsi_of.get(mmsi, ())))
        limit = self.settings.max_candidates
        if not self.reading.structured:
            for name in query.names:
                chosen.update(dict.fromkeys(self._ranked_v1(name, limit)))
            return [self.entities[ei] for ei in chosen]
        # From v2 on an entity is scored on the names that were found for it (not
        # all of a record's aliases); an identifier hit keeps them all.
        found: dict[int, set[int] | None] = dict.fromkeys(chosen)
        for name in query.names:
            ranked = self._ranked(name, limit)
            if self.reading.compact:
                ranked += self._compact_ranked(name, limit)
            for ei, positions in ranked:
                if ei not in found:
                    found[ei] = set(positions)
                elif found[ei] is not None:
                    found[ei] |= positions  # type: ignore[operator]
        return [self._view(ei, names) for ei, names in found.items()]

    def _compact_ranked(self, name: PreparedName, limit: int) -> list[tuple[int, set[int]]]:
        """Entities with a name within one edit of ``name`` run together (v3 on), with those names.

        Finds what spacing hides from the token keys: TRADINGHOUSE, SER VICES, VERSORS.R.O.
        """
        if len(name.compact) < self.reading.compact_min_letters:
            return []
        # Each hash h and h + 1 in ascending order: one search gives every hash's run of names
        # (numpy's search starts each needle from the last one's place when the needles ascend).
        # A few dozen numbers: read in Python, not through more numpy calls.
        needles = np.array([h + d for h in sorted(_compact_hashes(name.compact)) for d in (0, 1)], dtype=np.int64)
        bounds = self._compact_hash.searchsorted(needles).tolist()
        # Most variants name nothing: only the runs found are sliced.
        hits = [self._compact_name[a:b].tolist() for a, b in zip(bounds[0::2], bounds[1::2]) if b > a]
        if not hits:
            return []
        by_entity: dict[int, set[int]] = {}
        for nid in sorted(set().union(*hits)):
            by_entity.setdefault(self._name_entity[nid], set()).add(self._name_position[nid])
        return sorted(by_entity.items())[:limit]

    def _view(self, ei: int, positions: set[int] | None) -> IndexedEntity:
        entity = self.entities[ei]
        if positions is None or len(positions) == len(entity.names):
            return entity
        names = tuple(n for i, n in enumerate(entity.names) if i in positions)
        return IndexedEntity(entity.entity, names, entity.imo, entity.mmsi, entity.birth_dates, entity.countries)

    def _ranked_v1(self, name: PreparedName, limit: int) -> list[int]:
        """The ``limit`` entities whose names share most weight with ``name`` (dprk-v1)."""
        scores: dict[int, float] = defaultdict(float)
        lookups = [(self._tables[table][key], weight) for table, key, weight in self._lookups(name)]
        rare = [lk for lk in lookups if len(lk[0]) <= self.settings.max_postings]
        for postings, weight in rare or lookups:
            for nid in postings:
                scores[nid] += weight
        # Rank names by the share of both names' weight they have in common, so
        # "KIM CHOL" ranks above "KIM CHOL SU" for the query "Chol Kim".
        query_weight = sum(name.idf)
        by_entity: dict[int, float] = {}
        for nid, shared in scores.items():
            ei = self._name_entity[nid]
            score = shared / (query_weight + self._name_weight[nid])
            if score > by_entity.get(ei, 0.0):
                by_entity[ei] = score
        best = heapq.nsmallest(limit, by_entity.items(), key=lambda kv: (-kv[1], kv[0]))
        return [ei for ei, _ in best]

    def _ranked(self, name: PreparedName, limit: int) -> list[tuple[int, set[int]]]:
        """The ``limit`` entities whose names share most weight with ``name``, with those names (v2 on).

        Vectorised. A list name's parts beyond the query's weigh ``extra_weight``
        (middle names may be left out), common keys are not walked but still count
        for the names found ("CHO IL U"), entities below ``min_share`` of the best
        are left out, and so are an entity's names below ``min_share`` of its best.
        """
        lookups = [(self._tables[table][key], weight) for table, key, weight in self._lookups(name)]
        rare = [lk for lk in lookups if len(lk[0]) <= self.settings.max_postings]
        walked = rare or lookups
        if not walked:
            return []
        ids = np.concatenate([p for p, _ in walked])
        # The array's own repeat: np.repeat of a list goes through a slower wrapper.
        weights = np.array([w for _, w in walked]).repeat([len(p) for p, _ in walked])
        # The distinct names and the weight each shares (np.unique's steps without its overhead; a stable
        # sort keeps each name's weights in walking order, so the sums are bit for bit the same).
        order = ids.argsort(kind="stable")
        ids = ids[order]
        new = _runs(ids)
        nids = ids[new]
        shared = np.bincount(new.cumsum() - 1, weights=weights[order])
        if rare:
            for key in {k for k in name.keys if k in self._common}:
                shared += self._common[key][nids] * self.idf(key)
        extra = np.maximum(0.0, self._name_weight_array[nids] - shared)
        score = shared / (sum(name.idf) + self.reading.extra_weight * extra)
        # Names are numbered entity by entity, so the names found come in runs of one entity each.
        entity = self._name_entity_array[nids]
        starts = _runs(entity)
        first, run = starts.nonzero()[0], starts.cumsum() - 1
        # Each entity's best name, then the best entities (ties by entity position: a stable sort of ascending ids).
        tops = np.maximum.reduceat(score, first)
        found = tops.nonzero()[0]
        if not found.size:
            return []
        best = found[np.argsort(-tops[found], kind="stable")[:limit]]
        best = best[tops[best] >= self.reading.min_share * tops[best[0]]]
        # The chosen entities' names found, each at least min_share of its entity's best.
        chosen = np.zeros(len(first), dtype=bool)
        chosen[best] = True
        keep = chosen[run] & (score >= self.reading.min_share * tops[run])
        out: dict[int, set[int]] = {ei: set() for ei in entity[first[best]].tolist()}
        for nid, ei in zip(nids[keep].tolist(), entity[keep].tolist()):
            out[ei].add(self._name_position[nid])
        return list(out.items())

    def _lookups(self, name: PreparedName) -> Iterable[tuple[str, str, float]]:
        """(postings table: ``token`` or ``joined``, key, weight) a query name is looked up by.

        Token keys meet token keys, and the other name's tokens written together
        (YUJONG = YU + JONG); the query's joined tokens meet token keys only, so
        no evidence is counted twice. A token without an indexed key is looked
        up through its typo neighbourhood.
        """
        seen: set[str] = set()
        main = _main_tokens(name)
        for token, key in zip(main, name.keys):
            if key in seen:
                continue
            seen.add(key)
            weight = self.idf(key)
            if key in self._postings:
                yield "token", key, weight
            if key in self._joined:
                yield "joined", key, weight
            if key not in self._postings and len(key) >= self.settings.fuzzy_min_length and not token.isdigit():
                for other, sim in self._similar_keys(key, token if self.reading.structured else ""):
                    yield "token", other, self.idf(other) * sim
        for key in self._joined_keys(main) - seen:
            if key in self._postings:
                yield "token", key, self.idf(key)
