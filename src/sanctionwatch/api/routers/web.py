"""The web page at ``/``, its map layers, and the interactive docs (``/docs``, ``/redoc``), all served offline.

Every asset comes from an installed package: the page from ``api/static``,
Leaflet from ``xstatic-leaflet``, Swagger UI and ReDoc from ``fastapi-offline``,
the coastline and areas from ``regime/data``. Nothing is fetched from a CDN or a
tile server, so the page and the docs work on a machine with no network.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from ...regime.geography import read_data_text

router = APIRouter(include_in_schema=False)

#: The pages may load nothing from anywhere but this server. Besides keeping the page
#: safe, it holds the docs to it: ReDoc's sidebar fetches its vendor's logo from a CDN
#: with no option to turn that off, and this makes the browser refuse it unasked.
#: ('unsafe-inline': Swagger UI starts from an inline script, ReDoc styles inline.)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
)
_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}

#: URL prefixes of the mounted asset folders (see ``app.mount_static``).
STATIC_URL = "/static"
LEAFLET_URL = "/static/leaflet"
DOCS_ASSETS_URL = "/static/docs"


@router.get("/", response_class=HTMLResponse)
def index() -> HTMLResponse:
    """The web page: vessel table, screening box, vessel case and the events map."""
    html = resources.files(__package__.rsplit(".", 1)[0]).joinpath("static/index.html").read_text(encoding="utf-8")
    return HTMLResponse(html, headers=_HEADERS)


@router.get("/map/land.geojson")
def land() -> Response:
    """The coastline the detectors use (land polygons, East Asia) as GeoJSON."""
    return Response(read_data_text("land_east_asia.geojson"), media_type="application/geo+json")


@router.get("/map/areas.geojson")
def areas() -> Response:
    """DPRK waters, ports' areas and STS hotspots the events name, as GeoJSON."""
    return Response(read_data_text("areas.geojson"), media_type="application/geo+json")


def _docs_page(request: Request, render: Callable[..., HTMLResponse], **assets: Any) -> HTMLResponse:
    """A docs page of FastAPI's (``render``) over this app's OpenAPI, its assets local, under the policy."""
    page = render(openapi_url=request.app.openapi_url, title=f"{request.app.title} API", **assets)
    page.headers.update(_HEADERS)
    return page


@router.get("/docs", response_class=HTMLResponse)
def swagger(request: Request) -> HTMLResponse:
    """Swagger UI from the installed package."""
    return _docs_page(
        request,
        get_swagger_ui_html,
        swagger_js_url=f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{DOCS_ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
    )


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    """ReDoc from the installed package (no web fonts: they would come from Google)."""
    return _docs_page(
        request,
        get_redoc_html,
        redoc_js_url=f"{DOCS_ASSETS_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{DOCS_ASSETS_URL}/favicon.png",
        with_google_fonts=False,
    )
