"""Request body size limits, enforced before a route reads the body.

A pure ASGI middleware: it refuses a declared ``Content-Length`` above the limit at
once and counts the bytes of a streamed body, answering 413 with JSON that names
the limit and the setting to raise. File uploads (the routes that change data)
have their own, larger limit.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .config import API_PREFIX, ApiConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Paths whose body is a file upload (``max_upload_bytes`` applies, not ``max_body_bytes``).
UPLOAD_PATHS: tuple[str, ...] = ("/ais/ingest", "/lists/load")


class BodyTooLarge(Exception):
    """Raised inside ``receive`` when a streamed body passes the limit."""


def too_large_body(size: int | None, limit: int, setting: str) -> bytes:
    """The 413 JSON body: how big, the limit, and which setting raises it."""
    got = f"{size} bytes" if size is not None else f"more than {limit} bytes"
    return json.dumps(
        {
            "detail": f"request body is {got}; the limit is {limit} bytes (send less, or raise {setting})",
            "errors": {"body_bytes": size, "limit_bytes": limit, "setting": setting},
        }
    ).encode()


class BodySizeLimit:
    """ASGI middleware applying :class:`ApiConfig`'s body limits."""

    def __init__(self, app: ASGIApp, config: ApiConfig) -> None:
        self.app = app
        self.config = config

    def _limit(self, path: str) -> tuple[int, str]:
        if path in UPLOAD_PATHS:
            return self.config.max_upload_bytes, f"{API_PREFIX}MAX_UPLOAD_BYTES"
        return self.config.max_body_bytes, f"{API_PREFIX}MAX_BODY_BYTES"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, too_large_body(int(declared), limit, setting))
            return
        seen = 0
        started = refused = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Answer now: the framework turns errors while reading a body into its own 400,
                    # so the 413 goes out first and whatever the route would send is dropped.
                    if not started and not refused:
                        refused = True
                        await self._refuse(send, too_large_body(None, limit, setting))
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            pass

    @staticmethod
    async def _refuse(send: Send, body: bytes) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})
