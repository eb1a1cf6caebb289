"""Differences between two publications of a list: added, removed and changed records.

Records are matched by entity id (``<source>-<source_id>``, stable across
versions). A changed record lists each field that differs; for list-valued fields
(names, identifiers, programs, ...) it says which values appeared and which went.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exc import InputError
from ..model.entity import Entity, ListPublication
from ..store.connection import Store
from ..store.entities import find_version, load_version
from .sniff import parse_files

# Fields that differ between versions by construction, not by content.
IGNORED_FIELDS = frozenset({"list_version"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one record: old and new value, and for lists what was added and removed."""

    field: str
    old: Any
    new: Any
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordChange:
    """A record present in both publications whose content changed."""

    entity_id: str
    caption: str
    changes: tuple[FieldChange, ...]


@dataclass(slots=True)
class ListDiff:
    """What changed from ``old_version`` to ``new_version``."""

    old_version: str
    new_version: str
    added: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    unchanged: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary: ids and captions of added/removed records, field changes of changed ones."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "changed": len(self.changed),
                "unchanged": self.unchanged,
            },
            "added": [{"id": e.id, "caption": e.caption, "schema": e.schema} for e in self.added],
            "removed": [{"id": e.id, "caption": e.caption, "schema": e.schema} for e in self.removed],
            "changed": [
                {
                    "id": c.entity_id,
                    "caption": c.caption,
                    "changes": [
                        {
                            "field": f.field,
                            "old": f.old,
                            "new": f.new,
                            "added": list(f.added),
                            "removed": list(f.removed),
                        }
                        for f in c.changes
                    ],
                }
                for c in self.changed
            ],
        }


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


def _field_change(name: str, old: Any, new: Any) -> FieldChange:
    if isinstance(old, list) and isinstance(new, list):
        old_keys = {_hashable(v) for v in old}
        new_keys = {_hashable(v) for v in new}
        return FieldChange(
            name,
            old,
            new,
            added=tuple(v for v in new if _hashable(v) not in old_keys),
            removed=tuple(v for v in old if _hashable(v) not in new_keys),
        )
    if isinstance(old, dict) and isinstance(new, dict):  # properties: per-key
        keys = sorted(set(old) | set(new))
        added = tuple(f"{k}={v}" for k in keys for v in new.get(k, []) if v not in old.get(k, []))
        removed = tuple(f"{k}={v}" for k in keys for v in old.get(k, []) if v not in new.get(k, []))
        return FieldChange(name, old, new, added=added, removed=removed)
    return FieldChange(name, old, new)


def compare_entities(old: Entity, new: Entity) -> list[FieldChange]:
    """Field-by-field changes from ``old`` to ``new`` (same record in two versions)."""
    a, b = old.to_dict(), new.to_dict()
    return [_field_change(k, a[k], b[k]) for k in a if k not in IGNORED_FIELDS and _hashable(a[k]) != _hashable(b[k])]


def diff_publications(old: ListPublication, new: ListPublication) -> ListDiff:
    """Added, removed and changed records between two publications."""
    before = {e.id: e for e in old.entities}
    after = {e.id: e for e in new.entities}
    result = ListDiff(old.version, new.version)
    result.added = [after[i] for i in sorted(after.keys() - before.keys())]
    result.removed = [before[i] for i in sorted(before.keys() - after.keys())]
    for entity_id in sorted(before.keys() & after.keys()):
        changes = compare_entities(before[entity_id], after[entity_id])
        if changes:
            result.changed.append(RecordChange(entity_id, after[entity_id].caption, tuple(changes)))
        else:
            result.unchanged += 1
    return result


def load_reference(store: Store, ref: str, source: str | None = None) -> ListPublication:
    """A publication named by ``ref``: a file (or comma-separated files) to parse, else a stored version.

    Stored versions are found by id, label, sha256 prefix or source (its current version).
    """
    paths = [Path(p) for p in ref.split(",")]
    if all(p.is_file() for p in paths):
        publications = parse_files(paths, source)
        if len(publications) != 1:
            raise InputError(f"{ref} holds {len(publications)} publications; compare one at a time")
        return publications[0]
    return load_version(store, find_version(store, ref))
