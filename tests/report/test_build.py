import pytest

from sanctionwatch.report.build import method_rows
from sanctionwatch.report.provenance import Setting, provenance, settings_of
from sanctionwatch.store.events import DetectionRun, latest_run, replace_events


def _run(config):
    return DetectionRun(
        run_id="run-abc",
        engine="local",
        positions=1234,
        vessels=5,
        events_found=0,
        events_new=0,
        events_removed=0,
        seconds=1.0,
        config=config,
    )


def test_method_rows_show_the_settings_the_last_run_used(store):
    assert method_rows(latest_run(store))[0][1].startswith("not run")
    from sanctionwatch.model.events import EVENTS

    run = _run(
        {"detection": {"encounter": {"max_distance_m": 321.0}, "gap": {"min_gap_h": 6.0}}, "geofences": ["mine"]}
    )
    replace_events(store, EVENTS.empty_table(), run)
    rows = dict(method_rows(latest_run(store)))
    assert rows["detection run"] == "run-abc" and rows["positions read"] == "1,234"
    assert rows["encounter.max_distance_m"] == "321" and rows["gap.min_gap_h"] == "6"
    assert rows["user geofences"] == "mine"


def test_settings_that_differ_from_the_defaults_come_first():
    settings = settings_of({"encounter": {"max_distance_m": 321.0, "min_duration_h": 2.0}, "gap": {"new_knob": 1}})
    assert settings == [
        Setting("encounter.max_distance_m", "321", "500"),
        Setting("encounter.min_duration_h", "2", "2"),
        Setting("gap.new_knob", "1", ""),
    ]
    prov = provenance(run=_run({"detection": {"encounter": {"max_distance_m": 321.0, "min_duration_h": 2}}}))
    assert [s.name for s in prov.changed] == ["encounter.max_distance_m"]
    assert dict(prov.run)["vessels"] == "5" and prov.program.startswith("sanctionwatch ")
    assert provenance().settings == [] and dict(provenance().run)["detection"].startswith("not run")


def test_provenance_of_a_store_lists_files_with_hashes_and_quarantine(store, tmp_path):
    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.ids import file_sha256
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.store.entities import list_versions, save_publication
    from sanctionwatch.store.files import list_ingested_files

    csv = tmp_path / "ais.csv"
    csv.write_text(
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft\n"
        "412135087,2025-01-06T00:00:34,36.5,122.1,14.9,239.1,239,FU XING 28,IMO8337502,BOWDFD,70,0,165,23,4.6\n"
        "412135087,2025-01-06T00:10:34,36.52,122.1,14.9,239.1,239,FU XING 28,IMO8337502,BOWDFD,70,0,165,23,4.6\n"
        "412135087,2025-01-06T00:20:34,91.0,122.1,14.9,239.1,239,FU XING 28,IMO8337502,BOWDFD,70,0,165,23,4.6\n"
    )
    ingest_file(store, csv)
    pub = load_sample()
    save_publication(store, pub)
    (f,) = list_ingested_files(store)
    assert f.sha256 == file_sha256(csv) and f.path.endswith("ais.csv") and f.ingested_at.endswith("Z")
    assert f.rows_in == 3 and f.rows_accepted == 2 and sum(f.quarantined.values()) == 1
    prov = provenance(lists=list_versions(store), files=[f])
    assert prov.lists[0].sha256 == pub.sha256 and len(prov.lists[0].sha256) == 64


def _other_list():
    """Records of another regime: one names a listed ship as its vessel, one lives in the DPRK, one calls
    listed ships tankers (the scorecard counts them), the others hold nothing the report reads."""
    from sanctionwatch.model.entity import Entity, Link, ListPublication, Name

    def person(i, **kw):
        return Entity(id=f"eu-{i}", schema="Person", source="eu", source_id=str(i), names=[Name(f"PERSON {i}")], **kw)

    entities = [person(i, programs=["SYR"]) for i in range(1, 6)]
    entities.append(person(7, programs=["SYR"], countries=["kp"]))
    entities.append(person(8, programs=["SYR"], remarks="Chartered the tanker KUM UN SAN 3."))
    entities.append(person(9, programs=["SYR"], links=[Link("operator", "YU JONG 2", "ofac-23736")]))
    return ListPublication(source="eu", published="2026-01-01", sha256="e" * 64, entities=entities)


@pytest.fixture(scope="module")
def listed_scenario(tmp_path_factory):
    """A small simulated store with the sample list and UN and OFAC extracts, ingested, detected, assessed."""
    from pathlib import Path

    from sanctionwatch.ais.ingest import ingest_file
    from sanctionwatch.engines.detect import run_detection
    from sanctionwatch.lists import ofac, un
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.risk.assess import assess_store
    from sanctionwatch.simulate import simulate
    from sanctionwatch.store import open_store
    from sanctionwatch.store.entities import save_publication

    lists = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
    root = tmp_path_factory.mktemp("listed")
    simulate(root / "sim", seed=3, vessels=20, days=2)
    store = open_store(root / "s.duckdb")
    save_publication(store, load_sample())
    save_publication(store, un.parse(lists / "un_small.xml"))
    save_publication(store, ofac.parse([lists / "ofac_sdn.csv", lists / "ofac_alt.csv", lists / "ofac_add.csv"]))
    save_publication(store, _other_list())
    ingest_file(store, root / "sim" / "positions.csv")
    run_detection(store)
    yield store, assess_store(store)
    store.close()


def test_the_report_read_from_the_entities_it_needs_is_the_report_read_from_every_entity(listed_scenario, tmp_path):
    """Report and exports made from :func:`report_entities` equal those made from the whole lists."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from sanctionwatch.report.build import collect, report_entities, write_report_exports
    from sanctionwatch.report.html import render_report
    from sanctionwatch.store.entities import load_entities

    store, assessment = listed_scenario
    assert assessment.hits and assessment.events.num_rows
    every = load_entities(store)
    needed = report_entities(store, assessment.hits)
    assert {h.entity_id for h in assessment.hits} <= {e.id for e in needed} and len(needed) < len(every)
    assert "eu-9" in {e.id for e in needed} and "ofac-23736" in {h.entity_id for h in assessment.hits}
    at = datetime(2026, 1, 1, tzinfo=UTC)
    lean, full = (replace(collect(store, assessment, entities=e), generated_at=at) for e in (None, every))
    assert {s.id for s in lean.sections} == {"ledger", "states", "case-files"}
    assert render_report(lean) == render_report(full)
    written = [write_report_exports(data, tmp_path / name) for name, data in (("lean", lean), ("full", full))]
    assert written[0].written == written[1].written
    for name in written[0].written:
        if name.endswith((".json", ".csv", ".geojson")):
            assert (tmp_path / "lean" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def test_report_entities_reads_what_a_listed_vessel_links_to(store):
    """A matched vessel's owner is read though its record mentions nothing else the report reads."""
    from sanctionwatch.model.entity import Entity, Link, ListPublication, Name
    from sanctionwatch.report.build import report_entities
    from sanctionwatch.risk.score import ListHit
    from sanctionwatch.store.entities import save_publication

    vessel = Entity(
        id="x-1", schema="Vessel", source="x", source_id="1", names=[Name("SHIP")], links=[Link("owner", "CO", "x-2")]
    )
    owner = Entity(id="x-2", schema="Organization", source="x", source_id="2", names=[Name("CO")])
    other = Entity(id="x-3", schema="Organization", source="x", source_id="3", names=[Name("ELSE")])
    save_publication(
        store, ListPublication(source="x", published=None, sha256="x" * 64, entities=[vessel, owner, other])
    )
    hit = ListHit(1, "x-1", "SHIP", "x", "1", 1.0, False, "name")
    assert [e.id for e in report_entities(store, [hit])] == ["x-1", "x-2"]
    assert report_entities(store, []) == []
