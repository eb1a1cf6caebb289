from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyais import NMEAMessage, encode_dict

from sanctionwatch.ais.payload import FAST_TYPES, decode_positions, standard_length

FIELDS = {"speed_kn": "speed", "course_deg": "course", "heading_deg": "heading", "nav_status": "status"}


def reference(msg: NMEAMessage) -> dict[str, float]:
    """pyais' values for the columns the fast path fills (NaN where the type has none)."""
    decoded = msg.decode()
    values = {"mmsi": decoded.mmsi, "lat": decoded.lat, "lon": decoded.lon}
    for ours, theirs in FIELDS.items():
        value = getattr(decoded, theirs, None)
        values[ours] = math.nan if value is None else float(value)
    return values


def assert_same_as_pyais(messages: list[NMEAMessage]) -> None:
    fast = decode_positions([m.payload for m in messages], [m.ais_id for m in messages])
    assert fast["ok"].all()
    for i, msg in enumerate(messages):
        want = reference(msg)
        for name, value in want.items():
            got = fast[name][i]
            assert (math.isnan(got) and math.isnan(value)) or got == value, (msg.raw, name, got, value)


def test_matches_pyais_on_every_position_report_of_the_real_samples(shared_data):
    messages = []
    for name in ("pyais_nmea_data_sample.txt", "aisdb_tagblock_20211101.nm4"):
        for line in (shared_data / "ais" / name).read_bytes().splitlines():
            sentence = line[line.rfind(b"\\") + 1 :] if line.startswith(b"\\") else line
            if not sentence.startswith(b"!"):
                continue
            msg = NMEAMessage(sentence)
            if msg.is_single and standard_length(msg.ais_id, msg.payload, msg.fill_bits):
                messages.append(msg)
    assert {m.ais_id for m in messages} == {1, 3, 18, 27}
    assert len(messages) > 1500
    assert_same_as_pyais(messages)


@settings(max_examples=60, deadline=None)
@given(
    msg_type=st.sampled_from(sorted(FAST_TYPES)),
    mmsi=st.integers(0, 2**30 - 1),
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    speed=st.floats(0, 102.3, allow_nan=False),
    course=st.floats(0, 359.9, allow_nan=False),
    heading=st.integers(0, 511),
    status=st.integers(0, 15),
)
def test_matches_pyais_on_encoded_reports(msg_type, mmsi, lat, lon, speed, course, heading, status):
    fields = {
        "type": msg_type,
        "mmsi": mmsi,
        "lat": lat,
        "lon": lon,
        "speed": round(speed, 1),
        "course": round(course, 1),
        "heading": heading,
        "status": status,
    }
    if msg_type == 27:
        fields.update(speed=min(int(speed), 63), course=int(course))
    (sentence,) = encode_dict(fields, talker_id="AI", radio_channel="A")
    msg = NMEAMessage(sentence.encode())
    assert standard_length(msg.ais_id, msg.payload, msg.fill_bits)
    assert_same_as_pyais([msg])


def test_flags_characters_outside_the_armour():
    good = b"15Di=4002i<chWiba2`rPpD:04;`"
    bad = b"15Di=4002i<chWiba2`rPpD:04;~"
    out = decode_positions([good, bad], [1, 1])
    assert out["ok"].tolist() == [True, False]


@pytest.mark.parametrize(
    ("msg_type", "chars", "fill", "expected"),
    [(1, 28, 0, True), (1, 27, 0, False), (27, 16, 0, True), (5, 28, 0, False)],
)
def test_standard_length(msg_type, chars, fill, expected):
    assert standard_length(msg_type, b"0" * chars, fill) is expected


def test_empty_input():
    out = decode_positions([], [])
    assert out["ok"].shape == (0,) and out["lat"].dtype == np.float64
