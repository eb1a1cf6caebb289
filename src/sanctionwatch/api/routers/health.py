"""``/health``: liveness, without touching the lists."""

from __future__ import annotations

from fastapi import APIRouter

from ... import __version__
from ..schemas import HealthResponse

router = APIRouter(tags=["system"])


@router.get("/health", response_model=HealthResponse)
async def health() -> HealthResponse:
    """The service is up."""
    # async: answered on the event loop, never queued behind scoring in the threadpool.
    return HealthResponse(version=__version__)
