"""docs/api.md documents every route the app serves."""

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_every_route_is_documented(client):
    text = DOC.read_text(encoding="utf-8")
    paths = client.get("/openapi.json").json()["paths"]
    for path, methods in paths.items():
        for method in methods:
            assert f"`{method.upper()} {path}`" in text, f"docs/api.md does not document {method.upper()} {path}"
    for page in ("/", "/docs", "/redoc", "/openapi.json"):
        assert f"`GET {page}`" in text
