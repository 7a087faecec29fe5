"""Builds the website: stages pages and notebooks, writes the generated tables, runs Jupyter Book.

`make book` runs `python -m helpers.book --from executed` (the notebooks the runner just executed);
`make test` runs `--from committed --strict` (the committed notebooks, warnings as errors).
The generated tables (status, data card) are computed at build time, never pasted.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from helpers import datacard, pack, run
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
            raise CourseError(f"{executed} is missing: run `python -m helpers.run` first (or build "
                              "from the committed notebooks with --from committed).")
        copy_for_readers(executed if source == "executed" else notebook, STAGE / "notebooks" / notebook.name)
    return STAGE


def copy_for_readers(source: Path, target: Path) -> None:
    """Copy a notebook without the test markers (`# NBVAL_CHECK_OUTPUT`) that readers need not see."""
    notebook = json.loads(source.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            lines = "".join(cell["source"]).splitlines(keepends=True)
            cell["source"] = [line for line in lines if line.strip() != "# NBVAL_CHECK_OUTPUT"]
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False))


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


def worlds_table(found: list[dict[str, Any]]) -> list[str]:
    """Markdown lines: for each world, when its last recorded run finished, or that it never ran."""
    by_profile = {report["profile"]: report for report in found}
    lines = ["## Where the course has run", "", "| world | last recorded run | notebooks ok |", "|---|---|---|"]
    for profile, world in WORLDS.items():
        report = by_profile.get(profile)
        if report is None:
            lines.append(f"| {world} | **never executed** | - |")
            continue
        ok = sum(r["status"] == "ok" for r in report["notebooks"])
        lines.append(f"| {world} | {report['finished']} on {report['environment']['cpu']}, GPU: "
                     f"{report['environment']['gpu']} | {ok} of {len(report['notebooks'])} |")
    return lines + [""]


def status_tables(source: str) -> str:
    """Markdown for the status page: where it ran, run reports per profile and the course-pack manifest."""
    found = reports(source) or []
    lines = worlds_table(found)
    for report in found:
        lines += [f"## Profile `{report['profile']}`", "", run.markdown_table(report)]
    if not found:
        lines += ["No run report yet: run `make book` to execute the notebooks.", ""]
    lines += ["## Course pack", "", "| artifact | stands in for | measured quality | build s |",
              "|---|---|---|---:|"]
    from helpers.hub import STAND_INS

    for name, record in pack.manifest().items():
        names = ", ".join(f"`{n}`" for n, a in STAND_INS.items() if a == name)
        quality = record.get("problem") or ", ".join(f"{k}: {v}" for k, v in record["quality"].items())
        lines.append(f"| {name} | {names} | {quality} | {record.get('build_seconds', '')} |")
    encoder_names = ", ".join(f"`{n}`" for n, a in STAND_INS.items() if a == "encoder")
    lines += [f"| encoder (packaged, not trained further) | {encoder_names} | see chapter 4 | 0 |", ""]
    return "\n".join(lines + bench_tables())


def bench_tables() -> list[str]:
    """Markdown lines for the benchmark results of `make bench`, if they were measured."""
    from helpers.bench import OUT

    if not OUT.is_file():
        return ["## Benchmarks", "", "Not measured yet: run `make bench`.", ""]
    b = json.loads(OUT.read_text())
    load = (f" 1-minute load average {b['load_average_before']} before, {b['load_average_after']} after"
            f" (above the core count means the timings were shared)." if "load_average_before" in b else "")
    lines = ["## Benchmarks", "", f"Measured {b['measured']} on {b['environment']['cpu']}.{load}", "",
             "| what | figure |", "|---|---|"]
    for key, value in b["course_pack"].items():
        lines.append(f"| course pack: {key.replace('_', ' ')} | {value} |")
    lessons = b["lessons"]
    lines += [f"| `Dataset.map`: unbatched / batched seconds | {lessons['map_unbatched_seconds']} / "
              f"{lessons['map_batched_seconds']} (x{lessons['map_speedup']}) |"]
    pad = lessons["padding"]
    lines += [f"| padding: dynamic / max-length tokens | {pad['dynamic_tokens']} / {pad['max_length_tokens']} |",
              f"| padding: dynamic / max-length forward seconds | {pad['dynamic_seconds']} / "
              f"{pad['max_length_seconds']} (x{pad['speedup']}) |"]
    speed = lessons["training_samples_per_second"]
    lines += [f"| training samples/s: Trainer / plain loop | {speed['trainer']} / {speed['plain_loop']} "
              f"(Trainer time ratio {speed['trainer_overhead_ratio']}) |", ""]
    if b.get("mrpc_cpu_profile"):
        m = b["mrpc_cpu_profile"]
        lines += [f"Chapter 5, CPU profile, run of {m.get('measured', b['measured'])} "
                  f"({m['model']}, course paraphrase set, {m['epochs']:g} epochs): "
                  f"validation accuracy {m['accuracy']}, F1 {m['f1']}; training {m['train_seconds']} s "
                  f"({m['train_samples_per_second']} pairs/s).", ""]
    if b.get("notebooks"):
        lines += ["| notebook | status | seconds | kernel peak memory (MB) |", "|---|---|---:|---:|"]
        lines += [f"| {r['notebook']} | {r['status']} | {r['seconds']} | {r['peak_rss_mb']} |" for r in b["notebooks"]]
    return lines + [""]


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
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(STAGE),
               "--path-output", str(run.BUILD / "jb")]
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
