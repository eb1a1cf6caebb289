"""`sanctionwatch demo` as a user runs it: what it says the outputs hold, they hold."""

import csv
import json

from sanctionwatch.cli.main import main


def test_demo_reasons_and_their_event_ids_are_where_it_says(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["-q", "demo", "--out", str(out), "--seed", "3", "--vessels", "24", "--days", "3"]) == 0
    said = capsys.readouterr().out.replace("\n", " ")
    assert "Reasons in full, each with the event ids behind it: vessels.csv" in said
    assert "vessel sections of report.html" in said
    with open(out / "vessels.csv", newline="", encoding="utf-8") as fh:
        vessels = list(csv.DictReader(fh))
    with open(out / "events.csv", newline="", encoding="utf-8") as fh:
        events = {r["event_id"] for r in csv.DictReader(fh)}
    html = (out / "report.html").read_text(encoding="utf-8")
    cited = [e for v in vessels[:10] for r in json.loads(v["reason_details"]) for e in r["event_ids"]]
    assert cited, "the top vessels' reasons rest on events"
    for v in vessels[:10]:
        details = json.loads(v["reason_details"])
        assert v["event_ids"].split() == list(dict.fromkeys(e for r in details for e in r["event_ids"]))
    assert set(cited) <= events  # every cited event is in the events export
    assert all(e in html for e in cited)  # and in the report, beside the reason it backs
