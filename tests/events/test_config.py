import pytest

from sanctionwatch.events.config import DetectionConfig
from sanctionwatch.exc import ConfigError
from sanctionwatch.settings import load_config


def test_defaults_follow_the_design():
    c = DetectionConfig()
    assert (c.encounter.max_distance_m, c.encounter.min_duration_h, c.encounter.merge_gap_h) == (500, 2, 4)
    assert (c.gap.min_gap_h, c.gap.deliberate_gap_h) == (6, 12)
    assert (c.port.entry_km, c.port.exit_km) == (3, 4)
    assert c.tracks.max_speed_kn == 25


def test_environment_overrides_each_section():
    c = load_config(
        DetectionConfig,
        {
            "SANCTIONWATCH_ENCOUNTER_MAX_DISTANCE_M": "300",
            "SANCTIONWATCH_GAP_OFFSHORE_DISTANCE_NM": "50",
            "SANCTIONWATCH_TRACKS_MAX_GAP_H": "72",
        },
    )
    assert c.encounter.max_distance_m == 300 and c.gap.offshore_distance_nm == 50 and c.tracks.max_gap_h == 72


def test_bad_value_is_a_config_error():
    with pytest.raises(ConfigError, match="SANCTIONWATCH_PORT_ENTRY_KM"):
        load_config(DetectionConfig, {"SANCTIONWATCH_PORT_ENTRY_KM": "near"})
