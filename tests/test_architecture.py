"""Imports flow one way (docs/architecture.md): a wrong-way import fails here, naming the file and line.

The layers, top to bottom; a module may import its own package and any package
of a lower layer, never one beside it or above it:

    cli  >  api  >  demo  >  report  >  engines  >  risk, simulate  >  events, screening
    >  ais, lists, regime  >  store  >  model, identifiers, ids, settings  >  units, exc

Besides the layers: detectors are pure (no store, DuckDB or Dask, no reference data
loaded behind the caller's back), the engines reach the detectors only through
``events.pipeline``, and the heavy optional libraries stay behind their extras.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "sanctionwatch"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("cli",),
    ("api",),
    ("demo",),
    ("report",),
    ("engines",),
    ("risk", "simulate", "evaluate"),
    ("events", "screening"),
    ("ais", "lists", "regime"),
    ("store",),
    ("model", "identifiers", "ids", "settings"),
    ("units", "exc", "yamlio", "diskcache", ""),
)
RANK = {pkg: rank for rank, layer in enumerate(LAYERS) for pkg in layer}

# Pure code: detection and track work import no engine, store or database.
PURE = ("sanctionwatch.events", "sanctionwatch.ais.tracks")
IMPURE = ("duckdb", "dask", "distributed", "sanctionwatch.store", "sanctionwatch.engines")
# Engines dispatch; they may know the pipeline and the event table, not what a detector computes.
ENGINE_MAY_IMPORT_FROM_EVENTS = (
    "sanctionwatch.events.pipeline",
    "sanctionwatch.events.config",
    "sanctionwatch.events.build",
)
# Optional extras: only these modules may import them (and only lazily, inside functions, outside api/).
OPTIONAL = {
    "fastapi": ("sanctionwatch.api", "sanctionwatch.cli.serve"),
    "uvicorn": ("sanctionwatch.api", "sanctionwatch.cli.serve"),
    "starlette": ("sanctionwatch.api",),
    "pydantic": ("sanctionwatch.api",),
    "dask": ("sanctionwatch.engines.dask",),
    "distributed": ("sanctionwatch.engines.dask",),
    "followthemoney": ("sanctionwatch.lists.ftm",),
    "playwright": (),
}


@dataclass(frozen=True)
class Import:
    """One import statement: where it is, what it imports, which names, at module top or inside a function."""

    module: str
    path: str
    line: int
    target: str
    names: tuple[str, ...]
    top_level: bool


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, path: str, *, is_package: bool) -> Iterator[Import]:
    """Every import in ``source`` (of ``module``), relative ones resolved to absolute names."""
    tree = ast.parse(source)
    nested = {
        id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in ast.walk(f)
    }
    base = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, path, node.lineno, alias.name, (), id(node) not in nested)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                stem = base[: len(base) - (node.level - 1)]
                target = ".".join(stem + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(a.name for a in node.names)
            yield Import(module, path, node.lineno, target, names, id(node) not in nested)
            # "from . import ofac" imports a module: check it as one.
            for name in names:
                yield Import(module, path, node.lineno, f"{target}.{name}", (), id(node) not in nested)


def package_of(name: str) -> str | None:
    """``events`` for ``sanctionwatch.events.gaps``; ``""`` for the root package; None outside it."""
    parts = name.split(".")
    if parts[0] != "sanctionwatch":
        return None
    return parts[1] if len(parts) > 1 else ""


def violations(found: Iterable[Import], known_modules: set[str]) -> list[str]:
    """Every rule broken by ``found`` imports, as ``path:line: message``."""
    out = []
    for imp in found:
        where = f"{imp.path}:{imp.line}: {imp.module} imports {imp.target}"
        src_pkg, dst_pkg = package_of(imp.module), package_of(imp.target)
        if dst_pkg is not None and imp.target not in known_modules and imp.target.rsplit(".", 1)[0] in known_modules:
            # "from package import name" where name is not a module: its package was checked already
            continue
        if dst_pkg is not None and src_pkg is not None and src_pkg != dst_pkg:
            if src_pkg not in RANK or dst_pkg not in RANK:
                out.append(f"{where}: {src_pkg or dst_pkg!r} has no layer in tests/test_architecture.py")
            elif RANK[dst_pkg] <= RANK[src_pkg]:
                side = "beside" if RANK[dst_pkg] == RANK[src_pkg] else "above"
                out.append(f"{where}: {dst_pkg} is {side} {src_pkg} in the layer order")
        if imp.module.startswith(PURE) and imp.target.startswith(IMPURE):
            out.append(f"{where}: detection code is pure (no store, DuckDB or Dask)")
        if (
            imp.module.startswith("sanctionwatch.events.")
            and imp.module != "sanctionwatch.events.pipeline"
            and imp.target.startswith("sanctionwatch.regime")
            and any(n[:1].islower() for n in imp.names)
        ):
            # Types (Area, FlagTable) and constants are fine; a function would read shipped data itself.
            out.append(f"{where} ({', '.join(imp.names)}): detectors take reference data as arguments")
        if (
            imp.module.startswith("sanctionwatch.engines")
            and imp.target.startswith("sanctionwatch.events.")
            and not imp.target.startswith(ENGINE_MAY_IMPORT_FROM_EVENTS)
        ):
            out.append(f"{where}: engines reach detectors only through events.pipeline")
        root = imp.target.split(".")[0]
        if root in OPTIONAL:
            allowed = OPTIONAL[root]
            if not imp.module.startswith(allowed) if allowed else True:
                out.append(f"{where}: {root} belongs to an optional extra")
            elif imp.top_level and not imp.module.startswith("sanctionwatch.api"):
                out.append(f"{where}: import {root} inside the function that needs it (optional extra)")
    return out


def source_imports() -> tuple[list[Import], set[str]]:
    found, modules = [], set()
    for path in sorted(SRC.rglob("*.py")):
        name = module_name(path, SRC)
        modules.add(name)
        rel = str(path.relative_to(SRC.parents[1]))
        found += imports_of(path.read_text(encoding="utf-8"), name, rel, is_package=path.name == "__init__.py")
    return found, modules


def test_imports_flow_one_way():
    found, modules = source_imports()
    assert len(modules) > 50
    problems = violations(found, modules)
    assert not problems, "\n".join(problems)


def test_every_package_has_a_layer():
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    packages |= {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    assert packages <= set(RANK), f"packages with no layer: {sorted(packages - set(RANK))}"


KNOWN = {
    "sanctionwatch.store.entities",
    "sanctionwatch.model.entity",
    "sanctionwatch.engines.partition",
    "sanctionwatch.events.encounters",
    "sanctionwatch.events.gaps",
    "sanctionwatch.regime.geography",
    "sanctionwatch.events.pipeline",
    "sanctionwatch.events",
    "sanctionwatch.regime",
    "sanctionwatch.lists",
    "sanctionwatch.store",
    "sanctionwatch.engines",
    "sanctionwatch.report.html",
    "sanctionwatch.cli.main",
    "sanctionwatch.screening.screen",
    "sanctionwatch.events.identity",
    "sanctionwatch.regime.flags",
}


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        # the arrows issue #9 found: the store reaching up into a domain package ...
        ("sanctionwatch.store.entities", "from ..lists.model import Entity", "above store"),
        # ... an engine wiring detectors itself ...
        ("sanctionwatch.engines.partition", "from ..events.encounters import detect_encounters", "events.pipeline"),
        # ... a detector loading reference data behind the caller's back ...
        ("sanctionwatch.events.gaps", "from ..regime.geography import load_land", "as arguments"),
        ("sanctionwatch.events.identity", "from ..regime.flags import flags_of_mmsi", "as arguments"),
        # ... and a detector touching the store or DuckDB
        ("sanctionwatch.events.gaps", "import duckdb", "pure"),
        ("sanctionwatch.events.gaps", "from ..store import Store", "pure"),
        # sideways and upwards in general
        ("sanctionwatch.events.gaps", "from ..screening.screen import Screener", "beside events"),
        ("sanctionwatch.model.entity", "from ..report.html import render_report", "above model"),
        ("sanctionwatch.lists", "from .. import cli", "above lists"),
        # optional extras stay optional
        ("sanctionwatch.report.html", "import fastapi", "optional extra"),
        ("sanctionwatch.lists.ftm", "import followthemoney", "inside the function"),
    ],
)
def test_the_checker_catches_wrong_way_imports(module, source, expected):
    found = list(imports_of(source, module, "x.py", is_package=module.count(".") == 1))
    problems = violations(found, KNOWN)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("sanctionwatch.cli.main", "from ..report.html import render_report"),
        ("sanctionwatch.events.pipeline", "from ..regime.geography import load_land"),
        ("sanctionwatch.engines.partition", "from ..events.pipeline import DetectionContext"),
        ("sanctionwatch.screening.screen", "from ..model.entity import Entity"),
        ("sanctionwatch.events.identity", "from ..regime.flags import FlagTable"),
        ("sanctionwatch.lists.ftm", "def f():\n    import followthemoney"),
    ],
)
def test_the_checker_allows_downward_imports(module, source):
    assert violations(imports_of(source, module, "x.py", is_package=False), KNOWN) == []
