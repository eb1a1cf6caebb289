from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.model.entity import Entity, Identifier, ListPublication, Name, tidy

names = st.builds(Name, st.sampled_from(["A", "B", "C"]), st.sampled_from(["primary", "alias", "weak_alias"]))
identifiers = st.builds(
    Identifier,
    st.sampled_from(["imoNumber", "passportNumber"]),
    st.sampled_from(["1", "2"]),
    st.sampled_from([None, "kp"]),
    st.sampled_from([None, "issued 2011", "issued 2011, expires 2016", "other"]),
)


@given(
    st.lists(names, max_size=8), st.lists(identifiers, max_size=8), st.lists(st.sampled_from(["kp", "ru"]), max_size=5)
)
def test_tidy_is_idempotent_and_loses_no_value(name_list, ident_list, countries):
    entity = Entity(
        id="x-1",
        schema="Person",
        source="x",
        source_id="1",
        names=name_list,
        identifiers=ident_list,
        countries=countries,
    )
    once = tidy(copy.deepcopy(entity))
    twice = tidy(copy.deepcopy(once))
    assert once.to_dict() == twice.to_dict()
    assert {n.value for n in once.names} == {n.value for n in name_list}
    assert {(i.kind, i.value) for i in once.identifiers} == {(i.kind, i.value) for i in ident_list}
    assert once.countries == list(dict.fromkeys(countries))


def test_publication_labels_its_entities():
    entity = Entity(id="un-1", schema="Person", source="un", source_id="1", names=[Name("A"), Name("A", "alias")])
    pub = ListPublication(source="un", published=None, sha256="ab" * 32, entities=[entity])
    assert pub.version == "un-abababababab"
    assert entity.list_version == "un-abababababab"
    assert entity.names == [Name("A")]  # the alias repeating the primary name is dropped
    dated = ListPublication(source="un", published="2026-02-27", sha256="ab" * 32, entities=[])
    assert dated.version == "un-2026-02-27"
