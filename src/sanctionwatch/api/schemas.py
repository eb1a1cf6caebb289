"""Request and response models of the HTTP API (pydantic lives only here).

``/match/{dataset}``, ``/search/{dataset}``, ``/entities/{id}``, ``/catalog`` and
``/algorithms`` speak the OpenSanctions yente shapes so existing yente clients work
unchanged (field names and nesting follow yente's published OpenAPI document; a few
fields of our own are added, none removed). ``/screen``, ``/vessels`` and ``/events``
are sanctionwatch's own. Responses on hot paths are built with ``model_construct``
from data the library has already validated.
"""

from __future__ import annotations

import math
from typing import Any, cast

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from ..model.entity import SCHEMAS

#: The longest text one query value may be (a name, an alias, an address), in characters.
#: The longest name on the UN, OFAC, EU and UK lists is a few hundred; screening cost
#: grows with the name (a 300,000-character Hangul name took 18 s and answered 7 MB).
MAX_NAME_CHARS = 1000
#: Schemata a query may name (FtM names; ``Company`` is read as ``Organization``).
QUERY_SCHEMAS: tuple[str, ...] = (*SCHEMAS, "Company")
_NOT_BLANK = r"\S"


def _some_of(*props: str, lists: bool = True) -> list[JsonValue]:
    """JSON Schema: at least one of ``props`` present with a non-blank value.

    With ``lists`` a value may also be a list holding one (FtM properties are lists).
    """
    text: dict[str, Any] = {"type": "string", "pattern": _NOT_BLANK}
    value = {"anyOf": [text, {"type": "array", "contains": text}]} if lists else text
    return cast(list[JsonValue], [{"required": [p], "properties": {p: value}} for p in props])


def inline_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON Schema with its ``$defs`` written in place, for OpenAPI spots that take no references."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    return cast(dict[str, Any], resolve(schema))


class HealthResponse(BaseModel):
    status: str = "ok"
    version: str


class ErrorResponse(BaseModel):
    """Every error: what went wrong and, for input errors, which field and what to change."""

    detail: str = Field(..., examples=["too many queries in one batch: 250; the limit is 100"])
    errors: dict[str, Any] | None = None


# --- yente shape -------------------------------------------------------------------


class EntityExample(BaseModel):
    """A query entity: FtM schema plus properties (``name``, ``birthDate``, ``nationality``, ``imoNumber``, ``mmsi``...)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    schema_: str = Field(..., alias="schema", examples=["Person"], json_schema_extra={"enum": list(QUERY_SCHEMAS)})
    properties: dict[str, str | list[Any]] = Field(
        ...,
        examples=[{"name": ["Kim Jong Un"], "birthDate": ["1984"]}],
        description=(
            f"FtM properties; at least one of name, imoNumber, mmsi; texts of at most {MAX_NAME_CHARS} characters"
        ),
        json_schema_extra={"anyOf": _some_of("name", "imoNumber", "mmsi")},
    )

    @field_validator("properties")
    @classmethod
    def _short_texts(cls, properties: dict[str, str | list[Any]]) -> dict[str, str | list[Any]]:
        for prop, raw in properties.items():
            for value in [raw] if isinstance(raw, str) else raw:
                if isinstance(value, str) and len(value) > MAX_NAME_CHARS:
                    raise ValueError(f"{prop}: a value of {len(value)} characters; the limit is {MAX_NAME_CHARS}")
                if isinstance(value, float) and not math.isfinite(value):
                    raise ValueError(f"{prop}: {value} is not a number a property can hold")
        return properties


class EntityMatchQuery(BaseModel):
    queries: dict[str, EntityExample]
    weights: dict[str, float] = Field(default_factory=dict, description="accepted for compatibility, not used")
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="yente's algorithm configuration; accepted for compatibility, not used"
    )


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityResponse(BaseModel):
    """A list entity as yente returns it (FollowTheMoney properties)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str = Field(..., examples=["un-KPi.024"])
    caption: str = Field(..., examples=["KIM YONG CHOL"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, list[str]] = Field(..., examples=[{"name": ["KIM YONG CHOL"]}])
    datasets: list[str] = Field(default_factory=list, examples=[["un"]])
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class FeatureResultModel(BaseModel):
    """yente's per-feature explanation: the feature's score and what it found."""

    score: float
    detail: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool
    explanations: dict[str, FeatureResultModel] = Field(default_factory=dict)
    features: dict[str, float]
    algorithm: str
    explanation: str


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int
    algorithm: str = Field(..., description="the algorithm that answered", examples=["dprk-v4"])
    requested_algorithm: str = Field(..., description="the algorithm the request named", examples=["logic-v2"])


class SearchFacetItem(BaseModel):
    name: str
    label: str
    count: int = 1


class SearchFacet(BaseModel):
    label: str
    values: list[SearchFacetItem]


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet]


class DatasetModel(BaseModel):
    """One dataset of the catalog: a loaded list (or ``default``, all of them)."""

    name: str
    title: str
    version: str | None = None
    updated_at: str | None = None
    last_export: str | None = None
    entity_count: int = 0
    children: list[str] = Field(default_factory=list)
    load: bool = True
    index_version: str | None = None
    index_current: bool = True
    sha256: str | None = None


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    config: dict[str, float] = Field(default_factory=dict)


class AlgorithmModel(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs
    aliases: list[str] = Field(default_factory=list, description="yente names this algorithm answers for")


class AlgorithmResponse(BaseModel):
    algorithms: list[AlgorithmModel]
    default: str
    best: str


# --- sanctionwatch shape -------------------------------------------------------------


class ScreenRequest(BaseModel):
    """One subject to screen: a name, an IMO or an MMSI at least, and whatever else is known."""

    model_config = ConfigDict(
        populate_by_name=True, json_schema_extra={"anyOf": _some_of("name", "imo", "mmsi", lists=False)}
    )

    name: str = Field("", examples=["Kim Jong-un"], max_length=MAX_NAME_CHARS)
    schema_: str | None = Field(
        None, alias="schema", examples=["Person"], json_schema_extra={"enum": list(QUERY_SCHEMAS)}
    )
    birth_date: str | None = None
    nationality: str | None = None
    imo: str | None = None
    mmsi: str | None = None
    dataset: str = "default"
    limit: int = Field(5, ge=1, le=100)
    threshold: float | None = Field(None, ge=0.0, le=1.0, allow_inf_nan=False)


class ScreenResult(BaseModel):
    entity_id: str
    schema_: str = Field(..., alias="schema")
    source: str
    source_id: str
    caption: str
    score: float
    match: bool
    matched_name: str
    algorithm: str
    features: dict[str, float]
    explanation: str

    model_config = ConfigDict(populate_by_name=True)


class ScreenResponse(BaseModel):
    algorithm: str
    threshold: float
    dataset: str
    results: list[ScreenResult]


# --- vessels and events ---------------------------------------------------------------


class ReasonModel(BaseModel):
    """One piece of evidence behind a risk score, with the events it rests on."""

    code: str
    points: float
    text: str
    event_ids: list[str]


class ListHitModel(BaseModel):
    """A vessel's match on a sanctions list; ``by_identifier``: its IMO or MMSI agreed with the list entry."""

    mmsi: int
    entity_id: str
    caption: str
    source: str
    source_id: str
    score: float
    by_identifier: bool
    explanation: str


class VesselSummary(BaseModel):
    """One vessel (one MMSI) with its risk and the reasons for it."""

    rank: int
    mmsi: int
    imo: int | None = None
    name: str | None = None
    flag: str | None = None
    risk_score: float
    risk_level: str
    designated: bool
    list_hits: list[ListHitModel]
    reasons: list[ReasonModel]
    event_counts: dict[str, int]


class VesselPage(BaseModel):
    total: int
    limit: int
    offset: int
    algorithm: str = Field(..., description="the screening algorithm behind the list hits")
    results: list[VesselSummary]


class EventModel(BaseModel):
    """One behaviour event (the columns of the events CSV; ``details`` parsed)."""

    event_id: str
    type: str
    mmsi: int
    other_mmsi: int | None = None
    start: str
    end: str
    duration_h: float
    lat: float | None = None
    lon: float | None = None
    details: dict[str, Any]


class EventPage(BaseModel):
    total: int
    limit: int
    offset: int
    results: list[EventModel]


class GeoJSONFeature(BaseModel):
    type: str = "Feature"
    id: str
    geometry: dict[str, Any] | None
    properties: dict[str, Any]


class GeoJSONFeatureCollection(BaseModel):
    type: str = "FeatureCollection"
    features: list[GeoJSONFeature]


class IdentityObservation(BaseModel):
    """One identity (name, IMO) a vessel broadcast, with when it was first and last seen."""

    imo: int | None = None
    name: str | None = None
    flag: str | None = None
    first_ts: str
    last_ts: str


class Counterparty(BaseModel):
    """A vessel met in an encounter, as far as the store knows it."""

    mmsi: int
    imo: int | None = None
    name: str | None = None
    designated: bool = False
    encounters: int


class VesselCase(BaseModel):
    """What the store knows about one vessel: identity, list hits, risk with reasons, events, counterparties."""

    vessel: VesselSummary
    call_sign: str | None = None
    identities: list[IdentityObservation]
    events: list[EventModel]
    counterparties: list[Counterparty]


# --- routes that change data -------------------------------------------------------------


class IngestResponse(BaseModel):
    filename: str
    sha256: str
    format: str
    rows_in: int
    accepted: int
    quarantined: dict[str, int]
    positions: int
    static_rows: int
    skipped: bool = Field(..., description="the same content was ingested before; nothing added")
    detected: bool = Field(..., description="whether detection ran over the store afterwards")
    events: int | None = Field(None, description="events in the store after detection")


class ListLoadResult(BaseModel):
    source: str
    version: str
    sha256: str
    record_count: int
    loaded: bool = Field(..., description="False when this version was already stored")


class ListLoadResponse(BaseModel):
    results: list[ListLoadResult]
