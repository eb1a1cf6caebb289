"""Ingested files: the ``ingested_files`` record, and the static and quarantine rows each file added.

Every row a file adds carries the file's sha256, so one file's contribution can be
reported again (a re-ingest of the same content) or removed whole (``ais forget``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .connection import Store
from .positions import remove_orphan_parts

# Tables holding rows of one ingested file, with the column naming the file.
_FILE_ROWS = (("vessel_static", "file_sha256"), ("quarantine", "file_sha256"), ("ingested_files", "sha256"))


@dataclass(frozen=True, slots=True)
class IngestedFile:
    """What the store recorded about one ingested file."""

    sha256: str
    format: str
    rows_in: int
    rows_accepted: int
    quarantined: dict[str, int]
    path: str = ""
    ingested_at: str = ""  # ISO 8601 UTC


def find_ingested_file(store: Store, sha256: str) -> IngestedFile | None:
    """The record of the file with this content, with its quarantine counts by reason; None if never ingested."""
    rows = store.con.execute(
        "SELECT format, rows_in, rows_accepted FROM ingested_files WHERE sha256 = ?", [sha256]
    ).fetchall()
    if not rows:
        return None
    fmt, rows_in, accepted = rows[0]
    reasons = store.con.execute(
        "SELECT reason, count(*) FROM quarantine WHERE file_sha256 = ? GROUP BY reason", [sha256]
    ).fetchall()
    return IngestedFile(sha256, str(fmt), int(rows_in or 0), int(accepted or 0), {r: int(n) for r, n in reasons})


def list_ingested_files(store: Store, kind: str = "ais") -> list[IngestedFile]:
    """Every ingested file of ``kind`` in ingest order, with its path, time and quarantine counts by reason."""
    rows = store.con.execute(
        "SELECT sha256, format, rows_in, rows_accepted, path,"
        " strftime(ingested_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') FROM ingested_files"
        " WHERE kind = ? ORDER BY ingested_at, path",
        [kind],
    ).fetchall()
    reasons: dict[str, dict[str, int]] = {}
    for sha, reason, n in store.con.execute(
        "SELECT file_sha256, reason, count(*) FROM quarantine GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        reasons.setdefault(sha, {})[reason] = int(n)
    return [
        IngestedFile(sha, str(fmt), int(n_in or 0), int(acc or 0), reasons.get(sha, {}), str(path), str(at))
        for sha, fmt, n_in, acc, path, at in rows
    ]


def add_static_rows(store: Store, sha256: str, static: pa.Table) -> None:
    """Append static/voyage observations (STATIC schema) of the file ``sha256``."""
    if static.num_rows == 0:
        return
    store.con.register("_static_chunk", static)
    try:
        store.con.execute("INSERT INTO vessel_static SELECT *, ? FROM _static_chunk", [sha256])
    finally:
        store.con.unregister("_static_chunk")


def add_quarantine_rows(store: Store, sha256: str, path: str, quarantine: pa.Table) -> None:
    """Append quarantined records (``line_no``, ``raw``, ``reason``) of the file ``sha256`` read from ``path``."""
    if quarantine.num_rows == 0:
        return
    store.con.register("_quarantine_chunk", quarantine)
    try:
        store.con.execute(
            "INSERT INTO quarantine SELECT ?, ?, line_no, raw, reason FROM _quarantine_chunk", [sha256, path]
        )
    finally:
        store.con.unregister("_quarantine_chunk")


def record_ingested_file(
    store: Store, sha256: str, *, path: str, fmt: str, rows_in: int, rows_accepted: int, rows_quarantined: int
) -> None:
    """Record an AIS file as ingested (the last step of its ingest transaction)."""
    store.con.execute(
        "INSERT INTO ingested_files (sha256, kind, path, format, rows_in, rows_accepted, rows_quarantined)"
        " VALUES (?, 'ais', ?, ?, ?, ?, ?)",
        [sha256, path, fmt, rows_in, rows_accepted, rows_quarantined],
    )


def forget_ingested_file(store: Store, sha256: str) -> bool:
    """Remove every row the file ``sha256`` added, in one transaction, then its Parquet parts.

    Returns False when no file with that content was ingested.
    """
    if not store.con.execute("SELECT count(*) FROM ingested_files WHERE sha256 = ?", [sha256]).fetchall()[0][0]:
        return False
    with store.transaction() as con:
        for table, column in _FILE_ROWS:
            con.execute(f"DELETE FROM {table} WHERE {column} = ?", [sha256])
    remove_orphan_parts(store)
    return True
