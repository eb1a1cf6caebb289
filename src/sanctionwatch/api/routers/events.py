"""``/events``: behaviour events filtered by type, vessel, time and bounding box, as JSON or GeoJSON."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from fastapi import APIRouter, Request
from fastapi import Query as QueryParam
from fastapi.responses import JSONResponse

from ...events.build import event_records
from ...exc import InputError
from ...model.events import EVENT_TYPES
from ...report.export import events_geojson
from ...store.events import read_events
from ..data import StoreAccess
from ..schemas import ErrorResponse, EventModel, EventPage, GeoJSONFeatureCollection, inline_schema

# A longitude in [-180, 180] and a latitude in [-90, 90], as the bbox pattern documents them.
_LON = r"-?(?:180(?:\.0+)?|(?:1[0-7]\d|\d{1,2})(?:\.\d+)?)"
_LAT = r"-?(?:90(?:\.0+)?|[1-8]?\d(?:\.\d+)?)"
BBOX_PATTERN = rf"^{_LON},{_LAT},{_LON},{_LAT}$"

router = APIRouter(tags=["events"])

EventType = StrEnum("EventType", {t: t for t in EVENT_TYPES})  # type: ignore[misc]


class EventFormat(StrEnum):
    json = "json"
    geojson = "geojson"


def event_models(events: pa.Table) -> list[EventModel]:
    """Stored events as API models (already validated by the detectors: no re-validation)."""
    return [EventModel.model_construct(**row) for row in event_records(events)]


def parse_bbox(bbox: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` in degrees; :class:`InputError` saying what is wrong otherwise."""
    parts = bbox.split(",")
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise InputError(
            f"bbox={bbox!r}: give four numbers minlon,minlat,maxlon,maxlat (degrees), e.g. 123.5,37.5,126,39.5",
            errors={"bbox": bbox},
        ) from None
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise InputError(
            f"bbox={bbox!r}: longitudes must be in [-180, 180], latitudes in [-90, 90]", errors={"bbox": bbox}
        )
    return minlon, minlat, maxlon, maxlat


def in_bbox(events: pa.Table, box: tuple[float, float, float, float]) -> pa.Table:
    """Events whose position lies in ``box``; a box with minlon > maxlon crosses the antimeridian.

    A box with minlat > maxlat holds no point, so no event.
    """
    minlon, minlat, maxlon, maxlat = box
    lat, lon = events["lat"], events["lon"]
    lat_ok = pc.and_(pc.greater_equal(lat, minlat), pc.less_equal(lat, maxlat))
    if minlon <= maxlon:
        lon_ok = pc.and_(pc.greater_equal(lon, minlon), pc.less_equal(lon, maxlon))
    else:
        lon_ok = pc.or_(pc.greater_equal(lon, minlon), pc.less_equal(lon, maxlon))
    return events.filter(pc.fill_null(pc.and_(lat_ok, lon_ok), False))


def _as_utc(name: str, when: datetime | None) -> datetime | None:
    """``when`` in UTC (a time without a zone is UTC, as everywhere in sanctionwatch).

    A time whose UTC instant falls outside the years 1-9999 (0001-01-01T00:00+05:00)
    is refused with 400, not left to overflow in the query.
    """
    if when is None:
        return None
    try:
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except OverflowError as err:
        raise InputError(
            f"{name} {when.isoformat()} is outside the years 1-9999 in UTC", errors={name: "out of range"}
        ) from err


@router.get(
    "/events",
    response_model=EventPage,
    responses={
        200: {
            "content": {"application/geo+json": {"schema": inline_schema(GeoJSONFeatureCollection)}},
            "description": "events as JSON (EventPage) or, with format=geojson, a GeoJSON FeatureCollection",
        },
        400: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
def events(
    request: Request,
    type: EventType | None = QueryParam(None, description="only events of this type"),
    mmsi: int | None = QueryParam(None, ge=0, le=999_999_999, description="only events of this vessel (either side)"),
    start: datetime | None = QueryParam(None, description="only events ending at or after this time (ISO 8601)"),
    end: datetime | None = QueryParam(
        None, description="only events starting before this time (ISO 8601; before `start`: no event)"
    ),
    bbox: str | None = QueryParam(
        None,
        pattern=BBOX_PATTERN,
        description="only events inside minlon,minlat,maxlon,maxlat (degrees; minlon > maxlon crosses 180)",
        examples=["123.5,37.5,126,39.5"],
    ),
    format: EventFormat = QueryParam(EventFormat.json, description="json (paged) or geojson (every match)"),
    limit: int = QueryParam(100, ge=1, le=100_000, description="events per page (at most SANCTIONWATCH_API_MAX_PAGE)"),
    offset: int = QueryParam(0, ge=0, description="first event of the page"),
) -> Any:
    """Events sorted by start time, filtered by type, vessel, time overlap and bounding box.

    A malformed ``bbox`` is refused by its pattern (422) before the route runs.
    """
    box = parse_bbox(bbox) if bbox is not None else None
    start, end = _as_utc("start", start), _as_utc("end", end)
    access: StoreAccess = request.app.state.store
    table = access.read(
        lambda store: read_events(store, type=type.value if type else None, mmsi=mmsi, start=start, end=end)
    )
    if box is not None:
        table = in_bbox(table, box)
    if format is EventFormat.geojson:
        return JSONResponse(events_geojson(table), media_type="application/geo+json")
    limit = min(limit, request.app.state.api_config.max_page)
    page = table.slice(offset, limit) if offset < table.num_rows else table.slice(0, 0)
    return EventPage.model_construct(total=table.num_rows, limit=limit, offset=offset, results=event_models(page))
