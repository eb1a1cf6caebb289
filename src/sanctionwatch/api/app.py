"""The FastAPI application factory."""

from __future__ import annotations

import importlib
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Asset packages of the [api] extra, imported here so a missing one fails where
# `sanctionwatch serve` turns ImportError into "install the [api] extra".
import fastapi_offline
import xstatic.pkg.leaflet as leaflet
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from .. import __version__, exc
from ..model.entity import Entity
from ..settings import AppConfig, load_config
from .config import ApiConfig
from .data import StoreAccess
from .datasets import Datasets
from .limits import BodySizeLimit
from .routers.web import DOCS_ASSETS_URL, LEAFLET_URL, STATIC_URL

log = logging.getLogger(__name__)

#: Route modules under ``api/routers/``, each exposing ``router``.
#: ``regime`` holds ``/cap`` and ``/states`` (503 until the ledger and scorecard land).
ROUTERS: tuple[str, ...] = ("health", "match", "yente", "vessels", "events", "regime", "writes", "web")

# Every error class sanctionwatch raises on purpose gets its own handler, so the
# HTTP status and body follow the class (InputError carries ``errors``).
ERROR_CLASSES: tuple[type[exc.SanctionwatchError], ...] = (
    exc.SanctionwatchError,
    exc.ConfigError,
    exc.InputError,
    exc.NotFound,
    exc.NotReady,
    exc.StoreVersionError,
    exc.ChecksumError,
    exc.NetworkError,
)


def _handler(cls: type[exc.SanctionwatchError]):  # type: ignore[no-untyped-def]
    async def handle(request: Request, err: Exception) -> JSONResponse:
        assert isinstance(err, cls)
        # NotReady is a state (no data loaded yet, a part not built), not a fault: no traceback.
        if err.status >= 500 and not isinstance(err, exc.NotReady):
            log.error("%s on %s", cls.__name__, request.url.path, exc_info=err)
        elif err.status >= 500:
            log.warning("%s on %s: %s", cls.__name__, request.url.path, err.detail)
        body: dict[str, object] = {"detail": err.detail}
        if isinstance(err, exc.InputError):
            body["errors"] = err.errors
        # RFC 9110: a 401 names the scheme the client should use.
        headers = {"WWW-Authenticate": "Bearer"} if err.status == 401 else None
        return JSONResponse(body, status_code=err.status, headers=headers)

    return handle


def _json_safe(value: Any) -> Any:
    """``value`` with non-finite floats written as text: JSON has no NaN or Infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


async def invalid_request(request: Request, err: Exception) -> JSONResponse:
    """422 for a request that fails validation, as FastAPI answers it, even when its input held NaN or Infinity.

    FastAPI's own handler echoes the input and cannot encode a non-finite number,
    so a raw ``NaN`` threshold gave 500.
    """
    assert isinstance(err, RequestValidationError)
    return JSONResponse({"detail": _json_safe(jsonable_encoder(err.errors()))}, status_code=422)


def mount_static(app: FastAPI) -> None:
    """Serve the page's assets, Leaflet and the docs' assets from installed packages (never a CDN)."""
    here = Path(__file__).resolve().parent
    app.mount(LEAFLET_URL, StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")
    app.mount(DOCS_ASSETS_URL, StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="docs")
    app.mount(STATIC_URL, StaticFiles(directory=here / "static"), name="static")


def create_app(
    settings: AppConfig | None = None,
    *,
    entities: Sequence[Entity] | None = None,
    api: ApiConfig | None = None,
) -> FastAPI:
    """The sanctionwatch HTTP API and web page.

    Entities come from the store at ``settings.db`` on first use, or from
    ``entities`` when given (tests, embedding). ``api`` (key, limits) defaults to
    the ``SANCTIONWATCH_API_*`` environment.
    """
    settings = settings or load_config(AppConfig)
    api = api or load_config(ApiConfig)
    app = FastAPI(
        title="sanctionwatch",
        version=__version__,
        description=(
            "Screening against DPRK sanctions lists (yente-compatible `/match`, `/search`, `/entities`, "
            "`/catalog`, `/algorithms`), vessel risk, behaviour events. Routes that change data need "
            "`SANCTIONWATCH_API_KEY`."
        ),
        # The docs pages are our own routes, with assets from installed packages.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.api_config = api
    app.state.store = StoreAccess(settings.db)
    app.state.datasets = Datasets(settings, entities, app.state.store)
    for cls in ERROR_CLASSES:
        app.add_exception_handler(cls, _handler(cls))
    app.add_exception_handler(RequestValidationError, invalid_request)
    for name in ROUTERS:
        app.include_router(importlib.import_module(f"{__package__}.routers.{name}").router)
    mount_static(app)
    app.add_middleware(BodySizeLimit, config=api)
    return app
