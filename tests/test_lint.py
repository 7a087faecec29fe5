"""ruff over helpers/, tests/ and the chapters' code cells: the lint rules and the formatting of ruff.toml."""

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


def ruff(*args: str, paths: tuple[str, ...] = ("helpers", "tests")) -> subprocess.CompletedProcess[str]:
    """Run `python -m ruff ARGS PATHS` from the repository root, with ruff.toml."""
    command = [sys.executable, "-m", "ruff", *args, *paths]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_ruff_check_finds_nothing():
    result = ruff("check", "--no-cache", "--output-format", "concise")
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"


def test_ruff_check_finds_nothing_in_the_notebooks():
    """The chapters' code cells (ruff reads .ipynb natively); ruff.toml excludes chapters 5 and 6 for now."""
    result = ruff("check", "--no-cache", "--output-format", "concise", paths=("notebooks",))
    assert result.returncode == 0, f"ruff check of notebooks/ failed:\n{result.stdout}{result.stderr}"
    checked = ruff("check", "--no-cache", "--show-files", paths=("notebooks",)).stdout
    assert "01_pipeline.ipynb" in checked, f"ruff did not read the notebooks:\n{checked[:500]}"


def test_ruff_format_would_change_nothing():
    result = ruff("format", "--check", "--no-cache")
    diff = ruff("format", "--diff", "--no-cache").stdout if result.returncode else ""
    assert result.returncode == 0, f"ruff format --check failed:\n{result.stdout}{result.stderr}\n{diff[-6000:]}"
