"""``sanctionwatch serve``: the HTTP API (needs the ``[api]`` extra)."""

from __future__ import annotations

import json

import typer

from ..exc import ConfigError
from .context import console, state


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    get: str | None = typer.Option(
        None, "--get", help="Make one in-process GET request (e.g. /health), print it, exit."
    ),
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs)."""
    try:
        from ..api.app import create_app
    except ImportError as err:
        raise ConfigError('the HTTP API needs the [api] extra: pip install "sanctionwatch[api]"') from err
    app = create_app(state(ctx).settings)
    if get is not None:
        from fastapi.testclient import TestClient

        response = TestClient(app).get(get)
        console.print_json(json.dumps(response.json()))
        if response.status_code >= 400:
            raise typer.Exit(1)
        return
    import uvicorn

    uvicorn.run(app, host=host, port=port)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the CLI."""
    app.command()(serve)
