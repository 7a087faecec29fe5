"""Builds the website: stages pages and notebooks, writes the generated tables, runs Jupyter Book.

`make book` runs `python -m helpers.book --from executed` (the notebooks the runner just executed);
`make test` runs `--from committed --strict` (the committed notebooks, warnings as errors).
The generated tables (status, data card) are computed at build time, never pasted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import datacard, pack, recipe_search, run
from helpers.errors import CourseError

ROOT = run.ROOT
STAGE = run.BUILD / "site-src"
HTML = run.BUILD / "html"


def stage(source: str) -> Path:
    """Copy config, pages and notebooks (executed or committed) into the staging folder."""
    if STAGE.exists():
        shutil.rmtree(STAGE)
    STAGE.mkdir(parents=True)
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, STAGE / name)
    shutil.copytree(ROOT / "book", STAGE / "book")
    (STAGE / "notebooks").mkdir()
    for notebook in sorted(run.NOTEBOOKS.glob("*.ipynb")):
        executed = run.EXECUTED / notebook.name
        if source == "executed" and not executed.is_file():
            raise CourseError(
                f"{executed} is missing: run `python -m helpers.run` first (or build "
                "from the committed notebooks with --from committed)."
            )
        copy_for_readers(executed if source == "executed" else notebook, STAGE / "notebooks" / notebook.name)
    return STAGE


def copy_for_readers(source: Path, target: Path) -> None:
    """Copy a notebook for the book: no test markers (`# NBVAL_CHECK_OUTPUT`), and each exercise's
    solution and the quiz's answers behind a toggle right after their check cells."""
    notebook = json.loads(source.read_text())
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines(keepends=True)
            cell["source"] = [line for line in lines if line.strip() != "# NBVAL_CHECK_OUTPUT"]
        cells.append(cell)
        toggle = answer_toggle("".join(cell["source"])) if cell["cell_type"] == "code" else None
        if toggle:
            cells.append(
                {
                    "cell_type": "markdown",
                    "id": f"answers-{len(cells)}",
                    "metadata": {},
                    "source": toggle.splitlines(keepends=True),
                }
            )
    notebook["cells"] = cells
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False))


EXERCISE_CALL = re.compile(r'helpers\.checks\.exercise\("(ch\d\d)", (\d+),')
QUIZ_CALL = re.compile(r'helpers\.checks\.quiz\("(ch\d\d)",')


def answer_toggle(code: str) -> str | None:
    """Markdown for a closed dropdown (a <details> element: no JavaScript) after a check cell, or None."""
    from helpers import checks

    if found := EXERCISE_CALL.search(code):
        name, number = found.group(1), int(found.group(2))
        item = checks.find_exercise(name, number)
        return f":::{{dropdown}} Solution to exercise {number}\n```python\n{item.solution.strip()}\n```\n:::\n"
    if found := QUIZ_CALL.search(code):
        lines = [":::{dropdown} Quiz answers and explanations"]
        for q in checks.chapter(found.group(1)).quiz:
            lines.append(f"**{q.number}.** Answer: **{q.key}**\n")
            lines += [f"- **{letter}**: {why}" for letter, why in q.options.items()] + [""]
        return "\n".join(lines + [":::", ""])
    return None


def reports(source: str) -> list[dict[str, Any]]:
    """Return the run reports to show: the fresh ones for executed builds, else the committed ones."""
    folders = [run.REPORTS, run.COMMITTED_REPORTS] if source == "executed" else [run.COMMITTED_REPORTS]
    found: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for path in sorted(folder.glob("run-report-*.json")):
            report = json.loads(path.read_text())
            found.setdefault(report["profile"], report)
    return [found[k] for k in sorted(found)]


# The worlds a learner runs the course in, by run-report profile, and how each is executed.
WORLDS = {
    "cpu": "CPU profile, offline course pack (what CI checks with nbval)",
    "gpu-on-cpu": "GPU profile's work (whole split, official recipe) on the CPU: `make gpu-work-on-cpu`",
    "online-localhub": "online, against a local test Hub of tiny random models (every `make test`)",
    "gpu": "GPU profile on a CUDA GPU: `make test PROFILE=gpu`",
    "online": "online, the real Hugging Face Hub with the real checkpoints",
}


def cell(value: Any) -> str:
    """Text made safe for one Markdown table cell: line breaks shown as ↵, pipes escaped.

    Every generated table quotes through this, so no quoted text can end a table or add a column,
    e.g. `cell("Paris.\\n\\nThe answer | 201")` is `Paris.↵↵The answer \\| 201`.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "↵").replace("|", "\\|").strip()


def table(header: list[str], rows: list[list[Any]], right: tuple[int, ...] = ()) -> list[str]:
    """Markdown lines of a table, every cell through `cell`; the columns numbered in `right` align right."""

    def line(values: list[Any]) -> str:
        return "| " + " | ".join(cell(v) for v in values) + " |"

    rule = "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"
    return [line(header), rule, *(line(row) for row in rows)]


def worlds_table(found: list[dict[str, Any]]) -> list[str]:
    """Markdown lines: for each world, when its last recorded run finished, or that it never ran."""
    by_profile = {report["profile"]: report for report in found}
    rows = []
    for profile, world in WORLDS.items():
        report = by_profile.get(profile)
        if report is None:
            rows.append([world, "**never executed**", "-"])
            continue
        ok = sum(r["status"] == "ok" for r in report["notebooks"])
        env = report["environment"]
        rows.append(
            [world, f"{report['finished']} on {env['cpu']}, GPU: {env['gpu']}", f"{ok} of {len(report['notebooks'])}"]
        )
    return ["## Where the course has run", "", *table(["world", "last recorded run", "notebooks ok"], rows), ""]


def status_tables(source: str) -> str:
    """Markdown for the status page: where it ran, run reports per profile and the course-pack manifest."""
    found = reports(source) or []
    lines = worlds_table(found)
    for report in found:
        lines += [f"## Profile `{report['profile']}`", "", run.markdown_table(report)]
    if not found:
        lines += ["No run report yet: run `make book` to execute the notebooks.", ""]
    return "\n".join(lines + recipe_tables() + pack_tables() + bench_tables())


def recipe_tables() -> list[str]:
    """Chapter 5's recipe search (helpers.recipe_search): validation per candidate, the chosen one's spread."""
    if not recipe_search.OUT.is_file():
        return ["## Chapter 5's recipe", "", "Not measured yet: run `make recipes`.", ""]
    r = recipe_search.load()
    rows = [
        [
            name,
            ", ".join(f"{k}={v}" for k, v in c["changes"].items()) or "-",
            len(c["runs"]),
            f"{c['validation_accuracy']['mean']:.3f} ± {c['validation_accuracy']['sd']:.3f}",
            f"{c['validation_f1']['mean']:.3f} ± {c['validation_f1']['sd']:.3f}",
        ]
        for name, c in r["candidates"].items()
    ]
    chosen = [
        [key.replace("_", " "), f"{v['mean']:.3f} ± {v['sd']:.3f}", f"{v['min']:.3f}-{v['max']:.3f}"]
        for key, v in r["chosen_scores"].items()
        if key != "runs"
    ]
    return [
        "## Chapter 5's recipe, chosen on the validation split",
        "",
        f"Measured {r['measured']} by `make recipes` (offline, course-pack stand-in of `bert-base-uncased`; "
        f"data {cell(r['data'])}; bf16 autocast {r['bf16']}). Candidates change the base recipe "
        f"{cell(r['base'])}.",
        "",
        *table(["candidate", "changes", "seeds", "validation accuracy", "validation F1"], rows, right=(2, 3, 4)),
        "",
        f"Chosen: **{r['chosen']}**. Its models, one per seed ({', '.join(map(str, r['seeds']))}), scored once:",
        "",
        *table(["figure", "mean ± sd", "min-max"], chosen, right=(1, 2)),
        "",
    ]


def pack_tables() -> list[str]:
    """Markdown lines for the course pack: what each artifact is, the Hub names it answers for, its quality."""
    from helpers.hub import ENCODER, STAND_INS, describe

    records = pack.manifest()
    what = [[name, describe(name), r.get("build_seconds", "")] for name, r in records.items()]
    what.append([ENCODER, f"{describe(ENCODER)}, packaged, not trained further", 0])
    quality = []
    for name, r in records.items():
        measured = {"problem": r["problem"]} if "problem" in r else r["quality"]
        quality += [[name, key.replace("_", " "), value] for key, value in measured.items()]
    quality.append([ENCODER, "quality", "see chapter 4"])
    return [
        "## Course pack",
        "",
        *table(["artifact", "what it is", "build s"], what, right=(2,)),
        "",
        "Offline, each Hub name below is answered by the course-pack artifact beside it:",
        "",
        *table(["Hub name", "artifact"], [[f"`{name}`", artifact] for name, artifact in STAND_INS.items()]),
        "",
        "Measured when each artifact was built (↵ marks a line break in a quoted text):",
        "",
        *table(["artifact", "measured", "value"], quality),
        "",
    ]


def bench_tables() -> list[str]:
    """Markdown lines for the benchmark results of `make bench`, if they were measured."""
    from helpers.bench import OUT

    if not OUT.is_file():
        return ["## Benchmarks", "", "Not measured yet: run `make bench`.", ""]
    b = json.loads(OUT.read_text())
    load = (
        f" 1-minute load average {b['load_average_before']} before, {b['load_average_after']} after"
        f" (above the core count means the timings were shared)."
        if "load_average_before" in b
        else ""
    )
    rows = [[f"course pack: {key.replace('_', ' ')}", _figure(value)] for key, value in b["course_pack"].items()]
    lessons, pad = b["lessons"], b["lessons"]["padding"]
    speed = lessons["training_samples_per_second"]
    rows += [
        [
            "`Dataset.map`: unbatched / batched seconds",
            f"{lessons['map_unbatched_seconds']} / {lessons['map_batched_seconds']} (x{lessons['map_speedup']})",
        ],
        ["padding: dynamic / max-length tokens", f"{pad['dynamic_tokens']} / {pad['max_length_tokens']}"],
        [
            "padding: dynamic / max-length forward seconds",
            f"{pad['dynamic_seconds']} / {pad['max_length_seconds']} (x{pad['speedup']})",
        ],
        [
            "training samples/s: Trainer / plain loop",
            f"{speed['trainer']} / {speed['plain_loop']} (Trainer time ratio {speed['trainer_overhead_ratio']})",
        ],
    ]
    lines = ["## Benchmarks", "", f"Measured {b['measured']} on {b['environment']['cpu']}.{load}", ""]
    lines += [*table(["what", "figure"], rows), ""]
    if b.get("mrpc_cpu_profile"):
        m = b["mrpc_cpu_profile"]
        lines += [
            f"Chapter 5, CPU profile, run of {m.get('measured', b['measured'])} "
            f"({m['model']}, course paraphrase set, {m['epochs']:g} epochs): "
            f"validation accuracy {m['accuracy']}, F1 {m['f1']}; training {m['train_seconds']} s "
            f"({m['train_samples_per_second']} pairs/s).",
            "",
        ]
    if b.get("notebooks"):
        header = ["notebook", "status", "seconds", "kernel peak memory (MB)"]
        rows = [[r["notebook"], r["status"], r["seconds"], r["peak_rss_mb"]] for r in b["notebooks"]]
        lines += table(header, rows, right=(2, 3))
    return lines + [""]


def _figure(value: Any) -> str:
    """A benchmark figure as text: a mapping as 'a: yes, b: no', anything else as it is."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_figure(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def generate(source: str) -> None:
    """Write the generated Markdown fragments that the status and data card pages include."""
    out = STAGE / "book" / "_generated"
    out.mkdir(parents=True, exist_ok=True)
    (out / "status_tables.md").write_text(status_tables(source))
    (out / "data_tables.md").write_text(datacard.tables())


def build(source: str, strict: bool) -> Path:
    """Stage, generate and build the site into _build/html; return the index page."""
    stage(source)
    generate(source)
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(STAGE),
        "--path-output",
        str(run.BUILD / "jb"),
    ]
    if strict:
        command += ["-W", "-n", "--keep-going"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise CourseError(f"The book build failed:\n{tail}")
    if HTML.exists():
        shutil.rmtree(HTML)
    shutil.copytree(run.BUILD / "jb" / "_build" / "html", HTML)
    return HTML / "index.html"


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers.book [--from executed|committed] [--strict]`."""
    parser = argparse.ArgumentParser(prog="python -m helpers.book", description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", choices=("executed", "committed"), default="executed")
    parser.add_argument("--strict", action="store_true", help="warnings are errors (-W -n)")
    args = parser.parse_args(argv)
    try:
        index = build(args.source, args.strict)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"book: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
