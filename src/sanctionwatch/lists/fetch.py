"""Download the current lists from their publishers, check them, store them.

Each source's files are downloaded to ``*.part`` files with a timeout and retries,
recognised by content and parsed (a truncated or wrong download fails here), and
only then moved over the previous copies and stored as a new list version. A source
that fails leaves its previous files and stored version untouched. No network gives
a :class:`~sanctionwatch.exc.NetworkError` that says so.
"""

from __future__ import annotations

import logging
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__
from ..exc import ChecksumError, InputError, NetworkError
from ..ids import file_sha256
from ..model.entity import ListPublication
from ..settings import load_config, settings_group
from ..store.connection import Store
from ..store.entities import LoadResult, save_publication
from .sniff import FORMATS, sniff

log = logging.getLogger(__name__)

# Publishers' download addresses, per source. OFAC's CSV publication is three files.
OFFICIAL_URLS: dict[str, tuple[str, ...]] = {
    "un": ("https://scsanctions.un.org/resources/xml/en/consolidated.xml",),
    "ofac": (
        "https://www.treasury.gov/ofac/downloads/sdn.csv",
        "https://www.treasury.gov/ofac/downloads/alt.csv",
        "https://www.treasury.gov/ofac/downloads/add.csv",
    ),
    "eu": ("https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",),
    "uk": ("https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",),
}
# What `lists update` fetches unless told otherwise: the lists the DPRK work rests on.
DEFAULT_SOURCES: tuple[str, ...] = ("un", "ofac")
# Format each source's download must have (checked before anything is replaced).
SOURCE_FORMATS = {"un": "un", "ofac": "ofac", "eu": "eu", "uk": "uk"}

_CHUNK = 1 << 16


@settings_group("SANCTIONWATCH_LISTS_")
@dataclass(frozen=True)
class FetchConfig:
    """Download behaviour of ``lists update`` (``SANCTIONWATCH_LISTS_*`` variables)."""

    timeout_s: float = field(
        default=60.0, metadata={"help": "seconds to wait for a publisher before giving up on a try"}
    )
    retries: int = field(default=3, metadata={"help": "tries per file for network errors and HTTP 5xx"})
    backoff_s: float = field(default=2.0, metadata={"help": "wait before the second try; doubles each try"})
    max_file_mb: float = field(default=500.0, metadata={"help": "refuse a download larger than this (MB)"})


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """One source brought up to date: where its files are and what the store did."""

    source: str
    files: tuple[str, ...]
    load: LoadResult


def _download_once(url: str, target: Path, settings: FetchConfig) -> None:
    request = urllib.request.Request(url, headers={"User-Agent": f"sanctionwatch/{__version__}"})
    limit = int(settings.max_file_mb * 1_000_000)
    with urllib.request.urlopen(request, timeout=settings.timeout_s) as response, open(target, "wb") as out:
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise ChecksumError(
                    f"{url}: download exceeds {settings.max_file_mb} MB; not a list file?",
                    actual=f">{limit} bytes",
                    expected=f"<= {limit} bytes",
                    url=url,
                )
            out.write(chunk)
        declared = response.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) != size:
            raise NetworkError(f"{url}: connection closed after {size} of {declared} bytes")


def download(url: str, target: Path, settings: FetchConfig) -> None:
    """Download ``url`` to ``target`` with retries; :class:`NetworkError` when it cannot."""
    host = urlsplit(url).netloc or url
    delay = settings.backoff_s
    last: Exception | None = None
    for attempt in range(1, max(settings.retries, 1) + 1):
        try:
            _download_once(url, target, settings)
            return
        except urllib.error.HTTPError as err:
            last = err
            if err.code < 500:  # the publisher answered: retrying will not change its mind
                raise NetworkError(f"{url}: HTTP {err.code} {err.reason}") from err
        except (urllib.error.URLError, TimeoutError, ConnectionError, NetworkError) as err:
            last = err
        log.warning("download of %s failed (try %d of %d): %s", url, attempt, settings.retries, last)
        if attempt < settings.retries:
            time.sleep(delay)
            delay *= 2
    reason = getattr(last, "reason", last)
    raise NetworkError(
        f"cannot download {url} from {host} after {settings.retries} tries ({reason}); "
        "no network? Load files you have with `sanctionwatch lists load FILE...`"
    ) from last


def _check(source: str, parts: list[Path], urls: Sequence[str]) -> ListPublication:
    """Parse the downloaded files of ``source``, refusing anything not of its format."""
    expected = SOURCE_FORMATS.get(source, source)
    for part, url in zip(parts, urls, strict=True):
        try:
            got = sniff(part)
        except InputError as err:
            got = f"unrecognised content ({err.detail.split(': ', 1)[-1]})"
        if got != expected:
            raise ChecksumError(
                f"{url}: expected a {expected} list file, got {got}", actual=got, expected=expected, url=url
            )
    try:
        return FORMATS[expected](parts if len(parts) > 1 else parts[0])
    except InputError as err:
        raise ChecksumError(
            f"{urls[0]}: download does not parse: {err.detail}",
            actual=file_sha256(parts[0]),
            expected=expected,
            url=urls[0],
        ) from err


def update(
    store: Store,
    urls: Mapping[str, Sequence[str]] = OFFICIAL_URLS,
    *,
    sources: Sequence[str] = DEFAULT_SOURCES,
    settings: FetchConfig | None = None,
    download_dir: Path | None = None,
) -> list[UpdateResult]:
    """Download, check and store the current publication of each of ``sources``.

    Files are kept in ``download_dir/<source>/`` (default: ``lists`` beside the
    store). Raises on the first source that fails; sources already done stay done.
    """
    settings = settings or load_config(FetchConfig)
    folder = download_dir or store.data_dir / "lists"
    results = []
    for source in sources:
        if source not in urls:
            raise InputError(f"no download address for list {source!r}; known: {', '.join(urls)}")
        target_dir = folder / source
        target_dir.mkdir(parents=True, exist_ok=True)
        finals = [target_dir / (Path(urlsplit(u).path).name or "download") for u in urls[source]]
        if source == "eu":  # the EU address ends in ".../content"
            finals = [target_dir / "eu_fsf.xml"]
        parts = [f.with_name(f.name + ".part") for f in finals]
        try:
            for url, part in zip(urls[source], parts, strict=True):
                download(url, part, settings)
            pub = _check(source, parts, list(urls[source]))
        except BaseException:
            for part in parts:
                part.unlink(missing_ok=True)
            raise
        for part, final in zip(parts, finals, strict=True):
            os.replace(part, final)  # atomic on one file system
        pub.files = tuple(str(f) for f in finals)
        results.append(UpdateResult(source, pub.files, save_publication(store, pub)))
    return results
