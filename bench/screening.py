"""Benchmark screening: recall, precision and speed on a labelled set from the real lists.

    python bench/screening.py                          # 450 positives + 150 negatives, seed 7
    python bench/screening.py --positives 900 --negatives 300 --seed 11
    python bench/screening.py --no-peer                # sanctionwatch only (no nomenklatura)

Prints, in one run, against UN + OFAC together (about 16,000 records from
../shared/data/sanctions):

* index build time;
* for sanctionwatch ``dprk-v1``: recall and precision at its default threshold,
  recall per kind of variant, queries per second (one process, index lookup
  and scoring, five results per query);
* for OpenSanctions ``nomenklatura`` ``logic-v2`` (the ``[bench]`` extra), on the
  same queries and the same candidates: each query's candidates come from the
  sanctionwatch index, filtered to the FtM schemata the query can match (as yente
  does), and are scored by logic-v2 at yente's default threshold 0.70. Its
  queries per second count scoring only (entities converted to FtM beforehand).

The labelled set is built from the list files at run time
(:func:`sanctionwatch.screening.labelled.build_labelled_set`); nothing derived
from the lists is stored. Targets (issue #4): recall >= 0.97 and precision >=
0.97, both better than logic-v2; >= 1,000 queries/s; build < 10 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sanctionwatch.lists import ofac, un
from sanctionwatch.model.entity import Entity
from sanctionwatch.screening.labelled import LabelledQuery, Metrics, build_labelled_set, evaluate
from sanctionwatch.screening.screen import Query, Screener

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "sanctions"
PEER_THRESHOLD = 0.70  # yente's default SCORE_THRESHOLD for logic-v2


def load_lists(folder: Path) -> list[Entity]:
    """UN consolidated + OFAC SDN entities from the shared list files."""
    un_pub = un.parse(folder / "un_consolidated_2026-02-27.xml")
    ofac_pub = ofac.parse([folder / "ofac_sdn_2024-05-03.csv", folder / "ofac_alt.csv", folder / "ofac_add.csv"])
    return un_pub.entities + ofac_pub.entities


@dataclass(frozen=True)
class Speed:
    """Queries per second by the wall clock and by this process's CPU time.

    The CPU figure is what one core gives when the machine is shared with other work.
    """

    wall_qps: float
    cpu_qps: float


class _Clock:
    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def speed(self, n: int) -> Speed:
        return Speed(n / self.wall, n / self.cpu)


def run_sanctionwatch(screener: Screener, labelled: Sequence[LabelledQuery]) -> tuple[dict[str, list[str]], Speed]:
    """Matched entity ids per query, and speed."""
    matched: dict[str, list[str]] = {}
    with _Clock() as clock:
        for lq in labelled:
            matched[lq.query.id] = [r.entity.id for r in screener.match(lq.query, limit=5) if r.match]
    return matched, clock.speed(len(labelled))


def _ftm(entity: Entity):  # type: ignore[no-untyped-def]
    from followthemoney import model

    proxy = model.make_entity(entity.schema if entity.schema in model.schemata else "LegalEntity")
    proxy.id = entity.id
    props = {"primary": "name", "alias": "alias", "weak_alias": "weakAlias", "previous": "previousName"}
    for n in entity.names:
        proxy.add(props.get(n.kind, "alias"), n.value, quiet=True)
    for ident in entity.identifiers:
        proxy.add(ident.kind, ident.value, quiet=True)
    proxy.add("birthDate", entity.birth_dates, quiet=True)
    country = {"Person": "nationality", "Vessel": "flag"}.get(entity.schema, "country")
    proxy.add(country, entity.countries, quiet=True)
    return proxy


def _ftm_query(query: Query):  # type: ignore[no-untyped-def]
    from followthemoney import model

    proxy = model.make_entity(query.schema or "LegalEntity")
    proxy.id = query.id
    proxy.add("name", query.name, quiet=True)
    if query.imo:
        proxy.add("imoNumber", query.imo, quiet=True)
    if query.birth_date:
        proxy.add("birthDate", query.birth_date, quiet=True)
    return proxy


def run_logic_v2(screener: Screener, labelled: Sequence[LabelledQuery]) -> tuple[dict[str, list[str]], Speed, str]:
    """Matched entity ids per query with nomenklatura logic-v2 on sanctionwatch's candidates."""
    from importlib.metadata import version

    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = algorithm.default_config()
    proxies = {ie.entity.id: _ftm(ie.entity) for ie in screener.index.entities}
    work = []
    for lq in labelled:
        query = _ftm_query(lq.query)
        candidates = [proxies[c.entity.id] for c in screener.index.candidates(screener.index.prepare(lq.query))]
        work.append((lq.query.id, query, [c for c in candidates if query.schema.can_match(c.schema)]))
    matched: dict[str, list[str]] = {}
    with _Clock() as clock:
        for qid, query, candidates in work:
            scored = sorted(((algorithm.compare(query, c, config).score, c.id) for c in candidates), reverse=True)[:5]
            matched[qid] = [cid for score, cid in scored if score >= PEER_THRESHOLD]
    return matched, clock.speed(len(labelled)), version("nomenklatura")


def report(label: str, metrics: Metrics, speed: Speed) -> None:
    print(f"\n{label}")
    print(f"  recall     {metrics.recall:.4f}  ({metrics.found}/{metrics.positives} positive queries)")
    print(f"  precision  {metrics.precision:.4f}  ({metrics.correct}/{metrics.matches} matches)")
    print(f"  queries/s  {speed.wall_qps:,.0f} wall clock, {speed.cpu_qps:,.0f} per CPU second")
    print("  recall by kind: " + ", ".join(f"{k} {v:.3f}" for k, v in metrics.recall_by_kind.items()))
    for qid, name, eid in metrics.false_matches[:8]:
        print(f"    false match  {qid:>10}  {name!r} -> {eid}")
    for qid, name in metrics.missed[:8]:
        print(f"    missed       {qid:>10}  {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the UN and OFAC list files")
    parser.add_argument("--positives", type=int, default=450)
    parser.add_argument("--negatives", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-peer", action="store_true", help="skip nomenklatura logic-v2")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no list files at {args.data}", file=sys.stderr)
        return 2

    entities = load_lists(args.data)
    with _Clock() as build:
        screener = Screener(entities)
    labelled = build_labelled_set(entities, seed=args.seed, positives=args.positives, negatives=args.negatives)
    negatives = sum(not lq.positive for lq in labelled)
    print(f"lists: {len(entities):,} entities (UN + OFAC), {screener.index.name_count:,} names")
    print(f"index build: {build.wall:.2f} s wall clock, {build.cpu:.2f} s CPU")
    print(
        f"labelled set (seed {args.seed}): {len(labelled)} queries, {len(labelled) - negatives} positive, {negatives} negative"
    )

    matched, qps = run_sanctionwatch(screener, labelled)
    report(
        f"sanctionwatch {screener.algorithm.name} (threshold {screener.threshold:.2f})",
        evaluate(labelled, matched),
        qps,
    )

    if not args.no_peer:
        peer, peer_speed, peer_version = run_logic_v2(screener, labelled)
        report(
            f"nomenklatura {peer_version} logic-v2 (threshold {PEER_THRESHOLD:.2f}, same candidates, scoring only)",
            evaluate(labelled, peer),
            peer_speed,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
