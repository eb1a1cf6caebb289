from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanctionwatch.exc import ChecksumError, NetworkError
from sanctionwatch.lists.fetch import FetchConfig, update
from sanctionwatch.store.entities import list_versions, load_entities

FAST = FetchConfig(timeout_s=5.0, retries=2, backoff_s=0.0)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


@pytest.fixture()
def server(tmp_path: Path, fixtures: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server (loopback only) serving a copy of the fixture files."""
    root = tmp_path / "www"
    root.mkdir()
    for name in ("un_small.xml", "ofac_sdn.csv", "ofac_alt.csv", "ofac_add.csv"):
        (root / name).write_bytes((fixtures / name).read_bytes())
    (root / "page.html").write_text("<html><body>maintenance</body></html>")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _urls(base: str) -> dict[str, tuple[str, ...]]:
    return {
        "un": (f"{base}/un_small.xml",),
        "ofac": (f"{base}/ofac_sdn.csv", f"{base}/ofac_alt.csv", f"{base}/ofac_add.csv"),
    }


def test_update_downloads_checks_and_stores(store, server, tmp_path: Path):
    base, root = server
    downloads = tmp_path / "lists"
    results = update(store, _urls(base), settings=FAST, download_dir=downloads)
    assert [(r.source, r.load.record_count, r.load.loaded) for r in results] == [("un", 2, True), ("ofac", 4, True)]
    assert (downloads / "un" / "un_small.xml").read_bytes() == (root / "un_small.xml").read_bytes()
    assert not list(downloads.rglob("*.part"))
    assert {e.id for e in load_entities(store, ["ofac"])} == {"ofac-100", "ofac-200", "ofac-300", "ofac-400"}
    # Same files again: nothing new is stored.
    again = update(store, _urls(base), settings=FAST, download_dir=downloads)
    assert [r.load.loaded for r in again] == [False, False]
    assert len(list_versions(store)) == 2


def test_wrong_content_replaces_nothing(store, server, tmp_path: Path):
    base, _ = server
    downloads = tmp_path / "lists"
    update(store, _urls(base), sources=["un"], settings=FAST, download_dir=downloads)
    before = (downloads / "un" / "un_small.xml").read_bytes()
    bad = {"un": (f"{base}/page.html",)}
    with pytest.raises(ChecksumError, match="expected a un list file"):
        update(store, bad, sources=["un"], settings=FAST, download_dir=downloads)
    assert (downloads / "un" / "un_small.xml").read_bytes() == before
    assert not list(downloads.rglob("*.part"))
    assert len(list_versions(store)) == 1


def test_truncated_download_is_refused(store, server, tmp_path: Path):
    base, root = server
    raw = (root / "un_small.xml").read_bytes()
    (root / "cut.xml").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ChecksumError, match="does not parse"):
        update(store, {"un": (f"{base}/cut.xml",)}, sources=["un"], settings=FAST, download_dir=tmp_path / "l")
    assert list_versions(store) == []


def test_http_404_is_not_retried(store, server, tmp_path: Path):
    base, _ = server
    with pytest.raises(NetworkError, match="HTTP 404"):
        update(store, {"un": (f"{base}/missing.xml",)}, sources=["un"], settings=FAST, download_dir=tmp_path / "l")


def test_no_network_says_so(store, tmp_path: Path):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError, match=r"after 2 tries .*no network\?"):
        update(
            store,
            {"un": (f"http://127.0.0.1:{port}/x.xml",)},
            sources=["un"],
            settings=FAST,
            download_dir=tmp_path / "l",
        )
    assert list_versions(store) == []
