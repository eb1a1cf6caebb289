"""The API key that guards routes changing data (``SANCTIONWATCH_API_KEY``).

Without a key configured those routes are off (403 saying how to turn them on);
with one, a request must send it as ``X-API-Key`` or ``Authorization: Bearer``.
The comparison is constant-time so response timing does not leak the key.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ..exc import SanctionwatchError
from .config import API_PREFIX

KEY_VARIABLE = f"{API_PREFIX}KEY"

# auto_error=False: a missing key is answered by require_api_key with the project's error shape.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="the key set in SANCTIONWATCH_API_KEY")
bearer = HTTPBearer(auto_error=False, description="the key set in SANCTIONWATCH_API_KEY, as a bearer token")


class WritesDisabled(SanctionwatchError):
    """A route that changes data was called while no API key is configured."""

    status = 403


class Unauthorized(SanctionwatchError):
    """A route that changes data was called without the right key."""

    status = 401


def key_matches(given: str | None, expected: str) -> bool:
    """Whether ``given`` is the configured key (constant-time)."""
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def check_api_key(request: Request, header_key: str | None, credentials: HTTPAuthorizationCredentials | None) -> None:
    """Raise unless the request carries the configured key; routes that change data depend on it."""
    expected = request.app.state.api_config.key
    if not expected:
        raise WritesDisabled(
            f"routes that change data are off: set {KEY_VARIABLE} where the server runs, restart it, "
            "and send the key as an X-API-Key header (or Authorization: Bearer KEY)"
        )
    given = header_key if header_key is not None else (credentials.credentials if credentials else None)
    if not key_matches(given, expected):
        what = "no API key sent" if given is None else "wrong API key"
        raise Unauthorized(
            f"{what}: send the key set in {KEY_VARIABLE} as an X-API-Key header (or Authorization: Bearer KEY)"
        )
