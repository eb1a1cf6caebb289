"""Feature functions: each compares a query with one list entity.

Every feature is a pure function ``(query, candidate, config) -> FeatureResult``.
Its docstring is the explanation an analyst reads (``sanctionwatch screen --json``
and the API's ``matcher`` block show it), so write it for them. ``config`` holds
the tuning values of the algorithm version that calls the feature.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from .index import IndexedEntity, PreparedName, PreparedQuery


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """What one feature found: a score in [0, 1] and, when it fired, why."""

    score: float
    detail: str | None = None
    query: str | None = None  # the query value the feature used
    candidate: str | None = None  # the list value it was compared with


NO_MATCH = FeatureResult(0.0)

FeatureFunc = Callable[[PreparedQuery, IndexedEntity, Mapping[str, float]], FeatureResult]

# --- names ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenMatch:
    """One aligned piece of two names: query tokens i.., candidate tokens j.., by a rule."""

    query: tuple[int, ...]
    candidate: tuple[int, ...]
    rule: str  # exact, romanisation, joined, typo
    similarity: float


@dataclass(frozen=True, slots=True)
class NameComparison:
    """The alignment of a query name with one list name and the score it earns."""

    query: PreparedName
    candidate: PreparedName
    score: float
    matches: tuple[TokenMatch, ...]
    unmatched_query: tuple[int, ...]
    unmatched_candidate: tuple[int, ...]
    cap: str | None  # why the score was held down, if it was

    def describe(self) -> str:
        """Human-readable account: which token matched which, by which rule."""
        parts = []
        for m in self.matches:
            q = "+".join(self.query.tokens[i] for i in m.query)
            c = "+".join(self.candidate.tokens[j] for j in m.candidate)
            parts.append(f"{q}={c} {m.rule}" + (f" {m.similarity:.2f}" if m.rule == "typo" else ""))
        parts += [f"{self.query.tokens[i]}: query only" for i in self.unmatched_query]
        parts += [f"{self.candidate.tokens[j]}: list only" for j in self.unmatched_candidate]
        text = f"{self.query.text!r}"
        if self.query.script != "latin":
            text += f" (romanised from {self.query.script} {' '.join(self.query.tokens)!r})"
        text += f" ~ {self.candidate.kind} {self.candidate.text!r}: " + ", ".join(parts)
        if self.cap:
            text += f"; {self.cap}"
        return text


def _weights(name: PreparedName, generic_factor: float, business_factor: float | None = None) -> list[float]:
    business = generic_factor if business_factor is None else business_factor
    return [
        w * (business if b else generic_factor) if g else w for w, g, b in zip(name.idf, name.generic, name.business)
    ]


def _coverage(
    weights: list[float], unmatched_weights: list[float], groups: list[tuple[int, ...]], free: list[int], penalty: float
) -> float:
    """Share of a name's weight that is matched; unmatched tokens count ``penalty`` times."""
    matched = sum(weights[i] for group in groups for i in group)
    unmatched = penalty * sum(unmatched_weights[i] for i in free)
    return matched / (matched + unmatched) if matched else 0.0


def compare_names(q: PreparedName, c: PreparedName, config: Mapping[str, float]) -> NameComparison:
    """Align the tokens of two names and score the alignment.

    Tokens pair up in three passes, each on what earlier passes left: identical
    phonetic keys (``exact`` when spelled alike, else ``romanisation``); one token
    equal to two or three adjacent tokens of the other name written together
    (``joined``: Jongun = Jong Un, YUJONG = YU JONG; keys of at least
    ``joined_min_length`` per join, so "Da-eun Oh" is not "TONO"); and one or two typos
    (``typo``, similarity = normalised optimal-string-alignment distance of the
    spellings, a transposition counting as one edit; never for numbers nor for
    keys shorter than ``typo_min_length``). Order does not matter.

    The score is the product of the two names' coverages (the share of each
    name's weight that is matched, each token weighted by how rare its key is
    among list names, generic words weighing less, unmatched tokens counted
    ``unmatched_penalty`` times, unmatched business words more than unmatched
    place words) and of the matches' weighted mean similarity.
    A product, so a syllable missing on each side (Kang Mun Kil vs Kang Hong
    Mun) costs twice. Generic business words left over on both sides (DAESONG
    BANK vs DAESONG TRADING) cost ``kind_mismatch``.
    """
    nq, nc = len(q.keys), len(c.keys)
    free_q = list(range(nq))
    free_c = list(range(nc))
    matches: list[TokenMatch] = []

    # 1. same key. Cyrillic writes the final -ng of Korean syllables as "н"
    # (Чон = Jong), so after Cyrillic input a key may lack the final "k" of ng.
    cyrillic = q.script == "cyrillic"
    for i in list(free_q):
        for j in free_c:
            if q.keys[i] == c.keys[j] or (cyrillic and c.keys[j] == q.keys[i] + "k" and q.keys[i].endswith("n")):
                rule = "exact" if q.tokens[i] == c.tokens[j] else "romanisation"
                matches.append(TokenMatch((i,), (j,), rule, 1.0 if rule == "exact" else config["romanisation"]))
                free_q.remove(i)
                free_c.remove(j)
                break

    # 2. one token = adjacent tokens of the other name written together
    def _joined(a: PreparedName, free_a: list[int], b: PreparedName, free_b: list[int], a_is_query: bool) -> None:
        for i in list(free_a):
            span = b.spans.get(a.keys[i])
            if span is None or len(a.keys[i]) < config["joined_min_length"] * (len(span) - 1):
                continue
            if not all(j in free_b for j in span):
                continue
            qi, cj = ((i,), span) if a_is_query else (span, (i,))
            same = "".join(q.tokens[k] for k in qi) == "".join(c.tokens[k] for k in cj)
            matches.append(TokenMatch(qi, cj, "joined", 1.0 if same else config["romanisation"]))
            free_a.remove(i)
            for j in span:
                free_b.remove(j)

    if free_q and free_c:
        if c.spans:
            _joined(q, free_q, c, free_c, True)
        if q.spans:
            _joined(c, free_c, q, free_q, False)

    # 3. typos: best remaining pairs first
    if free_q and free_c:
        pairs = []
        # A one-letter change turns a Korean syllable into another (Yon/Yong,
        # Jong/Song), so short tokens get no typo allowance, except after
        # transliteration from Cyrillic, which is lossy ("Ён" is Yong or Yon).
        shortest = int(config["typo_min_length_cyrillic" if q.script == "cyrillic" else "typo_min_length"])
        for i in free_q:
            if q.keys[i].isdigit() or len(q.keys[i]) < shortest:
                continue
            for j in free_c:
                if c.keys[j].isdigit() or len(c.keys[j]) < shortest:
                    continue
                sim = OSA.normalized_similarity(q.tokens[i], c.tokens[j])
                if sim >= config["typo_min_similarity"]:
                    pairs.append((sim, i, j))
        for sim, i, j in sorted(pairs, reverse=True):
            if i in free_q and j in free_c:
                matches.append(TokenMatch((i,), (j,), "typo", sim))
                free_q.remove(i)
                free_c.remove(j)

    if not matches:
        return NameComparison(q, c, 0.0, (), tuple(free_q), tuple(free_c), None)
    penalty = config["unmatched_penalty"]
    wq, wc = _weights(q, config["generic_weight"]), _weights(c, config["generic_weight"])
    uq = _weights(q, config["generic_weight"], config["business_unmatched_weight"]) if free_q else wq
    uc = _weights(c, config["generic_weight"], config["business_unmatched_weight"]) if free_c else wc
    score = _coverage(wq, uq, [m.query for m in matches], free_q, penalty)
    score *= _coverage(wc, uc, [m.candidate for m in matches], free_c, penalty)
    per_match = [sum(wq[i] for i in m.query) for m in matches]
    score *= sum(w * m.similarity for w, m in zip(per_match, matches)) / sum(per_match)

    cap = None
    numbers_q = {q.tokens[i] for i in free_q if q.tokens[i].isdigit()}
    numbers_c = {c.tokens[j] for j in free_c if c.tokens[j].isdigit()}
    if numbers_q and numbers_c:
        score = max(0.0, score - config["number_mismatch"])
        cap = f"numbers differ ({', '.join(sorted(numbers_q))} vs {', '.join(sorted(numbers_c))})"
    elif (free_q or free_c) and all(all(q.generic[i] for i in m.query) for m in matches):
        # Generic words prove something only when they are the whole of both names.
        if score > config["generic_only_cap"]:
            score = config["generic_only_cap"]
            cap = "only generic words match"
    else:
        kinds_q = [q.tokens[i] for i in free_q if q.business[i]]
        kinds_c = [c.tokens[j] for j in free_c if c.business[j]]
        if kinds_q and kinds_c:
            # "DAESONG BANK" is not "DAESONG TRADING": each name says a different line of business.
            score = max(0.0, score - config["kind_mismatch"])
            cap = f"different kinds ({' '.join(kinds_q)} vs {' '.join(kinds_c)})"
    return NameComparison(q, c, score, tuple(matches), tuple(free_q), tuple(free_c), cap)


def best_name_comparison(
    query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]
) -> NameComparison | None:
    """The best-scoring (query name, list name) pair; primary names win ties.

    Only list names that share a key with a query name (or a key of tokens
    written together) are compared, unless none does: then all are, for typos.
    """
    best: NameComparison | None = None
    keys = set().union(*(qn.keyset | qn.spans.keys() for qn in query.names)) if query.names else set()
    names = [cn for cn in candidate.names if not keys.isdisjoint(cn.keyset) or not keys.isdisjoint(cn.spans)]
    for qn in query.names:
        for cn in names or candidate.names:
            cmp = compare_names(qn, cn, config)
            if best is None or cmp.score > best.score:
                best = cmp
    return best


def name_match(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """How well the best query name matches the best of the entity's names and aliases.

    Names are compared after transliteration (Hangul, Chinese, Cyrillic to Latin),
    casefolding, removal of punctuation, legal-form words (Co., Ltd, Corporation)
    and hull-number markers (NO.), token by token in any order. Tokens match when
    spelled alike (exact), when they are one Korean syllable in another
    romanisation (Jong/Chong, Pak/Park, Ri/Lee, Chol/Cheol...), when one is two or
    three of the other's written together (Jongun = Jong Un), or within a typo or
    two. Rare words weigh more than common ones; unmatched words count against
    the score. A match on generic words alone (Korea, Shipping, Trade...) is
    capped, and different hull numbers (YU JONG 2 vs YU JONG 3) cost a fixed
    penalty.
    """
    cmp = best_name_comparison(query, candidate, config)
    if cmp is None or cmp.score <= 0.0:
        return NO_MATCH
    return FeatureResult(cmp.score, cmp.describe(), cmp.query.text, cmp.candidate.text)


# --- identifiers ----------------------------------------------------------------------


def identifier_match(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """The query's IMO or MMSI number is one of the entity's (exact, after normalisation).

    IMO numbers are compared as their seven digits ("IMO 8604917" = "8604917"); a
    ship IMO number given for a Vessel query must pass the check digit.
    """
    for kind, q, c in (("IMO", query.imo, candidate.imo), ("MMSI", query.mmsi, candidate.mmsi)):
        shared = q & c
        if shared:
            value = min(shared)
            return FeatureResult(1.0, f"{kind} {value} on both", value, value)
    return NO_MATCH


def identifier_mismatch(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """Query and entity both have IMO (or MMSI) numbers and none of them agree."""
    for kind, q, c in (("IMO", query.imo, candidate.imo), ("MMSI", query.mmsi, candidate.mmsi)):
        if q and c and not q & c:
            qv, cv = ", ".join(sorted(q)), ", ".join(sorted(c))
            return FeatureResult(1.0, f"{kind} {qv} vs {cv}", qv, cv)
    return NO_MATCH


# --- qualifiers ------------------------------------------------------------------------


def _dates_agree(a: str, b: str, precision: int) -> bool:
    n = min(len(a), len(b), precision)
    return a[:n] == b[:n]


def dob_year_mismatch(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """Both have birth dates and no pair shares the year."""
    if (
        query.birth_dates
        and candidate.birth_dates
        and not any(_dates_agree(q, c, 4) for q in query.birth_dates for c in candidate.birth_dates)
    ):
        return FeatureResult(
            1.0, f"born {query.birth_dates[0]} vs {', '.join(candidate.birth_dates)}", query.birth_dates[0]
        )
    return NO_MATCH


def dob_day_mismatch(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """Birth years agree but no pair agrees to the precision both give (month, day)."""
    if query.birth_dates and candidate.birth_dates:
        pairs = [(q, c) for q in query.birth_dates for c in candidate.birth_dates]
        if any(_dates_agree(q, c, 4) for q, c in pairs) and not any(_dates_agree(q, c, 10) for q, c in pairs):
            return FeatureResult(
                1.0, f"born {query.birth_dates[0]} vs {', '.join(candidate.birth_dates)}", query.birth_dates[0]
            )
    return NO_MATCH


def country_mismatch(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """Both name countries (nationality, flag, address country) and none is shared."""
    if query.countries and candidate.countries and not query.countries & candidate.countries:
        qv, cv = ", ".join(sorted(query.countries)), ", ".join(sorted(candidate.countries))
        return FeatureResult(1.0, f"country {qv} vs {cv}", qv, cv)
    return NO_MATCH


# Schemas that can describe the same thing: a list's LegalEntity may be a person
# or a company; a Person is never a Vessel.
_COMPATIBLE: dict[str, frozenset[str]] = {
    "Person": frozenset({"Person", "LegalEntity"}),
    "Organization": frozenset({"Organization", "LegalEntity", "Company"}),
    "Company": frozenset({"Organization", "LegalEntity", "Company"}),
    "LegalEntity": frozenset({"Person", "Organization", "LegalEntity", "Company"}),
    "Vessel": frozenset({"Vessel"}),
    "Aircraft": frozenset({"Aircraft"}),
}


def schema_mismatch(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """The query says what it is (Person, Organization, Vessel...) and the entity is something else."""
    schema = candidate.entity.schema
    if query.schema and schema not in _COMPATIBLE.get(query.schema, frozenset({query.schema})):
        return FeatureResult(1.0, f"{query.schema} vs {schema}", query.schema, schema)
    return NO_MATCH
