from datetime import UTC, datetime

import pyarrow as pa

from sanctionwatch.lists.sample import load_sample
from sanctionwatch.model.ais import STATIC
from sanctionwatch.risk.assess import identity_history, screen_vessels, vessel_identities
from sanctionwatch.screening.screen import Screener


def static_rows(*rows):
    return pa.Table.from_pylist(
        [
            {
                "mmsi": m,
                "ts": datetime(2025, 1, d, tzinfo=UTC),
                "imo": imo,
                "name": name,
                "call_sign": None,
                "ship_type": 80,
                "length_m": None,
                "width_m": None,
                "draught_m": None,
                "destination": None,
            }
            for m, d, imo, name in rows
        ],
        schema=STATIC,
    )


def test_a_renamed_designated_ship_is_still_found():
    # YU JONG 2 (IMO 8604917) renames itself on day 3 with a new name and a forged IMO.
    static = static_rows(
        (445000001, 1, 8604917, "YU JONG 2"), (445000001, 3, 9999995, "SEA BREEZE"), (412000002, 1, 9300000, "HAI XING")
    )
    latest = vessel_identities(static, pa.array([445000001, 412000002, 563000003], pa.int64()))
    assert latest["mmsi"].to_pylist() == [412000002, 445000001, 563000003]  # unseen-in-static MMSIs kept
    assert latest["name"].to_pylist() == ["HAI XING", "SEA BREEZE", None]  # the latest identity, for display
    history = identity_history(static)
    assert history.num_rows == 3 and history["flag"].to_pylist() == ["cn", "kp", "kp"]
    hits = screen_vessels(history, Screener(load_sample().entities))
    assert [(h.mmsi, h.caption, h.by_identifier) for h in hits] == [(445000001, "YU JONG 2", True)]
    assert "broadcast as YU JONG 2" in hits[0].explanation


def test_vessel_screening_honours_the_match_threshold_setting(store, monkeypatch):
    """``vessels`` and ``screen`` agree on what a match is: both follow SANCTIONWATCH_MATCH_THRESHOLD."""
    from sanctionwatch.risk.assess import assess_store
    from sanctionwatch.store.entities import save_publication
    from sanctionwatch.store.files import add_static_rows

    save_publication(store, load_sample())
    # Name only, another flag: dprk-v1 scores this 0.85, a match at the default 0.70.
    add_static_rows(store, "0" * 64, static_rows((412000001, 1, None, "YU JONG 2")))
    monkeypatch.delenv("SANCTIONWATCH_MATCH_THRESHOLD", raising=False)
    assert [h.caption for h in assess_store(store).hits] == ["YU JONG 2"]
    monkeypatch.setenv("SANCTIONWATCH_MATCH_THRESHOLD", "0.9")
    assert assess_store(store).hits == []
    assert Screener(load_sample().entities).threshold == 0.9
