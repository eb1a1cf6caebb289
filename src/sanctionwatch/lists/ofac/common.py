"""What the OFAC CSV and XML adapters share: the source name, the vessel columns and the entity builder."""

from __future__ import annotations

from dataclasses import dataclass

from ...model.entity import Entity, Identifier, Link, Name
from ..countries import country_code
from .remarks import RemarkFacts

SOURCE = "ofac"


@dataclass(frozen=True, slots=True)
class VesselInfo:
    """The vessel columns of an SDN record (CSV columns 6-11, SDN.XML ``vesselInfo``)."""

    call_sign: str | None = None
    vessel_type: str | None = None
    tonnage: str | None = None
    gross_registered_tonnage: str | None = None
    flag: str | None = None
    owner: str | None = None


def make_entity(
    ent_num: str,
    schema: str,
    primary: str,
    *,
    programs: list[str],
    title: str | None,
    vessel: VesselInfo,
    remarks: str | None,
    facts: RemarkFacts,
    properties: dict[str, list[str]],
) -> Entity:
    """An OFAC entity from its columns and the facts parsed out of its remarks (shared by CSV and XML)."""
    properties = {k: list(v) for k, v in properties.items()}
    identifiers = [Identifier("callSign", vessel.call_sign)] if vessel.call_sign else []
    identifiers += facts.identifiers
    countries = list(facts.nationalities)
    flag = country_code(vessel.flag)
    for key, value in (
        ("title", title),
        ("type", vessel.vessel_type),
        ("tonnage", vessel.tonnage),
        ("grossRegisteredTonnage", vessel.gross_registered_tonnage),
    ):
        if value:
            properties[key] = [value]
    if flag:
        properties["flag"] = [flag]
        countries.insert(0, flag)
    elif vessel.flag:
        properties["flagText"] = [vessel.flag]
    if facts.nationalities:
        properties["nationality"] = list(facts.nationalities)
    for key, values in facts.properties.items():
        target = properties.setdefault(key, [])
        target.extend(v for v in values if v not in target)
    links = [Link("owner", vessel.owner)] if vessel.owner else []
    return Entity(
        id=f"{SOURCE}-{ent_num}",
        schema=schema,
        source=SOURCE,
        source_id=ent_num,
        names=[Name(primary), *facts.names],
        identifiers=identifiers,
        birth_dates=list(facts.birth_dates),
        countries=countries,
        programs=programs,
        remarks=remarks,
        links=links + facts.links,
        properties=properties,
    )
