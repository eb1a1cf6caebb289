from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.lists import un
from sanctionwatch.lists.diff import diff_publications
from sanctionwatch.model.entity import Identifier, ListPublication, Name


def _changed_copy(pub: ListPublication) -> ListPublication:
    entities = copy.deepcopy(pub.entities)
    person, company = entities
    person.names.append(Name("Kim New-Alias", "alias"))
    person.names = [n for n in person.names if n.value != "Kim Jin-Sok"]
    person.listed_on = "2013-01-23"
    person.properties["position"] = ["Chairman"]
    entities = [person]  # the company is delisted
    entities.append(copy.deepcopy(company))
    entities[-1].id, entities[-1].source_id = "un-KPe.099", "KPe.099"
    entities[-1].identifiers = [Identifier("imoNumber", "1234567")]
    return ListPublication(source="un", published="2026-03-01", sha256="f" * 64, entities=entities)


def test_added_removed_changed_field_by_field(fixtures: Path):
    old = un.parse(fixtures / "un_small.xml")
    new = _changed_copy(old)
    d = diff_publications(old, new)
    assert (d.old_version, d.new_version) == ("un-2026-02-27", "un-2026-03-01")
    assert [e.id for e in d.added] == ["un-KPe.099"]
    assert [e.id for e in d.removed] == ["un-KPe.068"]
    [change] = d.changed
    assert change.entity_id == "un-KPi.003"
    by_field = {c.field: c for c in change.changes}
    assert set(by_field) == {"names", "listed_on", "properties"}  # list_version is not a change
    assert by_field["names"].added == ({"value": "Kim New-Alias", "kind": "alias", "lang": None},)
    assert by_field["names"].removed == ({"value": "Kim Jin-Sok", "kind": "previous", "lang": None},)
    assert (by_field["listed_on"].old, by_field["listed_on"].new) == ("2013-01-22", "2013-01-23")
    assert by_field["properties"].added == ("position=Chairman",)
    assert by_field["properties"].removed == ("position=President of Tanchon Commercial Bank",)
    summary = d.to_dict()
    assert summary["counts"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 0}


@given(st.permutations(range(2)))
def test_same_content_is_no_change_whatever_the_order(order):
    old = un.parse(Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "un_small.xml")
    shuffled = ListPublication(
        source="un", published=None, sha256="0" * 64, entities=[copy.deepcopy(old.entities[i]) for i in order]
    )
    d = diff_publications(old, shuffled)
    assert not d.added and not d.removed and not d.changed
    assert d.unchanged == 2
