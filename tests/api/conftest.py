"""An API client over a handful of hand-made list entities."""

from __future__ import annotations

import pytest

from sanctionwatch.model.entity import Entity, Identifier, Name
from sanctionwatch.settings import AppConfig

#: The fields of yente's EntityResponse (yente/data/common.py), which every entity we answer carries.
ENTITY_FIELDS = frozenset(
    {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
    }
)


def entities() -> list[Entity]:
    return [
        Entity(
            id="ofac-23736",
            schema="Vessel",
            source="ofac",
            source_id="23736",
            names=[Name("YU JONG 2")],
            identifiers=[Identifier("imoNumber", "8604917")],
            countries=["kp"],
            programs=["DPRK4"],
        ),
        Entity(
            id="un-KPi.024",
            schema="Person",
            source="un",
            source_id="KPi.024",
            names=[Name("KIM YONG CHOL"), Name("Kim Young-Cheol", "alias")],
            birth_dates=["1962-02-18"],
            countries=["kp"],
        ),
        Entity(
            id="un-KPe.066",
            schema="Organization",
            source="un",
            source_id="KPe.066",
            names=[Name("KOREA YUJONG SHIPPING CO LTD")],
        ),
    ]


@pytest.fixture
def client(tmp_path):
    pytest.importorskip("fastapi", reason="the API tests need the [api] extra")
    from fastapi.testclient import TestClient

    from sanctionwatch.api import create_app

    app = create_app(AppConfig(db=tmp_path / "none.duckdb"), entities=entities())
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory):
    """A store built by the demo pipeline (simulated week, sample list, detection), once per test process."""
    from sanctionwatch.demo import run_demo

    out = tmp_path_factory.mktemp("demo")
    result = run_demo(out)
    return result.out_dir / "sanctionwatch.duckdb"


@pytest.fixture(scope="session")
def demo_app(demo_db):
    """The app over the demo store (no API key: routes that change data are off)."""
    pytest.importorskip("fastapi", reason="the API tests need the [api] extra")
    from sanctionwatch.api import create_app
    from sanctionwatch.api.config import ApiConfig

    return create_app(AppConfig(db=demo_db), api=ApiConfig())


@pytest.fixture
def demo_client(demo_app):
    from fastapi.testclient import TestClient

    with TestClient(demo_app) as c:
        yield c
