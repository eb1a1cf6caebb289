"""HTTP API (FastAPI, optional extra ``[api]``): ``create_app(settings)``.

FastAPI and pydantic are imported only inside this package, so the core library
and CLI install and run without them. ``create_app`` is imported on first use so
``api.config`` (the settings) loads even where the extra is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
