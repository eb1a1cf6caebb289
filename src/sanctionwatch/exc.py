"""One exception root for everything sanctionwatch raises on purpose.

Each error carries a message a user can act on and an HTTP-like ``status`` so the
CLI and the API can present it the same way (tracebacks only for status >= 500).
"""

from __future__ import annotations

from typing import Any


class SanctionwatchError(Exception):
    """Root of every error sanctionwatch raises deliberately."""

    status: int = 500

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.detail


class ConfigError(SanctionwatchError):
    """A setting or option has a value we cannot use."""

    status = 400


class InputError(SanctionwatchError):
    """An input file or request is malformed; ``errors`` says where."""

    status = 400

    def __init__(self, detail: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or {}


class NotFound(SanctionwatchError):
    """The requested thing (entity, vessel, file, list) does not exist."""

    status = 404


class NotReady(SanctionwatchError):
    """The store lacks what this step needs (e.g. no lists loaded, no positions)."""

    status = 503


class StoreVersionError(SanctionwatchError):
    """The store was written by a newer sanctionwatch than this one."""

    status = 409


class ChecksumError(SanctionwatchError):
    """A downloaded file did not match the expected digest or shape."""

    status = 502

    def __init__(self, detail: str, *, actual: str, expected: str, url: str) -> None:
        super().__init__(detail)
        self.actual = actual
        self.expected = expected
        self.url = url


class NetworkError(SanctionwatchError):
    """A publisher could not be reached (no network, timeout, HTTP error)."""

    status = 503
