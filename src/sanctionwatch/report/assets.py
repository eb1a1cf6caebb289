"""The map library inlined into the report: Leaflet from the installed ``xstatic-leaflet`` package.

The report must open with the network off, so nothing is fetched from a CDN: the
JavaScript and CSS are read from the Python package and written into the HTML.
The images the CSS refers to (the layer-control icon) become ``data:`` URIs so the
file asks for nothing beside itself either.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..exc import ConfigError


@dataclass(frozen=True, slots=True)
class MapLibrary:
    """The inlined map library: its version, script and stylesheet."""

    name: str
    version: str
    js: str
    css: str


def _leaflet_dir() -> tuple[Path, str]:
    try:
        from xstatic.pkg import leaflet
    except ImportError as err:  # pragma: no cover - a core dependency; only a broken install lands here
        raise ConfigError("the report map needs the xstatic-leaflet package: pip install xstatic-leaflet") from err
    return Path(leaflet.BASE_DIR), str(leaflet.VERSION)


def _inline_images(css: str, base: Path) -> str:
    """Replace ``url(images/x.png)`` in ``css`` by data URIs of the files beside it (dropped if absent)."""

    def repl(match: re.Match[str]) -> str:
        path = base / match.group(1)
        if not path.is_file():
            return "none"
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\(\s*['\"]?(images/[^'\")]+\.png)['\"]?\s*\)", repl, css)


@lru_cache(maxsize=1)
def leaflet() -> MapLibrary:
    """Leaflet's minified script and its stylesheet (images inlined), from the installed package."""
    base, version = _leaflet_dir()
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    # The source-map comment would make developer tools ask for a file that is not there.
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    css = _inline_images((base / "leaflet.css").read_text(encoding="utf-8"), base)
    return MapLibrary("Leaflet", version, js, css)
