"""CPU-bound route work (scoring names) off the event loop, a bounded number at a time, first come first served.

Scoring is mostly Python holding the GIL (only rapidfuzz's inner loops release
it), so beyond a few threads requests only take turns: forty scored at once (the
threadpool's default for ``def`` routes) each take many times as long, in an order
the scheduler picks, and the event loop waits its turn too. Routes instead
``await run_scoring(...)``: the work runs on a worker thread, at most
``ApiConfig.scoring_threads`` at once, and the others wait in the event loop in
arrival order (anyio's ``CapacityLimiter`` queue), so latency is the queue ahead
plus one request's own time, and the loop stays free for ``/health`` and I/O.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio
from fastapi import Request

P = ParamSpec("P")
T = TypeVar("T")


def _limiter(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    # Made on first use: a limiter belongs to the running event loop, which create_app has not.
    limiter: anyio.CapacityLimiter | None = getattr(state, "scoring_limiter", None)
    if limiter is None:
        limiter = state.scoring_limiter = anyio.CapacityLimiter(state.api_config.scoring_threads)
    return limiter


async def run_scoring(request: Request, func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``func(*args, **kwargs)`` on a worker thread, queued behind the scoring already admitted."""
    return await anyio.to_thread.run_sync(functools.partial(func, *args, **kwargs), limiter=_limiter(request))
