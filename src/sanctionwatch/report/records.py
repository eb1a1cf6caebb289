"""Listings as records: one writer per format, with typed values.

Listings (the CLI's ``--format``) go through :func:`write_records`: ``csv``, ``tsv``,
``json`` (one array), ``jsonl`` (one object a line) and ``parquet``, with typed
values: booleans as booleans, numbers as numbers, nested values as JSON objects
(JSON text in CSV and TSV; a list of ids space-separated), dates and times ISO 8601.
The domain exports (events, vessels, cases, list entities) in
:mod:`sanctionwatch.report.export` write through the same functions.

Arrow is imported only to write Parquet: a command that prints a table or CSV
(``screen NAME``) does not pay for it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from ..exc import InputError

if TYPE_CHECKING:
    import pyarrow as pa


def _json_default(value: Any) -> Any:
    """JSON for the values a record may hold beyond JSON's own: times ISO 8601 (UTC as ``Z``), tuples, sets."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and value.utcoffset() == dt.timedelta(0):
            return value.replace(tzinfo=None).isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (tuple, set, frozenset)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _cell(value: Any) -> str:
    """A CSV cell: empty for None, ``true``/``false``, JSON for nested values, ISO for times, text otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)) and all(
        isinstance(v, str) and v and not any(c.isspace() for c in v) for v in value
    ):
        return " ".join(value)  # a list of ids: space-separated, as a spreadsheet user reads them
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=_json_default)
    if isinstance(value, (dt.date, dt.time)):
        return str(_json_default(value))
    return str(value)


def write_csv(records: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """``records`` as CSV with a header of ``columns`` (nested values as JSON)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    n = 0
    for row in records:
        writer.writerow([_cell(row.get(c)) for c in columns])
        n += 1
    return n


def write_tsv(records: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> int:
    """``records`` as tab-separated lines with a header, for ``cut``/``awk`` (tabs and line breaks in values become spaces)."""
    out.write("\t".join(columns) + "\n")
    n = 0
    for row in records:
        out.write("\t".join(" ".join(_cell(row.get(c)).split("\t")).replace("\n", " ") for c in columns) + "\n")
        n += 1
    return n


def write_json_lines(records: Iterable[Mapping[str, Any]], out: TextIO, *, sort_keys: bool = False) -> int:
    """``records`` as JSON lines (one object a line), keys in record order unless ``sort_keys``."""
    n = 0
    for row in records:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=sort_keys, default=_json_default) + "\n")
        n += 1
    return n


def write_json_array(records: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """``records`` as one JSON array of objects."""
    rows = list(records)
    json.dump(rows, out, ensure_ascii=False, indent=1, default=_json_default)
    out.write("\n")
    return len(rows)


def records_table(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> pa.Table:
    """``records`` as an Arrow table with ``columns``, types inferred from the values.

    A column whose values Arrow cannot type alike (nested values of differing
    shapes) is kept as JSON text rather than failing the export.
    """
    import pyarrow as pa

    arrays = []
    for c in columns:
        values = [r.get(c) for r in records]
        try:
            arrays.append(
                pa.array(values) if any(v is not None for v in values) else pa.nulls(len(values), pa.string())
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arrays.append(pa.array([None if v is None else _cell(v) for v in values], pa.string()))
    return pa.Table.from_arrays(arrays, names=list(columns))


# The formats of a listing; ``table`` is the CLI's own, for a terminal.
RECORD_FORMATS = ("csv", "tsv", "json", "jsonl", "parquet")
BINARY_FORMATS = frozenset({"parquet"})


def write_records(
    records: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    out: IO[Any],
    fmt: str,
    *,
    table: Callable[[Sequence[Mapping[str, Any]]], pa.Table] | None = None,
) -> int:
    """Records as one of :data:`RECORD_FORMATS`; ``out`` is a binary stream for ``parquet``, else text.

    ``table`` builds the Arrow table for Parquet when the listing has a schema of
    its own (vessels: :func:`~sanctionwatch.report.export.vessels_table`); otherwise types are inferred.
    """
    if fmt == "csv":
        return write_csv(records, columns, out)
    if fmt == "tsv":
        return write_tsv(records, columns, out)
    if fmt == "json":  # JSON keeps every field of a record, also those beyond the flat columns
        return write_json_array(records, out)
    if fmt == "jsonl":
        return write_json_lines(records, out)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = list(records)
        arrow = table(rows) if table is not None else records_table(rows, columns)
        pq.write_table(arrow, out, compression="zstd")
        return arrow.num_rows
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(RECORD_FORMATS)}")
