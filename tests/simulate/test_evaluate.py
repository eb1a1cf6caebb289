"""Detection quality against the simulator's truth, and the scoring rules themselves."""

import numpy as np
import pytest

from sanctionwatch.events.build import concat_events, make_events
from sanctionwatch.simulate.evaluate import evaluate

T0 = 1736121600 * 10**6  # 2025-01-06T00:00:00Z
H = 3600 * 10**6


def enc(a, b, start_h, end_h):
    return make_events(
        "encounter",
        version="t",
        mmsi=np.array([a]),
        other_mmsi=np.array([b]),
        start_us=np.array([T0 + start_h * H]),
        end_us=np.array([T0 + end_h * H]),
        lat=np.array([35.0]),
        lon=np.array([123.0 + start_h]),
        details=[{}],
    )


def truth_event(a, b, start, end, kind="encounter"):
    return {"type": kind, "mmsi": a, "other_mmsi": b, "start": start, "end": end}


def test_matching_is_one_to_one_unordered_and_needs_overlap():
    truth = {
        "events": [
            truth_event(1, 2, "2025-01-06T01:00:00Z", "2025-01-06T05:00:00Z"),
            truth_event(3, 4, "2025-01-06T10:00:00Z", "2025-01-06T12:00:00Z"),
        ],
        "decoys": [
            {
                "kind": "short_meeting",
                "must_not": "encounter",
                "mmsi": 5,
                "other_mmsi": 6,
                "start": "2025-01-06T20:00:00Z",
                "end": "2025-01-06T21:00:00Z",
            }
        ],
    }
    found = concat_events([enc(2, 1, 1, 3), enc(1, 2, 3.5, 5), enc(3, 4, 20, 22), enc(6, 5, 20.5, 21)])
    r = evaluate(found, truth)
    s = r.scores["encounter"]
    assert (s.truth, s.detected, s.matched) == (2, 4, 1)
    assert s.recall == 0.5 and s.precision == 0.25
    assert [d["kind"] for d in r.decoys_reported] == ["short_meeting"]
    assert r.scores["gap"].precision == 1.0 and r.scores["gap"].recall == 1.0


def detect_all(sc, context):
    """Every detector on the local engine (in-process) with the shipped reference data."""
    from sanctionwatch.engines.config import EngineConfig
    from sanctionwatch.engines.local import run_local

    return run_local(sc.positions, sc.static, context=context, engine=EngineConfig(workers=1))


# Issue #11 targets with every simulator noise on. Geofence stays are held to less: a stay
# that begins and ends between two reports of a satellite-only ship, or a short exit
# along the DPRK-waters boundary that no report catches, is not in the positions.
FLOORS = {"encounter": 0.99, "gap": 0.99, "geofence": 0.9}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_detectors_against_simulated_truth(seed, context):
    from sanctionwatch.simulate import SimulationConfig, simulate

    settings = SimulationConfig()
    assert (
        settings.shared_mmsi_share > 0 and settings.satellite_share > 0 and settings.wild_positions_per_vessel_day > 0
    )
    sc = simulate(seed=seed, vessels=30, days=4, settings=settings)
    result = evaluate(detect_all(sc, context), sc.truth)
    for kind, score in result.scores.items():
        floor = FLOORS.get(kind, 0.97)
        assert score.precision >= floor and score.recall >= floor, result.table()
    assert result.scores["encounter"].truth > 0 and result.scores["gap"].truth > 0
    assert result.decoys > 0 and result.decoys_reported == [], result.table()
    # The planted shared MMSI is found, and so is the meeting its satellite-only ship had.
    shared = [e for e in sc.truth["events"] if e["details"].get("kind") == "shared_mmsi"]
    assert shared and not [m for m in result.missed if m["type"] in ("encounter", "identity_change")]
