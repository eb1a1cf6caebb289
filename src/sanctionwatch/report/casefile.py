"""A vessel case file drawn for the report and ``vessel show --map``: its track around each event."""

from __future__ import annotations

import numpy as np

from ..regime.geography import load_land, load_ports
from ..risk.casefile import CaseFile
from .svgmap import MapPoint, Projection, Track, fit_bbox, map_svg


def case_map_svg(cf: CaseFile) -> str:
    """An SVG map of the vessel's positions within the case file's windows, its events and nearby ports."""
    pos = cf.positions
    ev = cf.events.filter(cf.events["lat"].is_valid())
    lat = np.concatenate([pos["lat"].to_numpy() if pos is not None else [], ev["lat"].to_numpy()])
    lon = np.concatenate([pos["lon"].to_numpy() if pos is not None else [], ev["lon"].to_numpy()])
    if len(lat) == 0:
        return ""
    proj = Projection(*fit_bbox(lat, lon, margin_deg=0.3))
    tracks = []
    if pos is not None and pos.num_rows:
        mmsi, ts = pos["mmsi"].to_numpy(), pos["ts"].cast("int64").to_numpy()
        plat, plon = pos["lat"].to_numpy(), pos["lon"].to_numpy()
        # One line per stretch of track: a new one where the vessel changes or an hour passes unreported,
        # so windows around separate events are not joined by a straight line.
        cut = np.flatnonzero((mmsi[1:] != mmsi[:-1]) | (np.diff(ts) > 3_600_000_000)) + 1
        for a, b in zip(np.r_[0, cut], np.r_[cut, len(ts)]):
            m = int(mmsi[a])
            level = next((r.level for r in cf.risks if r.mmsi == m), "low")
            tracks.append(Track(m, f"MMSI {m} around its events", level, plat[a:b], plon[a:b]))
    points = [
        MapPoint(
            r["lat"], r["lon"], r["type"], f"{r['type']} {r['start']:%Y-%m-%d %H:%M} ({r['event_id']})", r["event_id"]
        )
        for r in ev.to_pylist()
    ]
    ports = [
        MapPoint(p.lat, p.lon, "dprk_port" if p.dprk else "port", p.name)
        for p in load_ports()
        if p.curated and proj.lon_min <= p.lon <= proj.lon_max and proj.lat_min <= p.lat <= proj.lat_max
    ]
    return map_svg(load_land(), proj, tracks, points, ports)
