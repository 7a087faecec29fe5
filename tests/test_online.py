"""Every chapter, online, against the local test Hub (tests/hubserver): the online path, proven offline.

The same run proves every exercise's check and quiz key with the notebook's real state: cells
appended to each chapter feed the real check cell the stub (`None`), a deliberately wrong answer
and the solution from `helpers.exercises`, and verify the quiz keys that are facts of the code.

`COURSE_HUB=online` with `HF_ENDPOINT` at the local Hub, which serves tiny random models under the
real checkpoints' names, GLUE MRPC as `nyu-mll/glue` and the `glue` metric. The outputs are
meaningless numbers; what is checked is that every chapter runs top to bottom with the real
architectures (DistilBERT without token_type_ids or pooler, cased BERT, BART-MNLI, GPT-2), that the
sizing rule and the quality rule take the online branches, and that every request went to the
local Hub: `make test` runs this module with no network at all, under the network guard.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run
from tests.hubserver import fixture

pytestmark = [pytest.mark.online, pytest.mark.slow]
local_hub = fixture.local_hub
ROOT = run.ROOT
WORLD = "online-localhub"
# Repositories each chapter must have fetched from the local Hub (their Hub ids after redirects).
EXPECTED = [
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
    "facebook/bart-large-mnli",
    "openai-community/gpt2",
    "google-bert/bert-base-uncased",
    "google-bert/bert-base-cased",
    "sentence-transformers/all-MiniLM-L6-v2",
    "datasets/nyu-mll/glue",
    "spaces/evaluate-metric/glue",
]


def with_exercise_proof(path: Path) -> None:
    """Append to notebook `path`: each exercise's check with the stub, a wrong answer and the solution."""
    from helpers import book, checks

    nb = json.loads(path.read_text())
    extra, chapter = [], None
    for cell in nb["cells"]:
        code = "".join(cell["source"])
        if cell["cell_type"] != "code" or not (found := book.EXERCISE_CALL.search(code)):
            continue
        chapter, number = found.group(1), int(found.group(2))
        item = checks.find_exercise(chapter, number)
        for verdict, answer in (
            ("not yet", f"answer_{number} = None"),
            ("not right", item.wrong),
            ("correct", item.solution),
        ):
            extra.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": f"proof-{number}-{len(extra)}",
                    "metadata": {"proof": [number, verdict]},
                    "outputs": [],
                    "source": f"{answer}\n{code}".splitlines(keepends=True),
                }
            )
    if chapter:
        extra.append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "proof-quiz",
                "metadata": {},
                "outputs": [],
                "source": [f'helpers.checks.verify_quiz("{chapter}", globals())'],
            }
        )
    nb["cells"] += extra
    path.write_text(json.dumps(nb, indent=1))


def outputs(path: Path) -> str:
    """All text outputs of an executed notebook."""
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


@pytest.fixture(scope="module")
def online_run(local_hub, tmp_path_factory):
    """Run every chapter once with the runner, online against the local Hub, under the network guard."""
    folder = tmp_path_factory.mktemp("online") / "notebooks"
    folder.mkdir()
    for notebook in run.resolve([]):
        shutil.copy(notebook, folder / notebook.name)  # outputs go to <tmp>/outputs, not the checkout's
        with_exercise_proof(folder / notebook.name)
    build = run.BUILD / "online"
    netlog = build / "netlog.txt"
    build.mkdir(parents=True, exist_ok=True)
    netlog.unlink(missing_ok=True)
    env = {
        **os.environ,
        **local_hub.env,
        "COURSE_NET_LOG": str(netlog),
        "COURSE_BUILD_DIR": str(build),
        "PYTHONPATH": str(ROOT / "tests" / "netguard"),
    }
    notebooks = [str(path) for path in sorted(folder.glob("*.ipynb"))]
    done = subprocess.run(
        [sys.executable, "-m", "helpers.run", "--record-as", WORLD, "--jobs", "2", *notebooks],  # timings unused
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return done, build, netlog


def test_every_chapter_runs_online_against_the_local_hub(online_run):
    done, build, _ = online_run
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    report = json.loads((build / "report" / f"run-report-{WORLD}.json").read_text())
    assert {r["notebook"] for r in report["notebooks"]} == {p.name for p in run.resolve([])}
    assert all(r["status"] == "ok" for r in report["notebooks"])


def test_nothing_left_the_machine_and_the_local_hub_answered(online_run, local_hub):
    _, _, netlog = online_run
    assert not (netlog.is_file() and netlog.read_text().strip()), netlog.read_text()[:2000]
    fetched = "\n".join(local_hub.requests)
    for repo in EXPECTED:
        assert f"/{repo}/" in fetched, f"{repo} was never requested from the local Hub"
    # the only requests meant for another host are datasets' datasets-server probe, answered here (404)
    assert all("datasets-server." in line for line in local_hub.escaped()), local_hub.escaped()


def test_online_branches_were_taken(online_run):
    _, build, _ = online_run
    executed = build / "executed"
    ch1 = outputs(executed / "01_pipeline.ipynb")
    assert "hub mode: online" in ch1 and "stand-in" not in ch1
    ch5 = outputs(executed / "05_finetune_mrpc.ipynb")
    assert "the CPU with a real checkpoint: one training step" in ch5  # helpers.sizing's online CPU branch
    assert "not checked against the baselines" in ch5  # helpers.hub.quality_known: a test fixture
    assert "model: bert-base-uncased, fine-tuned" in ch5
    ch6 = outputs(executed / "06_training_loop_accelerate.ipynb")
    assert "model: bert-base-uncased\n" in ch6 and "stand-in" not in ch6  # the script's runs too: the Hub's model


def test_every_exercise_check_says_not_yet_not_right_and_correct(online_run):
    from helpers import checks

    _, build, _ = online_run
    for notebook in run.resolve([]):
        cells = json.loads((build / "executed" / notebook.name).read_text())["cells"]
        proofs = [
            (c["metadata"]["proof"], "".join("".join(o.get("text", "")) for o in c["outputs"]))
            for c in cells
            if "proof" in c["metadata"]
        ]
        name = f"ch{notebook.name[:2]}"
        numbers = {e.number for e in checks.chapter(name).exercises}
        assert {number for (number, _), _ in proofs} == numbers, f"{notebook.name}: exercises without a check cell"
        for (number, verdict), printed in proofs:
            assert printed.startswith(f"exercise {number}: {verdict}"), (
                f"{notebook.name} exercise {number}: {printed!r}"
            )
        assert "every quiz key that is a fact of the code matches this run" in outputs(
            build / "executed" / notebook.name
        )
