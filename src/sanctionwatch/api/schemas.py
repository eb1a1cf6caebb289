"""Request and response models of the HTTP API (pydantic lives only here).

``/match/{dataset}`` speaks the OpenSanctions yente matching shape so existing
yente clients work unchanged; ``/screen`` is sanctionwatch's own, simpler one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class HealthResponse(BaseModel):
    status: str = "ok"
    version: str


# --- yente shape -------------------------------------------------------------------


class EntityExample(BaseModel):
    """A query entity: FtM schema plus properties (``name``, ``birthDate``, ``nationality``, ``imoNumber``, ``mmsi``...)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = None
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(..., examples=[{"name": ["Kim Jong Un"], "birthDate": ["1984"]}])


class EntityMatchQuery(BaseModel):
    queries: dict[str, EntityExample]
    weights: dict[str, float] = Field(default_factory=dict, description="accepted for compatibility, not used")


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class ScoredEntityResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str] = Field(default_factory=list)
    target: bool = True
    last_change: str | None = None
    score: float
    match: bool
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


# --- sanctionwatch shape -------------------------------------------------------------


class ScreenRequest(BaseModel):
    name: str = Field("", examples=["Kim Jong-un"])
    schema_: str | None = Field(None, alias="schema", examples=["Person"])
    birth_date: str | None = None
    nationality: str | None = None
    imo: str | None = None
    mmsi: str | None = None
    dataset: str = "default"
    limit: int = Field(5, ge=1, le=100)
    threshold: float | None = Field(None, ge=0.0, le=1.0)

    model_config = ConfigDict(populate_by_name=True)


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
