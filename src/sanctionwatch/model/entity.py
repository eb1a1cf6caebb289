"""One entity model for every list, in FollowTheMoney's vocabulary.

Schemas are FtM schema names (``Person``, ``Organization``, ``Vessel``,
``Aircraft``, ``LegalEntity``); identifier kinds and property names follow FtM
(``imoNumber``, ``mmsi``, ``callSign``, ``flag``, ``passportNumber``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMAS = ("Person", "Organization", "LegalEntity", "Vessel", "Aircraft")

NAME_KINDS = ("primary", "alias", "weak_alias", "previous")


@dataclass(frozen=True, slots=True)
class Name:
    """One name of an entity; ``kind`` is primary, alias, weak_alias or previous (f.k.a.)."""

    value: str
    kind: str = "primary"
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier in FtM property terms: ``imoNumber``, ``mmsi``, ``passportNumber``, ``idNumber``, ``callSign``, ..."""

    kind: str
    value: str
    country: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A relation from this entity to another (owner, operator, manager, linked_to)."""

    kind: str
    target_name: str
    target_id: str | None = None


@dataclass(slots=True)
class Entity:
    """One designated person, organisation, vessel or aircraft as published by one list."""

    id: str  # "<source>-<source_id>", stable across list versions
    schema: str
    source: str  # "un", "ofac", "eu", "uk", "sample"
    source_id: str  # the list's own reference: "KPi.033", OFAC ent_num
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)  # ISO, may be partial: "1984", "1984-01"
    countries: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2, lower case ("kp")
    addresses: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    listed_on: str | None = None
    list_version: str | None = None
    remarks: str | None = None
    links: list[Link] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)  # other FtM properties (flag, type, tonnage, ...)

    @property
    def caption(self) -> str:
        """The display name: the first primary name."""
        for n in self.names:
            if n.kind == "primary":
                return n.value
        return self.names[0].value if self.names else self.id

    def identifier_values(self, kind: str) -> list[str]:
        """Values of one identifier kind (e.g. ``imoNumber``)."""
        return [i.value for i in self.identifiers if i.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (used by exports and the store)."""
        return {
            "id": self.id,
            "schema": self.schema,
            "source": self.source,
            "source_id": self.source_id,
            "names": [{"value": n.value, "kind": n.kind, "lang": n.lang} for n in self.names],
            "identifiers": [
                {"kind": i.kind, "value": i.value, "country": i.country, "note": i.note} for i in self.identifiers
            ],
            "birth_dates": list(self.birth_dates),
            "countries": list(self.countries),
            "addresses": list(self.addresses),
            "programs": list(self.programs),
            "listed_on": self.listed_on,
            "list_version": self.list_version,
            "remarks": self.remarks,
            "links": [{"kind": k.kind, "target_name": k.target_name, "target_id": k.target_id} for k in self.links],
            "properties": {k: list(v) for k, v in self.properties.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=d["id"],
            schema=d["schema"],
            source=d["source"],
            source_id=d["source_id"],
            names=[Name(**n) for n in d.get("names", [])],
            identifiers=[Identifier(**i) for i in d.get("identifiers", [])],
            birth_dates=list(d.get("birth_dates", [])),
            countries=list(d.get("countries", [])),
            addresses=list(d.get("addresses", [])),
            programs=list(d.get("programs", [])),
            listed_on=d.get("listed_on"),
            list_version=d.get("list_version"),
            remarks=d.get("remarks"),
            links=[Link(**k) for k in d.get("links", [])],
            properties={k: list(v) for k, v in d.get("properties", {}).items()},
        )


@dataclass(slots=True)
class ListPublication:
    """One publication of one list as parsed from its file(s).

    ``sha256`` identifies the publication: the file's digest, or for a publication made
    of several files (OFAC's CSV triple) the digest of their digests in role order.
    Every entity's ``list_version`` is set to the publication's ``version`` and its
    repeated values are merged (:func:`tidy`): lists repeat documents and aliases.
    ``counts`` carries parser bookkeeping worth reporting (e.g. alternate names that
    referred to records absent from the primary file).
    """

    source: str
    published: str | None
    sha256: str
    entities: list[Entity]
    files: tuple[str, ...] = ()
    format: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    version: str = ""  # label; defaults to "<source>-<published>" or "<source>-<sha256 prefix>"

    def __post_init__(self) -> None:
        if not self.version:
            self.version = f"{self.source}-{self.published or self.sha256[:12]}"
        for entity in self.entities:
            entity.list_version = self.version
            tidy(entity)


def tidy(entity: Entity) -> Entity:
    """Merge repeated values of ``entity`` in place, keeping first-seen order.

    Names: one per (value, kind), and an alias equal to a primary name is dropped.
    Identifiers: one per (kind, value), taking the first known country and the
    fuller note (both when neither contains the other). Plain value lists lose exact repeats.
    """
    primary = {n.value for n in entity.names if n.kind == "primary"}
    entity.names = list(dict.fromkeys(n for n in entity.names if n.kind == "primary" or n.value not in primary))
    merged: dict[tuple[str, str], Identifier] = {}
    for ident in entity.identifiers:
        key = (ident.kind, ident.value)
        seen = merged.get(key)
        if seen is None:
            merged[key] = ident
            continue
        a, b = seen.note or "", ident.note or ""
        note = (b if a in b else a if b in a else f"{a}; {b}") or None
        merged[key] = Identifier(ident.kind, ident.value, seen.country or ident.country, note)
    entity.identifiers = list(merged.values())
    entity.birth_dates = list(dict.fromkeys(entity.birth_dates))
    entity.countries = list(dict.fromkeys(entity.countries))
    entity.addresses = list(dict.fromkeys(entity.addresses))
    entity.programs = list(dict.fromkeys(entity.programs))
    entity.links = list(dict.fromkeys(entity.links))
    return entity
