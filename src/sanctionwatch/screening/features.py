"""Feature functions: each compares a query with one list entity.

Every feature is a pure function ``(query, candidate, config) -> FeatureResult``.
Its docstring is the explanation an analyst reads (``sanctionwatch screen --json``
and the API's ``matcher`` block show it), so write it for them. ``config`` holds
the tuning values of the algorithm version that calls the feature.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from rapidfuzz.distance import OSA

from .index import IndexedEntity, PreparedName, PreparedQuery
from .normalise import TITLES, respelt_words_v4, written_words


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """What one feature found: a score in [0, 1] and, when it fired, why."""

    score: float
    detail: str | None = None
    query: str | None = None  # the query value the feature used
    candidate: str | None = None  # the list value it was compared with
    agreement: int = 0  # for name features: NameComparison.agreement (3 spelled alike ... 0 near)
    comparison: NameComparison | None = None  # for name features: the alignment, described on demand

    def explanation(self) -> str:
        """``detail``, or the alignment described (written only for the results that are shown)."""
        if self.detail is None and self.comparison is not None:
            return self.comparison.describe()
        return self.detail or ""


NO_MATCH = FeatureResult(0.0)

FeatureFunc = Callable[[PreparedQuery, IndexedEntity, Mapping[str, float]], FeatureResult]

# --- names ---------------------------------------------------------------------------


class TokenMatch(NamedTuple):
    """One aligned piece of two names: query tokens i.., candidate tokens j.., by a rule.

    A named tuple, not a frozen dataclass: several are made for every pair of names compared,
    and a tuple is made at a fraction of the cost.
    """

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

    @property
    def full(self) -> bool:
        """Every word of both names (qualifiers aside) is matched and spelled alike, or only the spacing differs."""
        return self.agreement == 3

    @property
    def agreement(self) -> int:
        """How closely the names agree, for ranking records against each other (dprk-v3).

        3: both names spelled alike word for word (qualifiers aside; the spacing may
        differ); 2: every word of both matched, some as a romanisation variant;
        1: every word of the query spelled alike in the list name, which has more;
        0: anything nearer to a guess (a typo, a word of the query missing).
        """

        if self.score <= 0.0 or not self.matches or _left(self.query, self.unmatched_query):
            return 0
        # One walk over the matches (this is asked of every name compared, through ``full``).
        alike = folded = True
        for m in self.matches:
            rule = m.rule
            if rule != "spacing" and (rule not in _ALIKE_RULES or m.similarity != 1.0):
                alike = False
            if rule not in _FOLDED_RULES:
                folded = False
        if not _left(self.candidate, self.unmatched_candidate):
            return 3 if alike else 2 if folded else 0
        return 1 if alike else 0

    @property
    def in_order(self) -> bool:
        """The matched words come in the same order in both names (ROBNA KUCA METAL, not METAL-ROBNA KUCA)."""
        firsts = [min(m.candidate) for m in sorted(self.matches, key=lambda m: min(m.query))]
        return all(a < b for a, b in zip(firsts, firsts[1:]))

    @property
    def complete(self) -> bool:
        """Every word of the query (qualifiers aside) is matched, by whatever rule."""
        q = self.query
        return bool(self.matches) and all(q.qualifier and q.qualifier[i] for i in self.unmatched_query)

    @property
    def respelt(self) -> bool:
        """A word of either name matched only as the known word it was respelt as (KHOLDING read HOLDING),
        which the other name does not write: a typo's agreement, not the same spelling (dprk-v4's reading)."""

        def one_way(a: PreparedName, b: PreparedName, sides: list[tuple[int, ...]]) -> bool:
            found = respelt_words_v4(a.text)
            if not found:
                return False
            written = written_words(b.text)
            return any(a.tokens[i] in found and found[a.tokens[i]] not in written for side in sides for i in side)

        return one_way(self.query, self.candidate, [m.query for m in self.matches]) or one_way(
            self.candidate, self.query, [m.candidate for m in self.matches]
        )

    @property
    def qualifiers_shared(self) -> int:
        """How many of the query's bracketed qualifiers the list name has, matched or not
        (AL-HARAMAIN FOUNDATION (PAKISTAN): 1 with the Pakistan branch, 0 with the Comoros one)."""
        q, keys = self.query, self.candidate.keyset
        return sum(1 for k, qual in zip(q.keys, q.qualifier) if qual and k in keys) if q.qualifier else 0

    def written_alike(self, min_letters: int) -> bool:
        """Both names as written (legal forms and spacing included: ``compact``) are the same, or one
        edit apart when each has ``min_letters`` letters (INTELLEZA S.A. and INTELLEXA S.A., not INTELLEXA LIMITED)."""
        a, b = self.query.compact, self.candidate.compact
        if not a or not b:
            return False
        return a == b or (min(len(a), len(b)) >= min_letters and OSA.distance(a, b, score_cutoff=1) <= 1)

    def describe(self) -> str:
        """Human-readable account: which token matched which, by which rule."""
        parts = []
        for m in self.matches:
            q = "+".join(self.query.tokens[i] for i in m.query)
            c = "+".join(self.candidate.tokens[j] for j in m.candidate)
            parts.append(f"{q}={c} {m.rule}" + (f" {m.similarity:.2f}" if m.rule in ("typo", "spelling") else ""))
        parts += [f"{self.query.tokens[i]}: query only" for i in self.unmatched_query]
        parts += [f"{self.candidate.tokens[j]}: list only" for j in self.unmatched_candidate]
        text = f"{self.query.text!r}"
        if self.query.script != "latin":
            text += f" (romanised from {self.query.script} {' '.join(self.query.tokens)!r})"
        text += f" ~ {self.candidate.kind} {self.candidate.text!r}: " + ", ".join(parts)
        if self.cap:
            text += f"; {self.cap}"
        return text


_ALIKE_RULES = frozenset(("exact", "joined"))
_FOLDED_RULES = frozenset(("exact", "joined", "spacing", "romanisation"))


def _left(name: PreparedName, free: tuple[int, ...]) -> bool:
    """A token of ``name`` other than a qualifier is among ``free`` (left unmatched)."""
    qualifier = name.qualifier
    for i in free:
        if not (qualifier and qualifier[i]):
            return True
    return False


def _weights(name: PreparedName, generic_factor: float, business_factor: float | None = None) -> list[float]:
    business = generic_factor if business_factor is None else business_factor
    return [
        w * (business if b else generic_factor) if g else w for w, g, b in zip(name.idf, name.generic, name.business)
    ]


def _coverage(
    weights: Sequence[float],
    unmatched_weights: Sequence[float],
    matched_positions: list[int],
    free: list[int],
    penalty: float,
) -> float:
    """Share of a name's weight that is matched; unmatched tokens count ``penalty`` times."""
    matched = sum([weights[i] for i in matched_positions])
    unmatched = penalty * sum([unmatched_weights[i] for i in free])
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
    _match_joined(q, c, free_q, free_c, matches, config)

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
        _take_typos(pairs, free_q, free_c, matches)

    if not matches:
        return NameComparison(q, c, 0.0, (), tuple(free_q), tuple(free_c), None)
    penalty = config["unmatched_penalty"]
    wq, wc = _weights(q, config["generic_weight"]), _weights(c, config["generic_weight"])
    uq = _weights(q, config["generic_weight"], config["business_unmatched_weight"]) if free_q else wq
    uc = _weights(c, config["generic_weight"], config["business_unmatched_weight"]) if free_c else wc
    score = _coverage(wq, uq, [i for m in matches for i in m.query], free_q, penalty)
    score *= _coverage(wc, uc, [j for m in matches for j in m.candidate], free_c, penalty)
    per_match = [sum(wq[i] for i in m.query) for m in matches]
    score *= sum(w * m.similarity for w, m in zip(per_match, matches)) / sum(per_match)

    score, cap = _held_down(q, c, free_q, free_c, matches, score, config)
    return NameComparison(q, c, score, tuple(matches), tuple(free_q), tuple(free_c), cap)


def _take_typos(
    pairs: list[tuple[float, int, int]], free_q: list[int], free_c: list[int], matches: list[TokenMatch]
) -> None:
    """Pair tokens as typos of each other, most similar (similarity, query token, list token) first."""
    for sim, i, j in sorted(pairs, reverse=True):
        if i in free_q and j in free_c:
            matches.append(TokenMatch((i,), (j,), "typo", sim))
            free_q.remove(i)
            free_c.remove(j)


def _match_joined(
    q: PreparedName,
    c: PreparedName,
    free_q: list[int],
    free_c: list[int],
    matches: list[TokenMatch],
    config: Mapping[str, float],
    fold: Callable[[PreparedName, int], bool] | None = None,
) -> None:
    """Pair one token with two or three adjacent tokens of the other name written together.

    ``fold(name, i)``, when given, says whether token i of a name may be a
    romanisation variant of the tokens it joins; else a join must be spelled alike.
    """
    # A join needs a key of one name among the other's keys of tokens written together: most pairs have none.
    if free_q and free_c:
        if c.spans and not c.spans.keys().isdisjoint(q.keys):
            _join_pass(q, c, True, free_q, free_c, matches, config, fold)
        if q.spans and not q.spans.keys().isdisjoint(c.keys):
            _join_pass(q, c, False, free_c, free_q, matches, config, fold)


def _join_pass(
    q: PreparedName,
    c: PreparedName,
    a_is_query: bool,
    free_a: list[int],
    free_b: list[int],
    matches: list[TokenMatch],
    config: Mapping[str, float],
    fold: Callable[[PreparedName, int], bool] | None,
) -> None:
    """One direction of :func:`_match_joined`: tokens of name ``a`` (the query when ``a_is_query``)
    that are tokens of the other name ``b`` written together (a module function, not a closure:
    this runs for every candidate name)."""
    a, b = (q, c) if a_is_query else (c, q)
    spans, keys = b.spans, a.keys
    for i in list(free_a):
        span = spans.get(keys[i])
        if span is None or len(keys[i]) < config["joined_min_length"] * (len(span) - 1):
            continue
        if not all([j in free_b for j in span]):
            continue
        qi, cj = ((i,), span) if a_is_query else (span, (i,))
        same = "".join([q.tokens[k] for k in qi]) == "".join([c.tokens[k] for k in cj])
        if not same and fold is not None and not fold(a, i):
            continue
        matches.append(TokenMatch(qi, cj, "joined", 1.0 if same else config["romanisation"]))
        free_a.remove(i)
        for j in span:
            free_b.remove(j)


def _held_down(
    q: PreparedName,
    c: PreparedName,
    free_q: list[int],
    free_c: list[int],
    matches: list[TokenMatch],
    score: float,
    config: Mapping[str, float],
) -> tuple[float, str | None]:
    """The score after the caps for differing numbers, generic-only matches and differing kinds, and why."""
    cap = None
    qt, ct = q.tokens, c.tokens
    # Plain loops: most names carry no number, and a comprehension costs a call of its own.
    numbers_q: set[str] = set()
    for i in free_q:
        if qt[i].isdigit():
            numbers_q.add(qt[i])
    numbers_c: set[str] = set()
    if numbers_q:
        for j in free_c:
            if ct[j].isdigit():
                numbers_c.add(ct[j])
    if numbers_q and numbers_c:
        score = max(0.0, score - config["number_mismatch"])
        cap = f"numbers differ ({', '.join(sorted(numbers_q))} vs {', '.join(sorted(numbers_c))})"
    elif (free_q or free_c) and _generic_only(q, matches):
        # Generic words prove something only when they are the whole of both names.
        if score > config["generic_only_cap"]:
            score = config["generic_only_cap"]
            cap = "only generic words match"
    elif free_q and free_c and True in q.business and True in c.business:
        kinds_q = [qt[i] for i in free_q if q.business[i]]
        kinds_c = [ct[j] for j in free_c if c.business[j]]
        if kinds_q and kinds_c:
            # "DAESONG BANK" is not "DAESONG TRADING": each name says a different line of business.
            score = max(0.0, score - config["kind_mismatch"])
            cap = f"different kinds ({' '.join(kinds_q)} vs {' '.join(kinds_c)})"
    return score, cap


def _generic_only(q: PreparedName, matches: list[TokenMatch]) -> bool:
    """Every matched query token is a generic word (a loop that stops at the first that is not)."""
    generic = q.generic
    for m in matches:
        for i in m.query:
            if not generic[i]:
                return False
    return True


NameComparer = Callable[[PreparedName, PreparedName, Mapping[str, float]], NameComparison]


def _overlap(q: PreparedName, c: PreparedName) -> float:
    """Weight of the query tokens whose key the list name has, alone or written together."""
    keyset, spans = c.keyset, c.spans
    return sum([w for k, w in zip(q.keys, q.idf) if k in keyset or k in spans])


def _overlap_joined(q: PreparedName, c: PreparedName) -> float:
    """:func:`_overlap`, with query tokens that the list name writes together as one word counted too.

    A name romanised from Hangul comes one syllable a token (구 룡 강); the list writes
    KURYONGGANG, so only the syllables' join meets the list name.
    """
    keyset, spans = c.keyset, c.spans
    found = {i for i, k in enumerate(q.keys) if k in keyset or k in spans}
    for key, span in q.spans.items():
        if key in keyset:
            found.update(span)
    idf = q.idf
    return sum([idf[i] for i in found])


def best_name_comparison(
    query: PreparedQuery,
    candidate: IndexedEntity,
    config: Mapping[str, float],
    compare: NameComparer = compare_names,
    *,
    closest_share: float = 0.0,
    joined_overlap: bool = False,
) -> NameComparison | None:
    """The best-scoring (query name, list name) pair; primary names win ties.

    Only list names that share a key with a query name (or a key of tokens
    written together) are compared, unless none does: then all are, for typos.
    With ``closest_share``, of those only the names whose shared weight is at
    least that share of the closest name's (an entity's many aliases are not
    all worth aligning); with ``joined_overlap``, a name's shared weight counts query
    tokens it writes together (:func:`_overlap_joined`).
    """
    overlap = _overlap_joined if joined_overlap else _overlap
    best: NameComparison | None = None
    keys = query.name_keys
    names = [cn for cn in candidate.names if not (keys.isdisjoint(cn.keyset) and keys.isdisjoint(cn.spans))]
    for qn in query.names:
        compared = names or candidate.names
        if closest_share and len(compared) > 1:
            overlaps = [overlap(qn, cn) for cn in compared]
            floor = closest_share * max(overlaps)
            compared = [cn for cn, o in zip(compared, overlaps) if o >= floor]
        for cn in compared:
            cmp = compare(qn, cn, config)
            if best is None or cmp.score > best.score:
                best = cmp
                if best.score >= 1.0:  # nothing later can beat it (ties go to the earlier name)
                    return best
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
    return _name_result(best_name_comparison(query, candidate, config))


def _name_result(cmp: NameComparison | None) -> FeatureResult:
    if cmp is None or cmp.score <= 0.0:
        return NO_MATCH
    return FeatureResult(cmp.score, None, cmp.query.text, cmp.candidate.text, cmp.agreement, cmp)


# --- names, dprk-v2 -----------------------------------------------------------------


# Scripts of Korean names that sanctionwatch romanises itself: the spelling is ours, not the writer's.
# Not Han: its Mandarin reading is pinyin (the Korean reading is a variant of its own, in Latin).
_ROMANISED_SCRIPTS = frozenset(("hangul", "cyrillic"))


def _folds(q: PreparedName, c: PreparedName, i: int, j: int) -> bool:
    """Tokens i, j share a romanisation key and folding applies: both can be Korean, or the query was transliterated."""
    same = q.keys[i] == c.keys[j] or (
        q.script == "cyrillic" and c.keys[j] == q.keys[i] + "k" and q.keys[i].endswith("n")
    )
    # Weak tokens fold only inside Korean names (Ri = I), never onto an initial ("RUI" is not the I of "I&S");
    # a name of one short word is an acronym or a code more often than a Korean name (LAD is not RAD).
    korean = q.script in _ROMANISED_SCRIPTS or (q.syllables[i] > 0 and c.syllables[j] > 0)
    acronym = (len(q.tokens) == 1 and len(q.tokens[i]) <= 4) or (len(c.tokens) == 1 and len(c.tokens[j]) <= 4)
    return same and korean and not acronym and not q.weak[i] and not c.weak[j]


def _match_pieces(
    a: PreparedName,
    free_a: list[int],
    b: PreparedName,
    free_b: list[int],
    a_is_query: bool,
    config: Mapping[str, float],
) -> list[TokenMatch]:
    """A token written with a case change inside (NAMri) = tokens of the other name anywhere (NAM, RI)."""
    found = []
    for i, pieces in a.pieces.items():
        if i not in free_a:
            continue
        taken: list[int] = []
        for key in pieces:
            j = next((j for j in free_b if b.keys[j] == key and j not in taken), None)
            if j is None:
                break
            taken.append(j)
        else:
            same = "".join(b.tokens[j] for j in taken) == a.tokens[i]
            sim = 1.0 if same else config["romanisation"]
            found.append(
                TokenMatch((i,), tuple(taken), "joined", sim)
                if a_is_query
                else TokenMatch(tuple(taken), (i,), "joined", sim)
            )
            free_a.remove(i)
            for j in taken:
                free_b.remove(j)
    return found


def _one_slip(q: PreparedName, c: PreparedName, i: int, j: int, *, changed: bool = False) -> bool:
    """One letter dropped, added or swapped (SOK/SO, JIN/IN), or changed outside Korean names.

    In a Korean name a changed letter may spell another syllable (SAM/NAM, TONG/YONG); dprk-v2 takes it
    for another name. With ``changed`` (dprk-v3) it is a slip too: the rest of the name agrees exactly,
    and a record named exactly as the query still outranks it (``Algorithm.exact_precedence``).
    """
    a, b = q.tokens[i], c.tokens[j]
    if not (q.typeable[i] and c.typeable[j]) or min(len(a), len(b)) < 2 or OSA.distance(a, b) != 1:
        return False
    return changed or len(a) != len(b) or sorted(a) == sorted(b) or not (q.korean or c.korean)


def _can_be_korean(name: PreparedName, i: int) -> bool:
    """Token i of a name can be read as Korean syllables (and so be a romanisation variant)."""
    return name.syllables[i] > 0


def _first_name_left(name: PreparedName, free: list[int]) -> bool:
    """The name's first word is left unmatched and is a name (not a title, initial or qualifier)."""
    return 0 in free and not name.weak[0] and name.tokens[0] not in TITLES


def compare_names_v2(
    q: PreparedName,
    c: PreparedName,
    config: Mapping[str, float],
    *,
    omissible: bool = False,
    first_names: bool = False,
    changed: bool = False,
) -> NameComparison:
    """Align two names as dprk-v2 reads them and score the alignment.

    Passes, each on the tokens earlier ones left: same spelling (``exact``); same
    romanisation key when both tokens can be Korean or the query was
    transliterated (``romanisation``: Jong/Chong, never Lower/Lowell); one token
    = adjacent tokens of the other written together, or a token with a case
    change inside = tokens anywhere in the other (``joined``: Jongun = Jong Un,
    NAMri = Nam ... Ri); typos between tokens of five letters or more
    (``typo``, optimal-string-alignment similarity of spellings or keys of at
    least ``typo_min_similarity``); and, as the whole name's typo budget, one
    edit in one short token (two to four letters, or one Korean syllable) when
    every other token agrees exactly and those not generic spell at least
    ``short_typo_min_letters`` letters (``typo``, similarity ``short_typo``; a changed letter only when
    the result spells no Korean syllable: SAM/NAM are two names).

    The score is the product of both names' coverages and the matches'
    weighted mean similarity, as in dprk-v1, except that: parenthesised
    qualifiers weigh ``qualifier_weight`` when they match and nothing when they
    do not; a list name's extra parts (middle names, patronymics, a second
    surname, a title) weigh ``omitted_weight`` when ``omissible`` (a person
    compared with a person), two or more tokens of the query that are not
    weak match, all its tokens match and none by a typo, and the list name is not a Korean name
    (Korean names have no middle names: a missing syllable is another name);
    a match made only of weak tokens (qualifiers, legal forms, countries, 1-2
    letters) scores 0.

    dprk-v3 passes ``first_names``: when ``omissible`` and neither name is Korean, a
    first name that either name lacks (SADDAM HUSSEIN vs ALI SADDAM HUSSEIN: a son
    carries his father's names after his own) earns no omitted-part allowance and
    caps the score at ``first_name_cap``, while a matched first name counts
    towards the allowance however short it is (Bi Souleymane for Bi Sidi
    SOULEYMANE); and ``changed``, a changed letter in a
    Korean name's short syllable is the name's one slip (see :func:`_one_slip`).
    """
    nq, nc = len(q.keys), len(c.keys)
    free_q = list(range(nq))
    free_c = list(range(nc))
    matches: list[TokenMatch] = []

    # Plain loops over short tuples: this runs for every candidate name, keep it lean.
    qt, ct = q.tokens, c.tokens
    cyrillic = q.script == "cyrillic"
    # Both passes pair tokens of one key (equal spellings have equal keys; Cyrillic's final n aside),
    # and most names compared share none: one set test instead of the loops.
    if cyrillic or not q.keyset.isdisjoint(c.keyset):
        for i in range(nq):
            for j in free_c:
                if qt[i] == ct[j]:
                    matches.append(TokenMatch((i,), (j,), "exact", 1.0))
                    free_q.remove(i)
                    free_c.remove(j)
                    break
        if free_q and free_c:
            qk, ck = q.keys, c.keys
            for i in list(free_q):
                for j in free_c:
                    if (qk[i] == ck[j] or cyrillic) and _folds(q, c, i, j):
                        matches.append(TokenMatch((i,), (j,), "romanisation", config["romanisation"]))
                        free_q.remove(i)
                        free_c.remove(j)
                        break

    _match_joined(q, c, free_q, free_c, matches, config, _can_be_korean)
    if free_q and free_c and (q.pieces or c.pieces):
        matches += _match_pieces(q, free_q, c, free_c, True, config)
        matches += _match_pieces(c, free_c, q, free_q, False, config)

    if free_q and free_c:
        pairs = []
        cutoff = config["typo_min_similarity"]
        similarity = OSA.normalized_similarity
        c_typeable, c_syllables, c_generic = c.typeable, c.syllables, c.generic
        for i in free_q:
            a = qt[i]
            # Too short for a free typo: under four letters, both under five, or one Korean syllable each (Yon/Yong).
            if not q.typeable[i] or len(a) < 4:
                continue
            one_syllable = q.syllables[i] == 1
            for j in free_c:
                b = ct[j]
                if (
                    not c_typeable[j]
                    or len(b) < 4
                    or (len(a) < 5 and len(b) < 5)
                    or (one_syllable and c_syllables[j] == 1)
                ):
                    continue
                sim = similarity(a, b, score_cutoff=cutoff)
                if c_generic[j]:
                    # Keys too, so a typo in a word the tokeniser folds (KORAEN for KOREAN -> korea) is still one typo.
                    sim = max(sim, similarity(q.keys[i], c.keys[j], score_cutoff=cutoff))
                if sim:
                    pairs.append((sim, i, j))
        if pairs:
            _take_typos(pairs, free_q, free_c, matches)

    if not matches:
        return NameComparison(q, c, 0.0, (), tuple(free_q), tuple(free_c), None)
    main_q = [i for i in free_q if not q.qualifier[i]]
    if (
        len(main_q) == 1
        and all([m.similarity == 1.0 for m in matches])
        and sum(len(q.tokens[i]) for m in matches for i in m.query if not q.generic[i])
        >= config["short_typo_min_letters"]
    ):
        i = main_q[0]
        j = next((j for j in free_c if _one_slip(q, c, i, j, changed=changed)), None)
        if j is not None:
            matches.append(TokenMatch((i,), (j,), "typo", config["short_typo"]))
            free_q.remove(i)
            free_c.remove(j)

    # One walk over the matches for what the rules below read of them.
    # With first_names, a matched first name counts however short (BI SIDI SOULEMAN: Bi is a name, not an initial).
    qweak, cweak, qgeneric = q.weak, c.weak, q.generic
    folded = config["romanisation"]
    weak_only_q = weak_only_c = agree = True
    telling = False  # a match of a word neither generic nor weak in the query, not only weak in the list name
    strong = 0
    for m in matches:
        weak_q = plain_q = True
        for i in m.query:
            if not qweak[i]:
                weak_q = False
            if qgeneric[i] or qweak[i]:
                plain_q = False
        weak_c = True
        for j in m.candidate:
            if not cweak[j]:
                weak_c = False
                break
        weak_only_q = weak_only_q and weak_q
        weak_only_c = weak_only_c and weak_c
        telling = telling or (plain_q and not weak_c)
        if (first_names and 0 in m.query) or not weak_q:
            strong += 1
        if m.similarity < folded:
            agree = False
    if weak_only_q or weak_only_c:
        cap = "only qualifiers, legal forms, countries or short tokens match"
        return NameComparison(q, c, 0.0, tuple(matches), tuple(free_q), tuple(free_c), cap)

    penalty = config["unmatched_penalty"]
    wq, uq = _weights_v2(q, config)
    wc, uc = _weights_v2(c, config)
    other_person = (
        first_names
        and omissible
        and not (q.korean or c.korean)
        and (_first_name_left(q, free_q) or _first_name_left(c, free_c))
    )
    if (
        omissible
        and agree
        and strong >= 2
        and not c.korean
        and all([q.qualifier[i] for i in free_q])
        and not other_person
    ):
        uc = [w * config["omitted_weight"] if not c.tokens[j].isdigit() else w for j, w in enumerate(uc)]
    score = _coverage(wq, uq, [i for m in matches for i in m.query], free_q, penalty)
    score *= _coverage(wc, uc, [j for m in matches for j in m.candidate], free_c, penalty)
    per_match = [sum([wq[i] for i in m.query]) for m in matches]
    score *= sum([w * m.similarity for w, m in zip(per_match, matches)]) / sum(per_match)
    score, cap = _held_down(q, c, free_q, free_c, matches, score, config)
    if not telling and (free_q or free_c) and score > config["generic_only_cap"]:
        # "RUI HOLDINGS (S)" is not "I&S HOLDING": generic words and short tokens prove little together.
        score, cap = config["generic_only_cap"], "only generic words and short tokens match"
    if other_person and score > config["first_name_cap"]:
        score, cap = config["first_name_cap"], "first names differ"
    return NameComparison(q, c, score, tuple(matches), tuple(free_q), tuple(free_c), cap)


_DIGITS_RE = re.compile(r"\D+")


def compare_compact(q: PreparedName, c: PreparedName, config: Mapping[str, float]) -> NameComparison | None:
    """The two names written together (``compact``) compared as wholes; None when that rule does not apply.

    Same letters and digits in the same order (``spacing``: TRADINGHOUSE = TRADING
    HOUSE, VERSORS.R.O. = VERSOR S.R.O.) scores ``compact_equal``; one edit between
    them, a transposition counting as one (``spelling``: CKO. for CO., SER VICES
    for SERVICES), scores ``compact_typo`` when both have at least
    ``compact_typo_min_letters``. Never when the numbers differ (ASIA BRIDGE 1 vs
    2), nor when either name is only weak words.
    """
    a, b = q.compact, c.compact
    if not a or not b:
        return None
    # Most names compared are more than one edit apart written together: that is tested first.
    if a == b:
        rule, sim = "spacing", config["compact_equal"]
    elif min(len(a), len(b)) < config["compact_typo_min_letters"] or OSA.distance(a, b, score_cutoff=1) > 1:
        return None
    else:
        rule, sim = "spelling", config["compact_typo"]
    if all(q.weak) or all(c.weak) or _DIGITS_RE.sub("", a) != _DIGITS_RE.sub("", b):
        return None
    main_q = tuple(i for i in range(len(q.tokens)) if not q.qualifier[i])
    main_c = tuple(j for j in range(len(c.tokens)) if not c.qualifier[j])
    match = TokenMatch(main_q, main_c, rule, sim)
    free_q = tuple(i for i in range(len(q.tokens)) if q.qualifier[i])
    free_c = tuple(j for j in range(len(c.tokens)) if c.qualifier[j])
    return NameComparison(q, c, sim, (match,), free_q, free_c, None)


def compare_names_v3(
    q: PreparedName, c: PreparedName, config: Mapping[str, float], *, omissible: bool = False
) -> NameComparison:
    """dprk-v3: the better of :func:`compare_names_v2` (with ``first_names`` and ``changed``) and
    :func:`compare_compact`."""
    cmp = compare_names_v2(q, c, config, omissible=omissible, first_names=True, changed=True)
    if cmp.full:
        return cmp
    whole = compare_compact(q, c, config)
    return whole if whole is not None and whole.score > cmp.score else cmp


# _weights_v2 by the name's identity: a query name meets every candidate's names, and a list name
# many queries, with the same weights. The name is kept beside them, so that its id cannot be reused
# while the entry stands; the memo is emptied when full (small: it keeps query names alive).
_WEIGHTS_V2: dict[
    int, tuple[PreparedName, tuple[float, float, float], tuple[tuple[float, ...], tuple[float, ...]]]
] = {}
_WEIGHTS_V2_SIZE = 1 << 13


def _weights_v2(name: PreparedName, config: Mapping[str, float]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Token weights when matched and when left unmatched: rarity, less for generic words and qualifiers.

    Memoised, as tuples: the garbage collector stops tracking a tuple of numbers, while the
    memo's entries outlive the young collections and each would be walked by every full one.
    """
    factors = (config["generic_weight"], config["business_unmatched_weight"], config["qualifier_weight"])
    known = _WEIGHTS_V2.get(id(name))
    if known is not None and known[0] is name and known[1] == factors:
        return known[2]
    generic, business, qualifier = factors
    matched, unmatched = [], []
    for w, g, b, qual in zip(name.idf, name.generic, name.business, name.qualifier):
        if g:
            matched.append(w * generic * (qualifier if qual else 1.0))
            unmatched.append(0.0 if qual else w * (business if b else generic))
        else:
            matched.append(w * qualifier if qual else w)
            unmatched.append(0.0 if qual else w)
    if len(_WEIGHTS_V2) >= _WEIGHTS_V2_SIZE:
        _WEIGHTS_V2.clear()
    weights = tuple(matched), tuple(unmatched)
    _WEIGHTS_V2[id(name)] = (name, factors, weights)
    return weights


def _omissible(query: PreparedQuery, candidate: IndexedEntity) -> bool:
    """A person compared with a person (or with a query that does not say): list-name parts may be omitted."""
    return candidate.entity.schema == "Person" and query.schema in (None, "Person", "LegalEntity")


# The comparers by omissible (False, True), made once rather than a partial per candidate.
_COMPARE_V2 = (partial(compare_names_v2, omissible=False), partial(compare_names_v2, omissible=True))
_COMPARE_V3 = (partial(compare_names_v3, omissible=False), partial(compare_names_v3, omissible=True))


def name_match_v2(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """How well the best query name matches the best of the entity's names and aliases (dprk-v2).

    As dprk-v1's name match, and: parts in brackets ("(Pty)", "(Singapore)",
    "(HK)") only qualify a name and never match on their own; a name made only
    of legal forms, countries or one- or two-letter words never matches;
    Korean romanisation variants (Jong/Chong, Ri/Lee) are only accepted between
    words that can be Korean; a person's list name may carry parts the query
    leaves out (a middle name, patronymic, second surname or title) at a small
    cost when every name of the query agrees, while a query name the record
    lacks counts in full; a single data-entry typo is allowed in a short
    syllable when everything else agrees exactly; words run together with a
    change of case (NAMri) are split; Korean company words in Hangul or
    romanised (조선 Chosun = Korea, 무역 muyok = trading) are read in English.
    An exact spelling scores above a romanisation variant.
    """
    compare = _COMPARE_V2[_omissible(query, candidate)]
    return _name_result(best_name_comparison(query, candidate, config, compare, closest_share=config["closest_share"]))


def name_match_v3(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """How well the best query name matches the best of the entity's names and aliases (dprk-v3).

    As dprk-v2's name match, and: the names are also compared written together,
    so that a space added or left out (TRADINGHOUSE, SER VICES) or one mistyped
    letter anywhere in a name of eight letters or more, legal forms and short
    words included (CKO. for CO., OOF for OF), still matches, but never across
    different numbers; a changed letter in a Korean name counts as a slip when
    the rest agrees exactly (KAMG or JIM for KIM); and a first name that one of
    two people's names lacks is another person (ALI SADDAM HUSSEIN is the son of
    SADDAM HUSSEIN), whatever else they share. From dprk-v4 on, a list name
    that writes several query syllables as one word (KURYONGGANG for 구 룡 강) is
    among the closest names compared.
    """
    compare = _COMPARE_V3[_omissible(query, candidate)]
    return _name_result(
        best_name_comparison(
            query,
            candidate,
            config,
            compare,
            closest_share=config["closest_share"],
            joined_overlap=bool(config.get("joined_overlap", 0.0)),
        )
    )


# --- identifiers ----------------------------------------------------------------------


def identifier_match(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """The query's IMO or MMSI number is one of the entity's (exact, after normalisation).

    IMO numbers are compared as their seven digits ("IMO 8604917" = "8604917"); a
    ship IMO number given for a Vessel query must pass the check digit.
    """
    if not (query.imo or query.mmsi):  # most queries give neither: no pairs to build
        return NO_MATCH
    for kind, q, c in (("IMO", query.imo, candidate.imo), ("MMSI", query.mmsi, candidate.mmsi)):
        shared = q & c
        if shared:
            value = min(shared)
            return FeatureResult(1.0, f"{kind} {value} on both", value, value)
    return NO_MATCH


def identifier_mismatch(query: PreparedQuery, candidate: IndexedEntity, config: Mapping[str, float]) -> FeatureResult:
    """Query and entity both have IMO (or MMSI) numbers and none of them agree."""
    if not (query.imo or query.mmsi):
        return NO_MATCH
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
