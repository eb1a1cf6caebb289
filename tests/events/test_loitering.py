import numpy as np
import pyarrow as pa

from sanctionwatch.ais.tracks import resample_arrays, segment
from sanctionwatch.events.loitering import detect_loitering

from .factories import shipped, table, track


def grid_of(rows):
    seg = segment(table(rows))
    return resample_arrays(
        np.array(seg.column("track")),
        np.array(seg.column("mmsi")),
        seg.column("ts").cast(pa.int64()).to_numpy(),
        np.array(seg.column("lat")),
        np.array(seg.column("lon")),
    )


def test_five_slow_hours_offshore_is_loitering():
    rows = track(1, 0, 2, 10, 0, lambda t: 20 * t, speed=11) + track(
        1, 2 + 1 / 6, 7, 10, 0, lambda t: 40 + 0.5 * (t - 2)
    )
    ev = detect_loitering(grid_of(rows), ports=shipped().ports)
    assert ev.num_rows == 1
    assert 4.5 <= ev.column("duration_h")[0].as_py() <= 5.0


def test_three_slow_hours_is_not_loitering():
    assert detect_loitering(grid_of(track(1, 0, 3, 10, 0, 0)), ports=shipped().ports).num_rows == 0


def test_slow_near_port_is_a_port_stay():
    # Base point moved onto Nampo: north/east km are from 35 N 123 E, so shift by the port offset.
    km_n = (38.716667 - 35.0) * 111.195
    km_e = (125.4 - 123.0) * 111.195 * np.cos(np.radians(35.0))
    assert detect_loitering(grid_of(track(1, 0, 8, 10, km_n, km_e)), ports=shipped().ports).num_rows == 0
