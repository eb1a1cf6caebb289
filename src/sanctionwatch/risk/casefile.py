"""A vessel's case file: identities, list hits, events, network, ledger deliveries, track around events.

Built from a store for ``sanctionwatch vessel show IMO|MMSI`` (and the report).
Every line of it points at evidence an analyst can open: list records by entity
id, events by event id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa

from ..exc import InputError, NotFound
from ..identifiers import imo_check_digit_ok
from ..model.entity import Entity
from ..regime.caps import EstimatedDelivery, linked_mmsis, vessel_particulars
from ..regime.flags import flags_of_mmsi
from ..store import Store
from ..store.positions import read_positions, read_static
from .accounting import accounting_entities, designated_identifiers, store_deliveries
from .assess import Assessment, assess_store, blank_to_null, with_flags
from .score import ListHit, VesselRisk


@dataclass(frozen=True, slots=True)
class NetworkPath:
    """A path from the vessel to a DPRK-linked vessel through encounters (1 or 2 hops)."""

    hops: int
    via: int | None
    target: int
    target_reason: str
    event_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TrackSummary:
    """The vessel's own positions from ``window_h`` before an event to ``window_h`` after it."""

    event_id: str
    positions: int
    first: str | None
    last: str | None
    lat_range: tuple[float, float] | None
    lon_range: tuple[float, float] | None
    mean_speed_kn: float | None


@dataclass
class CaseFile:
    """Everything the store knows about one vessel (one or more MMSIs sharing an IMO)."""

    query: str
    mmsis: list[int]
    identities: pa.Table
    hits: list[ListHit]
    records: list[Entity]
    risks: list[VesselRisk]
    events: pa.Table
    network: list[NetworkPath] = field(default_factory=list)
    deliveries: list[EstimatedDelivery] = field(default_factory=list)
    tracks: list[TrackSummary] = field(default_factory=list)
    positions: pa.Table | None = None  # the vessel's positions within ``window_h`` of its events (for a map)


def resolve_vessel(static: pa.Table, known_mmsis: np.ndarray, ref: str) -> list[int]:
    """MMSIs of ``ref``: a 9-digit MMSI, or a 7-digit IMO (every MMSI that broadcast it)."""
    digits = ref.strip().upper().removeprefix("IMO").strip()
    if not digits.isdigit():
        raise InputError(f"{ref!r} is neither an IMO number (7 digits) nor an MMSI (9 digits)")
    number = int(digits)
    if len(digits) == 7:
        imo = static["imo"].to_numpy(zero_copy_only=False)
        found = sorted({int(m) for m in static["mmsi"].to_numpy()[imo == number]})
        if not found:
            valid = "" if imo_check_digit_ok(number) else " (and its check digit is wrong)"
            raise NotFound(f"no vessel in the store broadcast IMO {number}{valid}")
        return found
    known = number in set(known_mmsis.tolist()) or number in set(static["mmsi"].to_pylist())
    if len(digits) == 9 or known:  # a store may hold other ids as MMSIs (anonymised tracks): its own are found
        if not known:
            raise NotFound(f"no vessel in the store has MMSI {number}; `sanctionwatch vessels` lists them")
        return [number]
    raise InputError(f"{ref!r} is neither an IMO number (7 digits) nor an MMSI (9 digits)")


def identity_timeline(static: pa.Table) -> pa.Table:
    """Each distinct identity (name, IMO, call sign) of each MMSI with its largest dimensions, first and last
    seen and report count, flag from MMSI; ordered by first seen, then MMSI, last seen, name, IMO, call sign.

    Names and call signs are compared trimmed of spaces, and a blank one is null (AIS "not available").
    """
    obs = pa.table(
        {
            "mmsi": static["mmsi"],
            "imo": static["imo"],
            "name": blank_to_null(static["name"], trim=True),
            "call_sign": blank_to_null(static["call_sign"], trim=True),
            "length_m": static["length_m"],
            "width_m": static["width_m"],
            "draught_m": static["draught_m"],
            "ts": static["ts"],
        }
    )
    seen = obs.group_by(["mmsi", "imo", "name", "call_sign"], use_threads=False).aggregate(
        [
            ("length_m", "max"),
            ("width_m", "max"),
            ("draught_m", "max"),
            ("ts", "min"),
            ("ts", "max"),
            ([], "count_all"),
        ]
    )
    out = pa.table(
        {
            "mmsi": seen["mmsi"],
            "imo": seen["imo"],
            "name": seen["name"],
            "call_sign": seen["call_sign"],
            "length_m": seen["length_m_max"],
            "width_m": seen["width_m_max"],
            "max_draught_m": seen["draught_m_max"],
            "first_ts": seen["ts_min"],
            "last_ts": seen["ts_max"],
            "reports": seen["count_all"],
        }
    ).sort_by([(c, "ascending") for c in ("first_ts", "mmsi", "last_ts", "name", "imo", "call_sign")])
    return with_flags(out)


def encounter_paths(events: pa.Table, start: set[int], linked: set[int], *, max_hops: int = 2) -> list[NetworkPath]:
    """Paths of 1 and 2 encounters from any of ``start`` to a vessel in ``linked``, with the events."""
    enc = events.filter(pa.compute.equal(events["type"], "encounter"))
    adj: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for a, b, eid in zip(
        enc["mmsi"].to_pylist(), enc["other_mmsi"].to_pylist(), enc["event_id"].to_pylist(), strict=True
    ):
        if b is not None and a != b:
            adj[a].append((b, eid))
            adj[b].append((a, eid))
    out: list[NetworkPath] = []
    for s in sorted(start):
        for other, eid in adj.get(s, []):
            if other in start:
                continue
            if other in linked:
                out.append(NetworkPath(1, None, other, "", (eid,)))
            if max_hops >= 2:
                for far, eid2 in adj.get(other, []):
                    if far in linked and far not in start and far != other:
                        out.append(NetworkPath(2, other, far, "", (eid, eid2)))
    # One path per (hops, via, target): repeated meetings add their events to it.
    merged: dict[tuple, list[str]] = {}
    for p in out:
        merged.setdefault((p.hops, p.via, p.target), []).extend(p.event_ids)
    return [
        NetworkPath(h, v, t, "", tuple(dict.fromkeys(ids)))
        for (h, v, t), ids in sorted(merged.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1] or 0))
    ]


def track_summaries(positions: pa.Table, events: pa.Table, mmsis: set[int], *, window_h: float) -> list[TrackSummary]:
    """Per event, the vessel's positions within ``window_h`` of it (vectorised by binary search on time)."""
    pm = positions["mmsi"].to_numpy()
    keep = np.isin(pm, np.array(sorted(mmsis), dtype=np.int64))
    ts = positions["ts"].cast(pa.int64()).to_numpy()[keep]
    order = np.argsort(ts, kind="stable")
    ts = ts[order]
    lat = positions["lat"].to_numpy()[keep][order]
    lon = positions["lon"].to_numpy()[keep][order]
    speed = positions["speed_kn"].to_numpy(zero_copy_only=False).astype(float)[keep][order]
    pad = int(window_h * 3_600_000_000)
    s = events["start"].cast(pa.int64()).to_numpy() - pad
    e = events["end"].cast(pa.int64()).to_numpy() + pad
    lo, hi = np.searchsorted(ts, s, "left"), np.searchsorted(ts, e, "right")
    out = []
    for k, eid in enumerate(events["event_id"].to_pylist()):
        a, b = int(lo[k]), int(hi[k])
        if b <= a:
            out.append(TrackSummary(eid, 0, None, None, None, None, None))
            continue
        sp = speed[a:b]
        fmt = lambda us: np.datetime64(int(us), "us").astype("datetime64[m]").astype(str) + "Z"  # noqa: E731
        out.append(
            TrackSummary(
                eid,
                b - a,
                fmt(ts[a]),
                fmt(ts[b - 1]),
                (float(lat[a:b].min()), float(lat[a:b].max())),
                (float(lon[a:b].min()), float(lon[a:b].max())),
                float(np.nanmean(sp)) if np.isfinite(sp).any() else None,
            )
        )
    return out


def case_file(
    store: Store,
    ref: str,
    *,
    window_h: float = 6.0,
    assessment: Assessment | None = None,
    entities: Sequence[Entity] | None = None,
    deliveries: Sequence[EstimatedDelivery] | None = None,
) -> CaseFile:
    """The case file of the vessel ``ref`` (IMO or MMSI); see :func:`case_files`."""
    return case_files(store, [ref], window_h=window_h, assessment=assessment, entities=entities, deliveries=deliveries)[
        0
    ]


def case_files(
    store: Store,
    refs: Sequence[str],
    *,
    window_h: float = 6.0,
    assessment: Assessment | None = None,
    entities: Sequence[Entity] | None = None,
    deliveries: Sequence[EstimatedDelivery] | None = None,
    designated: tuple[set[int], set[int]] | None = None,
    static: pa.Table | None = None,
) -> list[CaseFile]:
    """The case files of the vessels ``refs`` (each an IMO or MMSI), in order.

    What every case file reads alike (static data, events, the DPRK-linked
    vessels, the deliveries) is read once for all of them. Pass ``assessment``,
    ``entities`` (the store's current list entities, or those of
    :func:`~sanctionwatch.risk.accounting.accounting_entities` with the hits' records), ``deliveries``
    (:func:`~sanctionwatch.risk.accounting.store_deliveries`) and ``designated``
    (:func:`~sanctionwatch.risk.accounting.designated_identifiers` of ``entities``) and ``static``
    (``read_static``) to reuse ones already made: the report makes several case files from one of each.
    The events are the assessment's.
    """
    assessment = assessment or assess_store(store)
    static = read_static(store) if static is None else static
    known = assessment.vessels["mmsi"].to_numpy()
    resolved = [resolve_vessel(static, known, ref) for ref in refs]  # a wrong ref fails before the reading
    if entities is None:
        entities = accounting_entities(store, {h.entity_id for h in assessment.hits})
    by_id = {e.id: e for e in entities}
    events = assessment.events
    # DPRK-linked: a list hit on its identifier, an exact listed IMO/MMSI, or the DPRK flag.
    imos, listed_mmsis = designated_identifiers(entities) if designated is None else designated
    everyone = np.unique(np.concatenate([assessment.vessels["mmsi"].to_numpy(), static["mmsi"].to_numpy()]))
    linked_mask = linked_mmsis(vessel_particulars(static), everyone, imos, listed_mmsis)
    linked = {int(m) for m in everyone[linked_mask]} | {h.mmsi for h in assessment.hits if h.by_identifier}
    reason = {h.mmsi: f"listed as {h.caption} ({h.source}:{h.source_id})" for h in assessment.hits if h.by_identifier}
    if deliveries is None:
        deliveries = store_deliveries(
            store, entities=entities, designated=(imos, listed_mmsis), events=events, static=static
        )
    owns = [
        events.filter(
            pa.compute.or_(
                pa.compute.is_in(events["mmsi"], pa.array(mmsis, pa.int64())),
                pa.compute.is_in(events["other_mmsi"], pa.array(mmsis, pa.int64())),
            )
        )
        for mmsis in resolved
    ]
    windows = {
        i: (
            min(own["start"].to_pylist()) - timedelta(hours=window_h),
            max(own["end"].to_pylist()) + timedelta(hours=window_h, seconds=1),
        )
        for i, own in enumerate(owns)
        if own.num_rows
    }
    # One read for every case file's window (a query each cost more than their rows); each takes its own below.
    around = (
        read_positions(
            store,
            start=min(w[0] for w in windows.values()),
            end=max(w[1] for w in windows.values()),
            mmsis=sorted({m for i in windows for m in resolved[i]}),
        )
        if windows
        else None
    )
    out = []
    for i, (ref, mmsis, own) in enumerate(zip(refs, resolved, owns, strict=True)):
        mine = set(mmsis)
        own_static = static.filter(pa.compute.is_in(static["mmsi"], pa.array(mmsis, pa.int64())))
        hits = [h for h in assessment.hits if h.mmsi in mine]
        paths = [
            NetworkPath(
                p.hops,
                p.via,
                p.target,
                reason.get(p.target, "DPRK flag" if flags_of_mmsi([p.target])[0] == "kp" else "listed identifier"),
                p.event_ids,
            )
            for p in encounter_paths(events, mine, linked)
        ]
        tracks: list[TrackSummary] = []
        positions = None
        if around is not None and i in windows:
            positions = _slice(around, mmsis, *windows[i])
            tracks = track_summaries(positions, own, mine, window_h=window_h)
            positions = _within(positions, own, window_h)
        out.append(
            CaseFile(
                query=ref,
                mmsis=mmsis,
                identities=identity_timeline(own_static),
                hits=hits,
                records=[by_id[h.entity_id] for h in hits if h.entity_id in by_id],
                risks=[r for r in assessment.risks if r.mmsi in mine],
                events=own,
                network=paths,
                deliveries=[d for d in deliveries if d.tanker_mmsi in mine or (d.receiver_mmsi in mine)],
                tracks=tracks,
                positions=positions,
            )
        )
    return out


def _slice(positions: pa.Table, mmsis: Sequence[int], start: datetime, end: datetime) -> pa.Table:
    """The rows of ``positions`` (sorted) of ``mmsis`` from ``start`` (inclusive) to ``end`` (exclusive), as
    ``read_positions`` with those arguments gives them."""
    ts, pc = positions["ts"], pa.compute
    keep = pc.and_(
        pc.is_in(positions["mmsi"], pa.array(mmsis, pa.int64())),
        pc.and_(pc.greater_equal(ts, pa.scalar(start, ts.type)), pc.less(ts, pa.scalar(end, ts.type))),
    )
    return positions.filter(keep)


def _within(positions: pa.Table, events: pa.Table, window_h: float) -> pa.Table:
    """The positions lying within ``window_h`` of any of ``events`` (one vectorised interval test)."""
    pad = int(window_h * 3_600_000_000)
    starts = np.sort(events["start"].cast(pa.int64()).to_numpy() - pad)
    ends = np.sort(events["end"].cast(pa.int64()).to_numpy() + pad)
    ts = positions["ts"].cast(pa.int64()).to_numpy()
    # Inside some interval when more intervals have started than ended by then.
    inside = np.searchsorted(starts, ts, "right") > np.searchsorted(ends, ts, "left")
    return positions.filter(pa.array(inside))
