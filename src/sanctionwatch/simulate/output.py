"""Writing a scenario: NOAA MarineCadastre CSV, Parquet, vessels.csv and truth.json."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..exc import ConfigError

FORMATS = ("csv", "parquet")
VESSEL_COLUMNS = ("mmsi", "imo", "name", "call_sign", "flag", "ship_type", "role")


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """Validated position output formats (``csv``, ``parquet``)."""
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ConfigError(f"unknown position format(s) {', '.join(bad)}; choose from {', '.join(FORMATS)}")
    return tuple(dict.fromkeys(formats))


def _base_datetime(ts: pa.ChunkedArray) -> pa.ChunkedArray:
    """``YYYY-MM-DDTHH:MM:SS`` (UTC) text; a cast through naive seconds is ~25x faster than strftime."""
    naive = pc.cast(pc.cast(ts, pa.int64()), pa.timestamp("us"))
    text = pc.cast(pc.cast(naive, pa.timestamp("s")), pa.string())
    return pc.replace_substring(text, " ", "T")


def marinecadastre_table(positions: pa.Table, static: pa.Table, static_row: pa.Array) -> pa.Table:
    """Positions in the MarineCadastre layout, each row with the static data in force."""
    s = static.take(static_row)
    imo = s["imo"]
    imo_text = pc.if_else(
        pc.is_null(imo), pa.scalar(None, pa.string()), pc.binary_join_element_wise("IMO", pc.cast(imo, pa.string()), "")
    )
    ship_type = pc.cast(s["ship_type"], pa.float64())
    return pa.table(
        {
            "MMSI": positions["mmsi"],
            "BaseDateTime": _base_datetime(positions["ts"]),
            "LAT": pc.round(positions["lat"], 5),
            "LON": pc.round(positions["lon"], 5),
            "SOG": pc.round(pc.cast(positions["speed_kn"], pa.float64()), 1),
            "COG": pc.round(pc.cast(positions["course_deg"], pa.float64()), 1),
            "Heading": pc.round(pc.cast(positions["heading_deg"], pa.float64()), 0),
            "VesselName": s["name"],
            "IMO": imo_text,
            "CallSign": s["call_sign"],
            "VesselType": s["ship_type"],
            "Status": pc.cast(positions["nav_status"], pa.float64()),
            "Length": pc.cast(s["length_m"], pa.float64()),
            "Width": pc.cast(s["width_m"], pa.float64()),
            "Draft": pc.round(pc.cast(s["draught_m"], pa.float64()), 1),
            "Cargo": ship_type,
            "TransceiverClass": pa.repeat(pa.scalar("A", pa.string()), len(positions)),
        }
    )


CSV_BATCH_ROWS = 1_000_000


class PositionWriter:
    """Appends positions to ``positions.csv`` (MarineCadastre, no quoting, like the
    originals) and/or ``positions.parquet`` (zstd) in ``folder``, a part at a time, so a
    scenario of any size is written with memory bounded by the part. CSV rows are built
    a million at a time with pyarrow's CSV writer."""

    def __init__(self, folder: Path, formats: Sequence[str]) -> None:
        self.formats = check_formats(formats)
        self.paths = {f: folder / f"positions.{f}" for f in self.formats}
        self._csv: pacsv.CSVWriter | None = None
        self._parquet: pq.ParquetWriter | None = None

    def write(self, positions: pa.Table, static: pa.Table, static_row: pa.Array) -> None:
        """Append ``positions`` (POSITIONS), each row with the row of ``static`` in force."""
        if "parquet" in self.formats:
            if self._parquet is None:
                self._parquet = pq.ParquetWriter(self.paths["parquet"], positions.schema, compression="zstd")
            self._parquet.write_table(positions)
        if "csv" in self.formats:
            for offset in range(0, positions.num_rows, CSV_BATCH_ROWS):
                part = marinecadastre_table(
                    positions.slice(offset, CSV_BATCH_ROWS), static, static_row.slice(offset, CSV_BATCH_ROWS)
                )
                if self._csv is None:
                    options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
                    self._csv = pacsv.CSVWriter(self.paths["csv"], part.schema, write_options=options)
                self._csv.write_table(part)

    def close(self, positions_schema: pa.Schema, static: pa.Table) -> list[Path]:
        """Finish the files (an empty scenario still gets its header and schema); returns their paths."""
        if "parquet" in self.formats and self._parquet is None:
            self.write(positions_schema.empty_table(), static, pa.array([], pa.int64()))
        if "csv" in self.formats and self._csv is None:
            empty = marinecadastre_table(positions_schema.empty_table(), static, pa.array([], pa.int64()))
            options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
            self._csv = pacsv.CSVWriter(self.paths["csv"], empty.schema, write_options=options)
        for writer in (self._csv, self._parquet):
            if writer is not None:
                writer.close()
        self._csv = self._parquet = None
        return list(self.paths.values())


def write_parquet(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, compression="zstd")


def write_vessels_csv(path: Path, vessels: Sequence[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=VESSEL_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows({k: v[k] for k in VESSEL_COLUMNS} for v in vessels)


def write_truth(path: Path, truth: dict[str, Any]) -> None:
    path.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
