"""The one Arrow schema for AIS positions and for static/voyage observations.

Every decoder produces these schemas and every detector consumes them, so a
column means the same thing (and has the same unit) everywhere.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")

# Speed values AIS uses as "not available" (102.3) or that receivers emit as noise:
# ingest stores them as nulls and the track code ignores them in any input.
NOISE_SPEEDS_KN = (102.3, 63.0, 51.2)
# Tolerance when recognising them in float32 (102.3 is stored as 102.30000305).
NOISE_SPEED_TOLERANCE_KN = 0.01
LAT_NOT_AVAILABLE = 91.0
LON_NOT_AVAILABLE = 181.0


def noise_speed_mask(speed_kn: np.ndarray) -> np.ndarray:
    """Which speeds are one of the ``NOISE_SPEEDS_KN`` (vectorised; NaN is not noise)."""
    speed = np.asarray(speed_kn, dtype=np.float64)
    noise = np.zeros(speed.shape, dtype=bool)
    for value in NOISE_SPEEDS_KN:
        noise |= np.abs(speed - value) < NOISE_SPEED_TOLERANCE_KN
    return noise


POSITIONS = pa.schema(
    [
        pa.field("mmsi", pa.int64(), nullable=False),
        pa.field("ts", TIMESTAMP, nullable=False),
        pa.field("lat", pa.float64(), nullable=False),
        pa.field("lon", pa.float64(), nullable=False),
        pa.field("speed_kn", pa.float32()),
        pa.field("course_deg", pa.float32()),
        pa.field("heading_deg", pa.float32()),
        pa.field("nav_status", pa.int16()),
    ]
)

STATIC = pa.schema(
    [
        pa.field("mmsi", pa.int64(), nullable=False),
        pa.field("ts", TIMESTAMP, nullable=False),
        pa.field("imo", pa.int64()),
        pa.field("name", pa.string()),
        pa.field("call_sign", pa.string()),
        pa.field("ship_type", pa.int16()),
        pa.field("length_m", pa.float32()),
        pa.field("width_m", pa.float32()),
        pa.field("draught_m", pa.float32()),
        pa.field("destination", pa.string()),
    ]
)

#: The column vocabulary every decoder and CSV/Parquet dialect maps onto: the
#: POSITIONS and STATIC columns plus the AIS message type.
CANONICAL = tuple(dict.fromkeys((*POSITIONS.names, "msg_type", *STATIC.names)))
TEXT_COLUMNS = tuple(f.name for f in STATIC if pa.types.is_string(f.type))
