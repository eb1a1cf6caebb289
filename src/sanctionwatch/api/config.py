"""Settings of the HTTP API (``SANCTIONWATCH_API_*``): the key for routes that change data and the limits.

Kept free of FastAPI imports so the settings docs list them even where the
``[api]`` extra is not installed.
"""

from __future__ import annotations

import dataclasses

from ..exc import ConfigError
from ..settings import PREFIX, setting, settings_group

API_PREFIX = f"{PREFIX}API_"


@settings_group(API_PREFIX)
@dataclasses.dataclass(frozen=True)
class ApiConfig:
    """HTTP API: the key for routes that change data, request size and batch limits."""

    key: str | None = setting(
        None,
        "API key for routes that change data (AIS ingest, list loads), sent as `X-API-Key` or "
        "`Authorization: Bearer`; unset: those routes are off",
    )
    max_body_bytes: int = setting(1_000_000, "largest JSON request body accepted, in bytes (413 above it)")
    max_upload_bytes: int = setting(
        200_000_000, "largest file upload accepted by the ingest and list-load routes, in bytes (413 above it)"
    )
    max_queries: int = setting(100, "most queries in one `/match` batch (400 above it)")
    max_page: int = setting(500, "most rows one `/vessels`, `/events` or `/search` page returns")
    scoring_threads: int = setting(
        4,
        "requests scored at once (`/match`, `/screen`); the rest queue in arrival order. "
        "Only rapidfuzz's loops release the GIL, so a few threads overlap and more only lengthen the tail",
    )

    def __post_init__(self) -> None:
        if self.scoring_threads < 1:
            raise ConfigError(f"{API_PREFIX}SCORING_THREADS must be at least 1, got {self.scoring_threads}")

    @property
    def writes_enabled(self) -> bool:
        """Whether a key is configured, so the routes that change data are on."""
        return bool(self.key)
