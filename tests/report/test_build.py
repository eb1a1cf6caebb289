from sanctionwatch.report.build import method_rows
from sanctionwatch.store.events import DetectionRun, latest_run, replace_events


def test_method_rows_show_the_settings_the_last_run_used(store):
    assert method_rows(latest_run(store))[0][1].startswith("not run")
    from sanctionwatch.model.events import EVENTS

    run = DetectionRun(
        run_id="run-abc",
        engine="local",
        positions=1234,
        vessels=5,
        events_found=0,
        events_new=0,
        events_removed=0,
        seconds=1.0,
        config={
            "detection": {"encounter": {"max_distance_m": 321.0}, "gap": {"min_gap_h": 6.0}},
            "geofences": ["mine"],
        },
    )
    replace_events(store, EVENTS.empty_table(), run)
    rows = dict(method_rows(latest_run(store)))
    assert rows["detection run"] == "run-abc" and rows["positions read"] == "1,234"
    assert rows["encounter.max_distance_m"] == "321.0" and rows["gap.min_gap_h"] == "6.0"
    assert rows["user geofences"] == "mine"
