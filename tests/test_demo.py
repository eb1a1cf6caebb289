"""The demo end to end on a small scenario: files written, findings consistent with the truth."""

import csv
import json

import pytest

from sanctionwatch.demo import run_demo
from sanctionwatch.model.events import EVENT_COLUMNS
from sanctionwatch.report.export import VESSEL_COLUMNS


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"), seed=3, vessels=24, days=3)


def test_demo_writes_the_three_files(demo):
    assert demo.report.stat().st_size > 10_000
    with open(demo.events_csv, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0].keys()) == EVENT_COLUMNS
    assert all(json.loads(r["details"]) is not None for r in rows)
    with open(demo.vessels_csv, newline="") as fh:
        vessels = list(csv.DictReader(fh))
    assert tuple(vessels[0].keys()) == VESSEL_COLUMNS
    assert [int(v["rank"]) for v in vessels] == list(range(1, len(vessels) + 1))


def test_demo_counts_balance(demo):
    ing = demo.ingest
    assert ing.rows_in == ing.accepted + ing.quarantined_total > 0


def test_designated_vessels_on_ais_are_found_and_ranked_first(demo):
    truth = json.loads((demo.out_dir / "scenario" / "truth.json").read_text())
    sample_imos = {8604917, 8660313, 8691702, 7303803, 9066978, 8705539, 8122347}
    planted = {v["mmsi"] for v in truth["vessels"] if v["imo"] in sample_imos}
    assert planted, "the scenario carries designated vessels"
    found = {r.mmsi for r in demo.assessment.risks if r.designated}
    assert found == planted
    top = [r.mmsi for r in demo.assessment.risks[: len(planted)]]
    assert set(top) == planted


def test_demo_detections_match_the_planted_truth(demo):
    scores = demo.evaluation.scores
    assert scores["encounter"].recall == 1.0 and scores["encounter"].precision == 1.0
    assert demo.evaluation.decoys_reported == []


def test_demo_is_repeatable(demo, tmp_path):
    again = run_demo(tmp_path, seed=3, vessels=24, days=3)
    ids = lambda p: sorted(r["event_id"] for r in csv.DictReader(open(p, newline="")))  # noqa: E731
    assert ids(again.events_csv) == ids(demo.events_csv)


def test_demo_adds_up_the_ledger_and_the_scorecard(demo):
    (year,) = demo.ledger  # the scenario's week falls in one year
    assert year.cap_bbl == 500_000
    assert year.deliveries, "the planted DPRK port calls and STS transfers become estimated deliveries"
    event_ids = set(demo.assessment.events["event_id"].to_pylist())
    assert all(set(d.event_ids) <= event_ids for d in year.deliveries)
    by_scenario = {s.scenario: s.barrels for s in year.scenarios if s.factor == demo.ledger_factor}
    assert by_scenario["33%"] < by_scenario["50%"] < by_scenario["90%"] < by_scenario["100%"]
    codes = [c.code for c in demo.states]
    assert "kp" in codes[:3] and demo.states[0].evidence_items >= demo.states[-1].evidence_items
    html = demo.report.read_text(encoding="utf-8")
    assert 'id="ledger"' in html and 'id="states"' in html and year.deliveries[0].event_ids[0] in html


def test_demo_report_has_a_case_file_page_per_top_vessel(demo):
    html = demo.report.read_text(encoding="utf-8")
    section = html.split('id="case-files"')[1].split("</section>")[0]
    top = [r for r in demo.assessment.risks if r.score > 0][:5]
    assert section.count('<article class="case">') == len(top)
    assert all(f"MMSI {r.mmsi}" in section for r in top)
    assert section.count("<svg") == len(top) and "http" not in section.split("<svg")[0]
