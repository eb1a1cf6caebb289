"""The CLI shell: global options and how errors reach the user."""

import subprocess
import sys

import duckdb

from sanctionwatch import __version__
from sanctionwatch.cli.main import main
from sanctionwatch.store import open_store


def test_version(capsys):
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_help_lists_the_contract_commands(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo", "simulate", "lists", "screen", "ais", "detect", "events", "vessels", "report"):
        assert command in out


def test_sanctionwatch_error_is_one_line_without_traceback(tmp_path, capsys):
    db = tmp_path / "future.duckdb"
    open_store(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations (number, name, applied_by) VALUES (9999, '9999_x.sql', '99')")
    con.close()
    assert main(["--db", str(db), "vessels"]) == 2
    err = capsys.readouterr().err
    assert "newer sanctionwatch" in err
    assert "Traceback" not in err


def test_empty_store_says_what_to_do(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "empty.duckdb"), "vessels"]) != 0
    assert "ais ingest" in capsys.readouterr().err


def test_console_script_runs_as_a_process(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "sanctionwatch.cli.main", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 0 and "sanctionwatch" in proc.stdout


def test_error_messages_keep_square_brackets(tmp_path, capsys):
    """A file named weird[api].nmea is shown as written: user text is never rich markup."""
    missing = tmp_path / "weird[api].nmea"
    assert main(["--db", str(tmp_path / "s.duckdb"), "ais", "ingest", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "weird[api].nmea" in err.replace("\n", "")


def test_global_options_are_accepted_after_the_subcommand(tmp_path, capsys):
    """`lists stats --db x` works as `--db x lists stats`; after the sub-command wins over before it."""
    after, before = tmp_path / "after.duckdb", tmp_path / "before.duckdb"
    assert main(["lists", "stats", "--db", str(after), "-q", "-v"]) == 0
    assert after.exists()
    assert main(["--db", str(before), "ais", "stats", "--db", str(after)]) == 0
    assert not before.exists()
    assert "No lists loaded" not in capsys.readouterr().err


def _leaves(cmd, path=("sanctionwatch",)):
    subs = getattr(cmd, "commands", None)
    if not subs:
        yield " ".join(path), cmd
        return
    for name, sub in subs.items():
        yield from _leaves(sub, (*path, name))


def test_every_command_takes_the_global_options():
    import typer

    from sanctionwatch.cli.main import app

    leaves = dict(_leaves(typer.main.get_command(app)))
    assert len(leaves) >= 20
    for name, cmd in leaves.items():
        opts = {o for p in cmd.params for o in getattr(p, "opts", ())}
        assert {"--db", "-q", "--quiet", "-v", "--verbose"} <= opts, name


def test_file_names_in_tables_keep_square_brackets(tmp_path, capsys):
    """A file named weird[api].csv is shown as written in the ingest table: user text is never markup."""
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "fixtures" / "ais" / "dma.csv"
    weird = tmp_path / "weird[api].csv"
    weird.write_bytes(src.read_bytes())
    assert main(["--db", str(tmp_path / "s.duckdb"), "-q", "ais", "ingest", str(weird)]) == 0
    assert "weird[api].csv" in capsys.readouterr().out


def test_missing_extra_hint_keeps_its_brackets(tmp_path):
    """Without the [api] extra, serve names it: 'pip install "sanctionwatch[api]"', brackets and all."""
    code = (
        "import sys; sys.modules['fastapi'] = None\n"  # the extra not installed: importing it fails
        "from sanctionwatch.cli.main import main\n"
        f"sys.exit(main(['--db', {str(tmp_path / 's.duckdb')!r}, 'serve']))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    err = " ".join(proc.stderr.split())
    assert 'needs the [api] extra: pip install "sanctionwatch[api]"' in err
    assert "Traceback" not in proc.stderr


def test_each_command_loads_only_its_own_module():
    import typer

    from sanctionwatch.cli.main import COMMANDS, _command_module, build_app

    every = typer.main.get_command(build_app())
    for name in every.commands:  # type: ignore[attr-defined]
        module = _command_module(["--db", "x.duckdb", "-q", name, "--help"])
        assert module is None or module in COMMANDS
        if module is not None:  # the one module defines the command
            assert name in typer.main.get_command(build_app([module])).commands  # type: ignore[attr-defined]
    assert _command_module(["--help"]) is None and _command_module(["no-such-command"]) is None


def test_screen_does_not_import_the_other_commands(tmp_path):
    code = (
        "import sys; from sanctionwatch.cli.main import main; "
        f"rc = main(['--db', {str(tmp_path / 's.duckdb')!r}, '-q', 'screen', '--sample', 'YU JONG 2']); "
        "print(rc, sorted(m for m in ('sanctionwatch.demo', 'sanctionwatch.simulate', 'sanctionwatch.ais.ingest', "
        "'sanctionwatch.report.build') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"


# Modules a command that only reads lists or prints help never needs: Arrow (a store opened to
# read lists), the optional extras, the report's map geometry, pydantic (typer 0.29 imports it
# to parse every option: ~0.1 s of each command's start; pyproject keeps typer below it).
HEAVY_MODULES = (
    "pyarrow",
    "pandas",
    "polars",
    "dask",
    "fastapi",
    "nomenklatura",
    "followthemoney",
    "shapely",
    "pydantic",
)


def _imported(args: list[str], modules: tuple[str, ...] = HEAVY_MODULES) -> str:
    """The exit code and which of ``modules`` are loaded, after a fresh process ran the CLI with ``args``."""
    code = (
        "import sys; from sanctionwatch.cli.main import main; "
        f"rc = main({args!r}); "
        f"print(rc, sorted(m for m in {modules!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1]


def test_screen_name_loads_no_heavy_module(tmp_path):
    """``screen NAME`` on a loaded store: the index, the query, the candidates' records; no Arrow, no extras."""
    from sanctionwatch.lists.sample import load_sample
    from sanctionwatch.store.entities import save_publication

    db = str(tmp_path / "s.duckdb")
    with open_store(db) as store:
        save_publication(store, load_sample())
    for _ in range(2):  # the first call builds the index file, the second maps it
        assert _imported(["--db", db, "-q", "screen", "YU JONG 2", "--schema", "Vessel"]) == "0 []"


def test_help_loads_no_optional_extra():
    """``sanctionwatch --help`` loads every command's module, and none of them pulls in an extra or pandas."""
    extras = ("pandas", "polars", "dask", "distributed", "fastapi", "uvicorn", "nomenklatura", "followthemoney")
    assert _imported(["--help"], extras) == "0 []"
