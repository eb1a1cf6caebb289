"""``/cap`` (petroleum cap ledger) and ``/states`` (member-state scorecard), as ``sanctionwatch cap`` and ``states``.

The same library calls as the commands, on the served store: rows as the commands'
``--format json`` writes them, so a client and an analyst at the terminal read one shape.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi import Query as QueryParam

from ...exc import NotFound
from ...regime.caps import ledger_records
from ...risk.accounting import store_ledger, store_scorecard
from ..data import StoreAccess
from ..schemas import ErrorResponse

router = APIRouter(tags=["regime"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "no such state on the scorecard"},
    503: {"model": ErrorResponse, "description": "no store to read yet"},
}


def _access(request: Request) -> StoreAccess:
    return request.app.state.store  # type: ignore[no-any-return]


@router.get("/cap", responses=_ERRORS)
def cap(
    request: Request, year: int | None = QueryParam(None, ge=2017, le=2100, description="one year only")
) -> dict[str, Any]:
    """Petroleum delivered to the DPRK per year against the UN caps (resolution 2397), reported beside estimated.

    Flat rows, as ``sanctionwatch cap --format json``: per year, the reported deliveries
    under every named tons-to-barrels factor (share of the cap, notice dates), the
    deliveries estimated from the stored events under each load-factor scenario, and
    the published estimates; ``factor`` is the headline factor.
    """
    result = _access(request).read(lambda store: store_ledger(store, years=[year] if year else None))
    rows = [{k: v for k, v in r.items() if v is not None} for r in ledger_records(result.years, result.regime)]
    return {"factor": result.config.factor, "rows": rows}


@router.get("/states", responses=_ERRORS)
def states(
    request: Request,
    state: str | None = QueryParam(None, min_length=2, max_length=2, description="ISO 3166-1 alpha-2 code"),
) -> dict[str, Any]:
    """Member-state scorecard: votes and implementation reports beside list and AIS evidence, with sources."""
    cards = _access(request).read(store_scorecard)
    if state is not None:
        cards = [c for c in cards if c.code == state.lower()]
        if not cards:
            raise NotFound(f"{state!r} is not on the scorecard (no vote, report or evidence for it)")
    return {"states": [c.sourced_record() for c in cards]}
