"""Benchmark the scenario simulator: positions per second, beside a per-position loop.

    python bench/simulate.py                     # 1 M positions
    python bench/simulate.py --positions 10000000 --vessels 300
    python bench/simulate.py --positions 1000000 --csv   # also time the CSV writer
    python bench/simulate.py --positions 100000000 --vessels 3000 --stream-only   # 100 M, bounded memory

Prints, in one run:

* ``simulate()`` end to end (routes, itineraries, emission, truth, Arrow tables) for
  about ``--positions`` positions: the fleet is ``--vessels`` ships over ``--days``
  days and the terrestrial reporting interval is chosen to reach the target; the
  route cache starts cold, as in a fresh process;
* writing the positions as Parquet (zstd) and, with ``--csv``, as MarineCadastre CSV;
* ``write_scenario()``, the same files written a day at a time, in a fresh process
  with its peak resident memory (bounded by a day of positions, not the scenario);
  ``--stream-only`` runs just this, for sizes that do not fit in memory;
* the peer: the same track interpolation done one position at a time in Python (what
  a simulator without per-vessel vectorisation does), timed on a sample and given as
  positions/s.
Target (issue #2): 10 million positions well under a minute.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sanctionwatch.simulate import SimulationConfig, simulate, write_scenario
from sanctionwatch.simulate.itinerary import ItineraryBuilder, VesselPlan
from sanctionwatch.simulate.plan import Planner


def interval_for(target: int, vessels: int, days: float, cfg: SimulationConfig) -> float:
    """Mean terrestrial interval that gives about ``target`` positions."""
    terrestrial = vessels * (1 - cfg.satellite_share)
    return max(1.0, terrestrial * days * 86400 * (1 - cfg.drop_share) / target)


def per_position_loop(plan: VesselPlan, times: np.ndarray) -> float:
    """Positions/s of interpolating one report at a time in Python (the peer)."""
    track = plan.track
    assert track is not None
    t0 = time.perf_counter()
    for t in times:
        i = int(np.searchsorted(track.t_s, t, side="right")) - 1
        i = min(max(i, 0), len(track.t_s) - 2)
        f = (t - track.t_s[i]) / max(track.t_s[i + 1] - track.t_s[i], 1e-9)
        _ = (track.lon[i] + (track.lon[i + 1] - track.lon[i]) * f, track.lat[i] + (track.lat[i + 1] - track.lat[i]) * f)
    return len(times) / (time.perf_counter() - t0)


def streamed(vessels: int, days: float, seed: int, interval: float, csv: bool) -> None:
    """``write_scenario`` in a fresh process: time, positions/s and that process's peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        args = json.dumps([tmp, vessels, days, seed, interval, csv])
        out = subprocess.run(
            [sys.executable, __file__, "--stream-child", args], check=True, capture_output=True, text=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
    print(
        f"write_scenario():     {r['positions']:>12,} positions  {r['seconds']:7.2f} s  "
        f"{r['positions'] / r['seconds']:>12,.0f} positions/s  peak {r['peak_mib']:,.0f} MiB ({'CSV + ' if csv else ''}Parquet)"
    )


def _stream_child(spec: str) -> None:
    import resource

    tmp, vessels, days, seed, interval, csv = json.loads(spec)
    t0 = time.perf_counter()
    written = write_scenario(
        Path(tmp),
        seed=seed,
        vessels=vessels,
        days=days,
        settings=SimulationConfig(report_interval_s=interval),
        formats=["csv", "parquet"] if csv else ["parquet"],
    )
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"positions": written.positions, "seconds": seconds, "peak_mib": peak}))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--stream-child":
        _stream_child(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--positions", type=int, default=1_000_000, help="target number of positions")
    ap.add_argument("--vessels", type=int, default=100)
    ap.add_argument("--days", type=float, default=7.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--csv", action="store_true", help="also write and time the CSV")
    ap.add_argument("--stream-only", action="store_true", help="only write_scenario (any size, bounded memory)")
    args = ap.parse_args()

    base = SimulationConfig()
    interval = interval_for(args.positions, args.vessels, args.days, base)
    cfg = SimulationConfig(report_interval_s=interval)
    print(f"fleet {args.vessels} vessels x {args.days:g} days, terrestrial interval {interval:.1f} s (mean)")
    if args.stream_only:
        streamed(args.vessels, args.days, args.seed, interval, args.csv)
        return

    t0 = time.perf_counter()
    scenario = simulate(seed=args.seed, vessels=args.vessels, days=args.days, settings=cfg)
    elapsed = time.perf_counter() - t0
    n = scenario.positions.num_rows
    print(f"simulate():           {n:>12,} positions  {elapsed:7.2f} s  {n / elapsed:>12,.0f} positions/s")

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        scenario.write(Path(tmp), formats=["parquet"])
        w = time.perf_counter() - t0
        size = (Path(tmp) / "positions.parquet").stat().st_size
        print(
            f"write Parquet (zstd): {n:>12,} positions  {w:7.2f} s  {n / w:>12,.0f} positions/s  {size / 1e6:,.0f} MB"
        )
        if args.csv:
            t0 = time.perf_counter()
            scenario.write(Path(tmp) / "csv", formats=["csv"])
            w = time.perf_counter() - t0
            size = (Path(tmp) / "csv" / "positions.csv").stat().st_size
            print(
                f"write CSV:            {n:>12,} positions  {w:7.2f} s  {n / w:>12,.0f} positions/s  {size / 1e6:,.0f} MB"
            )

    streamed(args.vessels, args.days, args.seed, interval, args.csv)

    # Peer: one vessel's track interpolated report by report.
    rng = np.random.default_rng(args.seed)
    planner = Planner(rng, 18, 2 * 86400.0, base)
    plan = planner.vessel("ordinary")
    ItineraryBuilder(rng, 2 * 86400.0).build(plan)
    times = np.sort(rng.uniform(0, 2 * 86400.0, 200_000))
    loop = per_position_loop(plan, times)
    t0 = time.perf_counter()
    plan.track.position(times)  # type: ignore[union-attr]
    vec = len(times) / (time.perf_counter() - t0)
    print(
        f"peer: per-position Python loop, interpolation only: {loop:>12,.0f} positions/s "
        f"(vectorised, same work: {vec:,.0f}/s); at that rate {n:,} positions take {n / loop:,.0f} s"
    )


if __name__ == "__main__":
    main()
