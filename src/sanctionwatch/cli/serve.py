"""``sanctionwatch serve``: the HTTP API and the web page (needs the ``[api]`` extra)."""

from __future__ import annotations

import json

import typer

from ..exc import ConfigError
from .context import console, err_console, state


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, min=0, max=65535, help="Port to listen on."),
    get: str | None = typer.Option(
        None, "--get", help="Make one in-process GET request (e.g. /health, /vessels?limit=5), print it, exit."
    ),
) -> None:
    """Serve the HTTP API and the web page at / (OpenAPI at /openapi.json, docs at /docs and /redoc).

    Routes that change data (/ais/ingest, /lists/load) are on only when
    SANCTIONWATCH_API_KEY is set; limits are the SANCTIONWATCH_API_* settings.
    """
    try:
        from ..api.app import create_app
        from ..api.config import ApiConfig
        from ..settings import load_config
    except ImportError as err:
        raise ConfigError('the HTTP API needs the [api] extra: pip install "sanctionwatch[api]"') from err
    app = create_app(state(ctx).settings, api=load_config(ApiConfig))
    if get is not None:
        from fastapi.testclient import TestClient

        response = TestClient(app).get(get)
        if "json" in response.headers.get("content-type", ""):
            console.print_json(json.dumps(response.json()))
        else:
            typer.echo(response.text)
        if response.status_code >= 400:
            raise typer.Exit(1)
        return
    import uvicorn

    key = "on (SANCTIONWATCH_API_KEY set)" if app.state.api_config.writes_enabled else "off (set SANCTIONWATCH_API_KEY)"
    err_console.print(
        f"sanctionwatch on http://{host}:{port}/ — docs at /docs; routes that change data: {key}", style="dim"
    )
    uvicorn.run(app, host=host, port=port)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the CLI."""
    app.command()(serve)
