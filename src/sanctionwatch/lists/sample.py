"""The sample list shipped with the package (``data/sample_dprk.yaml``).

A handful of real DPRK designations (vessels and their owners) written in a compact
YAML: one mapping per entity with ``source``, ``source_id``, ``schema``, ``name``
and optional ``aliases``, ``imoNumber``, ``mmsi``, ``flag``, ``programs``,
``listed_on``, ``remarks`` and ``linked_to`` (the primary name of another entry,
resolved to its id when it is in the file). The demo and offline tests use it; it is
no substitute for the official lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..exc import InputError
from ..model.entity import SCHEMAS, Entity, Identifier, Link, ListPublication, Name
from .links import resolve_links

SOURCE = "sample"
SAMPLE_FILE = "data/sample_dprk.yaml"

_KNOWN_KEYS = frozenset(
    {
        "source",
        "source_id",
        "schema",
        "name",
        "aliases",
        "imoNumber",
        "mmsi",
        "flag",
        "programs",
        "listed_on",
        "remarks",
        "linked_to",
    }
)


def _entity(item: Any, index: int, origin: str) -> Entity:
    where = f"{origin}: entities[{index}]"
    if not isinstance(item, dict):
        raise InputError(f"{where} is not a mapping", errors={"file": origin, "element": f"entities[{index}]"})
    unknown = set(item) - _KNOWN_KEYS
    missing = {"source", "source_id", "schema", "name"} - set(item)
    if unknown or missing:
        raise InputError(
            f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}",
            errors={"file": origin, "element": f"entities[{index}]"},
        )
    if item["schema"] not in SCHEMAS:
        raise InputError(f"{where}: schema {item['schema']!r} is not one of {SCHEMAS}", errors={"file": origin})
    source, source_id = str(item["source"]), str(item["source_id"])
    names = [Name(str(item["name"]))] + [Name(str(a), "alias") for a in item.get("aliases", [])]
    identifiers = [Identifier(kind, str(item[kind])) for kind in ("imoNumber", "mmsi") if item.get(kind)]
    flag = str(item["flag"]).lower() if item.get("flag") else None
    return Entity(
        id=f"{source}-{source_id}",
        schema=str(item["schema"]),
        source=source,
        source_id=source_id,
        names=names,
        identifiers=identifiers,
        countries=[flag] if flag else [],
        programs=[str(p) for p in item.get("programs", [])],
        listed_on=str(item["listed_on"]) if item.get("listed_on") else None,
        remarks=str(item["remarks"]) if item.get("remarks") else None,
        links=[Link("linked_to", str(item["linked_to"]))] if item.get("linked_to") else [],
        properties={"flag": [flag]} if flag else {},
    )


def parse_text(raw: str, origin: str = SAMPLE_FILE) -> ListPublication:
    """Parse sample-format YAML text (``origin`` names it in errors)."""
    try:
        doc = yaml.safe_load(raw)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            f"{origin}: malformed YAML at line {line}: {err}", errors={"file": origin, "line": line}
        ) from err
    if not isinstance(doc, dict) or not isinstance(doc.get("entities"), list):
        raise InputError(f"{origin}: expected a mapping with an 'entities' list", errors={"file": origin})
    entities = [_entity(item, i, origin) for i, item in enumerate(doc["entities"])]
    resolve_links(entities)
    return ListPublication(
        source=SOURCE,
        published=None,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        entities=entities,
        files=(origin,),
        format="sample",
        version=str(doc.get("list_version") or ""),
    )


def parse(path: Path | Sequence[Path]) -> ListPublication:
    """Parse a sample-format YAML file."""
    paths = [path] if isinstance(path, (str, Path)) else list(path)
    if len(paths) != 1:
        raise InputError(f"the sample format is one file, got {len(paths)}")
    file = Path(paths[0])
    return parse_text(file.read_text(encoding="utf-8"), str(file))


def load_sample() -> ListPublication:
    """The sample list shipped with sanctionwatch."""
    raw = resources.files("sanctionwatch.lists").joinpath(SAMPLE_FILE).read_text(encoding="utf-8")
    return parse_text(raw, SAMPLE_FILE)
