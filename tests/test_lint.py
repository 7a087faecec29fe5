"""ruff over helpers/ and tests/: the lint rules and the formatting of ruff.toml."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed in this environment (pip install ruff, the version pinned for development)",
)


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m ruff ARGS helpers tests` from the repository root, with ruff.toml."""
    command = [sys.executable, "-m", "ruff", *args, "helpers", "tests"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_check_finds_nothing():
    result = ruff("check", "--no-cache", "--output-format", "concise")
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"


def test_ruff_format_would_change_nothing():
    result = ruff("format", "--check", "--no-cache")
    diff = ruff("format", "--diff", "--no-cache").stdout if result.returncode else ""
    assert result.returncode == 0, f"ruff format --check failed:\n{result.stdout}{result.stderr}\n{diff[-6000:]}"
