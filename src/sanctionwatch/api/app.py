"""The FastAPI application factory."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .. import __version__, exc
from ..model.entity import Entity
from ..settings import AppConfig, load_config
from .datasets import Datasets

log = logging.getLogger(__name__)

#: Route modules under ``api/routers/``, each exposing ``router``.
ROUTERS: tuple[str, ...] = ("health", "match")

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
        if err.status >= 500:
            log.error("%s on %s", cls.__name__, request.url.path, exc_info=err)
        body: dict[str, object] = {"detail": err.detail}
        if isinstance(err, exc.InputError):
            body["errors"] = err.errors
        return JSONResponse(body, status_code=err.status)

    return handle


def create_app(settings: AppConfig | None = None, *, entities: Sequence[Entity] | None = None) -> FastAPI:
    """The sanctionwatch HTTP API.

    Entities come from the store at ``settings.db`` on first use, or from
    ``entities`` when given (tests, embedding).
    """
    settings = settings or load_config(AppConfig)
    app = FastAPI(
        title="sanctionwatch",
        version=__version__,
        description="Screening against DPRK sanctions lists, vessel behaviour and petroleum cap data.",
    )
    app.state.settings = settings
    app.state.datasets = Datasets(settings, entities)
    for cls in ERROR_CLASSES:
        app.add_exception_handler(cls, _handler(cls))
    for name in ROUTERS:
        app.include_router(importlib.import_module(f"{__package__}.routers.{name}").router)
    return app
