"""The code stays as ``ruff check`` and ``ruff format`` leave it (rules in pyproject's ``[tool.ruff]``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TREES = ("src", "tests", "bench")


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ruff", *args, "--no-cache", *TREES]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_lint_rules_pass():
    done = _ruff("check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted_as_ruff_formats_it():
    done = _ruff("format", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
