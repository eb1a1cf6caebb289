"""Vessel identities: IMO check digits, flags from MMSI prefixes, uniqueness."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sanctionwatch.identifiers import imo_check_digit, imo_check_digit_ok
from sanctionwatch.regime.flags import flag_of_mmsi
from sanctionwatch.simulate.fleet import (
    SHIP_TYPE_TANKER,
    IdentityFactory,
    designated_tankers,
)


def test_known_imo_numbers() -> None:
    assert imo_check_digit_ok(9074729)  # the IMO's own worked example
    assert not imo_check_digit_ok(9074728)
    assert all(imo_check_digit_ok(imo) for _, imo in designated_tankers())


@given(st.integers(100_000, 999_999))
def test_check_digit_round_trips(first_six: int) -> None:
    imo = first_six * 10 + imo_check_digit(first_six)
    assert imo_check_digit_ok(imo)
    assert not imo_check_digit_ok(first_six * 10 + (imo_check_digit(first_six) + 1) % 10)


@given(st.integers(0, 2**32 - 1))
def test_factory_identities_are_unique_and_valid(seed: int) -> None:
    f = IdentityFactory(np.random.default_rng(seed))
    ids = [f.vessel(flag, SHIP_TYPE_TANKER) for flag in ("kp", "cn", "pa", "tg", "sl", "kr")]
    assert len({i.mmsi for i in ids}) == len({i.imo for i in ids}) == len({i.name for i in ids}) == len(ids)
    assert all(imo_check_digit_ok(i.imo) and flag_of_mmsi(i.mmsi) == i.flag for i in ids)
    assert not imo_check_digit_ok(f.vessel("cn", SHIP_TYPE_TANKER, valid_imo=False).imo)
    hop = f.renamed(ids[4], flag="tg")
    assert hop.imo == ids[4].imo and hop.mmsi // 1_000_000 == 671 and hop.name != ids[4].name


def test_designated_vessels_come_first() -> None:
    f = IdentityFactory(np.random.default_rng(0))
    first = f.vessel("kp", SHIP_TYPE_TANKER, designated=True)
    assert (first.name, first.imo) == designated_tankers()[0]
    assert first.mmsi // 1_000_000 == 445


def test_names_stay_unique_past_the_pool_of_a_flag() -> None:
    # A flag's first x second words x hull numbers 1-29 run out in big fleets: numbering goes on.
    ids = IdentityFactory(np.random.default_rng(1))
    pool = ids.data["names"].get("kp", ids.data["names"]["default"])
    combos = len(pool["first"]) * len(pool["second"]) * 29
    names = [ids.name("kp") for _ in range(combos + 200)]
    assert len(set(names)) == len(names)
