"""``POST /match/{dataset}`` (yente's matching shape) and ``POST /screen`` (ours)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi import Query as QueryParam

from ...exc import InputError
from ...model.entity import Entity
from ...screening.algorithms import DEFAULT_ALGORITHM, get_algorithm
from ...screening.screen import MatchResult, Query
from ..datasets import Datasets
from ..schemas import (
    EntityExample,
    EntityMatches,
    EntityMatchQuery,
    EntityMatchResponse,
    FeatureDoc,
    ScoredEntityResponse,
    ScreenRequest,
    ScreenResponse,
    ScreenResult,
    TotalSpec,
)

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


def _scored(result: MatchResult) -> ScoredEntityResponse:
    e = result.entity
    return ScoredEntityResponse(
        id=e.id,
        caption=e.caption,
        schema=e.schema,
        properties=ftm_properties(e),
        datasets=[e.source],
        referents=[],
        last_change=e.listed_on,
        score=result.score,
        match=result.match,
        features=result.features,
        algorithm=result.algorithm,
        explanation=result.explanation,
    )


@router.post("/match/{dataset}", response_model=EntityMatchResponse, response_model_by_alias=True)
def match(
    dataset: str,
    body: EntityMatchQuery,
    request: Request,
    limit: int = QueryParam(5, ge=1, le=500, description="results per query"),
    threshold: float | None = QueryParam(None, ge=0.0, le=1.0, description="match threshold [default: setting]"),
    algorithm: str = QueryParam(DEFAULT_ALGORITHM, description="scoring algorithm name and version"),
) -> EntityMatchResponse:
    """Match query entities against ``dataset`` (``default`` = every loaded list), in yente's shape."""
    screener = _datasets(request).screener(dataset, algorithm)
    queries = {qid: query_from_example(qid, ex) for qid, ex in body.queries.items()}
    responses = {}
    for qid, query in queries.items():
        results = screener.match(query, limit=limit, threshold=threshold)
        responses[qid] = EntityMatches(
            results=[_scored(r) for r in results],
            total=TotalSpec(value=len(results)),
            query=body.queries[qid],
        )
    algo = get_algorithm(algorithm)
    matcher = {
        f.name: FeatureDoc(description=f.description, coefficient=f.weight, url=f"{f.func.__module__}.{f.name}")
        for f in algo.features
    }
    return EntityMatchResponse(responses=responses, matcher=matcher, limit=limit)


@router.post("/screen", response_model=ScreenResponse, response_model_by_alias=True)
def screen(body: ScreenRequest, request: Request) -> ScreenResponse:
    """Screen one name (with optional schema, birth date, nationality, IMO, MMSI)."""
    screener = _datasets(request).screener(body.dataset)
    query = Query(
        id="screen",
        name=body.name,
        schema=body.schema_,
        birth_date=body.birth_date,
        nationality=body.nationality,
        imo=body.imo,
        mmsi=body.mmsi,
    )
    if not (query.name or query.imo or query.mmsi):
        raise InputError("give a name, imo or mmsi", errors={"name": "missing"})
    results = [
        ScreenResult(
            entity_id=r.entity.id,
            schema=r.entity.schema,
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
    return ScreenResponse(algorithm=screener.algorithm.name, threshold=threshold, dataset=body.dataset, results=results)
