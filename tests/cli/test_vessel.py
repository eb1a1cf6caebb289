"""`vessel show` as a user runs it on a scenario's designated tanker."""

import json

from sanctionwatch.cli.main import main


def test_vessel_show_case_file_of_a_designated_tanker(scenario_db, capsys):
    root, db = scenario_db
    truth = json.loads((root / "sim" / "truth.json").read_text())
    vessel = next(v for v in truth["vessels"] if v["imo"] == 8604917)  # YU JONG 2, on the sample list
    capsys.readouterr()
    assert main(["-q", "--db", db, "vessel", "show", str(vessel["imo"]), "--format", "json"]) == 0
    cf = json.loads(capsys.readouterr().out)
    assert vessel["mmsi"] in cf["mmsis"]
    assert {i["imo"] for i in cf["identities"]} >= {8604917}
    assert cf["list_hits"][0]["by_identifier"] and cf["records"][0]["id"] == cf["list_hits"][0]["entity_id"]
    ids = {e["event_id"] for e in cf["events"]}
    assert ids and {t["event_id"] for t in cf["tracks"]} == ids
    # Every network path and ledger delivery points at events of this vessel's file.
    assert all(set(p["event_ids"]) & ids for p in cf["network"])
    assert all(set(d["event_ids"]) & ids for d in cf["deliveries"])
    assert all(
        r["event_ids"] or r["code"].startswith("designated") or r["code"] == "dprk_flag"
        for r in cf["risk"][0]["reasons"]
    )


def test_vessel_show_table_and_errors(scenario_db, capsys):
    _, db = scenario_db
    assert main(["-q", "--db", db, "vessel", "show", "123"]) == 2
    assert "neither an IMO number" in capsys.readouterr().err
    assert main(["-q", "--db", db, "vessel", "show", "9999998"]) == 2
    assert "no vessel in the store broadcast IMO 9999998" in capsys.readouterr().err
    assert main(["-q", "--db", db, "vessel", "show", "IMO 8604917"]) == 0
    out = capsys.readouterr().out
    assert "Identity history" in out and "Event timeline" in out


def test_vessel_show_writes_a_map(scenario_db, tmp_path, capsys):
    _, db = scenario_db
    out = tmp_path / "case.svg"
    assert main(["-q", "--db", db, "vessel", "show", "8604917", "--map", str(out)]) == 0
    svg = out.read_text()
    assert svg.startswith("<svg") and 'class="track' in svg and "<circle" in svg
