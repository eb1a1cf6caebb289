"""``/cap`` (petroleum cap ledger) and ``/states`` (member-state scorecard): not built yet.

They answer 503 with what is missing, so clients and the web page can tell "not
yet" from "wrong path". Wiring them: replace each body with a call to the
library function (``regime.caps`` ledger per year; the scorecard) and return its
rows through a model in ``api/schemas.py``; the paths and parameters stay.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi import Query as QueryParam

from ...exc import NotReady
from ..schemas import ErrorResponse

router = APIRouter(tags=["regime"])

_PENDING: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorResponse, "description": "not available in this version yet"}
}


@router.get("/cap", responses=_PENDING)
def cap(year: int | None = QueryParam(None, ge=2017, le=2100, description="one year only")) -> None:
    """Petroleum delivered to the DPRK per year against the UN caps (resolution 2397)."""
    raise NotReady("the petroleum cap ledger (/cap) is not in this version yet; it arrives with `sanctionwatch cap`")


@router.get("/states", responses=_PENDING)
def states(state: str | None = QueryParam(None, min_length=2, max_length=3, description="ISO country code")) -> None:
    """Member-state scorecard: votes, implementation reports, evidence."""
    raise NotReady(
        "the member-state scorecard (/states) is not in this version yet; it arrives with `sanctionwatch states`"
    )
