"""The ``sanctionwatch`` command: global options, error presentation, sub-commands.

Each command group lives in its own module with a ``register(app)`` function;
``COMMANDS`` lists them in help order.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import typer
from rich.markup import escape

from .. import __version__
from ..exc import SanctionwatchError
from ..settings import AppConfig, load_config
from .context import DB_HELP, QUIET_HELP, VERBOSE_HELP, AppState, add_global_options, err_console, set_logging

COMMANDS: tuple[str, ...] = (
    "demo",
    "simulate",
    "lists",
    "screen",
    "ais",
    "events",
    "vessels",
    "cap",
    "states",
    "vessel",
    "serve",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sanctionwatch {__version__}")
        raise typer.Exit()


def _global(
    ctx: typer.Context,
    db: Path | None = typer.Option(None, "--db", envvar="SANCTIONWATCH_DB", help=DB_HELP),
    quiet: bool = typer.Option(False, "-q", "--quiet", help=QUIET_HELP),
    verbose: bool = typer.Option(False, "-v", "--verbose", help=VERBOSE_HELP),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Global options: before the sub-command, or after it (every command takes them too)."""
    set_logging(verbose)
    st = AppState(settings=load_config(AppConfig, db=db, quiet=quiet or None), verbose=verbose)
    ctx.obj = st
    ctx.call_on_close(st.close)


# Commands registered by a module not named after them; any other command loads every module.
COMMAND_MODULES = {"report": "vessels", "detect": "events"}


def build_app(modules: Iterable[str] = COMMANDS) -> typer.Typer:
    """The Typer app with the commands of ``modules`` (every command group by default)."""
    built = typer.Typer(
        name="sanctionwatch",
        help="Monitor UN Security Council sanctions on the DPRK: screening, AIS behaviour, petroleum cap ledger.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        # Help is plain text: "[default: ...]" and "[api]" in a help line are never eaten as markup.
        rich_markup_mode=None,
    )
    built.callback()(_global)
    for name in modules:
        importlib.import_module(f"{__package__}.{name}").register(built)
    add_global_options(built)
    return built


@lru_cache(maxsize=1)
def _full_app() -> typer.Typer:
    return build_app()


def __getattr__(name: str) -> typer.Typer:
    # ``app`` (every command) is made on first use, so ``main`` can load one command's module only.
    if name == "app":
        return _full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _command_module(argv: Sequence[str]) -> str | None:
    """The one module that defines the command ``argv`` runs; None for help, a typo or an option error."""
    args = iter(argv)
    for arg in args:
        if arg == "--db":
            next(args, None)  # its value
        elif arg in ("--help", "--version"):
            return None
        elif not arg.startswith("-"):
            module = COMMAND_MODULES.get(arg, arg)
            return module if module in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; SanctionwatchError becomes a one-line message and a non-zero exit.

    Only the invoked command's module is imported (the others pull in simulation,
    AIS decoding, reports): ``screen NAME`` starts in a fraction of a second.
    """
    args = sys.argv[1:] if argv is None else argv
    module = _command_module(args)
    # A command builds many long-lived objects (list entities, events, report rows) in a short
    # process: with the default thresholds the collector walks them again and again (~15 % of a report).
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        # standalone_mode=False hands exits back to us: Exit codes are returned.
        rv = (build_app([module]) if module else _full_app())(args=args, standalone_mode=False)
    except SanctionwatchError as err:
        if err.status >= 500:
            logging.getLogger("sanctionwatch").debug("error", exc_info=True)
        # The detail may name a user's file ("weird[api].nmea"): never read it as markup.
        err_console.print(f"[bold red]Error:[/] {escape(err.detail)}", highlight=False)
        return 2 if err.status < 500 else 1
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("Aborted.")
        return 130
    except typer.Exit as err:
        return int(err.exit_code)
    except BrokenPipeError:
        return 0
    except Exception as err:
        # Usage errors (click's, or Typer's own copy of them) know how to show themselves.
        if hasattr(err, "show") and hasattr(err, "exit_code"):
            err.show()
            return int(err.exit_code)
        raise
    finally:
        gc.set_threshold(*thresholds)
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
