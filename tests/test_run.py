"""The runner end to end on small notebooks: success, failures, reports, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT, write_notebook
from helpers import run

pytestmark = pytest.mark.slow  # each case starts a Jupyter kernel (a few seconds)


def runner(*args: str, env_dir=None) -> subprocess.CompletedProcess:
    """Run `python -m helpers.run ARGS` in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "helpers.run", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_good_notebook_runs_and_is_reported(tmp_path, build_dir):
    nb = write_notebook(tmp_path / "good.ipynb", "print(seed * 2)")
    result = runner(str(nb), "-p", "seed=21")
    assert result.returncode == 0, result.stderr
    executed = json.loads((build_dir / "executed" / "good.ipynb").read_text())
    outputs = ["".join(o.get("text", "")) for c in executed["cells"] for o in c.get("outputs", [])]
    assert "42\n" in outputs  # the injected parameter was used
    report = json.loads((build_dir / "report" / "run-report-cpu.json").read_text())
    record = report["notebooks"][0]
    assert (record["notebook"], record["status"], record["parameters"]) == ("good.ipynb", "ok", {"seed": 21})
    assert report["environment"]["transformers"].startswith("5.")
    table = (build_dir / "report" / "run-report-cpu.md").read_text()
    assert "| good.ipynb | ok |" in table


def test_failing_cell_gives_a_short_message_naming_notebook_and_cell(tmp_path, build_dir):
    nb = write_notebook(tmp_path / "broken.ipynb", "x = 1", "y = 1 / 0  # the bad cell")
    result = runner(str(nb))
    assert result.returncode == 1
    assert "broken.ipynb: cell 2" in result.stderr
    assert "y = 1 / 0  # the bad cell" in result.stderr
    assert "ZeroDivisionError" in result.stderr
    assert len(result.stderr.splitlines()) < 15  # not a papermill dump


def test_dead_kernel_is_reported_and_the_run_goes_on_two_at_a_time(tmp_path, build_dir):
    dying = write_notebook(tmp_path / "a_dies.ipynb", "import os\nos._exit(1)")
    fine = write_notebook(tmp_path / "b_fine.ipynb", "print('still here')")
    result = runner(str(dying), str(fine), "--jobs", "2")
    assert result.returncode == 1
    assert "2 notebooks (cpu), 2 at a time" in result.stdout
    report = json.loads((build_dir / "report" / "run-report-cpu.json").read_text())
    status = [(r["notebook"], r["status"]) for r in report["notebooks"]]
    assert status == [("a_dies.ipynb", "failed"), ("b_fine.ipynb", "ok")]  # the order asked for
    assert "a_dies.ipynb" in result.stderr and "Dead" in result.stderr


def test_corrupted_notebook_is_a_clear_error(tmp_path, build_dir):
    bad = tmp_path / "corrupt.ipynb"
    bad.write_text('{"cells": [ this is not json')
    result = runner(str(bad))
    assert result.returncode == 2
    assert "corrupt.ipynb" in result.stderr and "not a readable notebook" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--profile", "tpu"], "Unknown profile 'tpu'. Valid profiles: cpu, gpu"),
        (["--profile", "gpu"], "needs a CUDA GPU"),
        (["no_such_notebook"], "No notebook 'no_such_notebook'. Known notebooks: 00_setup"),
        (["00_setup", "-p", "epochs=3"], "unknown parameter 'epochs'. Valid parameters: device, seed"),
        (["00_setup", "-p", "seed=-1"], "'seed' must be >= 0"),
        (["00_setup", "-p", "seed"], "must look like NAME=VALUE"),
    ],
)
def test_bad_input_is_refused_before_running(args, message, build_dir):
    result = runner(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (build_dir / "report").exists()  # nothing ran


def test_report_merges_runs_of_single_notebooks(tmp_path):
    records = [{"notebook": "a.ipynb", "status": "ok", "seconds": 1.0, "profile": "cpu"}]
    run.write_report(records, "cpu", tmp_path)
    run.write_report([{"notebook": "b.ipynb", "status": "failed", "seconds": 2.0, "profile": "cpu"}], "cpu", tmp_path)
    report = json.loads((tmp_path / "run-report-cpu.json").read_text())
    assert [r["notebook"] for r in report["notebooks"]] == ["a.ipynb", "b.ipynb"]


def test_every_chapter_notebook_has_one_parameters_cell_with_a_seed_and_cpu_defaults():
    for path in run.resolve([]):
        nb = json.loads(path.read_text())
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        defaults = run.notebook_defaults(path)
        assert "seed" in defaults, path.name
        assert defaults.get("device", "auto") == "auto", path.name  # CUDA when visible, else the CPU profile
        assert not defaults.get("bf16") and not defaults.get("fp16"), path.name
