"""From a store to ranked vessels: identities seen on AIS, screened and scored.

This is the glue the CLI (``vessels``, ``report``), the demo and the API share:
it reads what ingest, detection and list loading wrote, screens every vessel
against the loaded lists and scores it with :mod:`sanctionwatch.risk.score`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import pyarrow as pa
import pyarrow.compute as pc

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


def with_flags(table: pa.Table) -> pa.Table:
    """``table`` with each row's flag from its MMSI added."""
    flags = flags_of_mmsi(table["mmsi"].to_numpy())
    return table.append_column("flag", pa.array([f or None for f in flags.tolist()], pa.string()))


def blank_to_null(values: pa.ChunkedArray, *, trim: bool = False) -> pa.ChunkedArray:
    """Empty texts (after trimming spaces when ``trim``) as nulls: AIS sends a blank field for "not available"."""
    text = pc.utf8_trim(values, characters=" ") if trim else values
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


# Arrow compute, not SQL: handing an Arrow table to DuckDB imports pandas (about 0.4 s), the
# larger part of a ``vessels`` call.
def vessel_identities(static: pa.Table, mmsis: pa.Array) -> pa.Table:
    """One row per MMSI seen (in positions or static): its latest name, IMO and call sign, and its flag.

    The latest observation wins because identities change; the identity detector
    reports the history. Blank names and call signs do not count as observations.
    """
    obs = pa.table(
        {
            "mmsi": static["mmsi"],
            "ts": static["ts"],
            "imo": static["imo"],
            "name": blank_to_null(static["name"]),
            "call_sign": blank_to_null(static["call_sign"]),
        }
    ).sort_by([("mmsi", "ascending"), ("ts", "ascending")])
    # hash_last skips nulls and, single-threaded, follows the sorted order: the latest value per MMSI.
    latest = obs.group_by("mmsi", use_threads=False).aggregate([(c, "last") for c in ("imo", "name", "call_sign")])
    latest = latest.rename_columns([n.removesuffix("_last") for n in latest.column_names])
    ids = pc.unique(pa.concat_arrays([mmsis.cast(pa.int64()), static["mmsi"].combine_chunks().cast(pa.int64())]))
    out = pa.table({"mmsi": ids}).join(latest, "mmsi", join_type="left outer").sort_by("mmsi")
    return with_flags(out.select(["mmsi", "imo", "name", "call_sign"]))


def identity_history(static: pa.Table) -> pa.Table:
    """Every identity (name, IMO) each MMSI has broadcast, with when it was first and last seen.

    Screening runs on all of them, not only the latest: a designated ship that
    renamed itself is still the designated ship.
    """
    obs = pa.table(
        {
            "mmsi": static["mmsi"],
            "imo": static["imo"],
            "name": blank_to_null(static["name"], trim=True),
            "ts": static["ts"],
        }
    )
    obs = obs.filter(pc.or_(pc.is_valid(obs["imo"]), pc.is_valid(obs["name"])))
    seen = obs.group_by(["mmsi", "imo", "name"], use_threads=False).aggregate([("ts", "min"), ("ts", "max")])
    out = pa.table(
        {
            "mmsi": seen["mmsi"],
            "imo": seen["imo"],
            "name": seen["name"],
            "first_ts": seen["ts_min"],
            "last_ts": seen["ts_max"],
        }
    ).sort_by([("mmsi", "ascending"), ("first_ts", "ascending"), ("last_ts", "ascending"), ("name", "ascending")])
    return with_flags(out)


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


def _store_screener(store: Store) -> tuple[Screener, MatchMemo]:
    """The screener of the store's lists (its index read from the file beside the store) and its kept answers."""
    cached = cached_index(store, algorithm=DEFAULT_ALGORITHM)
    screener = Screener((), index=cached.index)
    return screener, MatchMemo(screener, limit=1, cached=cached)


def keep_screening_answers(store: Store, *, on_progress: Callable[[int], None] | None = None) -> int:
    """Screen every identity the store has seen against its lists and keep the answers beside the index.

    The answers depend only on the identities (``ais ingest``) and the lists (``lists load``):
    run where either changes, the next ``vessels`` or ``report`` reads them back instead of
    screening (:class:`~sanctionwatch.screening.cache.MatchMemo`; identities answered before
    are not screened again). Returns how many identities there are; 0 without lists or identities.
    """
    static = read_static(store)
    if static.num_rows == 0:
        return 0
    screener, memo = _store_screener(store)
    if not len(screener):
        return 0
    history = identity_history(static)
    screen_vessels(history, screener, on_progress=on_progress, memo=memo)
    return history.num_rows


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
        screener, memo = _store_screener(store)
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
