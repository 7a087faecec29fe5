"""Shared test set-up: offline mode, and small notebooks written on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("COURSE_HUB", "offline")
ROOT = Path(__file__).resolve().parent.parent


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
