"""OFAC SDN list, legacy CSV publication: ``sdn.csv`` + ``alt.csv`` + ``add.csv``
(+ ``sdn_comments.csv``, the overflow of long remarks).

The files have no header, write ``-0-`` for empty, are Windows-1252 and end with a
0x1A byte. Their roles are recognised by content, so any file names work. People
are written "LAST, First"; the primary name becomes "First LAST" with ``firstName``
and ``lastName`` kept as properties. Vessel columns become ``callSign``, ``flag``,
``type``, ``tonnage``, ``grossRegisteredTonnage`` and an ``owner`` link; the remarks
are parsed by :mod:`.remarks`. Alternate names and addresses of ent_nums absent
from ``sdn.csv`` (later designations when the files come from different days) are
ignored and counted.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ...exc import InputError
from ...ids import file_sha256
from ...model.entity import Entity, ListPublication, Name
from ..countries import country_code
from ..links import resolve_links
from .common import SOURCE, VesselInfo, make_entity
from .remarks import parse_remarks

FORMAT = "ofac-csv"
EMPTY = "-0-"
EOF_MARK = "\x1a"

SDN_TYPES = {"individual": "Person", "vessel": "Vessel", "aircraft": "Aircraft", "": "Organization"}
ALT_KINDS = {"aka": "alias", "fka": "previous", "nka": "alias"}
# Role of a file -> its column count; alt and add rows are told apart by column count.
ROLE_COLUMNS = {"sdn": 12, "alt": 5, "add": 6, "comments": 2}
ROLE_ORDER = ("sdn", "alt", "add", "comments")


@dataclass(frozen=True, slots=True)
class Row:
    """One CSV record with the line it started on (for error messages)."""

    line: int
    values: list[str | None]


def clean(value: str) -> str | None:
    """A CSV field with OFAC's ``-0-`` (and blank) as ``None``."""
    value = value.strip()
    return None if value in ("", EMPTY) else value


def read_rows(path: Path) -> list[Row]:
    """Every record of an OFAC CSV file, fields cleaned; :class:`InputError` on a malformed file."""
    raw = path.read_bytes()
    try:
        content = raw.decode("cp1252")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")  # maps every byte: a byte cp1252 leaves undefined cannot stop a load
    content = content.rstrip().rstrip(EOF_MARK).rstrip()
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    rows = []
    line = 1
    try:
        for record in reader:
            if record:
                rows.append(Row(line, [clean(v) for v in record]))
            line = reader.line_num + 1
    except csv.Error as err:
        raise InputError(
            f"{path}: malformed CSV at line {reader.line_num}: {err}",
            errors={"file": str(path), "line": reader.line_num},
        ) from err
    return rows


def file_role(path: Path, rows: list[Row]) -> str:
    """Which part of the publication a file is (sdn, alt, add, comments), by its columns."""
    if not rows:
        raise InputError(f"{path}: empty file", errors={"file": str(path)})
    width = len(rows[0].values)
    for role, columns in ROLE_COLUMNS.items():
        if width == columns:
            return role
    raise InputError(
        f"{path}: line 1 has {width} columns; OFAC CSV files have 12 (sdn), 5 (alt), 6 (add) or 2 (comments)",
        errors={"file": str(path), "line": 1},
    )


def split_person_name(raw: str) -> tuple[str | None, str | None, str]:
    """("First", "LAST", "First LAST") from OFAC's "LAST, First"; a name without comma is kept whole."""
    last, sep, first = raw.partition(",")
    last, first = last.strip(), first.strip()
    if not sep or not first or not last:
        whole = " ".join(raw.replace(",", " ").split())
        return None, None, whole
    return first, last, f"{first} {last}"


def _check_width(path: Path, row: Row, role: str) -> None:
    if len(row.values) != ROLE_COLUMNS[role]:
        raise InputError(
            f"{path}: line {row.line} has {len(row.values)} columns, an OFAC {role} row has {ROLE_COLUMNS[role]}"
            " (truncated or damaged file?)",
            errors={"file": str(path), "line": row.line},
        )


def _ent_num(path: Path, row: Row) -> str:
    value = row.values[0]
    if value is None or not value.isdigit():
        raise InputError(
            f"{path}: line {row.line}: ent_num {value!r} is not a number", errors={"file": str(path), "line": row.line}
        )
    return value


def _programs(raw: str | None) -> list[str]:
    # "NPWMD] [DPRK2" is how the CSV writes the bracketed program list of a record.
    if not raw:
        return []
    return [p.strip(" []") for p in raw.split("] [") if p.strip(" []")]


def _sdn_entity(path: Path, row: Row, overflow: dict[str, str]) -> Entity:
    _check_width(path, row, "sdn")
    ent_num = _ent_num(path, row)
    _, name, sdn_type, program, title, call_sign, vess_type, tonnage, grt, vess_flag, vess_owner, remarks = row.values
    if ent_num in overflow:  # sdn_comments.csv continues remarks cut at the column limit
        remarks = f"{remarks or ''}{overflow[ent_num]}"
    if not name:
        raise InputError(
            f"{path}: line {row.line}: record {ent_num} has no name", errors={"file": str(path), "line": row.line}
        )
    schema = SDN_TYPES.get((sdn_type or "").lower())
    if schema is None:
        raise InputError(
            f"{path}: line {row.line}: unknown SDN type {sdn_type!r}", errors={"file": str(path), "line": row.line}
        )
    properties: dict[str, list[str]] = {}
    if schema == "Person":
        first, last, primary = split_person_name(name)
        if first and last:
            properties["firstName"], properties["lastName"] = [first], [last]
    else:
        primary = name
    return make_entity(
        ent_num,
        schema,
        primary,
        programs=_programs(program),
        title=title,
        vessel=VesselInfo(call_sign, vess_type, tonnage, grt, vess_flag, vess_owner),
        remarks=remarks,
        facts=parse_remarks(remarks),
        properties=properties,
    )


def _alias(entity: Entity, raw: str, kind: str) -> Name:
    value = split_person_name(raw)[2] if entity.schema == "Person" else raw
    return Name(value, kind)


def _address(values: list[str | None]) -> str | None:
    return ", ".join(v for v in values if v) or None


def publication_sha256(files: dict[str, Path]) -> str:
    """Digest of a multi-file publication: sha256 over "role:file-sha256" lines in role order."""
    lines = "".join(f"{role}:{file_sha256(files[role])}\n" for role in ROLE_ORDER if role in files)
    return hashlib.sha256(lines.encode("ascii")).hexdigest()


def parse(path: Path | Sequence[Path], *, published: str | None = None) -> ListPublication:
    """Parse an OFAC CSV publication: ``sdn.csv`` alone or with ``alt.csv``/``add.csv``/``sdn_comments.csv``.

    ``published`` (ISO date) labels the version; the CSV files do not carry one.
    """
    paths = [Path(path)] if isinstance(path, (str, Path)) else [Path(p) for p in path]
    files: dict[str, Path] = {}
    rows: dict[str, list[Row]] = {}
    for file in paths:
        file_rows = read_rows(file)
        role = file_role(file, file_rows)
        if role in files:
            raise InputError(f"{file} and {files[role]} are both OFAC {role} files; give one of each")
        files[role], rows[role] = file, file_rows
    if "sdn" not in files:
        raise InputError(f"no OFAC sdn.csv among {[str(p) for p in paths]} (alt/add/comments files need it)")
    overflow: dict[str, str] = {}
    for row in rows.get("comments", []):
        _check_width(files["comments"], row, "comments")
        if row.values[1]:
            overflow[_ent_num(files["comments"], row)] = row.values[1]
    entities: dict[str, Entity] = {}
    for row in rows["sdn"]:
        entity = _sdn_entity(files["sdn"], row, overflow)
        if entity.source_id in entities:
            raise InputError(
                f"{files['sdn']}: line {row.line}: ent_num {entity.source_id} appears twice",
                errors={"file": str(files["sdn"]), "line": row.line},
            )
        entities[entity.source_id] = entity
    counts = {"sdn_rows": len(rows["sdn"])}
    for role in ("alt", "add"):
        unmatched = 0
        for row in rows.get(role, []):
            _check_width(files[role], row, role)
            target = entities.get(_ent_num(files[role], row))
            if target is None:
                unmatched += 1
                continue
            if role == "alt" and row.values[3]:
                target.names.append(
                    _alias(target, row.values[3], ALT_KINDS.get((row.values[2] or "").lower(), "alias"))
                )
            elif role == "add":
                line = _address(row.values[2:5])
                if line:
                    target.addresses.append(line)
                code = country_code(row.values[4])
                if code and code not in target.countries:
                    target.countries.append(code)
        if role in rows:
            counts[f"{role}_rows"] = len(rows[role])
            counts[f"{role}_unmatched"] = unmatched
    if "comments" in rows:
        counts["comments_rows"] = len(rows["comments"])
        counts["comments_unmatched"] = len(overflow.keys() - entities.keys())
    resolve_links(entities.values())
    return ListPublication(
        source=SOURCE,
        published=published,
        sha256=publication_sha256(files),
        entities=list(entities.values()),
        files=tuple(str(files[r]) for r in ROLE_ORDER if r in files),
        format=FORMAT,
        counts=counts,
    )
