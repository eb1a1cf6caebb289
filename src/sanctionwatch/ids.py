"""Content-derived identifiers: the same content always gives the same id."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, BinaryIO

_CHUNK = 1 << 20


def content_id(prefix: str, *parts: Any, length: int = 16) -> str:
    """Stable id ``prefix-<hex>`` from a JSON rendering of ``parts``.

    Used for events, matches and reports so reruns are idempotent and analysts can
    cite ids that do not change.
    """
    payload = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:length]
    return f"{prefix}-{digest}"


def stream_sha256(fh: BinaryIO) -> str:
    """Hex sha256 of the bytes left in a binary stream, read in 1 MiB chunks."""
    h = hashlib.sha256()
    while chunk := fh.read(_CHUNK):
        h.update(chunk)
    return h.hexdigest()


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    with open(path, "rb") as fh:
        return stream_sha256(fh)
