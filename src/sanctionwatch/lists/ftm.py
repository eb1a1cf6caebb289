"""FollowTheMoney export and import, so lists move to and from the OpenSanctions tools.

Export writes one FtM entity per record (``Person``, ``Organization``, ``Vessel``,
``Airplane``) plus a ``Sanction`` carrying the list, reference number, programs and
listing date, and link entities: a vessel's resolved owner/operator goes in its
``owner``/``operator`` property, other resolved links become ``UnknownLink``
(unresolved links, known only by name, have no FtM form and are counted). Import
reads FtM JSON lines back, from our exports or OpenSanctions data.

``followthemoney`` is an optional dependency (``pip install 'sanctionwatch[ftm]'``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..exc import ConfigError, InputError
from ..ids import file_sha256
from ..model.entity import Entity, Identifier, Link, ListPublication, Name

SCHEMA_TO_FTM = {
    "Person": "Person",
    "Organization": "Organization",
    "LegalEntity": "LegalEntity",
    "Vessel": "Vessel",
    "Aircraft": "Airplane",
}
FTM_TO_SCHEMA = {
    "Person": "Person",
    "Organization": "Organization",
    "Company": "Organization",
    "PublicBody": "Organization",
    "LegalEntity": "LegalEntity",
    "Vessel": "Vessel",
    "Airplane": "Aircraft",
}
NAME_PROPS = {"primary": "name", "alias": "alias", "weak_alias": "weakAlias", "previous": "previousName"}
IDENTIFIER_PROPS = (
    "imoNumber", "mmsi", "callSign", "passportNumber", "idNumber", "registrationNumber", "taxNumber",
    "vatCode", "leiCode", "dunsCode", "swiftBic", "serialNumber",
)  # fmt: skip
# Entity properties that are FtM properties of the record's schema travel as such.
AUTHORITIES = {
    "un": "United Nations Security Council",
    "ofac": "US Treasury Office of Foreign Assets Control",
    "eu": "European Union",
    "uk": "UK Foreign, Commonwealth & Development Office",
}
ENTITY_LINK_PROPS = ("owner", "operator")


def _model() -> Any:
    try:
        from followthemoney import model
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise ConfigError(
            "FollowTheMoney export/import needs the followthemoney package: pip install 'sanctionwatch[ftm]'"
        ) from err
    return model


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :func:`export_ftm` wrote."""

    records: int
    ftm_entities: int
    unresolved_links: int


def to_ftm(entity: Entity) -> tuple[list[dict[str, Any]], int]:
    """FtM entity dicts for one record (the record, its sanction, its links) and its unresolved link count."""
    model = _model()
    schema = model.get(SCHEMA_TO_FTM.get(entity.schema, "LegalEntity"))
    proxy = model.make_entity(schema)
    proxy.id = entity.id
    for name in entity.names:
        proxy.add(NAME_PROPS.get(name.kind, "alias"), name.value, quiet=True)
    for ident in entity.identifiers:
        prop = next((p for p in (ident.kind, "idNumber", "registrationNumber") if p in schema.properties), None)
        if prop is not None:
            proxy.add(prop, ident.value, quiet=True)
    proxy.add("birthDate", entity.birth_dates, quiet=True)
    proxy.add("country", entity.countries, quiet=True)
    proxy.add("address", entity.addresses, quiet=True)
    proxy.add("notes", entity.remarks, quiet=True)
    for key, values in entity.properties.items():
        if key in schema.properties and not schema.properties[key].stub and key not in ENTITY_LINK_PROPS:
            proxy.add(key, values, quiet=True)
    out = [proxy]
    unresolved = 0
    for i, link in enumerate(entity.links):
        if link.target_id is None:
            unresolved += 1
        elif link.kind in ENTITY_LINK_PROPS and link.kind in schema.properties:
            proxy.add(link.kind, link.target_id)
        else:
            rel = model.make_entity("UnknownLink")
            rel.id = f"{entity.id}-link-{i}"
            rel.add("subject", entity.id)
            rel.add("object", link.target_id)
            rel.add("role", link.kind)
            out.append(rel)
    sanction = model.make_entity("Sanction")
    sanction.id = f"{entity.id}-sanction"
    sanction.add("entity", entity.id)
    sanction.add("authority", AUTHORITIES.get(entity.source, entity.source))
    sanction.add("authorityId", entity.source_id)
    sanction.add("program", entity.programs)
    sanction.add("listingDate", entity.listed_on, quiet=True)
    sanction.add("provisions", entity.properties.get("sanctions", []), quiet=True)
    sanction.add("reason", entity.properties.get("reason", []), quiet=True)
    if entity.source == "un":
        sanction.add("unscId", entity.source_id)
    out.insert(1, sanction)
    return [p.to_dict() for p in out], unresolved


def clean_ftm(data: dict[str, Any]) -> dict[str, Any]:
    """An FtM entity dict (``id``, ``schema``, ``properties``) cleaned by followthemoney's own types.

    For entities built outside the list adapters (the report's AIS vessels and
    events), so they leave in the form OpenSanctions tools read back.
    """
    return dict(_model().get_proxy(data, cleaned=False).to_dict())


def export_ftm(entities: Iterable[Entity], out: IO[str]) -> ExportResult:
    """Write records as FtM JSON lines to ``out``."""
    records = written = unresolved = 0
    for entity in entities:
        dicts, missing = to_ftm(entity)
        for d in dicts:
            out.write(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n")
        records += 1
        written += len(dicts)
        unresolved += missing
    return ExportResult(records, written, unresolved)


def _plain(prop: str, value: str) -> str:
    # FtM writes IMO numbers as "IMO8604917"; the lists and AIS use the bare 7 digits.
    return value[3:] if prop == "imoNumber" and value.upper().startswith("IMO") else value


def _read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as err:
                raise InputError(
                    f"{path}: line {number} is not JSON: {err.msg}", errors={"file": str(path), "line": number}
                ) from err
            if not isinstance(data, dict) or "schema" not in data or "id" not in data:
                raise InputError(
                    f"{path}: line {number} is not an FtM entity (needs id and schema)",
                    errors={"file": str(path), "line": number},
                )
            yield number, data


def read_ftm(path: Path, *, source: str = "ftm") -> ListPublication:
    """Read FtM JSON lines into a publication of list ``source``.

    Sanctions give each record its list, reference number, programs and listing date
    (a record without one keeps ``source`` and its FtM id); ownership, operator and
    unknown links become :class:`Link` values.
    """
    model = _model()
    proxies = {}
    for number, data in _read_lines(path):
        try:
            proxies[data["id"]] = model.get_proxy(data)
        except Exception as err:  # FtM raises several types for unknown schemata or properties
            raise InputError(f"{path}: line {number}: {err}", errors={"file": str(path), "line": number}) from err
    by_authority = {v: k for k, v in AUTHORITIES.items()}
    records: dict[str, Entity] = {}
    for proxy in proxies.values():
        schema = FTM_TO_SCHEMA.get(proxy.schema.name)
        if schema is None:
            continue
        names = [Name(v, kind) for kind, prop in NAME_PROPS.items() for v in proxy.get(prop, quiet=True)]
        properties = {
            prop.name: proxy.get(prop)
            for prop in proxy.schema.properties.values()
            if prop.name
            not in (
                *NAME_PROPS.values(),
                *IDENTIFIER_PROPS,
                "birthDate",
                "country",
                "address",
                "notes",
                *ENTITY_LINK_PROPS,
            )
            and prop.type.name != "entity"
            and proxy.get(prop)
        }
        records[proxy.id] = Entity(
            id=proxy.id,
            schema=schema,
            source=source,
            source_id=proxy.id,
            names=names,
            identifiers=[Identifier(p, _plain(p, v)) for p in IDENTIFIER_PROPS for v in proxy.get(p, quiet=True)],
            birth_dates=proxy.get("birthDate", quiet=True),
            countries=proxy.get("country", quiet=True),
            addresses=proxy.get("address", quiet=True),
            remarks="\n".join(proxy.get("notes", quiet=True)) or None,
            links=[Link(p, "", v) for p in ENTITY_LINK_PROPS for v in proxy.get(p, quiet=True)],
            properties=properties,
        )
    for proxy in proxies.values():
        name = proxy.schema.name
        if name == "Sanction":
            for entity_id in proxy.get("entity"):
                if (record := records.get(entity_id)) is not None:
                    record.source = next((by_authority.get(a, a) for a in proxy.get("authority")), record.source)
                    record.source_id = next(iter(proxy.get("authorityId")), record.source_id)
                    record.programs += [p for p in proxy.get("program") if p not in record.programs]
                    record.listed_on = next(iter(sorted(proxy.get("listingDate"))), record.listed_on)
        elif name == "Ownership":
            for asset in proxy.get("asset"):
                if (record := records.get(asset)) is not None:
                    record.links += [Link("owner", "", o) for o in proxy.get("owner")]
        elif name == "UnknownLink":
            for subject in proxy.get("subject"):
                if (record := records.get(subject)) is not None:
                    role = next(iter(proxy.get("role")), "linked_to")
                    record.links += [Link(role, "", o) for o in proxy.get("object")]
    for record in records.values():  # links carry the target's caption as their name
        record.links = [
            Link(k.kind, records[k.target_id].caption if k.target_id in records else k.target_id or "", k.target_id)
            for k in record.links
        ]
    return ListPublication(
        source=source,
        published=None,
        sha256=file_sha256(path),
        entities=list(records.values()),
        files=(str(path),),
        format="ftm",
    )
