"""What every command shares: settings, the store, consoles and progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..settings import AppConfig
from ..store import Store, open_store

# Messages are not broken at 80 columns when piped: a path stays one piece of text.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class AppState:
    """Per-invocation state set by the global options."""

    settings: AppConfig
    _store: Store | None = field(default=None, repr=False)

    def store(self) -> Store:
        """The store named by ``--db`` (opened and migrated on first use)."""
        if self._store is None:
            self._store = open_store(self.settings.db)
        return self._store

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> AppState:
    """The :class:`AppState` of the running command."""
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, AppState):
        raise RuntimeError("sanctionwatch CLI state missing: call through sanctionwatch.cli.main.app")
    return obj


@contextmanager
def progress(quiet: bool, description: str = "", total: float | None = None) -> Iterator[Progress]:
    """A rich progress bar on stderr, silent with ``-q`` or when stderr is not a terminal."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
        transient=True,
    )
    with bar:
        if description:
            bar.add_task(description, total=total)
        yield bar


def out_path(path: Path) -> Path:
    """Create the parent folder of an output file and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
