"""``api.scoring``: CPU-bound route work on worker threads, a bounded number at once, in arrival order."""

from __future__ import annotations

import threading
import time

import pytest

pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

import anyio  # noqa: E402
from starlette.requests import Request  # noqa: E402

from sanctionwatch.api import create_app  # noqa: E402
from sanctionwatch.api.config import ApiConfig  # noqa: E402
from sanctionwatch.api.scoring import run_scoring  # noqa: E402
from sanctionwatch.settings import AppConfig  # noqa: E402

from .conftest import entities  # noqa: E402


@pytest.mark.parametrize("threads", [1, 3])
def test_at_most_scoring_threads_at_once_first_come_first_served(tmp_path, threads):
    app = create_app(AppConfig(db=tmp_path / "x.duckdb"), entities=entities(), api=ApiConfig(scoring_threads=threads))
    request = Request({"type": "http", "app": app, "headers": [], "method": "POST", "path": "/screen"})
    lock = threading.Lock()
    running, most, started = 0, 0, []

    def work(n: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            started.append(n)
        time.sleep(0.02)  # holds its slot; the others must wait for it
        with lock:
            running -= 1
        return n * n

    async def main() -> list[int]:
        results: list[int] = []

        async def one(n: int) -> None:
            results.append(await run_scoring(request, work, n))

        async with anyio.create_task_group() as tg:
            for n in range(12):
                tg.start_soon(one, n)
                await anyio.sleep(0.001)  # arrive in order
        return results

    results = anyio.run(main)
    assert sorted(results) == [n * n for n in range(12)]
    assert most == threads
    if threads == 1:
        assert started == list(range(12))  # one at a time: exactly in arrival order
