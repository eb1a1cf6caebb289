"""HTTP API (FastAPI, optional extra ``[api]``): ``create_app(settings)``.

FastAPI and pydantic are imported only inside this package, so the core library
and CLI install and run without them.
"""

from .app import create_app

__all__ = ["create_app"]
