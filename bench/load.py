"""Bounded loopback load test of the HTTP API: concurrent clients on ``/match`` and ``/screen``.

    python bench/load.py                         # 50 clients, 60 s per scenario, the real UN list
    python bench/load.py --clients 20 --duration-s 30
    python bench/load.py --quick                 # 5 clients, 3 s: a smoke run (tests/bench/test_load.py)

A store with the UN consolidated list (``../shared/data/sanctions``, or the small
fixture in ``tests/fixtures/lists`` when absent) is built in a temporary folder and
``sanctionwatch serve`` is started on it on a free loopback port. Then, one after
the other, each scenario runs for the same time:

* ``/health`` at N clients: the server-overhead floor (no scoring at all);
* ``/match`` with one client: the peer, one request at a time;
* ``/match`` at N clients;
* a mix, every third request ``/screen``, at N clients.

Each client is a closed loop (send, wait for the answer, send the next), so N clients
keep at most N requests in flight. For each scenario it prints requests, req/s,
p50/p99 latency in ms and errors (any answer other than 200, or a failed request).
Target (issue #15): 0 errors and p99 under 1 s at 50 clients. The client runs on the
same machine as the server, so both share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from sanctionwatch.lists import un
from sanctionwatch.store import open_store
from sanctionwatch.store.entities import save_publication

ROOT = Path(__file__).resolve().parents[1]
UN_FILE = ROOT.parent / "shared" / "data" / "sanctions" / "un_consolidated_2026-02-27.xml"
UN_FIXTURE = ROOT / "tests" / "fixtures" / "lists" / "un_small.xml"
# Names no list holds: most screening traffic is people and ships that are not listed.
_UNLISTED = ("Maria Gonzalez", "OCEAN STAR", "Hans Peter Müller", "Li Wei", "GOLDEN BRIDGE SHIPPING", "김민준")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One scenario's figures."""

    name: str
    clients: int
    requests: int
    errors: int
    duration_s: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """Answered requests per second."""
        return self.requests / self.duration_s if self.duration_s else 0.0

    def line(self) -> str:
        """One row of the printed table."""
        return (
            f"{self.name:<16} {self.clients:>7} {self.requests:>9} {self.rate:>8.1f} "
            f"{self.p50_ms:>8.1f} {self.p99_ms:>8.1f} {self.errors:>6}"
        )


HEADER = (
    f"{'scenario':<16} {'clients':>7} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
    f" {'client CPU %':>10}"
)


def query_names(list_file: Path, n: int = 200) -> list[tuple[str, str]]:
    """(name, schema) pairs to screen: listed names (some upper-cased or a word short) and unlisted ones."""
    pub = un.parse(list_file)
    listed = [(e.caption, e.schema) for e in pub.entities if e.caption][:n]
    names: list[tuple[str, str]] = []
    for i, (name, schema) in enumerate(listed):
        words = name.split()
        if i % 3 == 1:
            name = name.upper()
        elif i % 3 == 2 and len(words) > 2:
            name = " ".join(words[:-1])
        names.append((name, schema))
        names.append((_UNLISTED[i % len(_UNLISTED)], schema))
    return names or [(name, "Person") for name in _UNLISTED]


def build_store(folder: Path, list_file: Path) -> Path:
    """A store at ``folder/load.duckdb`` with ``list_file`` (UN XML) loaded."""
    db = folder / "load.duckdb"
    store = open_store(db)
    try:
        save_publication(store, un.parse(list_file))
    finally:
        store.close()
    return db


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    """``sanctionwatch serve`` on ``db``, once ``/health`` answers."""
    cli = Path(sys.executable).with_name("sanctionwatch")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "sanctionwatch.cli.main"]
    env = {**os.environ, "SANCTIONWATCH_DB": str(db)}
    server = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}): {server.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer /health within 60 s")


def _request(i: int, route: str, names: Sequence[tuple[str, str]]) -> bytes:
    """The bytes of request ``i`` of a scenario (HTTP/1.1, keep-alive)."""
    name, schema = names[i % len(names)]
    if route == "health":
        return b"GET /health HTTP/1.1\r\nHost: load\r\n\r\n"
    if route == "screen" or (route == "mix" and i % 3 == 2):
        path, body = "/screen", {"name": name, "schema": schema, "limit": 5}
    else:
        path, body = "/match/default", {"queries": {"q": {"schema": schema, "properties": {"name": [name]}}}}
    data = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: load\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """Send one request on an open connection and read the whole answer; its status."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(v) for k, _, v in (h.partition(":") for h in lines[1:]) if k.lower() == "content-length")
    await reader.readexactly(length)
    return int(lines[0].split()[1])


async def _client(
    port: int, start: int, route: str, names: Sequence[tuple[str, str]], until: float, latencies: list[float]
) -> int:
    # A bare asyncio HTTP/1.1 client: a general client library (httpx) costs more CPU per request
    # than /health costs the server, and client and server share the machine's cores.
    errors = 0
    i = start
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            request = _request(i, route, names)
            t0 = time.perf_counter()
            try:
                ok = await asyncio.wait_for(_exchange(reader, writer, request), timeout=30) == 200
            except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, StopIteration):
                ok = False
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            latencies.append(time.perf_counter() - t0)
            errors += not ok
            i += 7919  # a prime step: clients walk the names in different orders
    finally:
        writer.close()
    return errors


async def _scenario(
    port: int, name: str, route: str, clients: int, duration_s: float, names: Sequence[tuple[str, str]]
) -> Outcome:
    latencies: list[float] = []
    t0 = time.perf_counter()
    until = t0 + duration_s
    errors = await asyncio.gather(*(_client(port, c, route, names, until, latencies) for c in range(clients)))
    elapsed = time.perf_counter() - t0
    ms = np.asarray(latencies) * 1000 if latencies else np.zeros(1)
    return Outcome(
        name=name,
        clients=clients,
        requests=len(latencies) - sum(errors),
        errors=sum(errors),
        duration_s=elapsed,
        p50_ms=float(np.percentile(ms, 50)),
        p99_ms=float(np.percentile(ms, 99)),
    )


def run(port: int, *, clients: int, duration_s: float, names: Sequence[tuple[str, str]]) -> list[Outcome]:
    """Every scenario against the server on ``port``, one after the other (after a second of warm-up)."""
    # The first /match and /screen build the screener; that is start-up, not load.
    asyncio.run(_scenario(port, "warm-up", "mix", 1, 1.0, names))
    plan = (
        ("health", "health", clients),
        ("match 1 client", "match", 1),
        ("match", "match", clients),
        ("match+screen", "mix", clients),
    )
    outcomes = []
    for name, route, n in plan:
        cpu0 = time.process_time()
        outcome = asyncio.run(_scenario(port, name, route, n, duration_s, names))
        client_cpu = (time.process_time() - cpu0) / outcome.duration_s
        print(f"{outcome.line()} {100 * client_cpu:>10.0f}", flush=True)
        outcomes.append(outcome)
    return outcomes


def main(argv: Sequence[str] | None = None) -> list[Outcome]:
    """Parse the options, build the store, start the server, run the scenarios and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients of the loaded scenarios")
    parser.add_argument("--duration-s", type=float, default=60.0, help="seconds per scenario")
    parser.add_argument("--list", type=Path, default=None, help="UN consolidated XML [default: the real file]")
    parser.add_argument("--quick", action="store_true", help="5 clients, 3 s per scenario")
    args = parser.parse_args(argv)
    clients, duration_s = (5, 3.0) if args.quick else (args.clients, args.duration_s)
    list_file: Path = args.list or (UN_FILE if UN_FILE.exists() else UN_FIXTURE)
    with tempfile.TemporaryDirectory(prefix="sw-load-") as tmp:
        db = build_store(Path(tmp), list_file)
        names = query_names(list_file)
        port = free_port()
        server = start_server(db, port)
        try:
            print(f"list: {list_file.name}; {len(names)} query names; {clients} clients, {duration_s:g} s each")
            print(f"cores: {os.cpu_count()} (client and server share them)")
            print(HEADER)
            outcomes = run(port, clients=clients, duration_s=duration_s, names=names)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    loaded = [o for o in outcomes if o.clients == clients and o.name != "health"]
    worst = max(loaded, key=lambda o: o.p99_ms)
    errors = sum(o.errors for o in outcomes)
    verdict = "met" if errors == 0 and worst.p99_ms < 1000 else "NOT met"
    print(
        f"target (0 errors, p99 < 1000 ms at {clients} clients): {verdict}; worst p99 {worst.p99_ms:.1f} ms ({worst.name})"
    )
    return outcomes


if __name__ == "__main__":
    main()
