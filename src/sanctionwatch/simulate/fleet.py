"""Simulated vessel identities: MMSI with a real flag prefix, IMO with a valid check digit,
name, call sign, type and size; the designated DPRK tankers keep their real names and IMOs."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from ..identifiers import imo_check_digit

DATA = "sanctionwatch.simulate.data"
SAMPLE_LIST = "sanctionwatch.lists.data"
# Draws of a name before hull numbers beyond 29 are allowed (small fleets never need them).
NAME_TRIES = 50

# AIS ship type codes (ITU-R M.1371): 70 cargo, 80 tanker.
SHIP_TYPE_CARGO = 70
SHIP_TYPE_TANKER = 80


@lru_cache(maxsize=1)
def scenario_data() -> dict[str, Any]:
    """The simulator's reference data (flags, names, transfer areas)."""
    return yaml.safe_load(resources.files(DATA).joinpath("scenario.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def designated_tankers() -> tuple[tuple[str, int], ...]:
    """(name, IMO) of the DPRK-flagged vessels in the shipped sample list."""
    doc = yaml.safe_load(resources.files(SAMPLE_LIST).joinpath("sample_dprk.yaml").read_text(encoding="utf-8"))
    return tuple(
        (e["name"], int(e["imoNumber"]))
        for e in doc["entities"]
        if e.get("schema") == "Vessel" and e.get("flag") == "kp" and e.get("imoNumber")
    )


@dataclass(frozen=True, slots=True)
class Identity:
    """What a vessel broadcasts about itself (AIS static data) and the flag its MMSI implies."""

    mmsi: int
    imo: int
    name: str
    call_sign: str
    flag: str
    ship_type: int
    length_m: float
    width_m: float
    max_draught_m: float


class IdentityFactory:
    """Draws unique identities from a seeded generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.data = scenario_data()
        self._mmsis: set[int] = set()
        self._imos: set[int] = {imo for _, imo in designated_tankers()}
        self._names: set[str] = {name for name, _ in designated_tankers()}
        self._call_signs: set[str] = set()
        self._designated = list(designated_tankers())

    def pick_flag(self, fleet: str) -> str:
        """A flag drawn with the weights of a fleet segment (``ordinary``, ``sts_giver``)."""
        weights = self.data["fleets"][fleet]
        flags = list(weights)
        p = np.array([weights[f] for f in flags], dtype=float)
        return str(flags[int(self.rng.choice(len(flags), p=p / p.sum()))])

    def mmsi(self, flag: str) -> int:
        mids = self.data["flags"][flag]["mids"]
        while True:
            value = int(self.rng.choice(mids)) * 1_000_000 + int(self.rng.integers(100_000, 999_999))
            if value not in self._mmsis:
                self._mmsis.add(value)
                return value

    def imo(self, *, valid: bool = True) -> int:
        while True:
            first = int(self.rng.integers(800_000, 980_000))
            check = imo_check_digit(first)
            value = first * 10 + (check if valid else (check + 1 + int(self.rng.integers(0, 9))) % 10)
            if value not in self._imos:
                self._imos.add(value)
                return value

    def name(self, flag: str) -> str:
        pool = self.data["names"].get(flag, self.data["names"]["default"])
        for tries in itertools.count():
            words = [str(self.rng.choice(pool["first"])), str(self.rng.choice(pool["second"]))]
            # Hull numbers 1-29 as at sea; a big fleet that has used up a flag's names numbers on.
            top = 30 if tries < NAME_TRIES else 30 + 10 * tries
            value = " ".join(w for w in words if w) + f" {int(self.rng.integers(1, top))}"
            if value not in self._names:
                self._names.add(value)
                return value
        raise AssertionError("unreachable")

    def call_sign(self, flag: str) -> str:
        prefixes = self.data["flags"][flag]["call_sign_prefixes"]
        while True:
            prefix = str(self.rng.choice(prefixes))
            body = "".join(
                str(self.rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))) for _ in range(6 - len(prefix))
            )
            value = prefix + body
            if value not in self._call_signs:
                self._call_signs.add(value)
                return value

    def vessel(self, flag: str, ship_type: int, *, designated: bool = False, valid_imo: bool = True) -> Identity:
        """A new identity; ``designated`` takes the next real designated DPRK vessel while any remain."""
        if designated and self._designated:
            name, imo = self._designated.pop(0)
        else:
            name, imo = self.name(flag), self.imo(valid=valid_imo)
        tanker = ship_type == SHIP_TYPE_TANKER
        length = float(self.rng.uniform(90, 185) if tanker else self.rng.uniform(80, 230))
        return Identity(
            mmsi=self.mmsi(flag),
            imo=imo,
            name=name,
            call_sign=self.call_sign(flag),
            flag=flag,
            ship_type=ship_type,
            length_m=round(length),
            width_m=round(length * float(self.rng.uniform(0.14, 0.18))),
            max_draught_m=round(length * float(self.rng.uniform(0.052, 0.062)), 1),
        )

    def renamed(self, old: Identity, *, flag: str | None = None) -> Identity:
        """The same ship under a new name, IMO and call sign (and a new MMSI when ``flag`` is given)."""
        new_flag = flag or old.flag
        return Identity(
            mmsi=self.mmsi(new_flag) if flag else old.mmsi,
            imo=old.imo if flag else self.imo(),
            name=self.name(new_flag),
            call_sign=self.call_sign(new_flag),
            flag=new_flag,
            ship_type=old.ship_type,
            length_m=old.length_m,
            width_m=old.width_m,
            max_draught_m=old.max_draught_m,
        )
