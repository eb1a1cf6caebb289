"""``POST /match/{dataset}`` (yente's matching shape, its query parameters and algorithm names) and ``POST /screen`` (ours)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi import Query as QueryParam

from ...exc import InputError
from ...model.entity import Entity
from ...screening.algorithms import DEFAULT_ALGORITHM, get_algorithm
from ...screening.screen import MatchResult, Query, Screener
from ..datasets import Datasets
from ..schemas import (
    EntityExample,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    ErrorResponse,
    FeatureDoc,
    FeatureResultModel,
    ScoredEntityResponse,
    ScreenRequest,
    ScreenResponse,
    ScreenResult,
    TotalSpec,
)
from ..scoring import run_scoring

router = APIRouter(tags=["screening"])

# FtM property names of the name kinds in lists.model.
_NAME_PROPS = {"primary": "name", "alias": "alias", "weak_alias": "weakAlias", "previous": "previousName"}
# Query properties that say where the subject belongs, in order of preference.
_COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "flag")


def _datasets(request: Request) -> Datasets:
    return request.app.state.datasets  # type: ignore[no-any-return]


def ftm_properties(entity: Entity) -> dict[str, list[str]]:
    """An entity's data as FollowTheMoney properties (what yente clients read)."""
    props: dict[str, list[str]] = {}

    def add(prop: str, value: str | None) -> None:
        if value and value not in props.setdefault(prop, []):
            props[prop].append(value)

    for name in entity.names:
        add(_NAME_PROPS.get(name.kind, "alias"), name.value)
    for ident in entity.identifiers:
        add(ident.kind, ident.value)
    for date in entity.birth_dates:
        add("birthDate", date)
    country_prop = {"Person": "nationality", "Vessel": "flag"}.get(entity.schema, "country")
    for country in entity.countries:
        add(country_prop, country)
    for address in entity.addresses:
        add("address", address)
    for program in entity.programs:
        add("program", program)
    add("notes", entity.remarks)
    for prop, values in entity.properties.items():
        for value in values:
            add(prop, value)
    return props


def _values(example: EntityExample, prop: str) -> list[str]:
    raw = example.properties.get(prop, [])
    values = [raw] if isinstance(raw, str) else raw
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def query_from_example(qid: str, example: EntityExample) -> Query:
    """A screening :class:`Query` from a yente query entity."""
    names = _values(example, "name") + _values(example, "alias")
    imo = next(iter(_values(example, "imoNumber")), None)
    mmsi = next(iter(_values(example, "mmsi")), None)
    if not names and not imo and not mmsi:
        raise InputError(
            f"query {qid!r} has no name, imoNumber or mmsi property", errors={"query": qid, "properties": "name"}
        )
    country = next((v for p in _COUNTRY_PROPS for v in _values(example, p)), None)
    return Query(
        id=qid,
        name=names[0] if names else "",
        aliases=tuple(names[1:]),
        schema=example.schema_,
        birth_date=next(iter(_values(example, "birthDate")), None),
        nationality=country,
        imo=imo,
        mmsi=mmsi,
    )


def feature_explanations(result: MatchResult) -> dict[str, FeatureResultModel]:
    """yente's ``explanations``: each fired feature's score with the part of the explanation it wrote.

    The algorithm writes one ``name score xweight: detail`` clause per fired feature,
    joined with ``"; "``; a clause that starts with no feature name (a note on how the
    query was read) belongs to the one before it.
    """
    details: dict[str, list[str]] = {}
    current: str | None = None
    for clause in result.explanation.split("; "):
        head = clause.split(" ", 1)[0]
        if head in result.features:
            current = head
            clause = clause.split(": ", 1)[1] if ": " in clause else clause
        if current is not None:
            details.setdefault(current, []).append(clause)
    return {
        name: FeatureResultModel.model_construct(score=score, detail="; ".join(details.get(name, [])) or None)
        for name, score in result.features.items()
    }


def entity_fields(entity: Entity) -> dict[str, Any]:
    """The fields of yente's ``EntityResponse`` for one list entity (one source for every yente route)."""
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema_": entity.schema,
        "properties": ftm_properties(entity),
        "datasets": [entity.source],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": entity.listed_on,
    }


def _scored(result: MatchResult) -> ScoredEntityResponse:
    return ScoredEntityResponse.model_construct(
        **entity_fields(result.entity),
        score=result.score,
        match=result.match,
        explanations=feature_explanations(result),
        features=result.features,
        algorithm=result.algorithm,
        explanation=result.explanation,
    )


#: yente's algorithm names. Its clients send them (``logic-v2`` is yente's default);
#: sanctionwatch answers each with its own default algorithm and says so in the response.
YENTE_ALGORITHMS: tuple[str, ...] = ("best", "logic-v2", "logic-v1", "name-based", "name-qualified", "regression-v1")
#: Every entity sanctionwatch holds comes from a sanctions list: FtM's topic for that.
SANCTION_TOPIC = "sanction"
# yente's accepted timestamp forms for ``changed_since``.
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"


def resolve_algorithm(name: str) -> str:
    """Our algorithm for a requested name: our own names as they are, yente's answered by the default."""
    return DEFAULT_ALGORITHM if name in YENTE_ALGORITHMS else get_algorithm(name).name


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """yente's result filters (``include_dataset``, ``exclude_dataset``, ``exclude_schema``, ``topics``, ``changed_since``)."""

    include_dataset: tuple[str, ...] = ()
    exclude_dataset: tuple[str, ...] = ()
    exclude_schema: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    changed_since: str | None = None

    @property
    def active(self) -> bool:
        """Whether any filter is set (then more candidates are scored before the limit)."""
        return bool(
            self.include_dataset or self.exclude_dataset or self.exclude_schema or self.topics or self.changed_since
        )

    def keep(self, entity: Entity) -> bool:
        """Whether ``entity`` passes every filter (an entity with no listing date fails ``changed_since``)."""
        if self.include_dataset and entity.source not in self.include_dataset:
            return False
        if entity.source in self.exclude_dataset or entity.schema in self.exclude_schema:
            return False
        if self.topics and SANCTION_TOPIC not in self.topics:
            return False
        if self.changed_since is not None:
            return entity.listed_on is not None and entity.listed_on[: len(self.changed_since)] >= self.changed_since
        return True


def _filtered(
    screener: Screener, query: Query, flt: EntityFilter, *, limit: int, threshold: float | None
) -> list[MatchResult]:
    # Filters apply after scoring, so score enough candidates that ``limit`` survive them.
    fetch = max(limit * 10, 200) if flt.active else limit
    results = screener.match(query, limit=fetch, threshold=threshold)
    return [r for r in results if flt.keep(r.entity)][:limit]


def _matcher(algorithm: str) -> dict[str, FeatureDoc]:
    return {
        f.name: FeatureDoc(description=f.description, coefficient=f.weight, url=f"{f.func.__module__}.{f.name}")
        for f in get_algorithm(algorithm).features
    }


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    response_model_by_alias=True,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
async def match(
    dataset: str,
    body: EntityMatchQuery,
    request: Request,
    response: Response,
    limit: int = QueryParam(5, ge=1, le=500, description="results per query"),
    threshold: float | None = QueryParam(None, ge=0.0, le=1.0, description="match threshold [default: setting]"),
    cutoff: float = QueryParam(
        0.0, ge=0.0, le=1.0, description="lowest score returned at all (yente's; never above the threshold)"
    ),
    algorithm: str = QueryParam(
        DEFAULT_ALGORITHM,
        description=f"scoring algorithm name and version; yente's names ({', '.join(YENTE_ALGORITHMS)}) "
        f"are answered by {DEFAULT_ALGORITHM}",
    ),
    include_dataset: list[str] = QueryParam([], description="only results from these datasets"),
    exclude_dataset: list[str] = QueryParam([], description="no results from these datasets"),
    exclude_schema: list[str] = QueryParam([], description="no results of these schemata"),
    topics: list[str] = QueryParam([], description="only results with one of these topics (every entry is `sanction`)"),
    changed_since: str | None = QueryParam(
        None, pattern=TS_PATTERN, description="only entities listed on or after this date (YYYY-MM-DD...)"
    ),
) -> EntityMatchResponse:
    """Match query entities against ``dataset`` (``default`` = every loaded list), in yente's shape."""
    max_queries = request.app.state.api_config.max_queries
    if len(body.queries) > max_queries:
        raise InputError(
            f"too many queries in one batch: {len(body.queries)}; the limit is {max_queries} "
            "(split the batch, or raise SANCTIONWATCH_API_MAX_QUERIES)",
            errors={"queries": len(body.queries), "max_queries": max_queries},
        )
    answered = resolve_algorithm(algorithm)
    flt = EntityFilter(
        tuple(include_dataset), tuple(exclude_dataset), tuple(exclude_schema), tuple(topics), changed_since
    )
    queries = {qid: query_from_example(qid, ex) for qid, ex in body.queries.items()}
    responses = await run_scoring(
        request,
        _match_batch,
        _datasets(request),
        dataset,
        answered,
        queries,
        body,
        flt,
        limit=limit,
        threshold=threshold,
        cutoff=cutoff,
    )
    response.headers["x-batch-size"] = str(len(responses))
    return EntityMatchResponse.model_construct(
        responses=responses,
        matcher=_matcher(answered),
        limit=limit,
        algorithm=answered,
        requested_algorithm=algorithm,
    )


def _match_batch(
    datasets: Datasets,
    dataset: str,
    algorithm: str,
    queries: dict[str, Query],
    body: EntityMatchQuery,
    flt: EntityFilter,
    *,
    limit: int,
    threshold: float | None,
    cutoff: float,
) -> dict[str, EntityMatches]:
    """Every query of one ``/match`` batch scored (on a scoring thread: it is CPU-bound)."""
    screener = datasets.screener(dataset, algorithm)
    lowest = min(cutoff, threshold if threshold is not None else screener.threshold)
    responses = {}
    for qid, query in queries.items():
        results = [r for r in _filtered(screener, query, flt, limit=limit, threshold=threshold) if r.score >= lowest]
        responses[qid] = EntityMatches.model_construct(
            status=200,
            results=[_scored(r) for r in results],
            total=TotalSpec(value=len(results)),
            query=body.queries[qid],
        )
    return responses


@router.post(
    "/screen",
    response_model=ScreenResponse,
    response_model_by_alias=True,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
async def screen(body: ScreenRequest, request: Request) -> ScreenResponse:
    """Screen one name (with optional schema, birth date, nationality, IMO, MMSI); results carry their explanation."""
    return await run_scoring(request, _screen_one, _datasets(request), body)


def _screen_one(datasets: Datasets, body: ScreenRequest) -> ScreenResponse:
    """One ``/screen`` request answered (on a scoring thread: it is CPU-bound)."""
    screener = datasets.screener(body.dataset)
    query = Query(
        id="screen",
        name=body.name,
        schema=body.schema_,
        birth_date=body.birth_date,
        nationality=body.nationality,
        imo=body.imo,
        mmsi=body.mmsi,
    )
    if not (query.name.strip() or query.imo or query.mmsi):
        raise InputError("give a name, imo or mmsi", errors={"name": "missing"})
    results = [
        ScreenResult.model_construct(
            entity_id=r.entity.id,
            schema_=r.entity.schema,
            source=r.entity.source,
            source_id=r.entity.source_id,
            caption=r.entity.caption,
            score=r.score,
            match=r.match,
            matched_name=r.matched_name,
            algorithm=r.algorithm,
            features=r.features,
            explanation=r.explanation,
        )
        for r in screener.match(query, limit=body.limit, threshold=body.threshold)
    ]
    threshold = screener.threshold if body.threshold is None else body.threshold
    return ScreenResponse.model_construct(
        algorithm=screener.algorithm.name, threshold=threshold, dataset=body.dataset, results=results
    )
