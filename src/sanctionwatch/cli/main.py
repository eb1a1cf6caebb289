"""The ``sanctionwatch`` command: global options, error presentation, sub-commands.

Each command group lives in its own module with a ``register(app)`` function;
``COMMANDS`` lists them in help order.
"""

from __future__ import annotations

import importlib
import logging
import sys
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

app = typer.Typer(
    name="sanctionwatch",
    help="Monitor UN Security Council sanctions on the DPRK: screening, AIS behaviour, petroleum cap ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Help is plain text: "[default: ...]" and "[api]" in a help line are never eaten as markup.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sanctionwatch {__version__}")
        raise typer.Exit()


@app.callback()
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


for _name in COMMANDS:
    importlib.import_module(f"{__package__}.{_name}").register(app)
add_global_options(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; SanctionwatchError becomes a one-line message and a non-zero exit."""
    try:
        # standalone_mode=False hands exits back to us: Exit codes are returned.
        rv = app(args=argv, standalone_mode=False)
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
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
