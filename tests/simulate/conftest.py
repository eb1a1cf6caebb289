"""A small scenario shared by the simulator tests (the smallest fleet that plants every kind)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from sanctionwatch.simulate import Scenario, SimulationConfig, simulate

# (seed, vessels, days): the smallest fleet that plants every kind, and the demo's default.
SCENARIOS = [(11, 20, 3.0), (7, 40, 7.0)]


@pytest.fixture(scope="session", params=SCENARIOS, ids=lambda p: f"seed{p[0]}-{p[1]}v-{p[2]:g}d")
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Scenario, Path]:
    """A scenario (default settings) and the folder its files were written to."""
    seed, vessels, days = request.param
    path = tmp_path_factory.mktemp(f"scenario-{seed}")
    return simulate(path, seed=seed, vessels=vessels, days=days, settings=SimulationConfig()), path


@pytest.fixture(scope="session")
def scenario(written: tuple[Scenario, Path]) -> Scenario:
    return written[0]


@pytest.fixture(scope="session")
def scenario_dir(written: tuple[Scenario, Path]) -> Path:
    return written[1]


class Tracks:
    """Per-MMSI access to a scenario's positions (clean rows only unless asked)."""

    def __init__(self, scenario: Scenario) -> None:
        p = scenario.positions
        self.mmsi = p["mmsi"].to_numpy()
        self.t = p["ts"].cast("int64").to_numpy() / 1e6
        self.lat = p["lat"].to_numpy()
        self.lon = p["lon"].to_numpy()
        self.sog = p["speed_kn"].to_numpy().astype(float)
        self.label = scenario.labels
        self.twin = scenario.twin

    def rows(
        self,
        mmsi: int,
        start: float | None = None,
        end: float | None = None,
        clean: bool = True,
        twin: bool = False,
    ) -> np.ndarray:
        """Rows of the ship the MMSI belongs to (of its twin with ``twin``), clean ones unless asked."""
        m = (self.mmsi == mmsi) & (self.twin == twin)
        if clean:
            m &= self.label == 0
        if start is not None:
            m &= self.t >= start
        if end is not None:
            m &= self.t <= end
        return np.flatnonzero(m)

    def interp(self, mmsi: int, grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lat, lon) of a vessel's clean positions interpolated at ``grid`` times."""
        r = self.rows(mmsi)
        return np.interp(grid, self.t[r], self.lat[r]), np.interp(grid, self.t[r], self.lon[r])


@pytest.fixture(scope="session")
def tracks(scenario: Scenario) -> Tracks:
    return Tracks(scenario)


def epoch(iso: str) -> float:
    """Seconds since the epoch of a truth timestamp."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
