"""``sanctionwatch simulate`` writes a scenario and reports what it planted."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sanctionwatch.cli.main import app


def test_simulate_command(tmp_path: Path) -> None:
    out = tmp_path / "scenario"
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(tmp_path / "x.duckdb"),
            "-q",
            "simulate",
            "--output",
            str(out),
            "--seed",
            "4",
            "--vessels",
            "18",
            "--days",
            "2",
            "--format",
            "parquet",
            "--interval",
            "300",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "encounter" in result.output and "fast_pass" in result.output
    truth = json.loads((out / "truth.json").read_text())
    assert truth["seed"] == 4 and not (out / "positions.csv").exists()


def test_simulate_refuses_a_tiny_fleet(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--output", str(tmp_path), "--vessels", "3"])
    assert result.exit_code != 0
    assert "at least 18 vessels" in str(result.exception) + result.output
