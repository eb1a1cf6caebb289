"""How detection is partitioned and run (``SANCTIONWATCH_ENGINE_*``): the engines' settings, not the detectors'."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..settings import PREFIX, setting, settings_group


@settings_group(f"{PREFIX}ENGINE_")
@dataclass(frozen=True, slots=True)
class EngineConfig:
    """How detection is partitioned and run."""

    # Two days: a window also reads overlap_h on each side, so with one day half its encounter work
    # was overlap (at 10 M positions 1.3 s of CPU in 9 windows, 0.5-0.8 s in 4 of two days).
    window_h: float = setting(48.0, "time window of one encounter partition")
    split_partition_positions: int = field(
        default=4_000_000,
        metadata={
            "help": "detection over the store copies its parts into vessel buckets about this many positions "
            "per split partition (whole part files; the count rounded up to a multiple of the workers)"
        },
    )
    overlap_h: float = setting(12.0, "each window reads this much extra on both sides (>= longest event rule)")
    vessel_partition_positions: int = field(
        default=250_000, metadata={"help": "target positions per vessel partition (single-vessel detectors)"}
    )
    workers: int = field(default=0, metadata={"help": "worker processes for the local engine (0 = all cores)"})
    scheduler_timeout_s: float = setting(10.0, "how long to wait for a Dask scheduler given by address")
    scratch_dir: str = setting(
        "",
        "folder for a detection run's intermediate files (default: beside the store's positions); "
        "on a cluster every worker must see it",
    )
