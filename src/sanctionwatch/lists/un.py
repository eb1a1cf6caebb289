"""UN Security Council Consolidated List (XML, https://www.un.org/sc/resources/sc-sanctions.xsd).

Every regime in the file is read: ``INDIVIDUAL`` records become ``Person`` and
``ENTITY`` records ``Organization``. The reference number (``KPi.033``) is the
source id. Alias quality maps to FtM's strength of name: ``Good``/``a.k.a.`` -> alias,
``Low`` -> weak_alias, ``f.k.a.`` -> previous. Birth dates keep what the list says:
an exact date, a year, each year of a ``BETWEEN`` range, or an ``APPROXIMATELY`` year
(noted in ``properties["birthDateNote"]``). IMO numbers written in ``COMMENTS1`` (the
1718 Committee's shipping companies) become ``imoNumber`` identifiers.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from ..exc import InputError
from ..identifiers import find_imo_numbers
from ..ids import file_sha256
from ..model.entity import Entity, Identifier, ListPublication, Name
from .countries import country_code
from .dates import parse_date, parse_dates, year_range
from .xml import read_publication_xml, require, text, texts

SOURCE = "un"
FORMAT = "un-xml"
ROOT_TAG = "CONSOLIDATED_LIST"

ALIAS_KINDS = {"good": "alias", "a.k.a.": "alias", "low": "weak_alias", "f.k.a.": "previous", "": "alias"}
PASSPORT_TYPES = frozenset({"passport", "número de pasaporte", "numéro de passeport"})
NATIONAL_ID_TYPES = frozenset({"national identification number"})


def _join(*parts: str | None) -> str | None:
    value = ", ".join(p for p in parts if p)
    return value or None


def _birth_dates(record: ET.Element) -> tuple[list[str], list[str]]:
    """(ISO dates, notes) from every INDIVIDUAL_DATE_OF_BIRTH of a record."""
    dates: list[str] = []
    notes: list[str] = []
    for dob in record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = (text(dob, "TYPE_OF_DATE") or "").upper()
        found: list[str] = []
        if kind == "BETWEEN":
            start, end = text(dob, "FROM_YEAR"), text(dob, "TO_YEAR")
            if start and end and start.isdigit() and end.isdigit():
                found = year_range(int(start), int(end))
                notes.append(f"between {start} and {end}")
        else:
            found = parse_dates(text(dob, "DATE") or text(dob, "YEAR") or text(dob, "NOTE"))
            if kind == "APPROXIMATELY" and found:
                notes.append(f"approximately {found[0]}")
        note = text(dob, "NOTE")
        if note and not found:
            notes.append(note)
        dates.extend(d for d in found if d not in dates)
    return dates, notes


def _documents(record: ET.Element) -> list[Identifier]:
    out = []
    for doc in record.iterfind("INDIVIDUAL_DOCUMENT"):
        number = text(doc, "NUMBER")
        if not number:
            continue
        doc_type = text(doc, "TYPE_OF_DOCUMENT") or ""
        low = doc_type.casefold()
        kind = "passportNumber" if low in PASSPORT_TYPES else "idNumber"
        country = country_code(text(doc, "ISSUING_COUNTRY") or text(doc, "COUNTRY_OF_ISSUE"))
        issued = parse_date(text(doc, "DATE_OF_ISSUE"))
        note = _join(
            doc_type if kind == "idNumber" and low not in NATIONAL_ID_TYPES else None,
            text(doc, "TYPE_OF_DOCUMENT2"),
            f"issued {issued}" if issued else None,
            text(doc, "CITY_OF_ISSUE"),
            text(doc, "NOTE"),
        )
        out.append(Identifier(kind, number, country, note))
    return out


def _addresses(record: ET.Element, tag: str) -> tuple[list[str], list[str]]:
    """(address lines, country codes) of a record's address elements."""
    lines, codes = [], []
    for addr in record.iterfind(tag):
        country = text(addr, "COUNTRY")
        line = _join(
            text(addr, "STREET"), text(addr, "CITY"), text(addr, "STATE_PROVINCE"), text(addr, "ZIP_CODE"), country
        )
        if line:
            note = text(addr, "NOTE")
            lines.append(f"{line} ({note})" if note else line)
        code = country_code(country)
        if code and code not in codes:
            codes.append(code)
    return lines, codes


def _record(record: ET.Element, person: bool, file: Path, index: int) -> Entity:
    where = f"<{record.tag}> #{index + 1} (DATAID {text(record, 'DATAID') or '?'})"
    ref = require(record, "REFERENCE_NUMBER", file, where)
    primary = " ".join(
        texts(record, "FIRST_NAME")
        + texts(record, "SECOND_NAME")
        + texts(record, "THIRD_NAME")
        + texts(record, "FOURTH_NAME")
    )
    if not primary:
        raise InputError(f"{file}: {where} ({ref}) has no name", errors={"file": str(file), "element": where})
    names = [Name(primary)]
    for original in texts(record, "NAME_ORIGINAL_SCRIPT"):
        names.append(Name(original, "alias"))
    for alias in record.iterfind("INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
        value = text(alias, "ALIAS_NAME")
        if value:
            names.append(Name(value, ALIAS_KINDS.get((text(alias, "QUALITY") or "").casefold(), "alias")))
    nationalities = []
    for value in texts(record, "NATIONALITY/VALUE"):
        code = country_code(value)
        if code and code not in nationalities:
            nationalities.append(code)
    addresses, address_countries = _addresses(record, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS")
    comments = text(record, "COMMENTS1")
    properties: dict[str, list[str]] = {}
    identifiers: list[Identifier] = []
    birth_dates: list[str] = []
    if person:
        birth_dates, notes = _birth_dates(record)
        identifiers = _documents(record)
        places = [
            p
            for pob in record.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")
            if (p := _join(text(pob, "STREET"), text(pob, "CITY"), text(pob, "STATE_PROVINCE"), text(pob, "COUNTRY")))
        ]
        for key, values in (
            ("birthDateNote", notes),
            ("birthPlace", places),
            ("title", texts(record, "TITLE/VALUE")),
            ("position", texts(record, "DESIGNATION/VALUE")),
            ("gender", texts(record, "GENDER")),
        ):
            if values:
                properties[key] = values
    else:
        identifiers = [Identifier("imoNumber", n) for n in find_imo_numbers(comments)]
    if nationalities:
        properties["nationality"] = nationalities
    updated = sorted(d for v in texts(record, "LAST_DAY_UPDATED/VALUE") if (d := parse_date(v)))
    if updated:
        properties["modifiedAt"] = [updated[-1]]
    return Entity(
        id=f"{SOURCE}-{ref}",
        schema="Person" if person else "Organization",
        source=SOURCE,
        source_id=ref,
        names=names,
        identifiers=identifiers,
        birth_dates=birth_dates,
        countries=list(dict.fromkeys(nationalities + address_countries)),
        addresses=addresses,
        programs=texts(record, "UN_LIST_TYPE"),
        listed_on=parse_date(text(record, "LISTED_ON")),
        remarks=comments,
        properties=properties,
    )


def parse(path: Path | Sequence[Path]) -> ListPublication:
    """Parse one UN consolidated list XML file into a publication."""
    file, root = read_publication_xml(path, what="the UN consolidated list", root_tag=ROOT_TAG)
    entities = [_record(r, True, file, i) for i, r in enumerate(root.iterfind("INDIVIDUALS/INDIVIDUAL"))]
    entities += [_record(r, False, file, i) for i, r in enumerate(root.iterfind("ENTITIES/ENTITY"))]
    return ListPublication(
        source=SOURCE,
        published=parse_date(root.get("dateGenerated")),
        sha256=file_sha256(file),
        entities=entities,
        files=(str(file),),
        format=FORMAT,
    )
