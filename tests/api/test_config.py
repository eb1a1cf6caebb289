"""``SANCTIONWATCH_API_*`` settings."""

from sanctionwatch.api.config import ApiConfig
from sanctionwatch.settings import load_config


def test_key_and_limits_from_the_environment(monkeypatch):
    monkeypatch.delenv("SANCTIONWATCH_API_KEY", raising=False)

    assert not load_config(ApiConfig).writes_enabled
    monkeypatch.setenv("SANCTIONWATCH_API_KEY", "k")
    monkeypatch.setenv("SANCTIONWATCH_API_MAX_QUERIES", "7")
    cfg = load_config(ApiConfig)
    assert cfg.writes_enabled and cfg.key == "k" and cfg.max_queries == 7


def test_scoring_threads_must_be_positive():
    import pytest

    from sanctionwatch.exc import ConfigError

    assert ApiConfig().scoring_threads >= 1
    with pytest.raises(ConfigError, match="SCORING_THREADS must be at least 1"):
        ApiConfig(scoring_threads=0)
