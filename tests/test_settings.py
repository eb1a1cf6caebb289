from dataclasses import dataclass
from pathlib import Path

import pytest

from sanctionwatch.exc import ConfigError
from sanctionwatch.settings import AppConfig, describe, from_env, load_config


def test_defaults():
    s = from_env(AppConfig, environ={})
    assert s.db == Path("sanctionwatch.duckdb")
    assert s.match_threshold is None  # unset: each algorithm's own threshold applies


def test_environment_and_override():
    env = {"SANCTIONWATCH_DB": "/tmp/x.duckdb", "SANCTIONWATCH_MATCH_THRESHOLD": "0.8", "SANCTIONWATCH_QUIET": "yes"}
    s = from_env(AppConfig, environ=env)
    assert s.db == Path("/tmp/x.duckdb") and s.match_threshold == 0.8 and s.quiet is True
    s2 = from_env(AppConfig, environ=env, match_threshold=0.9, db=None)
    assert s2.match_threshold == 0.9 and s2.db == Path("/tmp/x.duckdb")


def test_bad_value_names_the_variable():
    with pytest.raises(ConfigError, match="SANCTIONWATCH_MATCH_THRESHOLD"):
        from_env(AppConfig, environ={"SANCTIONWATCH_MATCH_THRESHOLD": "high"})


@dataclass(frozen=True)
class _Gap:
    min_gap_h: float = 6.0
    areas: tuple[str, ...] = ()
    offshore_nm: float | None = None


def test_custom_prefix_tuple_and_optional():
    cfg = from_env(
        _Gap,
        prefix="SANCTIONWATCH_GAP_",
        environ={
            "SANCTIONWATCH_GAP_MIN_GAP_H": "8",
            "SANCTIONWATCH_GAP_AREAS": "a, b",
            "SANCTIONWATCH_GAP_OFFSHORE_NM": "none",
        },
    )
    assert cfg == _Gap(8.0, ("a", "b"), None)


def test_describe_lists_every_field():
    names = [row[0] for row in describe(AppConfig)]
    assert "SANCTIONWATCH_DB" in names and len(names) == len(AppConfig.__dataclass_fields__)


def test_load_settings_reads_process_environment(monkeypatch):
    monkeypatch.setenv("SANCTIONWATCH_MATCH_THRESHOLD", "0.85")
    assert load_config(AppConfig).match_threshold == 0.85
