"""UK Sanctions List (FCDO), XML publication (``Designations/Designation``).

One ``Designation`` per person, entity or ship (``IndividualEntityShip``). Names
come as ``Name1`` .. ``Name5`` (given names) and ``Name6`` (surname or whole name)
with a ``NameType`` ("Primary Name", "Primary Name Variation", "Alias"). Dates are
``dd/mm/yyyy`` with literal ``dd``/``mm`` where the day or month is unknown. Ships
carry IMO numbers, owners/operators, type and believed flags. The UK reference
(``UniqueID``, e.g. ``RUS0251``, ``DPR0001``) is the source id.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from ..exc import InputError
from ..identifiers import find_imo_numbers
from ..ids import file_sha256
from ..model.entity import Entity, Identifier, Link, ListPublication, Name
from .countries import country_code
from .dates import parse_dates
from .links import resolve_links
from .xml import read_publication_xml, require, text, texts

SOURCE = "uk"
FORMAT = "uk-xml"
ROOT_TAG = "Designations"

ENTITY_TYPES = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
NAME_KINDS = {"primary name": "primary", "primary name variation": "alias", "alias": "alias"}
_PLACEHOLDER = re.compile(r"\b(dd|mm)\b", re.IGNORECASE)


def uk_dates(raw: str | None) -> list[str]:
    """ISO dates from a UK ``dd/mm/yyyy`` value, unknown parts (``dd``, ``mm``) left out."""
    return parse_dates(_PLACEHOLDER.sub("00", raw)) if raw else []


def _name(el: ET.Element) -> str | None:
    parts = [text(el, f"Name{i}") for i in range(1, 7)]
    return " ".join(p for p in parts if p) or None


def _add(properties: dict[str, list[str]], key: str, values: list[str]) -> None:
    """Append new ``values`` to property ``key``; an empty list adds no key."""
    for value in values:
        if value not in properties.setdefault(key, []):
            properties[key].append(value)


def _person(designation: ET.Element, properties: dict[str, list[str]]) -> tuple[list[str], list[str], list[Identifier]]:
    dates: list[str] = []
    nationalities: list[str] = []
    identifiers: list[Identifier] = []
    for individual in designation.iterfind("IndividualDetails/Individual"):
        for dob in texts(individual, ".//DOB"):
            dates.extend(d for d in uk_dates(dob) if d not in dates)
        for value in texts(individual, ".//Nationality"):
            if (code := country_code(value)) and code not in nationalities:
                nationalities.append(code)
        _add(properties, "position", texts(individual, ".//Position"))
        _add(properties, "gender", [g.lower() for g in texts(individual, ".//Gender")])
        _add(
            properties,
            "birthPlace",
            [
                p
                for loc in individual.iterfind(".//BirthDetails/Location")
                if (p := ", ".join(x for x in (text(loc, "TownOfBirth"), text(loc, "CountryOfBirth")) if x))
            ],
        )
        identifiers += [Identifier("passportNumber", n) for n in texts(individual, ".//PassportNumber")]
        identifiers += [Identifier("idNumber", n) for n in texts(individual, ".//NationalIdentifierNumber")]
    return dates, nationalities, identifiers


def _ship(designation: ET.Element, properties: dict[str, list[str]]) -> tuple[list[Identifier], list[Link], list[str]]:
    identifiers: list[Identifier] = []
    links: list[Link] = []
    flags: list[str] = []
    for ship in designation.iterfind("ShipDetails/Ship"):
        identifiers += [Identifier("imoNumber", n) for n in texts(ship, ".//IMONumber")]
        links += [Link("owner", o) for o in texts(ship, ".//CurrentOwnerOperator")]
        _add(properties, "type", texts(ship, ".//TypeOfShip"))
        _add(properties, "tonnage", texts(ship, ".//Tonnage"))
        _add(properties, "buildDate", texts(ship, ".//YearBuilt"))
        _add(properties, "pastFlags", [country_code(f) or f for f in texts(ship, ".//PreviousFlag")])
        for flag in texts(ship, ".//CurrentBelievedFlagOfShip"):
            code = country_code(flag)
            if code and code not in flags:
                flags.append(code)
    if flags:
        properties["flag"] = flags
    return identifiers, links, flags


def _designation(designation: ET.Element, file: Path, index: int) -> Entity:
    where = f"<Designation> #{index + 1}"
    uid = require(designation, "UniqueID", file, where)
    kind = (text(designation, "IndividualEntityShip") or "").lower()
    schema = ENTITY_TYPES.get(kind)
    if schema is None:
        raise InputError(
            f"{file}: {where} ({uid}) has unknown IndividualEntityShip {kind!r}",
            errors={"file": str(file), "element": where},
        )
    names: list[Name] = []
    for el in designation.iterfind("Names/Name"):
        if value := _name(el):
            names.append(Name(value, NAME_KINDS.get((text(el, "NameType") or "").lower(), "alias")))
    names += [Name(n, "alias") for n in texts(designation, "NonLatinNames/NonLatinName/NameNonLatinScript")]
    if not any(n.kind == "primary" for n in names):
        raise InputError(f"{file}: {where} ({uid}) has no primary name", errors={"file": str(file), "element": where})
    names.sort(key=lambda n: n.kind != "primary")  # primary first, list order otherwise
    properties: dict[str, list[str]] = {}
    identifiers: list[Identifier] = []
    links: list[Link] = []
    dates: list[str] = []
    countries: list[str] = []
    if schema == "Person":
        dates, countries, identifiers = _person(designation, properties)
        if countries:
            properties["nationality"] = list(countries)
    elif schema == "Vessel":
        identifiers, links, countries = _ship(designation, properties)
    addresses = []
    for addr in designation.iterfind("Addresses/Address"):
        parts = [text(addr, f"AddressLine{i}") for i in range(1, 7)] + [
            text(addr, "AddressPostalCode"),
            text(addr, "AddressCountry"),
        ]
        if line := ", ".join(p for p in parts if p):
            addresses.append(line)
        if code := country_code(text(addr, "AddressCountry")):
            countries.append(code)
    remarks = text(designation, "OtherInformation")
    if schema != "Vessel":
        identifiers += [Identifier("imoNumber", n) for n in find_imo_numbers(remarks)]
    _add(properties, "email", texts(designation, "EmailAddresses/EmailAddress"))
    _add(properties, "phone", texts(designation, "PhoneNumbers/PhoneNumber"))
    _add(properties, "reason", texts(designation, "UKStatementofReasons"))
    _add(properties, "unscId", texts(designation, "UNReferenceNumber"))
    _add(properties, "sanctions", [s for v in texts(designation, "SanctionsImposed") for s in v.split("|")])
    _add(properties, "modifiedAt", [d for v in texts(designation, "LastUpdated") for d in uk_dates(v)])
    listed = uk_dates(text(designation, "DateDesignated"))
    return Entity(
        id=f"{SOURCE}-{uid}",
        schema=schema,
        source=SOURCE,
        source_id=uid,
        names=names,
        identifiers=identifiers,
        birth_dates=dates,
        countries=countries,
        addresses=addresses,
        programs=texts(designation, "RegimeName"),
        listed_on=listed[0] if listed else None,
        remarks=remarks,
        links=links,
        properties=properties,
    )


def parse(path: Path | Sequence[Path]) -> ListPublication:
    """Parse one UK Sanctions List XML file into a publication."""
    file, root = read_publication_xml(path, what="the UK Sanctions List", root_tag=ROOT_TAG)
    entities = [_designation(d, file, i) for i, d in enumerate(root.iterfind("Designation"))]
    resolve_links(entities)
    generated = uk_dates(text(root, "DateGenerated"))
    return ListPublication(
        source=SOURCE,
        published=generated[0] if generated else None,
        sha256=file_sha256(file),
        entities=entities,
        files=(str(file),),
        format=FORMAT,
    )
