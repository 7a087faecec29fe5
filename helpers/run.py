"""The notebook runner: executes chapter notebooks headless with papermill and writes a run report.

Maintainers and `make book` use it:
    python -m helpers.run [--profile cpu|gpu|gpu-on-cpu] [--inplace] [--record-as WORLD] [--jobs N]
                          [-p NAME=VALUE ...] [NOTEBOOK ...]
Without --inplace executed copies go to `_build/executed/`; with it the committed notebooks are
refreshed. A failing notebook is reported in a few lines (notebook, cell, source head, error),
the runner goes on with the next one, and exits non-zero at the end. `--jobs 2` runs two notebooks
at a time (longest first, by the committed report), for checks whose timings do not matter.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpers import profiles
from helpers.errors import CourseError
from helpers.tables import table

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BUILD = Path(os.environ.get("COURSE_BUILD_DIR", ROOT / "_build"))
EXECUTED = BUILD / "executed"
REPORTS = BUILD / "report"  # reports of executed copies
COMMITTED_REPORTS = ROOT / "book" / "reports"  # reports of the committed notebooks (--inplace)
TIMEOUT_S = {"default": 600, "05_finetune_mrpc": 900, "06_training_loop_accelerate": 900}


def notebook_defaults(path: Path) -> dict[str, Any]:
    """Return the `parameters` cell of notebook `path` as a dict of Python values."""
    import papermill

    try:
        found = papermill.inspect_notebook(str(path))
    except Exception as exc:  # nbformat raises several types for unreadable files
        raise CourseError(
            f"{path} is not a readable notebook ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else 'no detail'}). "
            "Restore it from git, or delete it and run again."
        ) from exc
    return {name: profiles.parse_value(p["default"]) for name, p in found.items()}


def resolve(names: list[str]) -> list[Path]:
    """Return the notebook paths for `names` (paths or stems); all chapter notebooks if empty."""
    if not names:
        return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    paths = []
    for name in names:
        candidates = [Path(name), NOTEBOOKS / name, NOTEBOOKS / f"{name}.ipynb"]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            known = ", ".join(p.stem for p in sorted(NOTEBOOKS.glob("*.ipynb")))
            raise CourseError(f"No notebook {name!r}. Known notebooks: {known}.")
        paths.append(path.resolve())
    return paths


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise TimeoutError in the main thread if the block runs longer than `seconds`."""

    def _expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"notebook ran longer than its {seconds} s limit")

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def describe_failure(path: Path, exc: BaseException) -> str:
    """Return a short, readable account of why executing `path` failed."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        head = "\n".join("    | " + line for line in exc.source.splitlines()[:4])
        return (
            f"{path.name}: cell {exc.cell_index} (execution count {exc.exec_count}) failed\n"
            f"{head}\n    {exc.ename}: {exc.evalue}"
        )
    return f"{path.name}: {type(exc).__name__}: {exc}"


def execute(path: Path, profile: str, extra: dict[str, Any], out_dir: Path | None) -> dict[str, Any]:
    """Execute one notebook with papermill; return its report record (never raises for cell errors)."""
    import papermill

    defaults = notebook_defaults(path)
    values = {**profiles.overrides(profile, path.stem, defaults), **extra}
    profiles.validate(path.name, values, defaults)
    target = path if out_dir is None else out_dir / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    limit = TIMEOUT_S.get(path.stem, TIMEOUT_S["default"])
    record: dict[str, Any] = {"notebook": path.name, "profile": profile, "parameters": values}
    start = time.perf_counter()
    try:
        with deadline(limit):
            papermill.execute_notebook(
                str(path),
                str(target),
                parameters=values,
                cwd=str(path.parent),
                progress_bar=False,
                log_output=False,
                execution_timeout=limit,
            )
        record["status"] = "ok"
    except Exception as exc:  # a failing notebook is reported, then the run goes on
        record["status"] = "failed"
        record["error"] = describe_failure(path, exc)
    record["seconds"] = round(time.perf_counter() - start, 1)
    # Peak memory of this process's kernels so far: exact when a process runs one notebook (bench).
    record["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    record["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return record


def longest_first(paths: list[Path]) -> list[Path]:
    """`paths` ordered by the seconds of the committed CPU report, longest first (unknown ones first)."""
    try:
        report = json.loads((COMMITTED_REPORTS / "run-report-cpu.json").read_text())
        seconds = {r["notebook"]: r["seconds"] for r in report["notebooks"]}
    except (OSError, ValueError, KeyError, TypeError):
        seconds = {}
    return sorted(paths, key=lambda p: -seconds.get(p.name, float("inf")))


def execute_all(
    paths: list[Path], profile: str, extra: dict[str, Any], out_dir: Path | None, jobs: int
) -> Iterator[dict[str, Any]]:
    """Execute the notebooks `jobs` at a time (each in a worker process of its own); yield each record."""
    if jobs == 1:
        for path in paths:
            print(f"running {path.name} ({profile}) ...", flush=True)
            yield execute(path, profile, extra, out_dir)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # Kernels share the cores: OpenMP threads that spin while they wait would slow the other notebook.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    print(f"running {len(paths)} notebooks ({profile}), {jobs} at a time ...", flush=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(execute, path, profile, extra, out_dir) for path in longest_first(paths)]
        for future in as_completed(futures):
            yield future.result()


def environment() -> dict[str, str]:
    """Return the Python and library versions and the CPU/GPU names of this machine."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    info = {"python": platform.python_version(), "machine": platform.machine(), "cpu": cpu_name()}
    for lib in ("torch", "transformers", "datasets", "evaluate", "accelerate", "papermill"):
        try:
            info[lib] = version(lib)
        except PackageNotFoundError:
            info[lib] = "missing"
    info["gpu"] = gpu_name()
    return info


def cpu_name() -> str:
    """Return the CPU model name and core count, e.g. 'AMD EPYC 7B13 (2 cores)'."""
    import platform

    name = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    return f"{name} ({os.cpu_count()} cores)"


def gpu_name() -> str:
    """Return the CUDA device name, or 'none'."""
    try:
        import torch
    except ImportError:
        return "none"
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"


def write_report(records: list[dict[str, Any]], profile: str, folder: Path) -> Path:
    """Merge `records` into the profile's report in `folder` (JSON and Markdown); return the JSON path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-report-{profile}.json"
    try:
        previous = {r["notebook"]: r for r in json.loads(path.read_text())["notebooks"]}
    except (OSError, ValueError, KeyError):
        previous = {}
    previous.update({r["notebook"]: r for r in records})
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    report = {
        "profile": profile,
        "finished": stamp,
        "environment": environment(),
        "notebooks": [previous[k] for k in sorted(previous)],
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
    path.with_suffix(".md").write_text(markdown_table(report))
    return path


def markdown_table(report: dict[str, Any]) -> str:
    """Return the report as a Markdown table (one row per notebook) with the environment below."""
    env = report["environment"]
    device = "cuda" if env["gpu"] != "none" else "cpu"
    rows = [
        [r["notebook"], r["status"], r["seconds"], r["profile"], device, r.get("finished", report["finished"])]
        for r in report["notebooks"]
    ]
    lines = table(["notebook", "status", "seconds", "profile", "device", "last run"], rows, right=(2,))
    versions = ", ".join(f"{k} {v}" for k, v in env.items() if k not in ("cpu", "gpu", "machine"))
    lines += [
        "",
        f"Run finished {report['finished']} on {env['cpu']}, GPU: {env['gpu']}.",
        "",
        f"Versions: {versions}.",
        "",
    ]
    return "\n".join(lines)


def check_profile_hardware(profile: str) -> None:
    """Fail fast when the GPU profile is asked for on a machine without CUDA."""
    if profile == "gpu" and gpu_name() == "none":
        raise CourseError(
            "The gpu profile needs a CUDA GPU and none was found (torch.cuda.is_available() is "
            "False). Run the cpu profile here: python -m helpers.run --profile cpu"
        )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m helpers.run", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="notebook paths or stems (default: all)")
    parser.add_argument("--profile", default="cpu", help="cpu (default), gpu or gpu-on-cpu")
    parser.add_argument("--inplace", action="store_true", help="refresh the committed notebooks")
    parser.add_argument(
        "--record-as",
        default=None,
        metavar="WORLD",
        help="name of the report (default: the profile), e.g. online-localhub",
    )
    parser.add_argument("--jobs", type=int, default=1, help="notebooks run at a time (default 1: timings stay clean)")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one parameter (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        if args.profile not in profiles.PROFILES:
            raise CourseError(f"Unknown profile {args.profile!r}. Valid profiles: {', '.join(profiles.PROFILES)}.")
        check_profile_hardware(args.profile)
        extra = {}
        for item in args.parameter:
            name, sep, text = item.partition("=")
            if not sep:
                raise CourseError(f"Parameter {item!r} must look like NAME=VALUE.")
            extra[name] = profiles.parse_value(text)
        paths = resolve(args.notebooks)
        for path in paths:  # check every notebook's parameters before running any
            profiles.validate(path.name, extra, notebook_defaults(path))
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    records = []
    out_dir = None if args.inplace else EXECUTED
    for record in execute_all(paths, args.profile, extra, out_dir, max(1, args.jobs)):
        print(f"{record['notebook']}: {record['status']} in {record['seconds']} s", flush=True)
        if record["status"] != "ok":
            print(record["error"], file=sys.stderr, flush=True)
        records.append(record)
    asked = {path.name: i for i, path in enumerate(paths)}
    records.sort(key=lambda r: asked[r["notebook"]])  # the report in the order asked for, however they finished
    report = write_report(records, args.record_as or args.profile, COMMITTED_REPORTS if args.inplace else REPORTS)
    failed = [r["notebook"] for r in records if r["status"] != "ok"]
    print(f"report: {report}; {len(records) - len(failed)} ok, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
