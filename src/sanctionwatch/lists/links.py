"""Resolve links between entities of one publication by name.

Lists name the other party ("Linked To: X", a vessel's owner) rather than cite its
id. A link gets a ``target_id`` when exactly one entity of the same publication has
that primary name (case-insensitively); ambiguous or unknown names stay unresolved
rather than point at the wrong record.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model.entity import Entity, Link


def resolve_links(entities: Iterable[Entity]) -> None:
    """Fill ``target_id`` of every link whose target name is a unique primary name."""
    entities = list(entities)
    owners: dict[str, set[str]] = {}
    for entity in entities:
        for name in entity.names:
            if name.kind == "primary":
                owners.setdefault(name.value.casefold(), set()).add(entity.id)
    for entity in entities:
        if not entity.links:
            continue
        resolved = []
        for link in entity.links:
            ids = owners.get(link.target_name.casefold(), set())
            target = next(iter(ids)) if len(ids) == 1 and link.target_id is None else link.target_id
            resolved.append(Link(link.kind, link.target_name, target))
        entity.links = resolved
