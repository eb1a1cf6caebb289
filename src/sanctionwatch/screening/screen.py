"""Screening: queries in, ranked and explained matches out.

>>> screener = Screener(entities)                      # builds the candidate index
>>> screener.match(Query("q1", "Kim Jong-un", schema="Person"))

:func:`screen_batch` turns CSV-shaped rows (the batch contract in DESIGN.md)
into output rows, one per (query, result), and one empty-result row for a query
without candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..exc import InputError, NotReady
from ..model.entity import SCHEMAS, Entity
from ..settings import AppConfig, load_config
from .algorithms import DEFAULT_ALGORITHM, Algorithm, Scored, get_algorithm
from .config import ScreeningConfig
from .features import NO_MATCH, FeatureResult
from .index import CandidateIndex

if TYPE_CHECKING:
    from ..store import Store

BATCH_INPUT_COLUMNS = ("id", "name", "schema", "birth_date", "nationality", "imo", "mmsi")
BATCH_OUTPUT_COLUMNS = (
    "query_id",
    "rank",
    "score",
    "match",
    "source",
    "source_id",
    "entity_id",
    "caption",
    "matched_name",
    "algorithm",
    "explanation",
)


@dataclass(frozen=True, slots=True)
class Query:
    """What to screen: a name and whatever else is known about the person, company or vessel."""

    id: str
    name: str
    schema: str | None = None  # Person, Organization, Vessel, ... (FtM schema names)
    birth_date: str | None = None  # ISO, may be partial: "1984", "1984-01"
    nationality: str | None = None  # ISO code or country name (also a vessel's flag)
    imo: str | None = None
    mmsi: str | None = None
    aliases: tuple[str, ...] = ()  # further names of the same subject


@dataclass(frozen=True, slots=True)
class MatchResult:
    """One list entity found for a query, with its score and the reasons."""

    entity: Entity
    score: float
    match: bool  # score at or above the threshold
    matched_name: str  # the list name (primary or alias) the query name matched best
    algorithm: str  # name with version, e.g. "dprk-v1"
    explanation: str
    features: dict[str, float] = field(default_factory=dict)  # fired feature -> its score
    results: dict[str, FeatureResult] = field(default_factory=dict)  # fired feature -> what it found (for words)


def resolve_threshold(algorithm: Algorithm, threshold: float | None = None) -> float:
    """The match threshold in force: ``threshold`` if given, else ``SANCTIONWATCH_MATCH_THRESHOLD``, else the algorithm's.

    Every screener resolves it here, so ``screen``, ``vessels``, the report and the
    API agree on what a match is.
    """
    if threshold is not None:
        return threshold
    configured = load_config(AppConfig).match_threshold
    return algorithm.threshold if configured is None else configured


class Screener:
    """Screens queries against a fixed set of list entities with one algorithm."""

    def __init__(
        self,
        entities: Sequence[Entity],
        *,
        algorithm: str = DEFAULT_ALGORITHM,
        threshold: float | None = None,
        settings: ScreeningConfig | None = None,
        index: CandidateIndex | None = None,
    ) -> None:
        """``index``, when given, is an index already built over ``entities`` with this algorithm's reading
        (:mod:`sanctionwatch.screening.cache`); ``entities`` are then not read."""
        self.algorithm: Algorithm = get_algorithm(algorithm)
        self.threshold = resolve_threshold(self.algorithm, threshold)
        self.index = index if index is not None else CandidateIndex(entities, settings, reading=self.algorithm.reading)

    def __len__(self) -> int:
        return len(self.index)

    def match(self, query: Query, *, limit: int = 5, threshold: float | None = None) -> list[MatchResult]:
        """The best ``limit`` entities for ``query`` with a score above zero, best first.

        ``match`` is decided at ``threshold`` when given (one request's own), else at the screener's.
        """
        cut = self.threshold if threshold is None else threshold
        if query.schema is not None and query.schema not in SCHEMAS and query.schema != "Company":
            raise InputError(
                f"unknown schema {query.schema!r}; use one of {', '.join(SCHEMAS)}", errors={"schema": query.schema}
            )
        prepared = self.index.prepare(query)
        scored = [(self.algorithm.score(prepared, c), c) for c in self.index.candidates(prepared)]
        # A record named as the query answers it; a record whose name agrees less (a folded spelling,
        # a word more, a typo: NameComparison.agreement) is then another one, shown but not flagged.
        precedence = self.algorithm.precedence
        levels = {i: precedence(_name_result(s), c) for i, (s, c) in enumerate(scored) if s.score >= cut}
        level = max(levels.values()) if levels and self.algorithm.exact_precedence else None
        ranked = []
        for i, (verdict, candidate) in enumerate(scored):
            score, note = verdict.score, ""
            if level and any(level) and score >= cut and (own := levels[i]) < level:
                if "identifier_match" not in verdict.results:
                    score = min(score, round(cut, 4) - 0.0001)
                    why = _AGREEMENT[level[0]] if own[0] < level[0] else "is written closer to the query"
                    note = f"not flagged: another record's name agrees more ({why})"
            if score > 0.0:
                ranked.append((score, note, verdict, candidate))
        ranked.sort(key=lambda r: (-r[0], r[3].entity.id))
        results = []
        for score, note, verdict, candidate in ranked[:limit]:
            explanation = "; ".join((self.algorithm.explain(verdict), *prepared.notes, *([note] if note else [])))
            results.append(
                MatchResult(
                    entity=candidate.entity,
                    score=round(score, 4),
                    match=score >= cut,
                    matched_name=_name_result(verdict).candidate or candidate.entity.caption,
                    algorithm=self.algorithm.name,
                    explanation=explanation,
                    features={k: round(v.score, 4) for k, v in verdict.results.items()},
                    results=dict(verdict.results),
                )
            )
        return results


_AGREEMENT = {3: "spelled as the query", 2: "the query's up to romanisation", 1: "has every query word as spelled"}


def _name_result(verdict: Scored) -> FeatureResult:
    """The verdict's name feature (``name_match``, ``name_match_v2``, ...), or no match."""
    return next((r for k, r in verdict.results.items() if k.startswith("name_match")), NO_MATCH)


def screener_from_store(
    store: Store,
    *,
    sources: Sequence[str] | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    threshold: float | None = None,
) -> Screener:
    """A screener over the current version of every loaded list (or of ``sources``).

    The candidate index comes from its file beside the store
    (:func:`~sanctionwatch.screening.cache.cached_index`), built there when the
    lists changed. Raises :class:`NotReady` when the store holds no list:
    screening against nothing would report every query as clear.
    """
    from .cache import cached_index

    index = cached_index(store, algorithm=algorithm, sources=sources).index
    if not len(index):
        which = f" for {', '.join(sources)}" if sources else ""
        raise NotReady(
            f"no sanctions list loaded{which}; run `sanctionwatch lists load FILE...` "
            "(or `sanctionwatch lists update`) first, or pass --sample to try the shipped sample list"
        )
    return Screener((), algorithm=algorithm, threshold=threshold, index=index)


def result_dict(result: MatchResult) -> dict[str, Any]:
    """A match as plain JSON-able data (CLI ``--json``)."""
    e = result.entity
    return {
        "entity_id": e.id,
        "schema": e.schema,
        "source": e.source,
        "source_id": e.source_id,
        "caption": e.caption,
        "score": result.score,
        "match": result.match,
        "matched_name": result.matched_name,
        "algorithm": result.algorithm,
        "features": result.features,
        "explanation": result.explanation,
    }


def query_from_row(row: Mapping[str, str | None], line: int | None = None) -> Query:
    """A :class:`Query` from one batch-input row (columns ``id,name`` and optional ones)."""
    where = f" (line {line})" if line is not None else ""

    def opt(col: str) -> str | None:
        value = (row.get(col) or "").strip()
        return value or None

    qid, name = opt("id"), opt("name")
    if not qid or not (name or opt("imo") or opt("mmsi")):
        raise InputError(
            f"batch query{where} needs an 'id' and a 'name' (or an 'imo' / 'mmsi')",
            errors={"line": line, "row": dict(row)},
        )
    return Query(
        id=qid,
        name=name or "",
        schema=opt("schema"),
        birth_date=opt("birth_date"),
        nationality=opt("nationality"),
        imo=opt("imo"),
        mmsi=opt("mmsi"),
    )


def result_row(query_id: str, rank: int, result: MatchResult | None) -> dict[str, str]:
    """One output row of the batch contract; ``result=None`` gives the empty-result row."""
    if result is None:
        return {col: (query_id if col == "query_id" else "") for col in BATCH_OUTPUT_COLUMNS}
    e = result.entity
    return {
        "query_id": query_id,
        "rank": str(rank),
        "score": f"{result.score:.4f}",
        "match": "true" if result.match else "false",
        "source": e.source,
        "source_id": e.source_id,
        "entity_id": e.id,
        "caption": e.caption,
        "matched_name": result.matched_name,
        "algorithm": result.algorithm,
        "explanation": result.explanation,
    }


def screen_batch(
    screener: Screener,
    rows: Iterable[Mapping[str, str | None]],
    *,
    limit: int = 5,
    on_query: Callable[[], None] | None = None,
) -> Iterator[dict[str, str]]:
    """Output rows (``BATCH_OUTPUT_COLUMNS``) for input rows (``BATCH_INPUT_COLUMNS``), ranks from 1.

    ``on_query`` is called once per query screened (progress bars).
    """
    for line, row in enumerate(rows, start=2):  # line 1 is the CSV header
        query = query_from_row(row, line)
        results = screener.match(query, limit=limit)
        if on_query is not None:
            on_query()
        if not results:
            yield result_row(query.id, 0, None)
        for rank, result in enumerate(results, start=1):
            yield result_row(query.id, rank, result)
