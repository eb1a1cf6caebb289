"""EU consolidated financial sanctions list (Financial Sanctions Files, XML 1.1,
namespace ``http://eu.europa.ec/fpi/fsd/export``).

Each ``sanctionEntity`` is a person (``subjectType code="person"``) or an
enterprise. The first strong ``nameAlias`` is the primary name, other strong names
are aliases and ``strong="false"`` ones weak aliases. Countries come as ISO codes
(``countryIso2Code``). ``regulation/@programme`` (``PRK`` for the DPRK) gives the
programs. The EU reference number (``EU.1234.56``) is the source id, the logical id
when it is missing.
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
from .dates import parse_date, year_range
from .xml import read_publication_xml, texts

SOURCE = "eu"
FORMAT = "eu-xml"
ROOT_TAG = "export"

SUBJECT_TYPES = {"person": "Person", "enterprise": "Organization"}
# identificationTypeCode -> FtM property; anything else is an idNumber noted with its description.
IDENTIFICATION_KINDS = {
    "passport": "passportNumber",
    "id": "idNumber",
    "nationalid": "idNumber",
    "fiscalcode": "taxNumber",
    "tax": "taxNumber",
    "regnumber": "registrationNumber",
    "swiftbic": "swiftBic",
    "imo": "imoNumber",
}
GENDERS = {"M": "male", "F": "female"}


def _attr(el: ET.Element, name: str) -> str | None:
    value = " ".join((el.get(name) or "").split())
    return value or None


def _country_name(el: ET.Element) -> str | None:
    # "00" / "UNKNOWN" is how the export says it has no country.
    return None if el.get("countryIso2Code") == "00" else _attr(el, "countryDescription")


def _country(el: ET.Element) -> str | None:
    return country_code(_attr(el, "countryIso2Code")) or country_code(_attr(el, "countryDescription"))


def _names(entry: ET.Element, person: bool, properties: dict[str, list[str]]) -> list[Name]:
    names: list[Name] = []
    for alias in entry.iterfind("nameAlias"):
        whole = _attr(alias, "wholeName") or " ".join(
            p for p in (_attr(alias, "firstName"), _attr(alias, "middleName"), _attr(alias, "lastName")) if p
        )
        if not whole:
            continue
        strong = (alias.get("strong") or "true").lower() != "false"
        has_primary = any(n.kind == "primary" for n in names)
        kind = "alias" if has_primary and strong else ("primary" if strong else "weak_alias")
        names.append(Name(whole, kind, (_attr(alias, "nameLanguage") or "").lower() or None))
        if person:
            for attr, key in (
                ("firstName", "firstName"),
                ("middleName", "middleName"),
                ("lastName", "lastName"),
                ("title", "title"),
                ("function", "position"),
            ):
                value = _attr(alias, attr)
                if value and value not in properties.setdefault(key, []):
                    properties[key].append(value)
            gender = GENDERS.get(alias.get("gender") or "")
            if gender and gender not in properties.setdefault("gender", []):
                properties["gender"].append(gender)
    if names and not any(n.kind == "primary" for n in names):
        names[0] = Name(names[0].value, "primary", names[0].lang)  # only weak names: the first one leads
    return names


def _birth(entry: ET.Element, properties: dict[str, list[str]]) -> list[str]:
    dates: list[str] = []
    for birth in entry.iterfind("birthdate"):
        found = [d] if (d := parse_date(_attr(birth, "birthdate"))) else []
        start, end = _attr(birth, "yearRangeFrom"), _attr(birth, "yearRangeTo")
        if not found and start and end and start.isdigit() and end.isdigit():
            found = year_range(int(start), int(end))
        elif not found and (year := _attr(birth, "year")):
            month, day = _attr(birth, "monthOfYear"), _attr(birth, "dayOfMonth")
            found = (
                [d]
                if (
                    d := parse_date(
                        "-".join(
                            [year] + ([month.zfill(2)] if month else []) + ([day.zfill(2)] if month and day else [])
                        )
                    )
                )
                else []
            )
        if (birth.get("circa") or "").lower() == "true" and found:
            properties.setdefault("birthDateNote", []).append(f"approximately {found[0]}")
        dates.extend(d for d in found if d not in dates)
        place = ", ".join(
            p for p in (_attr(birth, "city"), _attr(birth, "place"), _attr(birth, "region"), _country_name(birth)) if p
        )
        if place and place not in properties.setdefault("birthPlace", []):
            properties["birthPlace"].append(place)
    if not properties.get("birthPlace"):
        properties.pop("birthPlace", None)
    return dates


def _identifiers(entry: ET.Element, remarks: str | None) -> list[Identifier]:
    out = []
    for ident in entry.iterfind("identification"):
        number = _attr(ident, "number") or _attr(ident, "latinNumber")
        if not number:
            continue
        code = (ident.get("identificationTypeCode") or "").lower()
        kind = IDENTIFICATION_KINDS.get(code, "idNumber")
        flags = [
            f
            for f in ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
            if (ident.get(f) or "").lower() == "true"
        ]
        note_parts = [] if code in IDENTIFICATION_KINDS else [_attr(ident, "identificationTypeDescription")]
        note_parts += flags + texts(ident, "remark")
        out.append(Identifier(kind, number, _country(ident), "; ".join(p for p in note_parts if p) or None))
    out += [Identifier("imoNumber", n) for n in find_imo_numbers(remarks)]
    return out


def _entity(entry: ET.Element, file: Path, index: int) -> Entity:
    where = f"<sanctionEntity> #{index + 1}"
    source_id = _attr(entry, "euReferenceNumber") or _attr(entry, "logicalId")
    if not source_id:
        raise InputError(
            f"{file}: {where} has neither euReferenceNumber nor logicalId", errors={"file": str(file), "element": where}
        )
    subject = entry.find("subjectType")
    code = (subject.get("code") if subject is not None else "") or ""
    schema = SUBJECT_TYPES.get(code.lower())
    if schema is None:
        raise InputError(
            f"{file}: {where} ({source_id}) has unknown subjectType {code!r}",
            errors={"file": str(file), "element": where},
        )
    properties: dict[str, list[str]] = {}
    names = _names(entry, schema == "Person", properties)
    if not names:
        raise InputError(
            f"{file}: {where} ({source_id}) has no nameAlias", errors={"file": str(file), "element": where}
        )
    nationalities = [c for el in entry.iterfind("citizenship") if (c := _country(el))]
    addresses, address_countries = [], []
    for addr in entry.iterfind("address"):
        parts = [_attr(addr, a) for a in ("street", "poBox", "city", "zipCode", "region", "place")] + [
            _country_name(addr)
        ]
        if line := ", ".join(p for p in parts if p):
            addresses.append(line)
        if c := _country(addr):
            address_countries.append(c)
    remarks = "\n".join(texts(entry, "remark")) or None
    regulations = list(entry.iterfind("regulation"))
    programs = [p for r in regulations if (p := _attr(r, "programme"))]
    listed = parse_date(_attr(entry, "designationDate")) or min(
        (d for r in regulations if (d := parse_date(_attr(r, "entryIntoForceDate") or _attr(r, "publicationDate")))),
        default=None,
    )
    if nationalities:
        properties["nationality"] = list(dict.fromkeys(nationalities))
    if un_id := _attr(entry, "unitedNationId"):
        properties["unscId"] = [un_id]
    if details := _attr(entry, "designationDetails"):
        properties["reason"] = [details]
    properties = {k: v for k, v in properties.items() if v}
    return Entity(
        id=f"{SOURCE}-{source_id}",
        schema=schema,
        source=SOURCE,
        source_id=source_id,
        names=names,
        identifiers=_identifiers(entry, remarks),
        birth_dates=_birth(entry, properties) if schema == "Person" else [],
        countries=nationalities + address_countries,
        addresses=addresses,
        programs=programs,
        listed_on=listed,
        remarks=remarks,
        properties=properties,
    )


def parse(path: Path | Sequence[Path]) -> ListPublication:
    """Parse one EU Financial Sanctions Files XML export into a publication."""
    file, root = read_publication_xml(path, what="the EU consolidated list", root_tag=ROOT_TAG)
    return ListPublication(
        source=SOURCE,
        published=parse_date(root.get("generationDate")),
        sha256=file_sha256(file),
        entities=[_entity(e, file, i) for i, e in enumerate(root.iterfind("sanctionEntity"))],
        files=(str(file),),
        format=FORMAT,
    )
