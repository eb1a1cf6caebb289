"""yente's read routes: ``/search/{dataset}``, ``/entities/{id}``, ``/catalog``, ``/algorithms``.

Shapes follow yente's published OpenAPI document, so a yente client (or the
OpenSanctions tools) can browse what sanctionwatch holds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from fastapi import APIRouter, Request
from fastapi import Query as QueryParam

from ...model.entity import Entity
from ...screening.algorithms import ALGORITHMS, DEFAULT_ALGORITHM
from ...screening.screen import Query
from ..datasets import DEFAULT_DATASET, Datasets
from ..schemas import (
    MAX_NAME_CHARS,
    AlgorithmDocs,
    AlgorithmModel,
    AlgorithmResponse,
    DataCatalogModel,
    DatasetModel,
    EntityResponse,
    ErrorResponse,
    SearchFacet,
    SearchFacetItem,
    SearchResponse,
    TotalSpec,
)
from .match import TS_PATTERN, YENTE_ALGORITHMS, EntityFilter, _matcher, entity_fields

router = APIRouter(tags=["yente"])

#: The facets yente returns by default, plus ``schema``.
FACETS: tuple[str, ...] = ("datasets", "schema", "countries", "topics")


def _datasets(request: Request) -> Datasets:
    return request.app.state.datasets  # type: ignore[no-any-return]


def entity_response(entity: Entity) -> EntityResponse:
    """One list entity in yente's ``EntityResponse`` shape."""
    return EntityResponse.model_construct(**entity_fields(entity))


def _facet_values(entity: Entity, facet: str) -> Iterable[str]:
    if facet == "datasets":
        return [entity.source]
    if facet == "schema":
        return [entity.schema]
    if facet == "countries":
        return sorted(set(entity.countries))
    return ["sanction"]


def facets(entities: list[Entity], names: Iterable[str]) -> dict[str, SearchFacet]:
    """yente's facet counts over every result (not only the page)."""
    out = {}
    for facet in names:
        counts = Counter(v for e in entities for v in _facet_values(e, facet))
        values = [SearchFacetItem(name=k, label=k, count=n) for k, n in sorted(counts.items(), key=lambda kv: -kv[1])]
        out[facet] = SearchFacet(label=facet, values=values)
    return out


@router.get(
    "/search/{dataset}",
    response_model=SearchResponse,
    response_model_by_alias=True,
    responses={404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
def search(
    dataset: str,
    request: Request,
    q: str = QueryParam(
        "",
        max_length=MAX_NAME_CHARS,
        description="query text (a name, an IMO or MMSI number); empty lists every entity",
    ),
    schema: str | None = QueryParam(None, description="only entities of this schema"),
    include_dataset: list[str] = QueryParam([], description="only results from these datasets"),
    exclude_dataset: list[str] = QueryParam([], description="no results from these datasets"),
    exclude_schema: list[str] = QueryParam([], description="no results of these schemata"),
    countries: list[str] = QueryParam([], description="only entities linked to one of these countries"),
    topics: list[str] = QueryParam([], description="only results with one of these topics (every entry is `sanction`)"),
    changed_since: str | None = QueryParam(None, pattern=TS_PATTERN, description="only entities listed since"),
    limit: int = QueryParam(10, ge=0, le=500, description="results per page"),
    offset: int = QueryParam(0, ge=0, le=10_000, description="first result of the page"),
    facets_: list[str] = QueryParam(list(FACETS), alias="facets", description="facet counts to include"),
) -> SearchResponse:
    """Search the loaded lists by text, in yente's shape: scored by the screening algorithm, best first."""
    datasets = _datasets(request)
    entities = datasets.of(dataset)
    flt = EntityFilter(
        tuple(include_dataset), tuple(exclude_dataset), tuple(exclude_schema), tuple(topics), changed_since
    )
    text = q.strip()
    if text:
        digits = "".join(c for c in text if c.isdigit())
        query = Query(
            id="search",
            name=text,
            imo=digits if len(digits) == 7 else None,
            mmsi=digits if len(digits) == 9 else None,
        )
        found = [r.entity for r in datasets.screener(dataset).match(query, limit=len(entities))]
    else:
        found = sorted(entities, key=lambda e: (e.caption.lower(), e.id))
    found = [
        e
        for e in found
        if flt.keep(e)
        and (schema is None or e.schema == schema)
        and (not countries or set(countries) & set(e.countries))
    ]
    page = found[offset : offset + limit]
    return SearchResponse.model_construct(
        limit=limit,
        offset=offset,
        total=TotalSpec(value=len(found)),
        results=[entity_response(e) for e in page],
        facets=facets(found, [f for f in facets_ if f in FACETS]),
    )


@router.get(
    "/entities/{entity_id}",
    response_model=EntityResponse,
    response_model_by_alias=True,
    responses={404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
def fetch_entity(entity_id: str, request: Request) -> EntityResponse:
    """One list entity by its id, in yente's shape."""
    return entity_response(_datasets(request).entity(entity_id))


@router.get("/catalog", response_model=DataCatalogModel, responses={503: {"model": ErrorResponse}})
def catalog(request: Request) -> DataCatalogModel:
    """The loaded lists as yente's data catalog: one dataset per list, ``default`` holding them all."""
    datasets = _datasets(request)
    entities = datasets.entities()
    counts = Counter(e.source for e in entities)
    versions = {v.source: v for v in datasets.versions()}
    # A publication may carry entities of several lists (the sample list holds UN and OFAC
    # entries): a list without a version of its own takes the one publication that has no list.
    orphans = [v for s, v in versions.items() if s not in counts]
    fallback = orphans[0] if len(orphans) == 1 else None
    models = []
    for source in sorted(counts):
        v = versions.get(source, fallback)
        models.append(
            DatasetModel(
                name=source,
                title=f"{source.upper()} sanctions list",
                version=v.version if v else None,
                updated_at=v.loaded_at if v else None,
                last_export=v.published if v else None,
                entity_count=counts[source],
                index_version=v.version if v else None,
                sha256=v.sha256 if v else None,
            )
        )
    default = DatasetModel(
        name=DEFAULT_DATASET,
        title="Every loaded list",
        entity_count=len(entities),
        children=sorted(counts),
    )
    names = [DEFAULT_DATASET, *sorted(counts)]
    return DataCatalogModel(datasets=[default, *models], current=names, outdated=[], index_stale=False)


@router.get("/algorithms", response_model=AlgorithmResponse)
def algorithms() -> AlgorithmResponse:
    """The screening algorithms with their features, in yente's shape; yente's names are aliases of the default."""
    models = []
    for name, algo in sorted(ALGORITHMS.items()):
        features = _matcher(name)
        docs = AlgorithmDocs(name=name, description=algo.description, features=features, config=dict(algo.config))
        aliases = list(YENTE_ALGORITHMS) if name == DEFAULT_ALGORITHM else []
        models.append(
            AlgorithmModel(name=name, description=algo.description, features=features, docs=docs, aliases=aliases)
        )
    return AlgorithmResponse(algorithms=models, default=DEFAULT_ALGORITHM, best=DEFAULT_ALGORITHM)
