"""Build the local Hub's repositories (tiny models, GLUE MRPC, the GLUE metric) into one folder.

Layout: DIR/models/<repo id>/..., DIR/datasets/<repo id>/..., DIR/spaces/<repo id>/..., and
DIR/manifest.json (per repo: type, id, legacy aliases, fake commit sha, files with size, git blob
id and sha256). The build is reproducible (fixed seeds, no network) and cached: DIR/stamp.json
holds a hash of every input (this package's files, the course data, library versions) and a build
whose stamp matches is skipped.

    python -m tests.hubserver.build [DIR] [--force]      # DIR defaults to default_root()
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LIBRARIES = ("torch", "transformers", "tokenizers", "safetensors", "datasets", "pyarrow", "huggingface_hub")
LFS_SUFFIXES = (".safetensors", ".parquet", ".bin", ".gguf")
FORMAT = 2  # bump when the layout of DIR changes
BUILD_SOURCES = ("build.py", "models.py", "hubdata.py", "vocab.py", "glue_metric.py")  # + gpt2/*


def default_root() -> Path:
    """COURSE_HUBSERVER_DIR, else ~/.cache/transformers-executed/hubserver."""
    env = os.environ.get("COURSE_HUBSERVER_DIR")
    return Path(env) if env else Path.home() / ".cache" / "transformers-executed" / "hubserver"


def inputs_hash() -> str:
    """Hash of everything the build reads: our sources, the course data, the vocabulary, versions."""
    from tests.hubserver import vocab

    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    sources = sorted([*(HERE / name for name in BUILD_SOURCES), *(HERE / "gpt2").iterdir()])
    data = sorted(p for p in (ROOT / "helpers" / "data").rglob("*") if p.suffix in (".py", ".tsv", ".txt"))
    for path in [*sources, *data, vocab.uncased_vocab_file()]:
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in LIBRARIES:
        digest.update(f"{name}=={metadata.version(name)}\n".encode())
    return digest.hexdigest()


def file_record(path: Path) -> dict[str, Any]:
    """Size, git blob id (the Hub's ETag of a regular file), sha256 (its ETag of an LFS file)."""
    raw = path.read_bytes()
    return {
        "size": len(raw),
        "oid": hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest(),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "lfs": path.suffix in LFS_SUFFIXES,
    }


def repo_record(kind: str, repo_id: str, folder: Path, aliases: tuple[str, ...], prefix: str = "") -> dict[str, Any]:
    """Manifest entry of one repo; its fake commit sha is `prefix` + a hash of its id and its files."""
    files = {p.relative_to(folder).as_posix(): file_record(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    digest = hashlib.sha1(f"{kind}/{repo_id}\n".encode())
    for name, record in files.items():
        digest.update(f"{name} {record['oid']}\n".encode())
    sha = prefix + digest.hexdigest()[len(prefix) :]
    return {"type": kind, "id": repo_id, "aliases": list(aliases), "sha": sha, "files": files}


def _quiet() -> None:
    """Silence progress bars and warnings of the libraries while building."""
    import datasets
    import huggingface_hub.utils
    import transformers

    datasets.disable_progress_bars()
    huggingface_hub.utils.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()


def write_all(out: Path) -> list[dict[str, Any]]:
    """Write every repo into `out` and return the manifest entries."""
    from tests.hubserver import hubdata, models

    _quiet()
    repos = []
    pins = models.pinned_revisions()
    for spec in models.MODELS:
        folder = out / "models" / spec.repo_id
        models.write_model(spec, folder)
        repos.append(repo_record("model", spec.repo_id, folder, spec.aliases, pins.get(spec.repo_id, "")))
    folder = out / "datasets" / hubdata.GLUE_ID
    hubdata.write_glue(folder)
    repos.append(repo_record("dataset", hubdata.GLUE_ID, folder, hubdata.GLUE_ALIASES))
    folder = out / "spaces" / hubdata.METRIC_SPACE_ID
    hubdata.write_glue_metric(folder)
    repos.append(repo_record("space", hubdata.METRIC_SPACE_ID, folder, ()))
    return repos


def is_current(root: Path, stamp: str) -> bool:
    """True if `root` holds a complete build made from inputs hashing to `stamp`."""
    try:
        recorded = json.loads((root / "stamp.json").read_text())["inputs"]
    except (OSError, ValueError, KeyError):
        return False
    return recorded == stamp and (root / "manifest.json").is_file()


def build(root: Path | None = None, force: bool = False) -> Path:
    """Build the local Hub's repos into `root` (default `default_root()`) unless the stamp matches."""
    root = Path(root) if root is not None else default_root()
    stamp = inputs_hash()
    if not force and is_current(root, stamp):
        return root
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f".{root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time; the others then find it current
        if not force and is_current(root, stamp):
            return root
        tmp = root.parent / f".{root.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        repos = write_all(tmp)
        (tmp / "manifest.json").write_text(json.dumps({"format": FORMAT, "repos": repos}, indent=1) + "\n")
        (tmp / "stamp.json").write_text(json.dumps({"inputs": stamp}) + "\n")
        shutil.rmtree(root, ignore_errors=True)
        tmp.rename(root)
    return root


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.hubserver.build [DIR] [--force]`: build and print the folder and the time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=None, help="output folder")
    parser.add_argument("--force", action="store_true", help="rebuild even if the stamp matches")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    root = build(args.root, force=args.force)
    print(f"local Hub repos in {root} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
