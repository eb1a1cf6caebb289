"""Detector settings: every threshold named, with its unit, and overridable.

Defaults follow Global Fishing Watch's pipelines (pipe-encounters, pipe-loitering,
pipe-gaps, pipe-anchorages) and Miller et al. 2018 as summarised in DESIGN.md. Each
class loads from ``SANCTIONWATCH_<CONCERN>_<FIELD>`` variables through
``settings.load_config(DetectionConfig)``, e.g. ``SANCTIONWATCH_ENCOUNTER_MAX_DISTANCE_M=300``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ais.tracks import TrackConfig
from ..settings import PREFIX, setting, settings_group


@dataclass(frozen=True, slots=True)
class EncounterConfig:
    """Ship-to-ship encounters (two vessels close and slow for a while)."""

    max_distance_m: float = setting(500.0, "two vessels at most this far apart on a tick are 'together'")
    min_duration_h: float = setting(2.0, "a run of consecutive together-ticks must last at least this long")
    max_median_speed_kn: float = setting(2.0, "each vessel's median speed over the encounter must be below this")
    merge_gap_h: float = setting(4.0, "runs of the same pair less than this apart are one encounter")
    grid_min: int = field(default=10, metadata={"help": "resampling grid step in minutes"})
    max_interp_gap_h: float = setting(1.0, "no interpolation across reporting gaps longer than this")
    cell_size_m: float = setting(2000.0, "spatial hash cell edge; must be at least max_distance_m")
    candidate_max_speed_kn: float = setting(6.0, "ticks faster than this are never encounter candidates (pruning)")
    near_port_km: float = setting(10.0, "encounters closer than this to a port are flagged near_port")
    in_port_km: float = setting(
        3.0, "pairs closer than this to a (non-DPRK) port point lie side by side in port: not encounters"
    )
    cluster_radius_m: float = setting(3000.0, "radius for counting stationary vessels around an encounter")
    cluster_min_vessels: int = field(
        default=6,
        metadata={
            "help": "this many stationary vessels (pair included) around an encounter make it an anchorage cluster"
        },
    )
    cluster_window_h: float = setting(12.0, "stationary vessels count for the cluster rule this long before/after")
    cluster_max_speed_kn: float = setting(1.0, "a vessel at most this fast counts as stationary for the cluster rule")


@dataclass(frozen=True, slots=True)
class LoiteringConfig:
    """One vessel slow for a long time away from port."""

    max_speed_kn: float = setting(2.0, "grid speed (over 20 minutes around each tick) below this counts as slow")
    min_duration_h: float = setting(4.0, "loitering must last at least this long")
    merge_gap_h: float = setting(0.5, "slow stretches separated by at most this (fast ticks or no ticks) are joined")
    stay_radius_m: float = setting(1000.0, "raw reports this close to a stay's first/last slow tick belong to the stay")
    min_port_distance_km: float = setting(10.0, "loitering closer than this to a port is a port stay, not loitering")


@dataclass(frozen=True, slots=True)
class GapConfig:
    """AIS gaps ('going dark')."""

    min_gap_h: float = setting(6.0, "time between consecutive positions of a track to record a gap")
    deliberate_gap_h: float = setting(12.0, "gaps at least this long and offshore are likely deliberate")
    offshore_distance_nm: float = setting(
        5.0,
        "gap start at least this far from any port counts as offshore (GFW uses 50 nm; around Korea Bay that "
        "hides the events that matter)",
    )
    near_dprk_km: float = setting(50.0, "a gap starting within this distance of DPRK waters 'began near DPRK waters'")


@dataclass(frozen=True, slots=True)
class PortConfig:
    """Port visits and geofence entries (hysteresis against boundary flicker)."""

    entry_km: float = setting(3.0, "a visit starts when the vessel comes within this distance of a port")
    exit_km: float = setting(4.0, "a visit ends when the vessel is farther than this")
    min_duration_h: float = setting(1.0, "visits shorter than this are ships passing by, not port calls")
    max_gap_h: float = setting(24.0, "a visit is closed when positions stop for longer than this")
    geofence_margin_m: float = setting(
        100.0, "a geofence stay starts this far inside an area and ends this far outside (boundary jitter)"
    )


@dataclass(frozen=True, slots=True)
class SpoofingConfig:
    """Impossible movement and positions on land."""

    max_speed_kn: float = setting(50.0, "implied speed above this between consecutive positions is impossible")
    position_noise_m: float = setting(500.0, "distance allowance for GPS noise and timestamp rounding")
    min_land_positions: int = field(default=2, metadata={"help": "consecutive positions on land to report"})
    min_outlier_run: int = field(
        default=2,
        metadata={"help": "consecutive outlier positions to report; a single wild position is decoding noise"},
    )
    land_port_exclusion_km: float = setting(5.0, "positions this close to a port are never 'on land' (berths, rivers)")


@dataclass(frozen=True, slots=True)
class IdentityConfig:
    """Identity changes of one MMSI; one IMO under several MMSIs; flag hopping."""

    flag_hop_min_flags: int = field(
        default=3, metadata={"help": "this many distinct flags for one IMO is flag hopping"}
    )
    min_observations: int = field(default=1, metadata={"help": "a new value must be seen this many times to count"})
    shared_min_speed_kn: float = field(
        default=25.0, metadata={"help": "shared MMSI: implied speed between two tracks' reports that no ship makes"}
    )
    shared_min_switches: int = field(
        default=4, metadata={"help": "shared MMSI: times reports switch between the two tracks while both are live"}
    )
    shared_min_positions: int = field(
        default=6, metadata={"help": "shared MMSI: reports each track has while the other one is live"}
    )


@dataclass(frozen=True, slots=True)
class DetectionConfig:
    """Every detector setting, bundled for the engines."""

    tracks: TrackConfig = field(default_factory=TrackConfig)
    encounter: EncounterConfig = field(default_factory=EncounterConfig)
    loitering: LoiteringConfig = field(default_factory=LoiteringConfig)
    gap: GapConfig = field(default_factory=GapConfig)
    port: PortConfig = field(default_factory=PortConfig)
    spoofing: SpoofingConfig = field(default_factory=SpoofingConfig)
    identity: IdentityConfig = field(default_factory=IdentityConfig)


SECTIONS: dict[str, type] = {
    "tracks": TrackConfig,
    "encounter": EncounterConfig,
    "loitering": LoiteringConfig,
    "gap": GapConfig,
    "port": PortConfig,
    "spoofing": SpoofingConfig,
    "identity": IdentityConfig,
}

for _name, _cls in SECTIONS.items():
    settings_group(f"{PREFIX}{_name.upper()}_")(_cls)
