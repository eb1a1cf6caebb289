"""``bench/load.py`` in quick mode: a real server on loopback, 5 clients for 3 s per scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the load test serves the API (the [api] extra)")

import load  # noqa: E402  (bench/ is on sys.path through tests/bench/conftest.py)

UN_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "un_small.xml"


@pytest.mark.slow
def test_quick_load_has_no_errors_and_prints_the_figures(capsys):
    outcomes = load.main(["--quick", "--list", str(UN_FIXTURE)])
    out = capsys.readouterr().out
    assert [o.name for o in outcomes] == ["health", "match 1 client", "match", "match+screen"]
    assert [o.clients for o in outcomes] == [5, 1, 5, 5]
    assert all(o.requests > 0 for o in outcomes)
    assert sum(o.errors for o in outcomes) == 0
    assert load.HEADER in out and "p99 ms" in out and "req/s" in out
    for outcome in outcomes:
        assert outcome.line() in out
    assert "target (0 errors, p99 < 1000 ms at 5 clients)" in out


def test_requests_are_what_the_routes_take():
    names = [("KIM YONG CHOL", "Person"), ("OCEAN STAR", "Vessel")]
    assert load._request(0, "health", names).startswith(b"GET /health HTTP/1.1\r\n")
    match = load._request(0, "match", names)
    assert match.startswith(b"POST /match/default ") and b'"name": ["KIM YONG CHOL"]' in match
    head, body = load._request(2, "mix", names).split(b"\r\n\r\n")
    assert head.startswith(b"POST /screen ") and f"Content-Length: {len(body)}".encode() in head
