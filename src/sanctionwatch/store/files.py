"""Ingested files: the ``ingested_files`` record, and the static and quarantine rows each file added.

Every row a file adds carries the file's sha256, so one file's contribution can be
reported again (a re-ingest of the same content) or removed whole (``ais forget``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from .connection import Store
from .positions import part_prefix, remove_orphan_parts

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


def find_ingested_file(store: Store, sha256: str, content_sha256: str | None = None) -> IngestedFile | None:
    """The record of the file with these bytes or this decompressed content, with its quarantine counts by reason.

    ``content_sha256`` is the hash of the decompressed content (the file's own for a
    plain file), matched against both hashes of every record: a plain file then its
    ``.gz`` and a ``.gz`` then the plain file are each one ingest. None if never ingested.
    """
    shas = list(dict.fromkeys((sha256, content_sha256 or sha256)))
    rows = store.con.execute(
        "SELECT sha256, format, rows_in, rows_accepted FROM ingested_files"
        " WHERE sha256 IN (SELECT UNNEST(?::VARCHAR[])) OR content_sha256 IN (SELECT UNNEST(?::VARCHAR[]))"
        " ORDER BY sha256 <> ?, ingested_at LIMIT 1",
        [shas, shas, sha256],
    ).fetchall()
    if not rows:
        return None
    sha256, fmt, rows_in, accepted = rows[0]
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
    store: Store,
    sha256: str,
    *,
    path: str,
    fmt: str,
    rows_in: int,
    rows_accepted: int,
    rows_quarantined: int,
    content_sha256: str | None = None,
) -> None:
    """Record an AIS file as ingested (the last step of its ingest transaction).

    ``content_sha256`` is the hash of its decompressed content (defaults to ``sha256``,
    right for a file that is not compressed).
    """
    store.con.execute(
        "INSERT INTO ingested_files"
        " (sha256, kind, path, format, rows_in, rows_accepted, rows_quarantined, content_sha256)"
        " VALUES (?, 'ais', ?, ?, ?, ?, ?, ?)",
        [sha256, path, fmt, rows_in, rows_accepted, rows_quarantined, content_sha256 or sha256],
    )


def add_ingested_path(store: Store, sha256: str, path: str) -> None:
    """Record that the content ``sha256`` was (also) ingested from ``path``."""
    store.con.execute("INSERT INTO ingested_paths VALUES (?, ?) ON CONFLICT DO NOTHING", [sha256, path])


def ingested_paths(store: Store, sha256: str) -> list[str]:
    """Every path the content ``sha256`` was ingested from."""
    rows = store.con.execute("SELECT path FROM ingested_paths WHERE sha256 = ? ORDER BY path", [sha256]).fetchall()
    return [r[0] for r in rows]


def sha_of_ingested_path(store: Store, path: str) -> str | None:
    """The content ingested from ``path`` (None when nothing was)."""
    rows = store.con.execute("SELECT sha256 FROM ingested_paths WHERE path = ?", [path]).fetchall()
    return rows[0][0] if rows else None


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What forgetting one path did: the content removed or kept (under ``other_paths``), and events dropped."""

    sha256: str
    removed: bool
    other_paths: tuple[str, ...] = ()
    events_removed: int = 0
    vessels: int = 0


def forget_ingested_path(store: Store, path: str) -> Forgotten | None:
    """Forget the file ingested from ``path``; None when nothing was ingested from it.

    When the same content was ingested from another path too, only this name goes and
    the content stays. Otherwise every row the content added goes, with the stored
    events of every vessel it had positions or static data for (detection over the
    rest gives them again: ``sanctionwatch detect``), in one transaction; the Parquet
    parts are then orphans and are deleted.
    """
    sha = sha_of_ingested_path(store, path)
    if sha is None:
        return None
    others = tuple(p for p in ingested_paths(store, sha) if p != path)
    if others:
        store.con.execute("DELETE FROM ingested_paths WHERE sha256 = ? AND path = ?", [sha, path])
        return Forgotten(sha, removed=False, other_paths=others)
    mmsis = _mmsis_of_file(store, sha)
    with store.transaction() as con:
        before = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        con.execute(
            "DELETE FROM events WHERE mmsi IN (SELECT UNNEST(?::BIGINT[])) OR other_mmsi IN (SELECT UNNEST(?::BIGINT[]))",
            [mmsis, mmsis],
        )
        after = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        for table, column in (*_FILE_ROWS, ("ingested_paths", "sha256")):
            con.execute(f"DELETE FROM {table} WHERE {column} = ?", [sha])
    remove_orphan_parts(store)
    return Forgotten(sha, removed=True, events_removed=int(before - after), vessels=len(mmsis))


def _mmsis_of_file(store: Store, sha256: str) -> list[int]:
    """Vessels the file ``sha256`` has positions or static observations for."""
    parts = [str(p) for p in store.positions_dir.glob(f"day=*/{part_prefix(sha256)}-*.parquet")]
    found = {
        r[0]
        for r in store.con.execute("SELECT DISTINCT mmsi FROM vessel_static WHERE file_sha256 = ?", [sha256]).fetchall()
    }
    if parts:
        with store.con.cursor() as cur:
            found |= {r[0] for r in cur.execute("SELECT DISTINCT mmsi FROM read_parquet(?)", [parts]).fetchall()}
    return sorted(int(m) for m in found)
