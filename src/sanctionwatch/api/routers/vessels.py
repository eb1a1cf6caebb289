"""``/vessels`` (ranked risk with reasons and event ids) and ``/vessels/{id}`` (one vessel by MMSI or IMO).

``/vessels/{id}`` answers with what the library holds today (identity history,
list hits, risk reasons, events, counterparties). The fuller case file being built
in ``risk/`` plugs in at :func:`vessel_case`: add its fields to ``schemas.VesselCase``
and fill them there; the route and its other fields stay.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict

import pyarrow as pa
from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi import Query as QueryParam

from ...exc import InputError, NotFound
from ...risk.assess import Assessment, identity_history
from ...risk.score import VesselRisk
from ...store.events import read_events
from ...store.positions import read_static
from ..data import StoreAccess
from ..schemas import (
    Counterparty,
    ErrorResponse,
    IdentityObservation,
    ListHitModel,
    ReasonModel,
    VesselCase,
    VesselPage,
    VesselSummary,
)
from .events import event_models

router = APIRouter(tags=["vessels"])

#: An MMSI (9 digits) or an IMO number (7 digits, optionally written ``IMO 1234567``).
VESSEL_ID_PATTERN = r"^(?:\d{9}|(?:IMO|imo)? ?\d{7})$"


def _access(request: Request) -> StoreAccess:
    return request.app.state.store  # type: ignore[no-any-return]


def vessel_summary(rank: int, risk: VesselRisk) -> VesselSummary:
    """One scored vessel in the API shape (built without re-validation: the scorer made it)."""
    return VesselSummary.model_construct(
        rank=rank,
        mmsi=risk.mmsi,
        imo=risk.imo,
        name=risk.name,
        flag=risk.flag,
        risk_score=round(risk.score, 1),
        risk_level=risk.level,
        designated=risk.designated,
        list_hits=[ListHitModel.model_construct(**asdict(h)) for h in risk.list_hits],
        reasons=[ReasonModel.model_construct(**{**asdict(r), "event_ids": list(r.event_ids)}) for r in risk.reasons],
        event_counts=dict(risk.event_counts),
    )


@router.get(
    "/vessels",
    response_model=VesselPage,
    responses={503: {"model": ErrorResponse}},
)
def vessels(
    request: Request,
    limit: int = QueryParam(50, ge=1, le=10_000, description="vessels per page (at most SANCTIONWATCH_API_MAX_PAGE)"),
    offset: int = QueryParam(0, ge=0, description="first vessel of the page (0 = riskiest)"),
) -> VesselPage:
    """Vessels by risk, riskiest first, each with its list hits and the reasons (with event ids) behind its score."""
    limit = min(limit, request.app.state.api_config.max_page)
    assessment = _access(request).assessment()
    page = assessment.risks[offset : offset + limit]
    return VesselPage.model_construct(
        total=len(assessment.risks),
        limit=limit,
        offset=offset,
        algorithm=assessment.algorithm,
        results=[vessel_summary(offset + i, r) for i, r in enumerate(page, start=1)],
    )


def find_vessel(assessment: Assessment, vessel_id: str) -> tuple[int, VesselRisk]:
    """(rank, risk) of the vessel with this MMSI (9 digits) or IMO number (7 digits, ``IMO`` prefix allowed)."""
    digits = vessel_id.strip().upper().removeprefix("IMO").strip()
    if not digits.isdigit() or len(digits) not in (7, 9):
        raise InputError(
            f"{vessel_id!r} is neither an MMSI (9 digits) nor an IMO number (7 digits)", errors={"id": vessel_id}
        )
    number = int(digits)
    for rank, risk in enumerate(assessment.risks, start=1):
        if (len(digits) == 9 and risk.mmsi == number) or (len(digits) == 7 and risk.imo == number):
            return rank, risk
    kind = "MMSI" if len(digits) == 9 else "IMO"
    raise NotFound(f"no vessel with {kind} {digits} in the store")


def _identities(static: pa.Table) -> list[IdentityObservation]:
    if static.num_rows == 0:
        return []
    return [
        IdentityObservation.model_construct(
            imo=row["imo"],
            name=row["name"],
            flag=row["flag"],
            first_ts=row["first_ts"].isoformat(),
            last_ts=row["last_ts"].isoformat(),
        )
        for row in identity_history(static).to_pylist()
    ]


def vessel_case(access: StoreAccess, vessel_id: str) -> VesselCase:
    """The case of one vessel: identity history, list hits, risk with reasons, its events and who it met."""
    assessment = access.assessment()
    rank, risk = find_vessel(assessment, vessel_id)

    def gather(store):  # type: ignore[no-untyped-def]
        return read_static(store, mmsis=[risk.mmsi]), read_events(store, mmsi=risk.mmsi)

    static, events = access.read(gather)
    others = Counter(
        other if mmsi == risk.mmsi else mmsi
        for mmsi, other, kind in zip(
            events["mmsi"].to_pylist(), events["other_mmsi"].to_pylist(), events["type"].to_pylist()
        )
        if kind == "encounter" and other is not None
    )
    known = {r.mmsi: r for r in assessment.risks}
    counterparties = [
        Counterparty.model_construct(
            mmsi=m,
            imo=known[m].imo if m in known else None,
            name=known[m].name if m in known else None,
            designated=known[m].designated if m in known else False,
            encounters=n,
        )
        for m, n in sorted(others.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    call_signs = [c for c in static["call_sign"].to_pylist() if c] if "call_sign" in static.column_names else []
    return VesselCase.model_construct(
        vessel=vessel_summary(rank, risk),
        call_sign=call_signs[-1] if call_signs else None,
        identities=_identities(static),
        events=event_models(events),
        counterparties=counterparties,
    )


@router.get(
    "/vessels/{vessel_id}",
    response_model=VesselCase,
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
)
def vessel(
    request: Request,
    vessel_id: str = PathParam(
        ...,
        pattern=VESSEL_ID_PATTERN,
        description="MMSI (9 digits) or IMO number (7 digits, `IMO` prefix allowed)",
        examples=["445839104", "IMO8604917"],
    ),
) -> VesselCase:
    """One vessel's case: identity history, list hits, risk reasons, events and the vessels it met."""
    return vessel_case(_access(request), vessel_id)
