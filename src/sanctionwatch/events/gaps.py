"""AIS gaps: a track stops reporting for hours, then reappears.

Definition (GFW pipe-gaps; thresholds in :class:`~sanctionwatch.events.config.GapConfig`):
at least ``min_gap_h`` between consecutive positions of one track. A gap is
``likely_deliberate`` when it lasts at least ``deliberate_gap_h`` and began
offshore, i.e. at least ``offshore_distance_nm`` from land and from any port (GFW
uses 50 nm from shore; around Korea Bay that would hide the gaps that matter, so
it is a setting with a smaller default). Each gap records where the ship went dark
and where it reappeared, the distance and implied speed across the gap, and
whether it began within ``near_dprk_km`` of DPRK waters.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..ais.tracks import drop_outliers, track_order
from ..regime.areas import Area
from ..units import METERS_PER_NM, MPS_PER_KNOT, US_PER_HOUR, haversine_m
from .build import empty_events, make_events
from .config import GapConfig
from .land import LandMask
from .places import PortIndex

VERSION = "gap-v1"


def detect_gaps(
    tracks: pa.Table,
    *,
    ports: PortIndex,
    land: LandMask,
    dprk_waters: Area,
    config: GapConfig = GapConfig(),
) -> pa.Table:
    """Gaps in segmented positions (``ais.tracks.segment`` output; outliers are ignored).

    A gap starting away from every port and from ``land`` is offshore; its distance
    to ``dprk_waters`` says whether the ship went dark near the DPRK.
    """
    tracks = drop_outliers(tracks)
    if tracks.num_rows < 2:
        return empty_events()
    track = tracks.column("track").to_numpy()
    ts = tracks.column("ts").cast(pa.int64()).to_numpy()
    order = track_order(track, ts)  # tracks of one MMSI may interleave in (mmsi, ts) order
    if order is not None:
        track, ts = track[order], ts[order]
    dt = np.diff(ts)
    gap = np.flatnonzero((track[1:] == track[:-1]) & (dt >= config.min_gap_h * US_PER_HOUR))
    if len(gap) == 0:
        return empty_events()
    # Rows of the original table for the positions before and after each gap.
    i, j = (gap, gap + 1) if order is None else (order[gap], order[gap + 1])
    lat = tracks.column("lat").to_numpy()
    lon = tracks.column("lon").to_numpy()
    mmsi = tracks.column("mmsi").to_numpy()
    dist_m = haversine_m(lat[i], lon[i], lat[j], lon[j])
    hours = dt[gap] / US_PER_HOUR  # dt is in track order, like gap
    speed_kn = dist_m / (hours * 3600.0) / MPS_PER_KNOT
    offshore_km = config.offshore_distance_nm * METERS_PER_NM / 1000.0
    port_idx, _ = ports.nearest(lat[i], lon[i], max_km=offshore_km)
    offshore = (port_idx < 0) & (land.distance_km(lat[i], lon[i]) >= offshore_km)
    dprk_km = dprk_waters.distance_km(lat[i], lon[i])
    near_dprk = dprk_km <= config.near_dprk_km
    deliberate = offshore & (hours >= config.deliberate_gap_h)
    details = [
        {
            "off_lat": lat[i[k]],
            "off_lon": lon[i[k]],
            "on_lat": lat[j[k]],
            "on_lon": lon[j[k]],
            "distance_km": dist_m[k] / 1000.0,
            "implied_speed_kn": speed_kn[k],
            "offshore": bool(offshore[k]),
            "near_dprk_waters": bool(near_dprk[k]),
            "dprk_waters_distance_km": dprk_km[k],
            "likely_deliberate": bool(deliberate[k]),
        }
        for k in range(len(gap))
    ]
    return make_events(
        "gap",
        version=VERSION,
        mmsi=mmsi[i],
        start_us=ts[gap],
        end_us=ts[gap + 1],
        lat=lat[i],
        lon=lon[i],
        details=details,
    )
