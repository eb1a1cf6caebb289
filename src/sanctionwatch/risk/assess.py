"""From a store to ranked vessels: identities seen on AIS, screened and scored.

This is the glue the CLI (``vessels``, ``report``), the demo and the API share:
it reads what ingest, detection and list loading wrote, screens every vessel
against the loaded lists and scores it with :mod:`sanctionwatch.risk.score`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import duckdb
import pyarrow as pa

from ..exc import NotReady
from ..model.entity import Entity
from ..regime.flags import flags_of_mmsi
from ..screening.algorithms import DEFAULT_ALGORITHM
from ..screening.cache import MatchMemo, cached_index
from ..screening.screen import Query, Screener
from ..settings import load_config
from ..store import Store
from ..store.events import read_events
from ..store.positions import read_static, stored_mmsis
from .score import ListHit, RiskConfig, VesselRisk, score_vessels


@dataclass
class Assessment:
    """The vessels of a store, their list hits and their risk, riskiest first, with the events scored."""

    vessels: pa.Table
    events: pa.Table
    hits: list[ListHit]
    risks: list[VesselRisk]
    algorithm: str
    entities: int


def _query_with_flags(sql: str, **tables: pa.Table) -> pa.Table:
    """Run ``sql`` over in-memory Arrow ``tables`` and add each row's flag from its MMSI."""
    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        out = con.sql(sql).to_arrow_table()
    finally:
        con.close()
    flags = flags_of_mmsi(out["mmsi"].to_numpy())
    return out.append_column("flag", pa.array([f or None for f in flags.tolist()], pa.string()))


def vessel_identities(static: pa.Table, mmsis: pa.Array) -> pa.Table:
    """One row per MMSI seen (in positions or static): its latest name, IMO and call sign, and its flag.

    The latest observation wins because identities change; the identity detector
    reports the history.
    """
    return _query_with_flags(
        """
        WITH latest AS (
            SELECT mmsi,
                   arg_max(name, ts) FILTER (WHERE name IS NOT NULL AND name <> '') AS name,
                   arg_max(imo, ts) FILTER (WHERE imo IS NOT NULL) AS imo,
                   arg_max(call_sign, ts) FILTER (WHERE call_sign IS NOT NULL AND call_sign <> '') AS call_sign
            FROM static_obs GROUP BY mmsi
        ), ids AS (SELECT mmsi FROM seen UNION SELECT mmsi FROM static_obs)
        SELECT ids.mmsi, latest.imo, latest.name, latest.call_sign
        FROM ids LEFT JOIN latest USING (mmsi) ORDER BY ids.mmsi
        """,
        static_obs=static,
        seen=pa.table({"mmsi": mmsis.cast(pa.int64())}),
    )


def identity_history(static: pa.Table) -> pa.Table:
    """Every identity (name, IMO) each MMSI has broadcast, with when it was first and last seen.

    Screening runs on all of them, not only the latest: a designated ship that
    renamed itself is still the designated ship.
    """
    return _query_with_flags(
        """
        SELECT mmsi, imo, nullif(trim(name), '') AS name, min(ts) AS first_ts, max(ts) AS last_ts
        FROM static_obs
        WHERE imo IS NOT NULL OR nullif(trim(name), '') IS NOT NULL
        GROUP BY ALL ORDER BY mmsi, first_ts
        """,
        static_obs=static,
    )


def screen_vessels(
    identities: pa.Table,
    screener: Screener,
    *,
    on_progress: Callable[[int], None] | None = None,
    memo: MatchMemo | None = None,
) -> list[ListHit]:
    """The best matching list entity of every vessel any of whose identities matches a list.

    ``identities`` is :func:`identity_history`. A hit ``by_identifier`` means the
    IMO or MMSI agreed exactly with the list entry, which is how a designated ship
    is recognised under a new name. ``memo`` (of ``screener`` with limit 1) answers
    identities screened on an earlier run and keeps the new answers.
    """
    match = memo.match if memo is not None else partial(screener.match, limit=1)
    best: dict[int, ListHit] = {}
    for row in identities.select(["mmsi", "imo", "name", "flag", "first_ts", "last_ts"]).to_pylist():
        if on_progress:
            on_progress(1)
        query = Query(
            id=str(row["mmsi"]),
            name=row["name"] or "",
            schema="Vessel",
            imo=str(row["imo"]) if row["imo"] is not None else None,
            mmsi=str(row["mmsi"]),
            nationality=row["flag"],  # a vessel's flag: a listed ship under another flag scores lower
        )
        results = [r for r in match(query) if r.match]
        if not results:
            continue
        r = results[0]
        hit = ListHit(
            mmsi=row["mmsi"],
            entity_id=r.entity.id,
            caption=r.entity.caption,
            source=r.entity.source,
            source_id=r.entity.source_id,
            score=r.score,
            by_identifier=r.features.get("identifier_match", 0.0) > 0,
            explanation=f"broadcast as {row['name'] or '?'} (IMO {row['imo'] or '?'}) "
            f"{row['first_ts']:%Y-%m-%d %H:%M} to {row['last_ts']:%Y-%m-%d %H:%M} UTC: {r.explanation}",
        )
        current = best.get(hit.mmsi)
        if current is None or (hit.by_identifier, hit.score) > (current.by_identifier, current.score):
            best[hit.mmsi] = hit
    if memo is not None:
        memo.save()
    return [best[m] for m in sorted(best)]


def assess_store(
    store: Store,
    *,
    entities: Sequence[Entity] | None = None,
    config: RiskConfig | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Assessment:
    """Screen and score every vessel in ``store``."""
    mmsis = stored_mmsis(store)
    static = read_static(store)
    if len(mmsis) == 0 and static.num_rows == 0:
        raise NotReady("the store has no AIS positions yet; run `sanctionwatch ais ingest FILE` first")
    vessels = vessel_identities(static, mmsis)
    memo = None
    if entities is None:  # the store's lists: their index is read from its file, not rebuilt
        cached = cached_index(store, algorithm=DEFAULT_ALGORITHM)
        screener = Screener((), index=cached.index)
        memo = MatchMemo(screener, limit=1, cached=cached)
    else:
        screener = Screener(list(entities))
    history = identity_history(static)
    hits = screen_vessels(history, screener, on_progress=on_progress, memo=memo) if len(screener) else []
    events = read_events(store)
    risks = score_vessels(vessels, events, hits, config=config or load_config(RiskConfig))
    return Assessment(
        vessels=vessels,
        events=events,
        hits=hits,
        risks=risks,
        algorithm=screener.algorithm.name,
        entities=len(screener),
    )
