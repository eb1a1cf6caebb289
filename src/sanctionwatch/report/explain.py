"""Screening results in words an analyst reads.

The screening algorithms record what each feature found (``MatchResult.results``:
the token alignment of the names, the identifiers, birth dates, countries and
schemas compared). This module says it in sentences:

    names agree: KIM=KIM exact, JONG=CHONG romanisation (j/ch: Revised Romanisation
    writes j where McCune–Reischauer writes ch), UN=UN exact

and says contradictions plainly ("the IMO 1234567 given contradicts the record's
IMO 8604917"). It reads the explanation data only; how the scores are computed
stays in ``screening``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..screening.algorithms import Algorithm
from ..screening.features import FeatureResult, NameComparison
from ..screening.screen import MatchResult

# Letters that differ between two romanisations of one Korean sound, and who writes which.
# McCune–Reischauer writes word-initial plain stops voiceless (Kim, Pak, Tong, Chong) and the
# vowels ŏ/ŭ (the breves are dropped in lists: Chol, Un); Revised Romanisation (2000) writes
# them voiced (Gim, Bak, Dong, Jeong) and as eo/eu (Cheol, Eun).
_SYSTEMS: dict[frozenset[str], str] = {
    frozenset({"k", "g"}): "McCune–Reischauer writes k where Revised Romanisation writes g",
    frozenset({"p", "b"}): "McCune–Reischauer writes p where Revised Romanisation writes b",
    frozenset({"t", "d"}): "McCune–Reischauer writes t where Revised Romanisation writes d",
    frozenset({"ch", "j"}): "McCune–Reischauer writes ch where Revised Romanisation writes j",
    frozenset({"o", "eo"}): "McCune–Reischauer ŏ (o without its breve) is Revised Romanisation eo",
    frozenset({"u", "eu"}): "McCune–Reischauer ŭ (u without its breve) is Revised Romanisation eu",
    frozenset({"ri", "i"}): "the initial-sound rule: 리 is written Ri in the North, I/Yi/Lee in the South",
    frozenset({"ri", "lee"}): "the initial-sound rule: 리 is written Ri in the North, Lee/Yi in the South",
    frozenset({"ri", "yi"}): "the initial-sound rule: 리 is written Ri in the North, Yi/Lee in the South",
    frozenset({"r", "n"}): "the initial-sound rule: an initial r is read n in the South (Ro/No)",
    frozenset({"", "r"}): "an English-style r (Park for Pak)",
    frozenset({"s", "sh"}): "one Korean sound ㅅ, written sh before i in common practice (Shin/Sin)",
}
# At the end of a word.
_FINAL: dict[frozenset[str], str] = {frozenset({"", "h"}): "a silent final h (Roh for Ro)"}

# At the start of a word: the initial-sound rule (dueum beopchik) of South Korean spelling.
_INITIAL: dict[frozenset[str], str] = {
    frozenset({"", "r"}): "the initial-sound rule: an initial r before i/y is dropped in the South (Ryong/Yong)",
    frozenset({"", "n"}): "the initial-sound rule: an initial n before i/y is dropped in the South (Nyo/Yo)",
}

# Why a contradicting feature lowers the score, in words; {q} is the query's value, {c} the record's.
_CONTRADICTIONS = {
    "identifier_mismatch": "the {kind} {q} given contradicts the record's {kind} {c}",
    "dob_year_mismatch": "the birth year contradicts: {detail} on the record",
    "dob_day_mismatch": "the birth year agrees but the day or month does not: {detail} on the record",
    "country_mismatch": "the country contradicts: {q} given, {c} on the record",
    "schema_mismatch": "a {q} was asked for; the record is a {c}",
}


def _difference(a: str, b: str) -> tuple[str, str]:
    """The parts of two spellings that differ, once their common start and end are set aside."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def romanisation_note(query_token: str, list_token: str) -> str:
    """Which letters two romanisations of one Korean syllable write differently, and which system writes which."""
    a, b = query_token.casefold(), list_token.casefold()
    qa, cb = _difference(a, b)
    # The bare difference may cut a known pair short (jeong/jong differ by "e", the pair is eo/o):
    # widen it by a letter on either side when that gives a pair a system is known to write.
    start = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    for left, right in ((0, 0), (0, 1), (1, 0), (1, 1)):
        wa = a[max(0, start - left) : start + len(qa) + right]
        wb = b[max(0, start - left) : start + len(cb) + right]
        if frozenset({wa, wb}) in _SYSTEMS:
            qa, cb = wa, wb
            break
    letters = f"{qa or '-'}/{cb or '-'}"
    pair = frozenset({qa, cb})
    system = _INITIAL.get(pair) if start == 0 else None
    if start + len(qa) == len(a) and start + len(cb) == len(b):
        system = system or _FINAL.get(pair)
    system = system or _SYSTEMS.get(pair)
    return f"{letters}: {system}" if system else f"{letters}: the same Korean syllable in another romanisation"


def _tokens(tokens: tuple[str, ...], idx: tuple[int, ...]) -> str:
    return " ".join(tokens[i] for i in idx).upper()


def name_words(cmp: NameComparison) -> str:
    """The alignment of two names in words: which token matched which, and how; what is left on each side."""
    q, c = cmp.query, cmp.candidate
    parts = []
    for m in cmp.matches:
        qt, ct = _tokens(q.tokens, m.query), _tokens(c.tokens, m.candidate)
        if m.rule == "exact":
            parts.append(f"{qt}={ct} exact")
        elif m.rule == "romanisation":
            parts.append(f"{qt}={ct} romanisation ({romanisation_note(qt, ct)})")
        elif m.rule == "joined":
            parts.append(f"{qt}={ct} written together")
        elif m.rule == "typo":
            parts.append(f"{qt}≈{ct} a typing slip ({m.similarity:.0%} alike)")
        else:  # a rule added later reads as its name
            parts.append(f"{qt}={ct} {m.rule.replace('_', ' ')}")
    only_q = [q.tokens[i].upper() for i in cmp.unmatched_query]
    only_c = [c.tokens[j].upper() for j in cmp.unmatched_candidate]
    verdict = "names agree" if not only_q and not only_c and cmp.matches else "names partly agree"
    if not cmp.matches:
        verdict = "names do not agree"
    text = verdict + (": " + ", ".join(parts) if parts else "")
    if only_q:
        text += f"; only in the query: {' '.join(only_q)}"
    if only_c:
        text += f"; only on the list name: {' '.join(only_c)}"
    if q.script != "latin":
        text += f"; the query was read from {q.script} as {' '.join(q.tokens).upper()}"
    if cmp.candidate.kind != "primary":
        text += f" (matched the list's {cmp.candidate.kind} name {cmp.candidate.text})"
    if cmp.cap:
        text += f"; held down: {cmp.cap}"
    return text


def feature_words(name: str, res: FeatureResult) -> str:
    """One fired feature in words."""
    if res.comparison is not None:
        return name_words(res.comparison)
    detail = res.detail or ""
    kind = detail.split(" ", 1)[0] if detail else ""
    if name == "identifier_match":
        return f"the {kind} {res.query} given is the record's own"
    if name in _CONTRADICTIONS:
        return _CONTRADICTIONS[name].format(kind=kind, q=res.query, c=res.candidate, detail=detail)
    return f"{name.replace('_', ' ')}: {detail}"


def match_words(result: MatchResult, algorithm: Algorithm | None = None) -> str:
    """A screening result in words: agreements first, then each contradiction with what it cost.

    ``algorithm`` (the one that scored the result) adds each contradiction's weight.
    """
    weights: Mapping[str, float] = {f.name: f.weight for f in algorithm.features} if algorithm else {}
    agree, contradict = [], []
    for name, res in result.results.items():
        words = feature_words(name, res)
        weight = weights.get(name)
        if weight is not None and weight < 0:
            contradict.append(f"{words} ({weight * res.score:+.2f})")
        else:
            agree.append(words)
    text = "; ".join(agree)
    if contradict:
        text += ("; " if text else "") + "contradiction: " + "; ".join(contradict)
    return text or result.explanation
