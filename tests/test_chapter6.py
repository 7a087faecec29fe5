"""Chapter 6 (the loop by hand, then Accelerate): the runs learn, and the commands it prints run.

The fast tests read the committed notebook: every run prints its validation accuracy beside the
majority-class baseline, and a run that does not beat that baseline by a margin fails here (so a
run stuck at the baseline is visible in the chapter and fails the tests). The slow tests take the
training script from the notebook's `%%writefile` cell and run it with every launch command the
chapter prints for GPU machines, turned into its CPU equivalent (the notebook runs its own commands);
the script's defaults are checked to be the chapter's recipe, whose run the notebook shows.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import data, run

NOTEBOOK = run.NOTEBOOKS / "06_training_loop_accelerate.ipynb"
VERSUS = re.compile(r"validation accuracy (\d\.\d+) vs (\d\.\d+) for always answering the majority class")
# A run must beat always answering the majority label by 0.03 of the validation pairs (22 of 719 today).
MARGIN = 0.03
TINY = ["--max_train_samples", "32", "--num_train_epochs", "1"]  # appended: argparse keeps the last value


def cells() -> list[dict]:
    return json.loads(NOTEBOOK.read_text())["cells"]


def text_of(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []))


def outputs() -> str:
    return "\n".join(text_of(c) for c in cells() if c["cell_type"] == "code")


def learned(line: str) -> bool:
    """Whether a printed comparison shows an accuracy at least MARGIN above the majority class's."""
    found = VERSUS.search(line)
    assert found, f"not a comparison with the majority class: {line!r}"
    accuracy, majority = map(float, found.groups())
    return accuracy >= majority + MARGIN


def script_source() -> str:
    """The training script, as the notebook's `%%writefile` cell writes it."""
    source = next("".join(c["source"]) for c in cells() if "".join(c["source"]).startswith("%%writefile"))
    return source.split("\n", 1)[1]


def test_the_check_fails_a_run_at_the_majority_class():
    line = "plain loop: validation accuracy {} vs 0.571 for always answering the majority class: ..."
    assert not learned(line.format("0.571")) and not learned(line.format("0.590"))
    assert learned(line.format("0.650"))


def test_every_run_of_the_chapter_beats_the_majority_class():
    lines = [line for line in outputs().splitlines() if VERSUS.search(line)]
    names = [line.split(":")[0] for line in lines]
    assert names == ["plain loop", "2 processes", "accumulating 2 micro-batches"], names
    for line in lines:
        assert learned(line), f"this run did not learn (beat the majority class by {MARGIN}): {line}"


def test_the_majority_baseline_is_the_validation_splits_commoner_label():
    labels = list(data.paraphrase()["validation"]["label"])  # the offline data set the committed run used
    expected = max(labels.count(0), labels.count(1)) / len(labels)
    printed = {float(m.group(2)) for m in VERSUS.finditer(outputs())}
    assert printed == {round(expected, 3)}


def test_the_loop_and_trainer_computed_the_same_losses_and_weights():
    found = re.search(r"largest difference loop vs Trainer ([\d.e+-]+) \(first step's loss ([\d.]+)\)", outputs())
    assert found, "the comparison with Trainer is missing"
    gap, first = map(float, found.groups())
    assert gap <= 1e-3 * first
    weights = re.search(r"trained weights: largest difference loop vs Trainer ([\d.e+-]+)", outputs())
    assert weights and float(weights.group(1)) <= 1e-4


def test_each_process_saw_half_of_the_pairs_and_the_metric_all_of_the_validation_split():
    defaults = run.notebook_defaults(NOTEBOOK)
    seen = re.findall(
        r"(plain loop \(section 2\)|2 processes, rank \d): (\d+) batches, (\d+) pairs, (\d+) optimizer steps; "
        r"evaluated (\d+) validation batches, metric on (\d+) pairs",
        outputs(),
    )
    assert [row[0] for row in seen] == ["plain loop (section 2)", "2 processes, rank 0", "2 processes, rank 1"]
    pairs_in_all = defaults["max_train_samples"] * defaults["num_train_epochs"]
    validation = len(data.paraphrase()["validation"])
    loop, *ranks = [tuple(map(int, row[1:])) for row in seen]
    assert loop[1] == pairs_in_all and loop[3] == -(-validation // 64) and loop[4] == validation
    for batches, pairs, steps, eval_batches, metric_pairs in ranks:
        assert (batches, steps, metric_pairs) == (loop[0], loop[2], validation)  # same steps, every pair scored
        assert pairs == pairs_in_all // 2 and eval_batches == -(-loop[3] // 2)


# ---------------------------------------------------------------------------------------------- slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def on_this_cpu(command: str, script: Path, out_dir: Path, port: int) -> list[str]:
    """The printed command with one process per machine on this computer, --cpu and a tiny subset.

    Only these change: processes per machine (8 -> 1; 2 in all for one machine), the address of rank 0
    (127.0.0.1 instead of 10.0.0.1) and its port (a free one). Each replacement must find its text."""
    replaced = 0
    for old, new in (
        ("--num_processes 8 ", "--num_processes 2 "),
        ("--num_processes 16 ", "--num_processes 2 "),
        ("--nproc_per_node 8 ", "--nproc_per_node 1 "),
        ("10.0.0.1:29500", f"127.0.0.1:{port}"),
        ("--main_process_ip 10.0.0.1 ", "--main_process_ip 127.0.0.1 "),
        ("--main_process_port 29500 ", f"--main_process_port {port} "),
    ):
        replaced += command.count(old)
        command = command.replace(old, new)
    assert "10.0.0.1" not in command and "29500" not in command and replaced, command
    words = command.split()
    launchers = {
        "accelerate": [sys.executable, "-m", "accelerate.commands.accelerate_cli"],
        "torchrun": [sys.executable, "-m", "torch.distributed.run"],
    }
    words = launchers[words[0]] + [str(script) if w == "train_accelerate.py" else w for w in words[1:]]
    return [*words, *TINY, "--cpu", f"--out_dir={out_dir}"]


# The commands of section 6, which the notebook prints but does not run (its own torchrun command runs in the
# notebook, under nbval, and its logs are checked above).
JOBS = ("accelerate, one machine", "accelerate, two machines", "torchrun, two machines")


def printed_commands() -> dict[str, list[str]]:
    """The chapter's launch commands, grouped into jobs: the machines of one job start together."""
    lines = [line for line in outputs().splitlines() if line.startswith(("accelerate launch", "torchrun"))]
    jobs = dict(
        zip(
            JOBS,
            (
                [line for line in lines if "--num_machines 1 " in line],
                [line for line in lines if "--num_machines 2 " in line],
                [line for line in lines if line.startswith("torchrun --nnodes 2 ")] * 2,  # the same on each machine
            ),
            strict=True,
        )
    )
    assert [len(v) for v in jobs.values()] == [1, 2, 2], lines
    return jobs


@pytest.fixture(scope="module")
def script(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ch06") / "train_accelerate.py"
    path.write_text(script_source())
    return path


def environment() -> dict[str, str]:
    return {**os.environ, "OMP_NUM_THREADS": "1", "COURSE_HUB": "offline", "HF_HUB_OFFLINE": "1"}


def test_the_scripts_defaults_are_the_chapters_recipe():
    """Run alone (`python train_accelerate.py`), the script trains the chapter's recipe: its defaults
    are the notebook's parameters, the recipe that the loop of section 2 and the script's 2-process
    run train in the notebook, so their results are the proof that the defaults learn (checked above,
    re-run by nbval)."""
    import ast

    tree = ast.parse(script_source())
    call = next(node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "DEFAULTS")
    defaults = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    cell = run.notebook_defaults(NOTEBOOK)
    for name in ("checkpoint", "max_train_samples", "num_train_epochs", "batch_size", "learning_rate", "seed"):
        assert defaults[name] == cell[name], name
    assert defaults["freeze_embeddings"] == int(cell["freeze_embeddings"])
    assert defaults["gradient_accumulation_steps"] == 1


@pytest.mark.slow  # about 20 s per job on 2 cores
@pytest.mark.parametrize("job", JOBS)
def test_a_printed_launch_command_runs_on_the_cpu(job, script, tmp_path):
    port = free_port()
    commands = [on_this_cpu(line, script, tmp_path / "logs", port) for line in printed_commands()[job]]
    machines = [
        subprocess.Popen(c, cwd=tmp_path, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    results = [machine.communicate(timeout=600) for machine in machines]
    for machine, (_, stderr) in zip(machines, results, strict=True):
        assert machine.returncode == 0, stderr[-3000:]
        assert "had defaults used instead" not in stderr, "the command misses arguments:\n" + stderr[-2000:]
    logs = [json.loads(p.read_text()) for p in sorted((tmp_path / "logs").glob("rank*.json"))]
    assert [(log["rank"], log["processes"]) for log in logs] == [(0, 2), (1, 2)]
    validation = len(data.paraphrase()["validation"])
    for log in logs:
        assert log["pairs_seen"] == int(TINY[1]) // 2 and log["pairs"] == validation
    expected = re.search(r"--mixed_precision[ =](\w+)", " ".join(printed_commands()[job])).group(1)
    assert {log["mixed_precision"] for log in logs} == {expected}
