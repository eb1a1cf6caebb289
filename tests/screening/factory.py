"""A one-line entity factory for screening tests."""

from __future__ import annotations

from sanctionwatch.model.entity import Entity, Identifier, Name


def e(schema: str, source_id: str, name: str, *aliases: str, source: str = "test", **props: str | list[str]) -> Entity:
    """``e("Vessel", "1", "YU JONG 2", imoNumber="8604917")``: the smallest entity that says what a test needs."""
    identifiers = [Identifier(k, str(v)) for k, v in props.items() if k in ("imoNumber", "mmsi")]
    birth = props.get("birthDate", [])
    countries = props.get("country", [])
    return Entity(
        id=f"{source}-{source_id}",
        schema=schema,
        source=source,
        source_id=source_id,
        names=[Name(name, "primary"), *(Name(a, "alias") for a in aliases)],
        identifiers=identifiers,
        birth_dates=[birth] if isinstance(birth, str) else list(birth),
        countries=[countries] if isinstance(countries, str) else list(countries),
    )
