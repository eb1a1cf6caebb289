"""Routes that change data: ``POST /ais/ingest`` and ``POST /lists/load`` (API key required).

The file is the raw request body (``curl --data-binary @positions.csv``): no
multipart parser needed, and the body streams to a temporary file under the
upload size limit. ``filename`` matters: its suffix says the format and the
compression, as on the command line.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Any

from fastapi import APIRouter, Request, Security
from fastapi import Query as QueryParam
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from ...ais.ingest import ingest_file
from ...exc import InputError
from ...lists.sniff import FORMATS, parse_files
from ...store.entities import save_publication
from ..data import StoreAccess
from ..schemas import ErrorResponse, IngestResponse, ListLoadResponse, ListLoadResult
from ..security import api_key_header, bearer, check_api_key

_FILE_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 401, 403, 409, 413, 503)}


def require_api_key(
    request: Request,
    header_key: str | None = Security(api_key_header),
    credentials: HTTPAuthorizationCredentials | None = Security(bearer),
) -> None:
    """Dependency of every route that changes data: the configured API key must be sent."""
    check_api_key(request, header_key, credentials)


router = APIRouter(tags=["data"], dependencies=[Security(require_api_key)])


def _safe_name(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name
    if not name or name in (".", ".."):
        raise InputError(
            f"filename={filename!r} has no file name; give one such as positions.csv", errors={"filename": filename}
        )
    return name


async def _spool(request: Request, folder: Path, filename: str) -> Path:
    """The request body written to ``folder/filename``; :class:`InputError` when it is empty."""
    path = folder / _safe_name(filename)
    size = 0
    with open(path, "wb") as fh:
        async for chunk in request.stream():
            size += len(chunk)
            fh.write(chunk)
    if size == 0:
        raise InputError(
            "the request body is empty: send the file as the body (curl --data-binary @FILE)", errors={"body": 0}
        )
    return path


@router.post("/ais/ingest", response_model=IngestResponse, responses=_ERRORS, openapi_extra=_FILE_BODY)
async def ingest(
    request: Request,
    filename: str = QueryParam(
        ..., min_length=1, description="the file's name; its suffix says format and compression"
    ),
    format: str | None = QueryParam(
        None, pattern="^(nmea|csv|parquet)$", description="nmea, csv or parquet [default: sniffed]"
    ),
    detect: bool = QueryParam(True, description="run every detector over the store afterwards"),
) -> IngestResponse:
    """Ingest one AIS file (NMEA, CSV or Parquet; gzip/bz2/zip ok), then (by default) run detection."""
    access: StoreAccess = request.app.state.store
    with tempfile.TemporaryDirectory(prefix="sanctionwatch-upload-") as tmp:
        path = await _spool(request, Path(tmp), filename)

        def work() -> IngestResponse:
            from ...engines.detect import run_detection

            with access.store(write=True) as store:
                report = ingest_file(store, path, fmt=format)
                detected = detect and not report.skipped
                found = run_detection(store).events_found if detected else None
            access.invalidate()
            return IngestResponse(
                filename=path.name,
                sha256=report.sha256,
                format=report.format,
                rows_in=report.rows_in,
                accepted=report.accepted,
                quarantined=dict(report.quarantined),
                positions=report.positions,
                static_rows=report.static_rows,
                skipped=report.skipped,
                detected=detected,
                events=found,
            )

        return await run_in_threadpool(work)


@router.post("/lists/load", response_model=ListLoadResponse, responses=_ERRORS, openapi_extra=_FILE_BODY)
async def load_list(
    request: Request,
    filename: str = QueryParam(..., min_length=1, description="the file's name (e.g. consolidated.xml, sdn.csv)"),
    source: str | None = QueryParam(
        None, description=f"the list format, one of {', '.join(FORMATS)} [default: sniffed]"
    ),
) -> ListLoadResponse:
    """Load one official list file (format sniffed) as a new version of its list."""
    access: StoreAccess = request.app.state.store
    with tempfile.TemporaryDirectory(prefix="sanctionwatch-upload-") as tmp:
        path = await _spool(request, Path(tmp), filename)

        def work() -> ListLoadResponse:
            publications = parse_files([path], source)  # all parse before anything is stored
            with access.store(write=True) as store:
                results = [save_publication(store, pub) for pub in publications]
            access.invalidate()
            request.app.state.datasets.reset()
            return ListLoadResponse(
                results=[
                    ListLoadResult(
                        source=r.source,
                        version=r.version,
                        sha256=r.sha256,
                        record_count=r.record_count,
                        loaded=r.loaded,
                    )
                    for r in results
                ]
            )

        return await run_in_threadpool(work)
