"""OFAC's ``Remarks`` free text -> structured facts.

The legacy CSV publication packs most of a record into one remarks field of
``;``-separated statements ("DOB 08 Jan 1984; POB Pyongyang; nationality Korea,
North; Passport 381420754 (Korea, North) issued ...; a.k.a. 'KOMID'; Linked To:
KOREA MINING DEVELOPMENT TRADING CORPORATION."). Each statement that follows a known
pattern becomes a date, a country, an identifier, a name or a link; the full text
stays in ``Entity.remarks`` so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...model.entity import Identifier, Link, Name
from ..countries import country_code
from ..dates import parse_dates

# Identifier statements: "<label> <value>[ (<country>)][ issued ...][ expires ...]".
# Label -> FtM property. Longer labels are tried first.
IDENTIFIER_LABELS: dict[str, str] = {
    "Vessel Registration Identification IMO": "imoNumber",
    "MMSI": "mmsi",
    "Other Vessel Call Sign": "callSign",
    "Passport": "passportNumber",
    "Diplomatic Passport": "passportNumber",
    "National ID No.": "idNumber",
    "Identification Number": "idNumber",
    "Cedula No.": "idNumber",
    "D.N.I.": "idNumber",
    "C.U.R.P.": "idNumber",
    "Birth Certificate Number": "idNumber",
    "Residency Number": "idNumber",
    "Tax ID No.": "taxNumber",
    "R.F.C.": "taxNumber",
    "V.A.T. Number": "vatCode",
    "NIT #": "taxNumber",
    "RUC #": "taxNumber",
    "Registration Number": "registrationNumber",
    "Business Registration Number": "registrationNumber",
    "Company Number": "registrationNumber",
    "Commercial Registry Number": "registrationNumber",
    "Registration ID": "registrationNumber",
    "Folio Mercantil No.": "registrationNumber",
    "Matricula Mercantil No": "registrationNumber",
    "C.R. No.": "registrationNumber",
    "Chamber of Commerce Number": "registrationNumber",
    "Unified Social Credit Code (USCC)": "registrationNumber",
    "Legal Entity Number": "leiCode",
    "Economic Register Number (CBLS)": "registrationNumber",
    "Trade License No.": "registrationNumber",
    "Government Gazette Number": "registrationNumber",
    "Central Registration System Number": "registrationNumber",
    "D-U-N-S Number": "dunsCode",
    "SWIFT/BIC": "swiftBic",
    "Aircraft Tail Number": "registrationNumber",
    "Aircraft Manufacturer's Serial Number (MSN)": "serialNumber",
    "Aircraft Construction Number (also called L/N or S/N or F/N)": "serialNumber",
}

# Plain "<label> <value>" statements kept as FtM properties.
PROPERTY_LABELS: dict[str, str] = {
    "Gender": "gender",
    "Email Address": "email",
    "Website": "website",
    "Phone Number": "phone",
    "Organization Established Date": "incorporationDate",
    "Organization Type": "sector",
    "Target Type": "legalForm",
    "Aircraft Model": "model",
    "Aircraft Manufacturer": "manufacturer",
    "Aircraft Manufacture Date": "buildDate",
    "Vessel Year of Build": "buildDate",
    "Former Vessel Flag": "pastFlags",
    "Other Vessel Flag": "pastFlags",
}

NAME_KINDS = {"a.k.a.": "alias", "f.k.a.": "previous", "n.k.a.": "alias"}

_IDENT = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(k) for k in sorted(IDENTIFIER_LABELS, key=len, reverse=True))
    + r")\s*:?\s+(?P<value>.+?)(?:\s+\((?P<country>[^()]*)\))?(?P<rest>\s+(?:issued|expires)\b.*)?$"
)
_PROP = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(k) for k in sorted(PROPERTY_LABELS, key=len, reverse=True))
    + r")\s+(?P<value>.+)$"
)
_NAME = re.compile(r"^(?P<kind>a\.k\.a\.|f\.k\.a\.|n\.k\.a\.),?\s+['\"‘’]?(?P<name>.+?)['\"‘’]?$")
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)


@dataclass(slots=True)
class RemarkFacts:
    """What the remarks of one record say, sorted into entity fields."""

    birth_dates: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    properties: dict[str, list[str]] = field(default_factory=dict)

    def add_property(self, key: str, value: str) -> None:
        """Append ``value`` to property ``key`` unless already there."""
        values = self.properties.setdefault(key, [])
        if value not in values:
            values.append(value)


def statements(remarks: str) -> list[str]:
    """The ``;``-separated statements of a remarks text, trimmed, final period dropped."""
    out = []
    for part in remarks.split(";"):
        part = part.strip()
        if part.endswith(".") and not part.endswith(("No.", "a.k.a.", "Jr.", "Inc.", "Ltd.", "Co.")):
            part = part[:-1].rstrip()
        if part:
            out.append(part)
    return out


def _identifier(m: re.Match[str]) -> Identifier:
    kind = IDENTIFIER_LABELS[m.group("label")]
    value = m.group("value").strip().rstrip(",")
    raw_country = m.group("country")
    country = country_code(raw_country) if raw_country else None
    note_parts = []
    if kind in ("idNumber", "registrationNumber", "taxNumber") and m.group("label") not in (
        "National ID No.",
        "Registration Number",
    ):
        note_parts.append(m.group("label"))
    if raw_country and not country:
        note_parts.append(raw_country)
    if m.group("rest"):
        note_parts.append(m.group("rest").strip())
    return Identifier(kind, value, country, "; ".join(note_parts) or None)


def parse_remarks(remarks: str | None) -> RemarkFacts:
    """Sort the statements of an OFAC remarks text into entity fields."""
    facts = RemarkFacts()
    if not remarks:
        return facts
    for statement in statements(remarks):
        body = _ALT.sub("", statement)
        if body.startswith("DOB "):
            facts.birth_dates.extend(d for d in parse_dates(body[4:]) if d not in facts.birth_dates)
        elif body.startswith("POB "):
            facts.add_property("birthPlace", body[4:].strip())
        elif body.startswith(("nationality ", "citizen ")):
            label, _, country = body.partition(" ")
            code = country_code(country)
            if code:
                if code not in facts.nationalities:
                    facts.nationalities.append(code)
                if label == "citizen":
                    facts.add_property("citizenship", code)
            else:
                facts.add_property("nationalityText", country)
        elif body.startswith("Linked To:"):
            target = body[len("Linked To:") :].strip()
            if target:
                facts.links.append(Link("linked_to", target))
        elif m := _NAME.match(body):
            facts.names.append(Name(m.group("name").strip(), NAME_KINDS[m.group("kind")]))
        elif m := _IDENT.match(body):
            ident = _identifier(m)
            if ident not in facts.identifiers:
                facts.identifiers.append(ident)
        elif m := _PROP.match(body):
            key = PROPERTY_LABELS[m.group("label")]
            value = m.group("value").strip()
            if key == "pastFlags":
                value = country_code(value) or value
            elif key == "buildDate":
                value = next(iter(parse_dates(value)), value)
            elif key == "gender":
                value = value.lower()
            facts.add_property(key, value)
        elif body.startswith("Aircraft Operator "):
            operator = body[len("Aircraft Operator ") :].strip()
            facts.add_property("operator", operator)
            facts.links.append(Link("operator", operator))
    return facts
