"""The events table: one Arrow schema shared by every detector and export."""

from __future__ import annotations

import pyarrow as pa

from .ais import TIMESTAMP

EVENT_TYPES = ("encounter", "loitering", "gap", "port_visit", "geofence", "identity_change", "spoofing")

EVENTS = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("type", pa.string(), nullable=False),
        pa.field("mmsi", pa.int64(), nullable=False),
        pa.field("other_mmsi", pa.int64()),
        pa.field("start", TIMESTAMP, nullable=False),
        pa.field("end", TIMESTAMP, nullable=False),
        pa.field("duration_h", pa.float64(), nullable=False),
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("details", pa.string()),  # JSON object
    ]
)

EVENT_COLUMNS = tuple(EVENTS.names)
