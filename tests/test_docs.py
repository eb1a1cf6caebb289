"""Docs are tested: reference pages are current, and the README covers what exists."""

import runpy
import subprocess
import sys
from pathlib import Path

import typer

from sanctionwatch.cli.main import app
from sanctionwatch.model.events import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1]


def test_generated_reference_pages_are_current():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "generate.py"), "--check"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_every_setting_has_help_text():
    gen = runpy.run_path(str(ROOT / "docs" / "generate.py"))
    gen["import_all"]()
    import dataclasses

    from sanctionwatch.settings import REGISTRY

    missing = [
        f"{prefix}{f.name.upper()}"
        for prefix, cls in REGISTRY
        for f in dataclasses.fields(cls)
        if not f.metadata.get("help")
    ]
    assert missing == []


def test_readme_starts_with_the_two_commands_and_lists_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "pip install . && sanctionwatch demo" in first_block
    assert 'pip install ".[test]" && pytest' in first_block
    root = typer.main.get_command(app)
    for name in root.commands:
        assert f"sanctionwatch {name}" in readme, f"README does not mention `sanctionwatch {name}`"


def test_event_types_are_documented():
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    for kind in EVENT_TYPES:
        assert f"`{kind}`" in text


def _options():
    root = typer.main.get_command(app)

    def walk(cmd, path):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")

    for path, cmd in walk(root, "sanctionwatch"):
        ctx = typer.Context(cmd, info_name=path)
        for p in cmd.params:
            if p.param_type_name == "option" and not p.hidden:
                yield path, p, p.get_help_record(ctx)


def test_help_shows_every_default_and_keeps_its_words():
    """Each option's help, as --help prints it: its default shown, nothing eaten (no "Match threshold .")."""
    seen = 0
    for path, p, (_, text) in _options():
        seen += 1
        where = f"{path} {p.opts[0]}: {text!r}"
        assert text.strip() and not text.rstrip().endswith(" ."), where
        assert "[]" not in text and "  ." not in text, where
        if p.default not in (None, False, (), []) and not p.is_flag:
            assert "[default: " in text, where
    assert seen > 100


def test_every_help_page_renders_without_markup_loss(capsys):
    """The rendered --help of every command: no help line left as a lone period, bracketed words kept."""
    from sanctionwatch.cli.main import main

    root = typer.main.get_command(app)
    pages = [[]] + [[name] for name in root.commands]
    pages += [[g, s] for g, cmd in root.commands.items() for s in getattr(cmd, "commands", {})]
    for page in pages:
        assert main([*page, "--help"]) == 0
        out = capsys.readouterr().out
        assert not any(line.rstrip().endswith(" .") for line in out.splitlines()), page
    assert main(["screen", "--help"]) == 0
    assert "[default: SANCTIONWATCH_MATCH_THRESHOLD" in " ".join(capsys.readouterr().out.split())
    assert main(["report", "--help"]) == 0
    assert "[ftm] extra" in " ".join(capsys.readouterr().out.split())


def test_readme_says_what_the_skipped_tests_need():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "SANCTIONWATCH_SHARED_DATA" in readme
    assert "-m shared_data" in readme and "-m browser" in readme and "chromium" in readme


def test_shared_data_folder_is_taken_from_the_environment(tmp_path):
    """SANCTIONWATCH_SHARED_DATA, as the README says, moves the real data: a missing folder skips, with its name."""
    import os

    env = {**os.environ, "SANCTIONWATCH_SHARED_DATA": str(tmp_path / "elsewhere")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-m", "shared_data", "tests/regime"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert f"{tmp_path / 'elsewhere'} is not present" in proc.stdout
    assert " passed" not in proc.stdout.splitlines()[-1]  # every real-data test skipped, none run on nothing
