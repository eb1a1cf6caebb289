"""Named, versioned scoring algorithms built from feature functions.

An algorithm is a name that carries its version (``dprk-v1``), a list of
:class:`Feature` (function, weight, qualifier), its tuning values and its match
threshold. The score is the best weighted *main* feature (name or identifier)
plus the weighted *qualifiers* (negative weights for contradicting evidence),
clipped to [0, 1]. A released version never changes: a new weight or rule is a
new name, and the old one stays in the registry so stored results can be
reproduced.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from ..exc import NotFound
from .features import (
    FeatureFunc,
    FeatureResult,
    country_mismatch,
    dob_day_mismatch,
    dob_year_mismatch,
    identifier_match,
    identifier_mismatch,
    name_match,
    name_match_v2,
    name_match_v3,
    schema_mismatch,
)
from .index import READING_V1, READING_V2, READING_V3, READING_V4, IndexedEntity, NameReading, PreparedQuery


@dataclass(frozen=True, slots=True)
class Feature:
    """A feature function with its weight; qualifiers adjust, main features set the score."""

    func: FeatureFunc
    weight: float
    qualifier: bool = False

    @property
    def name(self) -> str:
        """The feature's name (its function's name)."""
        return self.func.__name__

    @property
    def description(self) -> str:
        """The analyst-facing explanation (the function's docstring)."""
        return " ".join((self.func.__doc__ or "").split())


@dataclass(frozen=True, slots=True)
class Scored:
    """An algorithm's verdict on one candidate."""

    score: float
    results: dict[str, FeatureResult]  # feature name -> result, fired features only


@dataclass(frozen=True)
class Algorithm:
    """A named, versioned scoring algorithm."""

    name: str  # carries the version: "dprk-v1"
    description: str
    features: tuple[Feature, ...]
    threshold: float
    config: Mapping[str, float] = field(default_factory=dict)
    reading: NameReading = READING_V1  # how the index and queries read names for this algorithm
    # From dprk-v3 on: when a record's name is the query's spelled alike (or has every query word so
    # spelled), candidates that agree less (a typo, a folded spelling, a word more or less) are shown
    # but not flagged as matches.
    exact_precedence: bool = False
    # From dprk-v4 on: records whose names agree alike are told apart further (see precedence).
    tie_precedence: bool = False

    def precedence(self, name: FeatureResult, candidate: IndexedEntity) -> tuple[int, ...]:
        """How closely a candidate's name result agrees with the query, to rank records against each other.

        ``NameComparison.agreement`` (with ``tie_precedence``, 0 when a query word only
        matched as the known word it was respelt as: ``respelt``); then, with ``tie_precedence``: 1 when every query
        word is matched (``complete``: a record with each word, one mistyped, before
        one that lacks a word), and for all but people (whose names are written in
        either order) the query's bracketed qualifiers the list name has
        (``qualifiers_shared``: which branch), 1 when the matched words are in the
        query's order (``in_order``), 1 when the names as written, legal forms
        included, are alike (``written_alike``). With ``exact_precedence``, a flagged
        record below the best flagged one is shown, not flagged.
        """
        cmp = name.comparison
        if not self.tie_precedence:
            return (name.agreement,)
        if cmp is None:
            return name.agreement, 0, 0, 0, 0
        agreement = 0 if name.agreement and cmp.respelt else name.agreement
        if candidate.entity.schema == "Person":
            return agreement, int(cmp.complete), 0, 0, 0
        written = cmp.written_alike(int(self.config.get("compact_typo_min_letters", 0)))
        return agreement, int(cmp.complete), cmp.qualifiers_shared, int(cmp.in_order), int(written)

    @cached_property
    def _steps(self) -> tuple[tuple[tuple[str, FeatureFunc, float], ...], tuple[tuple[str, FeatureFunc, float], ...]]:
        """(name, function, weight) of the main features and of the qualifiers, in order (read once per candidate)."""
        main = tuple((f.name, f.func, f.weight) for f in self.features if not f.qualifier)
        return main, tuple((f.name, f.func, f.weight) for f in self.features if f.qualifier)

    @cached_property
    def weights(self) -> Mapping[str, float]:
        """Each feature's weight by its name."""
        return MappingProxyType({f.name: f.weight for f in self.features})

    def score(self, query: PreparedQuery, candidate: IndexedEntity) -> Scored:
        """Score one candidate: best weighted main feature plus weighted qualifiers, clipped to [0, 1]."""
        results: dict[str, FeatureResult] = {}
        main = 0.0
        config = self.config
        main_steps, qualifiers = self._steps
        for name, func, weight in main_steps:
            res = func(query, candidate, config)
            if res.score > 0.0:
                results[name] = res
                main = max(main, res.score * weight)
        score = main
        if main > 0.0:
            for name, func, weight in qualifiers:
                res = func(query, candidate, config)
                if res.score > 0.0:
                    results[name] = res
                    score += res.score * weight
        return Scored(min(1.0, max(0.0, score)), results)

    def explain(self, scored: Scored) -> str:
        """One line per fired feature: name, score x weight, detail."""
        weights = self.weights
        return "; ".join(
            f"{name} {res.score:.2f}x{weights[name]:+.2f}: {res.explanation()}" for name, res in scored.results.items()
        )


DPRK_V1 = Algorithm(
    name="dprk-v1",
    description=(
        "Transliteration-aware name matching for Korean romanisation systems, joined and hyphenated "
        "given names, company forms and vessel hull numbers; IMO/MMSI identifiers dominate; "
        "contradicting identifiers, birth dates, countries and schemas lower the score."
    ),
    features=(
        Feature(name_match, 1.0),
        Feature(identifier_match, 0.98),
        Feature(identifier_mismatch, -0.35, qualifier=True),
        Feature(dob_year_mismatch, -0.25, qualifier=True),
        Feature(dob_day_mismatch, -0.10, qualifier=True),
        Feature(country_mismatch, -0.15, qualifier=True),
        Feature(schema_mismatch, -0.40, qualifier=True),
    ),
    threshold=0.70,
    config=MappingProxyType(
        {
            "romanisation": 0.98,  # similarity credited to a romanisation variant of a token
            "typo_min_similarity": 0.75,  # below this a pair of tokens is not a typo of each other
            "joined_min_length": 4,  # key letters per join: a shorter token is not several written together
            "typo_min_length": 5,  # shorter keys (one Korean syllable) get no typo allowance
            "typo_min_length_cyrillic": 3,  # ... unless the query was transliterated from Cyrillic
            "unmatched_penalty": 1.6,  # weight multiplier of tokens left unmatched
            "generic_weight": 0.3,  # weight multiplier of generic words (Korea, Shipping, ...) that match
            "business_unmatched_weight": 0.7,  # ... and of business words left unmatched (Bank, Trading)
            "generic_only_cap": 0.5,  # name score ceiling when only generic words match
            "number_mismatch": 0.4,  # subtracted when both names carry numbers that differ
            "kind_mismatch": 0.15,  # subtracted when each name has generic words the other lacks
        }
    ),
)

_V1_QUALIFIERS = DPRK_V1.features[1:]

DPRK_V2 = Algorithm(
    name="dprk-v2",
    description=(
        "dprk-v1 with names read for structure: bracketed qualifiers, legal forms and countries never match "
        "on their own; a person's list name may carry middle names or a second surname the query omits; "
        "romanisation folding only between words that can be Korean; one data-entry typo per name in short "
        "syllables; case-marked run-together words split; Korean company words in Hangul and romanised."
    ),
    features=(Feature(name_match_v2, 1.0), *_V1_QUALIFIERS),
    threshold=0.70,
    config=MappingProxyType(
        {
            **DPRK_V1.config,
            "romanisation": 0.97,  # below 1, so an exact spelling ranks above a folded one (Ryu over Yu)
            "joined_min_length": 3,  # folding is Korean-only in v2, so three syllables may run together (JINDALLAE)
            "qualifier_weight": 0.2,  # weight multiplier of a matching parenthesised qualifier; unmatched ones weigh 0
            "omitted_weight": 0.1,  # ... of a person's list-name part the query leaves out, when all query names agree
            "short_typo": 0.8,  # similarity credited to the one edit in a short token
            "closest_share": 1.0,  # list names sharing less than this of the closest name's key weight are not aligned
            "short_typo_min_letters": 5,  # letters the rest of the query must spell exactly before a short token may carry the name's one edit
        }
    ),
    reading=READING_V2,
)

DPRK_V3 = Algorithm(
    name="dprk-v3",
    description=(
        "dprk-v2 with names also compared written together (a space added or left out, one mistyped letter "
        "anywhere in a name of eight letters or more, never across numbers); a first name one of two people "
        "lacks is another person; a mistyped Korean syllable that spells none is a slip; and a record named "
        "exactly as the query outranks the near ones, which are then not flagged."
    ),
    features=(Feature(name_match_v3, 1.0), *_V1_QUALIFIERS),
    threshold=0.70,
    config=MappingProxyType(
        {
            **DPRK_V2.config,
            "compact_equal": 0.99,  # names equal written together: below 1, as spelled alike word for word ranks first
            "compact_typo": 0.9,  # ... one edit apart written together
            "compact_typo_min_letters": 8,  # letters both names need before one edit between them is a typo
            "first_name_cap": 0.6,  # name score ceiling when a person's first name is missing on one side
        }
    ),
    reading=READING_V3,
    exact_precedence=True,
)

DPRK_V4 = Algorithm(
    name="dprk-v4",
    description=(
        "dprk-v3 with a larger Korean company vocabulary (전자 electronics, 총무역 general trading, ...; "
        "JOINT alone a joint venture), Hangul ㄹ romanised r (류 Ryu), CORPORACION and its kin kept as words, "
        "long words respelt only one edit from a known word, three-letter words a mistyped legal form only by "
        "a letter dropped, added or swapped, list names that write query syllables together compared, and "
        "among records that agree alike, one with every query word outranking one that lacks a word and, for "
        "companies and vessels, one written closer to the query (its bracketed qualifiers, word order, then the whole "
        "name with its legal form)."
    ),
    features=DPRK_V3.features,
    threshold=0.70,
    config=MappingProxyType(
        {
            **DPRK_V3.config,
            "joined_overlap": 1.0,  # 1: a list name's shared weight counts query tokens it writes as one word
        }
    ),
    reading=READING_V4,
    exact_precedence=True,
    tie_precedence=True,
)

ALGORITHMS: dict[str, Algorithm] = {a.name: a for a in (DPRK_V1, DPRK_V2, DPRK_V3, DPRK_V4)}
DEFAULT_ALGORITHM = DPRK_V4.name


def get_algorithm(name: str) -> Algorithm:
    """The registered algorithm called ``name``; :class:`NotFound` lists the known ones."""
    try:
        return ALGORITHMS[name]
    except KeyError:
        raise NotFound(f"unknown screening algorithm {name!r}; known: {', '.join(sorted(ALGORITHMS))}") from None
