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
