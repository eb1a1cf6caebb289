from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.identifiers import mid_of_mmsi
from sanctionwatch.regime.flags import flag_of_mmsi, flags_of_mmsi


def test_known_flags():
    assert flags_of_mmsi([445123456, 351000000, 412345678, 413000001, 667000001, 671000001, 273000001]).tolist() == [
        "kp",
        "pa",
        "cn",
        "cn",
        "sl",
        "tg",
        "ru",
    ]


def test_not_ship_stations_have_no_flag():
    # 9-digit but MID outside 2xx-7xx (coast stations 00MID..., SAR 111MID...), or not 9 digits
    assert flag_of_mmsi(2573050) is None
    assert flag_of_mmsi(111445000) is None
    assert flag_of_mmsi(970012345) is None


@given(st.integers(min_value=200_000_000, max_value=799_999_999))
def test_mid_is_first_three_digits(mmsi):
    assert mid_of_mmsi([mmsi])[0] == int(str(mmsi)[:3])


def test_territories_keep_their_own_code_and_norway_is_not_false():
    assert flags_of_mmsi([477000001, 416000001, 257000001]).tolist() == ["hk", "tw", "no"]
