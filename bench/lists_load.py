"""Benchmark loading the UN + OFAC lists: parse, store, read back.

    python bench/lists_load.py                 # the real files in ../shared/data/sanctions
    python bench/lists_load.py --repeat 3      # best of 3 runs

Prints, in one run:

* parse time of the UN consolidated XML and of the OFAC CSV triple (records/s);
* store time (DuckDB, one transaction per publication) and ``load_entities`` time;
* beside them, the floor a loader cannot beat: the standard library reading the
  same bytes (ElementTree parse of the XML, ``csv.reader`` over the three CSV
  files) with no mapping to entities.
Target (issue #3): UN + OFAC parsed and stored in under 10 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from sanctionwatch.lists import ofac, un
from sanctionwatch.store import open_store
from sanctionwatch.store.entities import load_entities, save_publication

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sanctions"
UN_FILE = "un_consolidated_2026-02-27.xml"
OFAC_FILES = ("ofac_sdn_2024-05-03.csv", "ofac_alt.csv", "ofac_add.csv")


def _timed(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def floor(data: Path) -> int:
    """Standard-library read of the same files: the lower bound for any loader."""
    rows = len(ET.parse(data / UN_FILE).getroot())
    for name in OFAC_FILES:
        text = (data / name).read_bytes().decode("cp1252")
        rows += sum(1 for _ in csv.reader(io.StringIO(text)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding the list files")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best is shown")
    args = parser.parse_args()
    data: Path = args.data

    t_un, un_pub = _timed(lambda: un.parse(data / UN_FILE), args.repeat)
    t_ofac, ofac_pub = _timed(lambda: ofac.parse([data / n for n in OFAC_FILES]), args.repeat)

    def store_both() -> tuple[float, int]:
        """Store both publications in a fresh store; (read-back seconds, entities read back)."""
        with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bench.duckdb") as store:
            save_publication(store, un_pub)
            save_publication(store, ofac_pub)
            t0 = time.perf_counter()
            n = len(load_entities(store))
            return time.perf_counter() - t0, n

    t_store, (read_s, read_back) = _timed(store_both, args.repeat)
    t_store -= read_s
    t_floor, floor_rows = _timed(lambda: floor(data), args.repeat)

    n_un, n_ofac = len(un_pub.entities), len(ofac_pub.entities)
    total = t_un + t_ofac + t_store
    print(f"UN   parse  {t_un:6.2f} s  {n_un:>6,} records  {n_un / t_un:>9,.0f} records/s")
    print(f"OFAC parse  {t_ofac:6.2f} s  {n_ofac:>6,} records  {n_ofac / t_ofac:>9,.0f} records/s  (sdn+alt+add)")
    print(f"store       {t_store:6.2f} s  {n_un + n_ofac:>6,} records (DuckDB, JSON per entity)")
    print(f"read back   {read_s:6.2f} s  {read_back:>6,} entities (load_entities)")
    print(
        f"total       {total:6.2f} s  parse + store of UN + OFAC   [target < 10 s: {'met' if total < 10 else 'MISSED'}]"
    )
    print(
        f"peer floor  {t_floor:6.2f} s  {floor_rows:>6,} rows: "
        "stdlib ElementTree + csv.reader of the same files, no mapping"
    )


if __name__ == "__main__":
    main()
