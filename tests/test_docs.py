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
