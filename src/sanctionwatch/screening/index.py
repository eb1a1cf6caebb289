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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from ..identifiers import imo_check_digit_ok, imo_number, mmsi_number
from ..model.entity import Entity
from ..settings import load_config
from .config import ScreeningConfig
from .normalise import (
    BUSINESS_WORDS,
    GENERIC_WORDS,
    country_code,
    cyrillic_traditional_variant,
    joined_key,
    korean_reading,
    name_tokens,
    phonetic_key,
    script_of,
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


_PARENTHESIS_RE = re.compile(r"\s*\(([^()]*)\)\s*")


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


def query_name_variants(text: str) -> list[str]:
    """:func:`name_variants` plus readings of other scripts a query may need.

    A Han-script name is also read the Korean way (Hanja), a Cyrillic one also
    in the traditional Russian spelling of Korean vowels.
    """
    out = name_variants(text)
    extra = [v for v in (korean_reading(text), cyrillic_traditional_variant(text)) if v]
    return out + [v for v in extra if v not in out]


def _spans(tokens: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    spans: dict[str, tuple[int, ...]] = {}
    for width in (2, 3):
        for start in range(len(tokens) - width + 1):
            if not any(t.isdigit() for t in tokens[start : start + width]):
                spans.setdefault(joined_key(tokens[start : start + width]), tuple(range(start, start + width)))
    return spans


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


class CandidateIndex:
    """Blocking index over entities; see the module docstring."""

    def __init__(self, entities: Sequence[Entity], settings: ScreeningConfig | None = None) -> None:
        self.settings = settings or load_config(ScreeningConfig)
        tokenised: list[tuple[int, str, str, tuple[str, ...], tuple[str, ...]]] = []
        df: dict[str, int] = defaultdict(int)
        for ei, entity in enumerate(entities):
            seen: set[tuple[str, ...]] = set()
            for name in entity.names:
                for text in name_variants(name.value):
                    tokens = name_tokens(text)
                    if not tokens or tokens in seen:
                        continue
                    seen.add(tokens)
                    keys = tuple(phonetic_key(t) for t in tokens)
                    tokenised.append((ei, text, name.kind, tokens, keys))
                    for key in set(keys):
                        df[key] += 1
        self.name_count = len(tokenised)
        self._df = dict(df)
        self._unseen_idf = math.log(self.name_count + 1) + 1.0

        postings: dict[str, list[int]] = defaultdict(list)  # token key -> name ids
        joined: dict[str, list[int]] = defaultdict(list)  # key of tokens written together -> name ids
        self._name_entity: list[int] = []
        self._name_weight: list[float] = []  # sum of the name's key weights, to rank by coverage
        names_of: list[list[PreparedName]] = [[] for _ in entities]
        for nid, (ei, text, kind, tokens, keys) in enumerate(tokenised):
            prepared = self._prepared(text, kind, tokens, keys)
            names_of[ei].append(prepared)
            self._name_entity.append(ei)
            self._name_weight.append(sum(prepared.idf))
            for key in set(keys):
                postings[key].append(nid)
            for key in self._joined_keys(tokens):
                joined[key].append(nid)
        self._postings = dict(postings)
        self._joined = dict(joined)

        deletes: dict[str, list[str]] = defaultdict(list)
        for key in self._postings:
            if len(key) >= self.settings.fuzzy_min_length and not key.isdigit():
                for d in _deletions(key):
                    deletes[d].append(key)
        self._deletes = dict(deletes)

        imo_of: dict[str, list[int]] = defaultdict(list)
        mmsi_of: dict[str, list[int]] = defaultdict(list)
        indexed = []
        for ei, entity in enumerate(entities):
            imos = frozenset(filter(None, (imo_number(v) for v in entity.identifier_values("imoNumber"))))
            mmsis = frozenset(filter(None, (mmsi_number(v) for v in entity.identifier_values("mmsi"))))
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
                    countries=frozenset(c.lower() for c in entity.countries),
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
        df = self._df.get(key)
        if df is None:
            return self._unseen_idf
        return math.log((self.name_count + 1) / (df + 1)) + 1.0

    def _prepared(self, text: str, kind: str, tokens: tuple[str, ...], keys: tuple[str, ...]) -> PreparedName:
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
            spans=_spans(tokens),
        )

    def prepare_name(self, text: str, kind: str = "query") -> PreparedName | None:
        """A query name prepared with this index's weights; None when nothing is left of it."""
        tokens = name_tokens(text)
        if not tokens:
            return None
        return self._prepared(text, kind, tokens, tuple(phonetic_key(t) for t in tokens))

    def prepare(self, query: Query) -> PreparedQuery:
        """Normalise a query: names, identifiers (IMO check digit), dates, country."""
        notes: list[str] = []
        names = []
        for given in (query.name, *query.aliases):
            for text in query_name_variants(given) if given else ():
                prepared = self.prepare_name(text)
                if prepared is not None:
                    names.append(prepared)
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
        )

    # -- blocking ------------------------------------------------------------------

    def _joined_keys(self, tokens: tuple[str, ...]) -> set[str]:
        """Keys of a name's adjacent token pairs and of the whole name written together."""
        keys = {joined_key(tokens[i : i + 2]) for i in range(len(tokens) - 1)}
        if 2 < len(tokens) <= self.settings.max_joined_tokens:
            keys.add(joined_key(tokens))
        return keys

    def _similar_keys(self, key: str) -> list[tuple[str, float]]:
        """Indexed keys within a typo or two of ``key`` (one-deletion neighbourhood), with similarity."""
        found: set[str] = set(self._deletes.get(key, ()))
        for d in _deletions(key):
            if d in self._postings:
                found.add(d)
            found.update(self._deletes.get(d, ()))
        out = []
        for other in found:
            sim = OSA.normalized_similarity(key, other)
            if sim >= self.settings.fuzzy_min_similarity:
                out.append((other, sim))
        return out

    def candidates(self, query: PreparedQuery) -> list[IndexedEntity]:
        """Entities worth scoring for ``query``: identifier hits first, then the best name hits."""
        chosen: dict[int, None] = {}
        for imo in query.imo:
            chosen.update(dict.fromkeys(self._imo_of.get(imo, ())))
        for mmsi in query.mmsi:
            chosen.update(dict.fromkeys(self._mmsi_of.get(mmsi, ())))
        limit = self.settings.max_candidates
        for name in query.names:
            scores: dict[int, float] = defaultdict(float)
            lookups = list(self._lookups(name))
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
            chosen.update(dict.fromkeys(ei for ei, _ in best))
        return [self.entities[ei] for ei in chosen]

    def _lookups(self, name: PreparedName) -> Iterable[tuple[list[int], float]]:
        """(postings, weight) a query name is looked up by.

        Token keys meet token keys, and the other name's tokens written together
        (YUJONG = YU + JONG); the query's joined tokens meet token keys only, so
        no evidence is counted twice. A token without an indexed key is looked
        up through its typo neighbourhood.
        """
        seen: set[str] = set()
        for token, key in zip(name.tokens, name.keys):
            if key in seen:
                continue
            seen.add(key)
            weight = self.idf(key)
            if key in self._postings:
                yield self._postings[key], weight
            if key in self._joined:
                yield self._joined[key], weight
            if key not in self._postings and len(key) >= self.settings.fuzzy_min_length and not token.isdigit():
                for other, sim in self._similar_keys(key):
                    yield self._postings[other], self.idf(other) * sim
        for key in self._joined_keys(name.tokens) - seen:
            if key in self._postings:
                yield self._postings[key], self.idf(key)
