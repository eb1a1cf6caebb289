"""OFAC SDN list, XML publication (``SDN.XML``, ``sdnList/sdnEntry``).

The XML carries the same records as the CSV triple with aliases, addresses, dates
and places of birth in their own elements. Its ``idList`` items ("Vessel
Registration Identification" / "IMO 8604917", "Passport" / "381420754", "Gender" /
"Male") are the statements the CSV packs into remarks, so both publications go
through the same :mod:`.remarks` reading and :func:`.common.make_entity`,
and give the same entity for the same record.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ...exc import InputError
from ...ids import file_sha256
from ...model.entity import Entity, ListPublication, Name
from ..countries import country_code
from ..links import resolve_links
from ..xml import read_publication_xml, require, text, texts
from .common import SOURCE, VesselInfo, make_entity
from .remarks import RemarkFacts, parse_remarks

FORMAT = "ofac-xml"
ROOT_TAG = "sdnList"

SDN_TYPES = {"individual": "Person", "entity": "Organization", "vessel": "Vessel", "aircraft": "Aircraft"}
AKA_KINDS = {"a.k.a.": "alias", "f.k.a.": "previous", "n.k.a.": "alias"}


def _published(root: ET.Element) -> str | None:
    raw = text(root, "publshInformation/Publish_Date")
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%m/%d/%Y").date().isoformat()  # OFAC writes US month/day/year
    except ValueError:
        return None


def _full_name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def _facts(entry: ET.Element) -> RemarkFacts:
    """Remarks plus every structured item, read as the remark statements they stand for."""
    statements = []
    for item in entry.iterfind("idList/id"):
        kind, number, country = text(item, "idType"), text(item, "idNumber"), text(item, "idCountry")
        if kind and number:
            statement = f"{kind} {number}" + (f" ({country})" if country else "")
            extra = [f"issued {d}" for d in texts(item, "issueDate")] + [
                f"expires {d}" for d in texts(item, "expirationDate")
            ]
            statements.append(" ".join([statement, *extra]))
    statements += [f"DOB {d}" for d in texts(entry, "dateOfBirthList/dateOfBirthItem/dateOfBirth")]
    statements += [f"POB {p}" for p in texts(entry, "placeOfBirthList/placeOfBirthItem/placeOfBirth")]
    statements += [f"nationality {c}" for c in texts(entry, "nationalityList/nationality/country")]
    statements += [f"citizen {c}" for c in texts(entry, "citizenshipList/citizenship/country")]
    remarks = text(entry, "remarks")
    return parse_remarks("; ".join(statements + ([remarks] if remarks else [])))


def _entry(entry: ET.Element, file: Path, index: int) -> Entity:
    where = f"<sdnEntry> #{index + 1}"
    uid = require(entry, "uid", file, where)
    sdn_type = (text(entry, "sdnType") or "").lower()
    schema = SDN_TYPES.get(sdn_type)
    if schema is None:
        raise InputError(
            f"{file}: {where} (uid {uid}) has unknown sdnType {sdn_type!r}",
            errors={"file": str(file), "element": where},
        )
    first, last = text(entry, "firstName"), require(entry, "lastName", file, f"{where} (uid {uid})")
    person = schema == "Person"
    properties = {"firstName": [first], "lastName": [last]} if person and first else {}
    facts = _facts(entry)
    for aka in entry.iterfind("akaList/aka"):
        name = _full_name(text(aka, "firstName"), text(aka, "lastName"))
        if name:
            kind = (
                "weak_alias"
                if (text(aka, "category") or "").lower() == "weak"
                else AKA_KINDS.get((text(aka, "type") or "").lower(), "alias")
            )
            facts.names.append(Name(name, kind))
    entity = make_entity(
        uid,
        schema,
        _full_name(first, last),
        programs=texts(entry, "programList/program"),
        title=text(entry, "title"),
        vessel=VesselInfo(
            text(entry, "vesselInfo/callSign"),
            text(entry, "vesselInfo/vesselType"),
            text(entry, "vesselInfo/tonnage"),
            text(entry, "vesselInfo/grossRegisteredTonnage"),
            text(entry, "vesselInfo/vesselFlag"),
            text(entry, "vesselInfo/vesselOwner"),
        ),
        remarks=text(entry, "remarks"),
        facts=facts,
        properties=properties,
    )
    for address in entry.iterfind("addressList/address"):
        parts = [
            text(address, tag)
            for tag in ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode", "country")
        ]
        line = ", ".join(p for p in parts if p)
        if line:
            entity.addresses.append(line)
        code = country_code(text(address, "country"))
        if code:
            entity.countries.append(code)
    return entity


def parse(path: Path | Sequence[Path]) -> ListPublication:
    """Parse one OFAC ``SDN.XML`` file into a publication."""
    file, root = read_publication_xml(path, what="the OFAC SDN.XML publication", root_tag=ROOT_TAG)
    entities = [_entry(e, file, i) for i, e in enumerate(root.iterfind("sdnEntry"))]
    declared = text(root, "publshInformation/Record_Count")
    if declared and declared.isdigit() and int(declared) != len(entities):
        raise InputError(
            f"{file}: declares {declared} records but holds {len(entities)} (truncated download?)",
            errors={"file": str(file), "element": "publshInformation/Record_Count"},
        )
    resolve_links(entities)
    return ListPublication(
        source=SOURCE,
        published=_published(root),
        sha256=file_sha256(file),
        entities=entities,
        files=(str(file),),
        format=FORMAT,
    )
