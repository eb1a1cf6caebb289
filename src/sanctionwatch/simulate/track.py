"""A vessel's true movement: a piecewise-linear path in time, built leg by leg and
evaluated at any timestamps with NumPy (no loop per position)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..units import MPS_PER_KNOT, haversine_m
from .geo import is_clear, offset_point

# AIS navigational status codes (ITU-R M.1371).
NAV_UNDERWAY = 0
NAV_AT_ANCHOR = 1
NAV_MOORED = 5


@dataclass(frozen=True, slots=True)
class Track:
    """Waypoints ``(t_s, lon, lat)`` joined by straight legs; ``status[i]`` is the AIS
    navigational status on the leg from waypoint i to i+1. Times are seconds from the
    scenario start and never decrease."""

    t_s: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    status: np.ndarray

    def leg_index(self, t_s: np.ndarray) -> np.ndarray:
        """Index of the leg each time falls on (clipped to the first/last leg)."""
        return np.clip(np.searchsorted(self.t_s, t_s, side="right") - 1, 0, len(self.t_s) - 2)

    def position(self, t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lon, lat, leg index) at each time, interpolated along the legs."""
        leg = self.leg_index(t_s)
        t0, t1 = self.t_s[leg], self.t_s[leg + 1]
        frac = np.clip((t_s - t0) / np.maximum(t1 - t0, 1e-9), 0.0, 1.0)
        lon = self.lon[leg] + (self.lon[leg + 1] - self.lon[leg]) * frac
        lat = self.lat[leg] + (self.lat[leg + 1] - self.lat[leg]) * frac
        return lon, lat, leg

    def leg_speed_kn(self) -> np.ndarray:
        """Speed over ground on each leg."""
        d = haversine_m(self.lat[:-1], self.lon[:-1], self.lat[1:], self.lon[1:])
        return d / np.maximum(np.diff(self.t_s), 1e-9) / MPS_PER_KNOT

    def leg_course_deg(self) -> np.ndarray:
        """Initial great-circle bearing of each leg (0 for legs without movement)."""
        p1, p2 = np.radians(self.lat[:-1]), np.radians(self.lat[1:])
        dl = np.radians(self.lon[1:] - self.lon[:-1])
        y = np.sin(dl) * np.cos(p2)
        x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
        return np.degrees(np.arctan2(y, x)) % 360.0


@dataclass(frozen=True, slots=True)
class Hold:
    """A stationary (or drifting) stay: where, when and with what AIS status."""

    start_s: float
    end_s: float
    lon: float
    lat: float
    status: int


class TrackBuilder:
    """Builds a :class:`Track` by appending voyages and stays in time order."""

    def __init__(self, t_s: float, lon: float, lat: float) -> None:
        self._t = [float(t_s)]
        self._lon = [float(lon)]
        self._lat = [float(lat)]
        self._status: list[int] = []
        self.holds: list[Hold] = []
        self.voyages: list[tuple[float, float]] = []  # (start_s, end_s) of each sailing

    @property
    def t_s(self) -> float:
        return self._t[-1]

    @property
    def position(self) -> tuple[float, float]:
        return self._lon[-1], self._lat[-1]

    def sail(self, path: np.ndarray, speed_kn: float) -> float:
        """Follow ``path`` (lon, lat; its first vertex is the current position) at
        ``speed_kn``; returns the arrival time."""
        path = np.asarray(path, dtype=float)
        d = haversine_m(path[:-1, 1], path[:-1, 0], path[1:, 1], path[1:, 0])
        keep = d > 1.0
        if not keep.any():
            return self.t_s
        times = self.t_s + np.cumsum(d[keep]) / (speed_kn * MPS_PER_KNOT)
        start = self.t_s
        self._t.extend(times.tolist())
        self._lon.extend(path[1:, 0][keep].tolist())
        self._lat.extend(path[1:, 1][keep].tolist())
        self._status.extend([NAV_UNDERWAY] * int(keep.sum()))
        self.voyages.append((start, self.t_s))
        return self.t_s

    def hold(self, until_s: float, *, status: int, drift_kn: float = 0.0, drift_deg: float = 0.0) -> Hold:
        """Stay until ``until_s``, drifting at ``drift_kn`` towards ``drift_deg`` (no drift
        when the drift would touch land)."""
        lon, lat = self.position
        start = self.t_s
        until_s = max(until_s, start)
        end = offset_point(lon, lat, drift_kn * MPS_PER_KNOT * (until_s - start), drift_deg)
        if drift_kn > 0 and not is_clear(np.array([(lon, lat), end])):
            end = (lon, lat)
        if until_s > start:
            self._t.append(until_s)
            self._lon.append(end[0])
            self._lat.append(end[1])
            self._status.append(status)
        held = Hold(start_s=start, end_s=until_s, lon=lon, lat=lat, status=status)
        self.holds.append(held)
        return held

    def build(self) -> Track:
        """The finished track (a zero-length stay is added when nothing was appended)."""
        if len(self._t) == 1:
            self.hold(self.t_s + 1.0, status=NAV_MOORED)
        return Track(
            t_s=np.asarray(self._t),
            lon=np.asarray(self._lon),
            lat=np.asarray(self._lat),
            status=np.asarray(self._status, dtype=np.int16),
        )
