"""``sanctionwatch demo``: the whole pipeline on a simulated scenario and the sample list.

simulate -> load the sample list -> ingest the AIS CSV -> detect -> screen and score
vessels -> report and exports, then compare what was found with the planted truth.
Each step calls the same library function the individual CLI commands use.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .ais.ingest import IngestReport, ingest_file
from .engines.detect import run_detection
from .lists.sample import load_sample
from .regime.caps import YearLedger
from .regime.scorecard import StateCard
from .report.build import collect, write_report, write_report_exports
from .risk.accounting import store_ledger, store_scorecard
from .risk.assess import Assessment, assess_store
from .simulate import simulate
from .simulate.evaluate import Evaluation, evaluate
from .store import open_store
from .store.entities import save_publication

Step = Callable[[str], None]


@dataclass
class DemoResult:
    """What the demo produced and how long each step took."""

    out_dir: Path
    report: Path
    events_csv: Path
    vessels_csv: Path
    ingest: IngestReport
    assessment: Assessment
    evaluation: Evaluation
    timings_s: dict[str, float] = field(default_factory=dict)
    ledger: list[YearLedger] = field(default_factory=list)  # the years the scenario's events fall in
    states: list[StateCard] = field(default_factory=list)
    ledger_factor: str = ""


def run_demo(
    out_dir: Path,
    *,
    seed: int = 7,
    vessels: int = 40,
    days: float = 7.0,
    on_step: Step | None = None,
) -> DemoResult:
    """Run the demo into ``out_dir`` (a fresh store ``out_dir/sanctionwatch.duckdb`` is used)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "sanctionwatch.duckdb"
    # A fresh store each run, so a second demo does not count the first one's data.
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".data"), ignore_errors=True)
    timings: dict[str, float] = {}

    def step(name: str) -> None:
        timings[name] = time.perf_counter()
        if on_step:
            on_step(name)

    def done(name: str) -> None:
        timings[name] = round(time.perf_counter() - timings[name], 2)

    step("simulate")
    scenario = simulate(out_dir / "scenario", seed=seed, vessels=vessels, days=days)
    done("simulate")
    with open_store(db) as store:
        step("lists")
        save_publication(store, load_sample())
        done("lists")
        step("ingest")
        ingest = ingest_file(store, out_dir / "scenario" / "positions.csv")
        done("ingest")
        step("detect")
        run_detection(store)
        done("detect")
        step("screen")
        assessment = assess_store(store)
        done("screen")
        step("accounts")
        years = sorted({t.year for t in assessment.events["start"].to_pylist()})
        accounts = store_ledger(store, years=years)
        high = [r.mmsi for r in assessment.risks if r.level == "high"]
        states = store_scorecard(store, high_risk_mmsis=high)
        done("accounts")
        step("report")
        data = collect(store, assessment, title="sanctionwatch demo: simulated week, Yellow Sea and Korea Bay")
        report = write_report(data, out_dir / "report.html")
        events_csv, vessels_csv = out_dir / "events.csv", out_dir / "vessels.csv"
        # events.{csv,geojson,parquet}, vessels.{csv,parquet}, cases.ftm.json beside the report
        write_report_exports(data, out_dir)
        done("report")
    evaluation = evaluate(assessment.events, scenario.truth)
    (out_dir / "evaluation.txt").write_text(evaluation.table() + "\n", encoding="utf-8")
    return DemoResult(
        out_dir,
        report,
        events_csv,
        vessels_csv,
        ingest,
        assessment,
        evaluation,
        timings,
        ledger=accounts.years,
        states=states,
        ledger_factor=accounts.config.factor,
    )
