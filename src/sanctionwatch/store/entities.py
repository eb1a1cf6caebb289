"""List publications in the store: versions with their entities, history kept.

A publication is stored once per (source, sha256): loading the same file again is a
no-op. Each load is one transaction, so a failure leaves nothing of that file
behind. The *current* version of a source is the one loaded last; older versions
stay for :mod:`sanctionwatch.lists.diff` and audit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ..exc import InputError, NotFound
from ..model.entity import Entity, ListPublication
from .connection import Store

_CURRENT = "SELECT source, max(version_id) AS version_id FROM list_versions GROUP BY source"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """Outcome of :func:`save_publication`; ``loaded`` is False when the version was already stored."""

    version_id: int
    source: str
    version: str
    sha256: str
    record_count: int
    loaded: bool


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One stored publication of one list."""

    version_id: int
    source: str
    version: str
    format: str
    published: str | None
    sha256: str
    files: tuple[str, ...]
    record_count: int
    counts: dict[str, int]
    loaded_at: str
    current: bool


def save_publication(store: Store, pub: ListPublication, *, allow_empty: bool = False) -> LoadResult:
    """Store a parsed publication as a new version of its list (idempotent by sha256).

    A publication with no records would become the current version and leave
    screening with nothing to match: it is refused unless ``allow_empty``.
    """
    if not pub.entities and not allow_empty:
        files = ", ".join(pub.files) or pub.source
        raise InputError(
            f"{files}: no records in this {pub.source} publication; it would replace the current {pub.source} list. "
            "Pass --allow-empty if the list really is empty",
            errors={"records": 0},
        )
    con = store.con
    row = con.execute(
        "SELECT version_id, version, record_count FROM list_versions WHERE source = ? AND sha256 = ?",
        [pub.source, pub.sha256],
    ).fetchone()
    if row is not None:
        return LoadResult(int(row[0]), pub.source, str(row[1]), pub.sha256, int(row[2]), loaded=False)
    import pyarrow as pa  # only a load needs Arrow; reading lists (screening) does not

    incoming = pa.table(
        {
            "entity_id": pa.array([e.id for e in pub.entities], pa.string()),
            "schema": pa.array([e.schema for e in pub.entities], pa.string()),
            "programs": pa.array([list(e.programs) for e in pub.entities], pa.list_(pa.string())),
            "data": pa.array([json.dumps(e.to_dict(), ensure_ascii=False) for e in pub.entities], pa.string()),
        }
    )
    # The Arrow table is registered outside the transaction: unregistering inside an
    # aborted transaction would fail and hide the error that aborted it.
    con.register("_incoming_entities", incoming)
    try:
        with store.transaction():
            version_id = con.execute(
                "INSERT INTO list_versions (source, version, format, published, sha256, files, record_count, counts) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING version_id",
                [
                    pub.source,
                    pub.version,
                    pub.format,
                    pub.published,
                    pub.sha256,
                    json.dumps(list(pub.files)),
                    len(pub.entities),
                    json.dumps(pub.counts, sort_keys=True),
                ],
            ).fetchone()[0]  # type: ignore[index]
            con.execute(
                "INSERT INTO list_entities SELECT ?, entity_id, schema, programs, data FROM _incoming_entities",
                [version_id],
            )
    finally:
        con.unregister("_incoming_entities")
    return LoadResult(int(version_id), pub.source, pub.version, pub.sha256, len(pub.entities), loaded=True)


def _current_clause(sources: Sequence[str] | None) -> tuple[str, list[Any]]:
    if sources is None:
        return _CURRENT, []
    marks = ", ".join("?" for _ in sources)
    return f"{_CURRENT} HAVING source IN ({marks})", list(sources)


def load_entities(
    store: Store,
    sources: Sequence[str] | None = None,
    *,
    ids: Collection[str] | None = None,
    mentioning: Collection[str] = (),
) -> list[Entity]:
    """Entities of the current version of every loaded list (or of ``sources`` only), by id.

    One entity per id: when two loaded publications carry the same record (the
    shipped sample list copies real UN and OFAC entries), the copy from the
    publisher's own list wins, so screening never reports one designation twice.

    A caller that reads a few hundred records of lists of tens of thousands asks
    for those only, and gets them in the same order (parsing a record costs far
    more than finding it): the entities with one of the ``ids`` and those whose
    stored record contains one of the ``mentioning`` texts in any case (anywhere
    in its JSON: a superset of what the caller reads, who keeps its own exact
    test). With neither (``ids`` None, no texts), every entity.
    """
    current, params = _current_clause(sources)
    where: list[str] = []
    chosen: list[Any] = []
    if ids is not None:
        where.append("list_contains(?::VARCHAR[], e.entity_id)")
        chosen.append(sorted(ids))
    if mentioning:
        # One case-blind scan for every text (RE2 alternation); lower() per text would copy each record per text.
        where.append("regexp_matches(e.data, ?)")
        chosen.append("(?i)" + "|".join(re.escape(t) for t in sorted(mentioning)))
    current_rows = f"list_entities e JOIN ({current}) c USING (version_id)"
    if where:
        # The ids chosen first, then every current copy of them: the same copy wins as in a full read.
        current_rows += (
            f" SEMI JOIN (SELECT e.entity_id FROM {current_rows} WHERE {' OR '.join(where)}) s USING (entity_id)"
        )
        params = params + params + chosen
    rows = store.con.execute(
        f"""
        SELECT data FROM (
            SELECT e.entity_id, e.data, row_number() OVER (
                PARTITION BY e.entity_id
                ORDER BY (json_extract_string(e.data, '$.source') = c.source) DESC, c.version_id DESC
            ) AS pick
            FROM {current_rows}
        ) WHERE pick = 1 ORDER BY entity_id
        """,
        params,
    ).fetchall()
    return [Entity.from_dict(json.loads(r[0])) for r in rows]


def list_versions(store: Store, source: str | None = None) -> list[ListVersion]:
    """Every stored version (of one ``source`` or all), oldest first."""
    where, params = ("WHERE v.source = ?", [source]) if source else ("", [])
    rows = store.con.execute(
        "SELECT v.version_id, v.source, v.version, v.format, v.published, v.sha256, v.files, v.record_count, "
        "v.counts, strftime(v.loaded_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'), c.version_id IS NOT NULL "
        f"FROM list_versions v LEFT JOIN ({_CURRENT}) c USING (version_id) {where} ORDER BY v.version_id",
        params,
    ).fetchall()
    return [
        ListVersion(
            version_id=int(r[0]),
            source=r[1],
            version=r[2],
            format=r[3],
            published=r[4],
            sha256=r[5],
            files=tuple(json.loads(r[6])),
            record_count=int(r[7]),
            counts=json.loads(r[8]),
            loaded_at=r[9],
            current=bool(r[10]),
        )
        for r in rows
    ]


def find_version(store: Store, ref: str) -> ListVersion:
    """A stored version by id ("3"), label ("un-2026-02-27"), sha256 (or a prefix of 8+),
    or source (its current version)."""
    versions = list_versions(store)
    for v in reversed(versions):
        if ref == str(v.version_id) or ref == v.version or (v.current and ref == v.source):
            return v
    if len(ref) >= 8:
        hits = [v for v in versions if v.sha256.startswith(ref.lower())]
        if len(hits) == 1:
            return hits[0]
    raise NotFound(f"no stored list version {ref!r}; see `sanctionwatch lists stats` for what is loaded")


def load_version(store: Store, version: ListVersion) -> ListPublication:
    """A stored version back as a :class:`ListPublication`."""
    rows = store.con.execute(
        "SELECT data FROM list_entities WHERE version_id = ? ORDER BY entity_id", [version.version_id]
    ).fetchall()
    return ListPublication(
        source=version.source,
        published=version.published,
        sha256=version.sha256,
        entities=[Entity.from_dict(json.loads(r[0])) for r in rows],
        files=version.files,
        format=version.format,
        counts=dict(version.counts),
        version=version.version,
    )


def entity_stats(store: Store, sources: Sequence[str] | None = None) -> dict[str, Any]:
    """Counts over the current versions: per source, per (source, schema) and per (source, program)."""
    current, params = _current_clause(sources)
    con = store.con
    by_source = con.execute(
        f"SELECT c.source, count(*) FROM list_entities e JOIN ({current}) c USING (version_id) GROUP BY 1 ORDER BY 1",
        params,
    ).fetchall()
    by_schema = con.execute(
        f"SELECT c.source, e.schema, count(*) FROM list_entities e JOIN ({current}) c USING (version_id) "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        params,
    ).fetchall()
    by_program = con.execute(
        f"SELECT c.source, p.program, count(*) FROM list_entities e JOIN ({current}) c USING (version_id), "
        "unnest(e.programs) AS p(program) GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
        params,
    ).fetchall()
    return {
        "sources": {s: int(n) for s, n in by_source},
        "schemas": {s: {schema: int(n) for src, schema, n in by_schema if src == s} for s, _ in by_source},
        "programs": {s: {prog: int(n) for src, prog, n in by_program if src == s} for s, _ in by_source},
    }
