"""The detector pipeline: which detectors run on what, with the reference data they need.

Detection has three kinds of work, each a pure function here that an engine
(``sanctionwatch.engines``) calls on the slice of data it planned:

- :func:`detect_vessel_events` — whole tracks of a range of MMSIs: segment,
  spoofing (whose positions the rest leave out), gaps, loitering, port visits,
  geofences, MMSIs shared by two ships at once; returns the events and the
  resampled grid for encounters;
- :func:`detect_window_events` — a time window of the assembled grid: encounters,
  which need every vessel at a moment; keeps those that start in the window's core;
- :func:`detect_static_events` — identity changes over every static observation.

Reference data (ports, areas, land, the MID table) is resolved once into a
:class:`DetectionContext` and passed to every detector, which loads nothing itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ..ais.tracks import Grid, drop_outliers, resample_arrays, segment, synthetic_instants
from ..regime.areas import DPRK_WATERS, Area, area_by_id, load_areas
from ..regime.flags import FlagTable, load_flag_table
from ..regime.geography import load_land, load_ports
from ..settings import AppConfig, load_config
from .build import concat_events
from .config import DetectionConfig
from .encounters import detect_encounters
from .gaps import detect_gaps
from .identity import detect_identity_changes, detect_shared_mmsi
from .land import LandMask
from .loitering import detect_loitering
from .places import PortIndex
from .ports import TrackPoints, detect_geofences, detect_port_visits
from .spoofing import detect_spoofing

#: The detectors that skip positions sharing one synthetic instant (all but identity changes).
SKIPS_SYNTHETIC_INSTANTS: tuple[str, ...] = (
    "spoofing",
    "gaps",
    "loitering",
    "encounters",
    "port visits",
    "geofences",
    "shared MMSI",
)


@dataclass(frozen=True)
class DetectionContext:
    """The reference data every detector takes as arguments, resolved once per run."""

    ports: PortIndex
    areas: tuple[Area, ...]
    dprk_waters: Area
    land: LandMask
    flags: FlagTable

    @classmethod
    def shipped(cls, extra_areas: tuple[Area, ...] = ()) -> DetectionContext:
        """The package's ports, areas, land and MID table, plus any user geofences."""
        return cls(
            ports=PortIndex.from_ports(load_ports()),
            areas=tuple(load_areas()) + tuple(extra_areas),
            dprk_waters=area_by_id(DPRK_WATERS),
            land=LandMask.from_geometry(load_land(), cache_dir=load_config(AppConfig).cache_dir),
            flags=load_flag_table(),
        )

    def warm(self, config: DetectionConfig) -> None:
        """Build the per-process caches (geofence buffers) once, before an engine forks workers."""
        empty = np.empty(0)
        for area in self.areas:
            area.state(empty, empty, margin_m=config.port.geofence_margin_m)


# The position columns the single-vessel detectors read (segmenting adds ``track`` and
# ``outlier``): a run over the store carries only these through its scratch files.
VESSEL_COLUMNS: tuple[str, ...] = ("mmsi", "ts", "lat", "lon", "speed_kn")


def track_ids(mmsi: np.ndarray, track: np.ndarray) -> np.ndarray:
    """Track numbers that do not depend on how positions were partitioned.

    The segmenter numbers a track by the row of its first position in the table it
    saw; rows of ``mmsi`` (sorted) are made relative to that MMSI's first row and
    put under the MMSI (``mmsi * 2**32 + row``), so any slice holding whole MMSIs,
    in memory or read from the store, gives every track the same number.
    """
    if len(track) == 0:
        return track.astype(np.int64)
    # Each row's MMSI's first row, from the runs of the sorted MMSIs (no search per row).
    change = np.r_[True, mmsi[1:] != mmsi[:-1]]
    first_row = np.flatnonzero(change)[np.cumsum(change) - 1]
    ids: np.ndarray = (mmsi[track].astype(np.int64) << 32) + (track - first_row[track])
    return ids


def detect_vessel_events(
    positions: pa.Table, *, config: DetectionConfig, context: DetectionContext
) -> tuple[pa.Table, pa.Table]:
    """Single-vessel events of ``positions`` (whole MMSIs, sorted by mmsi, ts) and their resampled grid.

    Positions of one MMSI that share one synthetic instant
    (:func:`~sanctionwatch.ais.tracks.synthetic_instants`) are left out: every detector
    here (:data:`SKIPS_SYNTHETIC_INSTANTS`) needs real time between positions.
    """
    synthetic = synthetic_instants(positions, min_positions=config.tracks.synthetic_instant_min_positions)
    if synthetic.any():
        positions = positions.filter(pa.array(~synthetic))
    tracks = segment(positions, config=config.tracks)
    tracks = tracks.set_column(
        tracks.schema.get_field_index("track"),
        "track",
        pa.array(track_ids(tracks.column("mmsi").to_numpy(), tracks.column("track").to_numpy()), pa.int64()),
    )
    spoofing = detect_spoofing(tracks, ports=context.ports, land=context.land, config=config.spoofing)
    # Spoofed positions are not where the ship was: the other detectors leave them out.
    outlier = tracks.schema.get_field_index("outlier")
    real = tracks.set_column(
        outlier, "outlier", pa.array(tracks.column(outlier).to_numpy(zero_copy_only=False) | spoofing.spoofed)
    )
    real = drop_outliers(real)
    grid = resample_arrays(
        real.column("track").to_numpy(),
        real.column("mmsi").to_numpy(),
        real.column("ts").cast(pa.int64()).to_numpy(),
        real.column("lat").to_numpy(),
        real.column("lon").to_numpy(),
        grid_min=config.encounter.grid_min,
        max_gap_h=config.encounter.max_interp_gap_h,
    )
    # Reports and the grid points between them, merged once for port visits and geofences.
    points = TrackPoints.from_tracks(real, grid)
    events = concat_events(
        [
            detect_gaps(
                real, ports=context.ports, land=context.land, dprk_waters=context.dprk_waters, config=config.gap
            ),
            detect_loitering(grid, ports=context.ports, config=config.loitering, tracks=real),
            detect_port_visits(points, ports=context.ports, config=config.port),
            detect_geofences(points, areas=context.areas, config=config.port),
            spoofing.events,
            # One MMSI broadcast by two ships at once: the segmenter's tracks show it.
            detect_shared_mmsi(tracks, config=config.identity),
        ]
    )
    return events, grid.to_arrow()


def detect_window_events(
    grid: pa.Table,
    static: pa.Table,
    *,
    core_start_us: int,
    core_end_us: int,
    config: DetectionConfig,
    context: DetectionContext,
) -> pa.Table:
    """Encounters on a window of the assembled grid that start in ``[core_start_us, core_end_us)``."""
    events = detect_encounters(
        Grid.from_arrow(grid, config.encounter.grid_min), ports=context.ports, config=config.encounter, static=static
    )
    start = events.column("start").cast(pa.int64()).to_numpy()
    return events.filter(pa.array((start >= core_start_us) & (start < core_end_us)))


def detect_static_events(static: pa.Table, *, config: DetectionConfig, context: DetectionContext) -> pa.Table:
    """Identity events over every static observation."""
    return detect_identity_changes(static, flags=context.flags, config=config.identity)
