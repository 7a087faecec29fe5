"""Shared test set-up: offline mode, and small notebooks written on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("COURSE_HUB", "offline")
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def write_notebook(path: Path, *sources: str, parameters: str = "seed = 0  # random seed") -> Path:
    """Write a notebook with a `parameters` cell and one code cell per source string."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell] + [nbformat.v4.new_code_cell(s) for s in sources]
    nbformat.write(nb, path)
    return path


@pytest.fixture
def build_dir(tmp_path, monkeypatch):
    """Point the runner's build folder at a temporary folder."""
    monkeypatch.setenv("COURSE_BUILD_DIR", str(tmp_path / "build"))
    return tmp_path / "build"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (skipped only when either is missing)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (or set COURSE_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
