"""Case-file pieces on tiny tables: paths through encounters, the track around events, resolving a vessel."""

from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from sanctionwatch.exc import InputError, NotFound
from sanctionwatch.model.ais import POSITIONS, STATIC
from sanctionwatch.model.events import EVENTS
from sanctionwatch.risk.casefile import _within, encounter_paths, identity_timeline, resolve_vessel, track_summaries

T0 = datetime(2030, 3, 1, tzinfo=UTC)


def ev(eid, a, b, hour=0):
    t = T0 + timedelta(hours=hour)
    return {
        "event_id": eid,
        "type": "encounter",
        "mmsi": a,
        "other_mmsi": b,
        "start": t,
        "end": t + timedelta(hours=2),
        "duration_h": 2.0,
        "lat": 38.0,
        "lon": 124.0,
        "details": "{}",
    }


def test_paths_of_one_and_two_hops_with_their_events():
    events = pa.Table.from_pylist(
        [ev("e1", 1, 2), ev("e2", 2, 3), ev("e3", 4, 1), ev("e4", 1, 2, hour=30)], schema=EVENTS
    )
    paths = encounter_paths(events, {1}, linked={3, 4})
    assert [(p.hops, p.via, p.target, p.event_ids) for p in paths] == [
        (1, None, 4, ("e3",)),
        (2, 2, 3, ("e1", "e2", "e4")),  # both meetings with 2 lead to 3 through e2
    ]


def test_track_summary_counts_the_positions_within_the_window():
    ts = [T0 + timedelta(hours=h) for h in (-10, -1, 1, 3, 9)]
    positions = pa.Table.from_pylist(
        [
            {
                "mmsi": 1,
                "ts": t,
                "lat": 38.0 + i,
                "lon": 124.0,
                "speed_kn": 2.0 * i,
                "course_deg": None,
                "heading_deg": None,
                "nav_status": None,
            }
            for i, t in enumerate(ts)
        ],
        schema=POSITIONS,
    )
    events = pa.Table.from_pylist([ev("e1", 1, 2)], schema=EVENTS)  # 00:00 to 02:00
    (t,) = track_summaries(positions, events, {1}, window_h=2.0)
    # -1 h, +1 h and +3 h fall within 2 h of the event; -10 h and +9 h do not.
    assert t.positions == 3 and t.lat_range == (39.0, 41.0) and t.mean_speed_kn == pytest.approx(4.0)
    assert _within(positions, events, 2.0).num_rows == 3
    assert np.isclose(_within(positions, events, 12.0).num_rows, 5)


def test_resolve_by_imo_or_mmsi():
    static = pa.Table.from_pylist(
        [
            {
                "mmsi": m,
                "ts": T0,
                "imo": 8604917,
                "name": "A",
                "call_sign": None,
                "ship_type": 80,
                "length_m": None,
                "width_m": None,
                "draught_m": None,
                "destination": None,
            }
            for m in (445000001, 445000002)
        ],
        schema=STATIC,
    )
    known = np.array([445000001, 445000002, 412000003])
    assert resolve_vessel(static, known, "IMO 8604917") == [445000001, 445000002]
    assert resolve_vessel(static, known, "412000003") == [412000003]
    with pytest.raises(NotFound, match="MMSI 412000004"):
        resolve_vessel(static, known, "412000004")
    with pytest.raises(InputError):
        resolve_vessel(static, known, "hello")
    # Anonymised tracks carry short ids as MMSIs: an id the store holds is found, an unknown one is refused.
    assert resolve_vessel(static, np.array([10, 445000001]), "10") == [10]
    with pytest.raises(InputError, match="neither an IMO"):
        resolve_vessel(static, known, "10")


def test_case_files_read_once_are_the_case_files_read_one_by_one(scenario_store):
    """Several case files from shared inputs (and given listed identifiers) equal each made on its own."""
    from sanctionwatch.risk.accounting import designated_identifiers
    from sanctionwatch.risk.assess import assess_store
    from sanctionwatch.risk.casefile import case_file, case_files
    from sanctionwatch.store.entities import load_entities
    from sanctionwatch.store.positions import read_static

    assessment = assess_store(scenario_store)
    refs = [str(r.mmsi) for r in assessment.risks if r.score > 0][:4]
    assert len(refs) >= 2
    alone = [case_file(scenario_store, ref) for ref in refs]
    assert any(cf.events.num_rows for cf in alone)
    entities = load_entities(scenario_store)
    shared = case_files(
        scenario_store,
        refs,
        assessment=assessment,
        entities=entities,
        designated=designated_identifiers(entities),
        static=read_static(scenario_store),
    )
    assert shared == alone
    with pytest.raises(InputError):  # a wrong ref among them fails the call, as for one case file
        case_files(scenario_store, [refs[0], "not-a-vessel"], assessment=assessment)


# identity_timeline as it was written in SQL before it moved to Arrow (the order then was first_ts, mmsi only).
_TIMELINE_SQL = """
    SELECT mmsi, imo, nullif(trim(name), '') AS name, nullif(trim(call_sign), '') AS call_sign,
           max(length_m) AS length_m, max(width_m) AS width_m, max(draught_m) AS max_draught_m,
           min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS reports
    FROM s GROUP BY mmsi, imo, nullif(trim(name), ''), nullif(trim(call_sign), '')
    ORDER BY first_ts, mmsi
"""


def test_identity_timeline_is_what_the_sql_gave():
    t = [datetime(2025, 1, 6, h, tzinfo=UTC) for h in range(8)]
    rows = [  # (mmsi, ts, imo, name, call_sign, length_m, draught_m)
        (445000001, t[0], 8604917, "YU JONG 2 ", "HMZF", 100.0, 5.0),
        (445000001, t[2], 8604917, "YU JONG 2", "HMZF", None, 6.5),
        (445000001, t[3], None, "  ", "", 90.0, None),
        (445000001, t[5], 8604917, "KUM UN", "HMZF", 100.0, 7.0),
        (351000002, t[1], 9000001, "OCEAN STAR", None, 180.5, 9.0),
        (351000002, t[4], 9000001, "OCEAN STAR", None, 181.0, None),
        (351000002, t[7], None, None, "3FXY", None, None),
    ]
    static = pa.Table.from_pylist(
        [dict(zip(("mmsi", "ts", "imo", "name", "call_sign", "length_m", "draught_m"), r, strict=True)) for r in rows],
        schema=STATIC,
    )
    out = identity_timeline(static)
    with duckdb.connect() as con:
        con.register("s", static)
        sql = con.sql(_TIMELINE_SQL).to_arrow_table()
    # The same rows and types; the SQL named the time zone Etc/UTC, Arrow keeps the stored UTC.
    assert out.drop_columns(["flag"]).to_pylist() == sql.to_pylist()
    assert [f.type for f in out.schema][:7] == [f.type for f in sql.schema][:7]
    assert out["first_ts"].type == STATIC.field("ts").type
    assert out["name"].to_pylist() == ["YU JONG 2", "OCEAN STAR", None, "KUM UN", None]
    assert out["reports"].to_pylist() == [2, 2, 1, 1, 1] and out["flag"].to_pylist() == ["kp", "pa", "kp", "kp", "pa"]
