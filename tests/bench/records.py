"""A one-line list record for the benchmark's tests."""

from __future__ import annotations

from sanctionwatch.model.entity import Entity, Identifier, Name


def record(
    schema: str,
    source_id: str,
    *names: str,
    source: str = "test",
    countries: tuple[str, ...] = (),
    programs: tuple[str, ...] = ("SDGT",),
    imo: str | None = None,
) -> Entity:
    """``record("Person", "1", "Nicolas MADURO MOROS")``: a record with a primary name and aliases."""
    return Entity(
        id=f"{source}-{source_id}",
        schema=schema,
        source=source,
        source_id=source_id,
        names=[Name(n, "primary" if i == 0 else "alias") for i, n in enumerate(names)],
        identifiers=[Identifier("imoNumber", imo)] if imo else [],
        countries=list(countries),
        programs=list(programs),
    )
