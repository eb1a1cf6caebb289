"""What every command shares: settings, the store, consoles and progress bars."""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import sys
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, RenderableType
from rich.text import Text

from ..exc import InputError, StoreVersionError
from ..report.records import BINARY_FORMATS, RECORD_FORMATS, write_records
from ..settings import AppConfig
from ..store import Store, open_store

if TYPE_CHECKING:
    from rich.progress import Progress

# Messages are not broken at 80 columns when piped: a path stays one piece of text.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


@dataclass
class AppState:
    """Per-invocation state set by the global options."""

    settings: AppConfig
    verbose: bool = False
    _store: Store | None = field(default=None, repr=False)
    _read_only: bool = field(default=False, repr=False)

    def store(self, *, read_only: bool = False) -> Store:
        """The store named by ``--db`` (opened and migrated on first use).

        ``read_only`` is for a command that only reads: a store at this version is
        opened read-only (no migration, no clean-up of a crashed ingest, and other
        readers may run beside it); a store that is missing or behind is opened
        read-write as for any command, so it is created or migrated as usual.
        """
        if self._store is not None and self._read_only and not read_only:
            self.close()
        if self._store is None:
            self._store, self._read_only = self._open(read_only), read_only
        return self._store

    def _open(self, read_only: bool) -> Store:
        path = self.settings.db
        if read_only and path.expanduser().exists():
            try:
                return open_store(path, read_only=True)
            except StoreVersionError:
                pass  # behind this version: migrated below; ahead of it: refused there with the same words
        return open_store(path)

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


# --- global options: one home, accepted before or after the sub-command -----------------

DB_HELP = "DuckDB store file [default: SANCTIONWATCH_DB, else ./sanctionwatch.duckdb]."
QUIET_HELP = "No progress bars."
VERBOSE_HELP = "Log details to stderr."
GLOBAL_PANEL = "Global options"


def set_logging(verbose: bool) -> None:
    """Log to stderr at INFO with ``-v``, else at WARNING."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger().setLevel(logging.INFO if verbose else logging.WARNING)


def apply_global_options(ctx: typer.Context, *, db: Path | None, quiet: bool, verbose: bool) -> None:
    """Apply global options given after the sub-command over those given before it."""
    st = state(ctx)
    changes: dict[str, Any] = {}
    if db is not None:
        changes["db"] = db
    if quiet:
        changes["quiet"] = True
    if changes:
        st.close()  # a store opened on the old path is not the one asked for
        st.settings = dataclasses.replace(st.settings, **changes)
    if verbose and not st.verbose:
        st.verbose = True
        set_logging(True)


_GLOBAL_PARAMS = (
    inspect.Parameter(
        "global_db",
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(None, "--db", help=DB_HELP, rich_help_panel=GLOBAL_PANEL),
        annotation=Path | None,
    ),
    inspect.Parameter(
        "global_quiet",
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(False, "-q", "--quiet", help=QUIET_HELP, rich_help_panel=GLOBAL_PANEL),
        annotation=bool,
    ),
    inspect.Parameter(
        "global_verbose",
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(False, "-v", "--verbose", help=VERBOSE_HELP, rich_help_panel=GLOBAL_PANEL),
        annotation=bool,
    ),
)


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` that also takes ``--db``, ``-q`` and ``-v`` (as the root command does).

    So ``sanctionwatch lists stats --db x`` works as ``sanctionwatch --db x lists stats``.
    The command must take a ``typer.Context``; its own parameters are unchanged.
    """
    hints = typing.get_type_hints(command)
    sig = inspect.signature(command, eval_str=True)
    ctx_name = next(name for name, hint in hints.items() if hint is typer.Context)

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {p.name: kwargs.pop(p.name, p.default) for p in _GLOBAL_PARAMS}
        apply_global_options(
            kwargs[ctx_name],
            db=given["global_db"] if isinstance(given["global_db"], Path) else None,
            quiet=given["global_quiet"] is True,
            verbose=given["global_verbose"] is True,
        )
        return command(*args, **kwargs)

    wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *_GLOBAL_PARAMS])  # type: ignore[attr-defined]
    wrapper.__annotations__ = {**hints, **{p.name: p.annotation for p in _GLOBAL_PARAMS}}
    return wrapper


def add_global_options(app: typer.Typer) -> None:
    """Give every command of ``app`` and of its groups the global options (see :func:`global_options`)."""
    for info in app.registered_commands:
        if info.callback is not None and not hasattr(info.callback, "__sanctionwatch_global__"):
            info.callback = global_options(info.callback)
            info.callback.__sanctionwatch_global__ = True  # type: ignore[attr-defined]
    for group in app.registered_groups:
        if group.typer_instance is not None:
            add_global_options(group.typer_instance)


@contextmanager
def progress(quiet: bool, description: str = "", total: float | None = None) -> Iterator[Progress]:
    """A rich progress bar on stderr, silent with ``-q`` or when stderr is not a terminal."""
    # Imported here: a command that shows no bar (``screen NAME``) starts without it.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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


def keep_screening_answers(store: Store, quiet: bool) -> None:
    """Screen the store's vessel identities against its lists now and keep the answers, after a
    command that changed either, so that the next ``vessels`` or ``report`` need not."""
    from ..risk.assess import keep_screening_answers as keep

    with progress(quiet, "screening the vessels' identities") as bar:
        task = bar.task_ids[0]
        keep(store, on_progress=lambda n: bar.advance(task, n))


def out_path(path: Path) -> Path:
    """Create the parent folder of an output file and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


# --- listings: a table for a person at a terminal, typed records for a program ---------

LISTING_FORMATS = ("table", *RECORD_FORMATS)
FORMAT_HELP = (
    f"{' | '.join(LISTING_FORMATS)} [default: table on a terminal; else from the --output suffix, or tsv when piped]."
)
DOCUMENT_FORMAT_HELP = (
    f"{' | '.join(LISTING_FORMATS)} [default: table (text, at full width when piped); with --output, from its suffix]."
)
# A table printed where no one reads it at 80 columns (a pipe, a file) is drawn this wide, never cut.
PIPED_TABLE_WIDTH = 10_000


def resolve_format(
    fmt: str | None, output: Path | None, allowed: tuple[str, ...] = LISTING_FORMATS, *, piped: str = "tsv"
) -> str:
    """The format of a listing: as given, else from the output file's suffix, else table or ``piped``.

    Without ``--format``, a terminal gets a table and a pipe gets TSV, the full
    rows (as the GitHub CLI does), so piping a listing never loses columns.
    Commands whose table is a document (``cap``, ``states``) pass ``piped="table"``:
    the same text, drawn at full width.
    """
    if fmt is not None:
        fmt = fmt.strip().lower()
        if fmt not in allowed:
            raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(allowed)}")
        if fmt == "table" and output is not None:
            others = ", ".join(f for f in allowed if f != "table")
            raise InputError(f"--format table is for a terminal; with --output give --format {others}")
        return fmt
    if output is not None:
        suffix = output.suffix.lower().lstrip(".")
        return suffix if suffix in allowed and suffix != "table" else "csv"
    return "table" if console.is_terminal else piped


def plain(*values: object) -> list[Text]:
    """Table cells shown as written: user text ("weird[api].nmea", a list name) is never rich markup."""
    return [Text("" if v is None else str(v)) for v in values]


def print_table(table: RenderableType) -> None:
    """A rich table on stdout: fitted to a terminal, at full width (never truncated) when piped."""
    if console.is_terminal:
        console.print(table)
        return
    wide = Console(file=sys.stdout, width=PIPED_TABLE_WIDTH, soft_wrap=True, color_system=None)
    with wide.capture() as cap:
        wide.print(table)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in cap.get().splitlines()))


def write_listing(
    records: Any,
    columns: tuple[str, ...] | list[str],
    fmt: str,
    output: Path | None,
    **kwargs: Any,
) -> int:
    """Records in a machine format (see :func:`sanctionwatch.report.records.write_records`) to ``output`` or stdout."""
    if fmt in BINARY_FORMATS:
        if output is None:
            if sys.stdout.isatty():
                raise InputError(f"{fmt} is binary: give --output FILE.{fmt} (or pipe it)")
            sys.stdout.flush()
            return write_records(records, columns, sys.stdout.buffer, fmt, **kwargs)
        with open(out_path(output), "wb") as fh:
            return write_records(records, columns, fh, fmt, **kwargs)
    if output is None:
        return write_records(records, columns, sys.stdout, fmt, **kwargs)
    with open(out_path(output), "w", newline="", encoding="utf-8") as fh:
        return write_records(records, columns, fh, fmt, **kwargs)
