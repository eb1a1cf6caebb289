"""Simulator settings: reporting, noise and the event rules its ground truth follows.

Every field can be set with ``SANCTIONWATCH_SIM_<FIELD>``. The truth rules repeat the
event definitions of DESIGN.md so the planted events and the detectors agree on
what an event is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..settings import settings_group

PREFIX = "SANCTIONWATCH_SIM_"


@settings_group(PREFIX)
@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """How the simulated AIS is reported and how its ground truth is defined."""

    report_interval_s: float = field(
        default=120.0,
        metadata={
            "help": "mean interval between terrestrial position reports (each drawn from 0.1x to 1.9x); the volume knob"
        },
    )
    satellite_share: float = field(
        default=0.25, metadata={"help": "share of vessels seen only by satellite, through the whole scenario"}
    )
    satellite_min_interval_s: float = field(
        default=600.0, metadata={"help": "shortest interval between satellite reports"}
    )
    satellite_max_interval_s: float = field(
        default=2700.0, metadata={"help": "longest interval between satellite reports"}
    )
    drop_share: float = field(default=0.05, metadata={"help": "share of position reports dropped at random"})
    outages_per_vessel_day: float = field(
        default=0.5, metadata={"help": "short reception outages (15-60 min) per vessel-day"}
    )
    jitter_m: float = field(default=15.0, metadata={"help": "standard deviation of GPS noise per axis"})
    drift_glitch_share: float = field(
        default=0.03, metadata={"help": "share of reports while stopped whose speed jumps to 5-10 kn"}
    )
    noise_speed_share: float = field(default=0.002, metadata={"help": "share of reports with the noise speed 102.3 kn"})
    wild_positions_per_vessel_day: float = field(
        default=0.05, metadata={"help": "single reports hundreds of km off the track, per vessel-day"}
    )
    shared_mmsi_share: float = field(
        default=1 / 3,
        metadata={
            "help": "share of offshore STS meetings (every n-th) in which one ship, seen only by satellite, shares "
            "its MMSI with a twin far away that reports densely through the whole scenario"
        },
    )
    shared_mmsi_min_distance_km: float = field(
        default=300.0, metadata={"help": "a twin stays at least this far from the ship whose MMSI it shares"}
    )
    tanker_speed_kn: float = field(
        default=11.5, metadata={"help": "mean service speed of tankers (each vessel +-1.5 kn)"}
    )
    cargo_speed_kn: float = field(
        default=13.0, metadata={"help": "mean service speed of cargo ships (each vessel +-2 kn)"}
    )
    # Truth rules (DESIGN.md event definitions).
    encounter_max_distance_m: float = field(default=500.0, metadata={"help": "encounter: ships at most this far apart"})
    encounter_min_duration_h: float = field(default=2.0, metadata={"help": "encounter: shortest meeting"})
    loitering_min_duration_h: float = field(default=4.0, metadata={"help": "loitering: shortest slow stay"})
    near_port_m: float = field(
        default=10_000.0, metadata={"help": "closer to a port point than this counts as near port"}
    )
    port_entry_m: float = field(
        default=3000.0, metadata={"help": "port visit starts within this distance of a port point"}
    )
    port_exit_m: float = field(default=4000.0, metadata={"help": "port visit ends beyond this distance"})
    port_visit_min_duration_h: float = field(
        default=1.0, metadata={"help": "port visit: shortest stay (shorter ones are ships passing by)"}
    )
    geofence_margin_m: float = field(
        default=100.0, metadata={"help": "geofence: a stay starts this far inside an area and ends this far outside"}
    )
    gap_min_h: float = field(default=6.0, metadata={"help": "gap: shortest silence between two positions"})
    gap_deliberate_h: float = field(
        default=12.0, metadata={"help": "gap offshore at least this long is likely deliberate"}
    )
    spoof_speed_kn: float = field(default=25.0, metadata={"help": "implied speeds above this are impossible jumps"})
    truth_step_s: float = field(
        default=60.0, metadata={"help": "time step at which true tracks are tested for port visits and areas"}
    )
