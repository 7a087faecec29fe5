"""The offline course pack: builds, verifies and describes the stand-in models.

`helpers.hub.checkpoint` asks `ensure(name)` for an artifact's folder; `make book` and
`python -m helpers.hub build` build them all. Each artifact is a real, reproducible training run
(fixed seeds, the `Trainer` API of chapter 5) or conversion, written atomically into the cache
folder (`COURSE_PACK_DIR`, default `~/.cache/transformers-executed/pack`) with an `artifact.json`
that records its source, recipe, file hashes and measured quality.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from helpers import data
from helpers.errors import CourseError
from helpers.recipes import ARTIFACTS, Artifact

PACK_VERSION = 1
_verified: set[str] = set()


def pack_dir() -> Path:
    """Return the course-pack cache folder (COURSE_PACK_DIR, or ~/.cache/transformers-executed/pack)."""
    default = Path.home() / ".cache" / "transformers-executed" / "pack"
    return Path(os.environ.get("COURSE_PACK_DIR", default)).expanduser()


def _hash_file(path: Path) -> str:
    """Return the SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _hash_tree(folder: Path) -> dict[str, str]:
    """Return {relative path: SHA-256} for every file of a folder except artifact.json."""
    return {
        p.relative_to(folder).as_posix(): _hash_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "artifact.json"
    }


def _recipe_key(artifact: Artifact) -> str:
    """Return a hash of what decides an artifact's content: recipe, data and pack version."""
    trained_on = data.fingerprint("sentiment", "topics")  # the stand-ins never see the paraphrase sets
    key = json.dumps({"v": PACK_VERSION, "recipe": artifact.recipe, "data": trained_on}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def read_record(name: str) -> dict[str, Any] | None:
    """Return the artifact.json of a built artifact, or None if it is absent or unreadable."""
    try:
        return json.loads((pack_dir() / name / "artifact.json").read_text())
    except (OSError, ValueError):
        return None


def problem(name: str, full: bool = True) -> str | None:
    """Return what is wrong with a built artifact (missing, stale, truncated, corrupted), or None."""
    record = read_record(name)
    if record is None:
        return "not built"
    if record.get("recipe_key") != _recipe_key(ARTIFACTS[name]):
        return "stale (its recipe or the course data changed)"
    folder = pack_dir() / name
    for rel, (digest, size) in record["files"].items():
        path = folder / rel
        if not path.is_file() or path.stat().st_size != size:
            return f"file {rel} is missing or truncated"
        if full and _hash_file(path) != digest:
            return f"file {rel} does not match its recorded hash"
    return None


def ensure(name: str, progress: bool = True) -> Path:
    """Return the folder of artifact `name`, building or rebuilding it first if needed."""
    if name not in ARTIFACTS:
        raise CourseError(f"Unknown course-pack artifact {name!r}; known: {', '.join(ARTIFACTS)}.")
    folder = pack_dir() / name
    if name in _verified and problem(name, full=False) is None:
        return folder
    issue = problem(name)
    if issue is not None:
        if issue != "not built":
            print(f"course pack: {name} is {issue}; rebuilding it.")
        build(name, progress=progress)
    _verified.add(name)
    return folder


def build(name: str, progress: bool = True) -> dict[str, Any]:
    """Build artifact `name` atomically into the pack folder and return its record."""
    from filelock import FileLock

    artifact = ARTIFACTS[name]
    root = pack_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(root / f".{name}.lock")):
            if problem(name) is None:  # another process built it while we waited
                return read_record(name) or {}
            for stale in root.glob(f".tmp-{name}-*"):  # left by an interrupted build
                shutil.rmtree(stale, ignore_errors=True)
            tmp = root / f".tmp-{name}-{os.getpid()}"
            tmp.mkdir()
            print(f"course pack: building {name} ({artifact.description}) ...", flush=True)
            start = time.perf_counter()
            quality = artifact.build(tmp, progress)
            record = {
                "name": name,
                "description": artifact.description,
                "recipe": artifact.recipe,
                "recipe_key": _recipe_key(artifact),
                "quality": quality,
                "build_seconds": round(time.perf_counter() - start, 1),
                "torch_threads": _torch_threads(),
                "built": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "files": {rel: [digest, (tmp / rel).stat().st_size] for rel, digest in _hash_tree(tmp).items()},
            }
            (tmp / "artifact.json").write_text(json.dumps(record, indent=2) + "\n")
            shutil.rmtree(root / name, ignore_errors=True)
            os.replace(tmp, root / name)
            print(f"course pack: {name} built in {record['build_seconds']} s: {quality}", flush=True)
            return record
    except OSError as exc:
        shutil.rmtree(root / f".tmp-{name}-{os.getpid()}", ignore_errors=True)
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR):
            raise CourseError(
                f"The course-pack folder {root} is not writable ({exc.strerror}). Set "
                "COURSE_PACK_DIR to a writable folder, e.g. export COURSE_PACK_DIR=/tmp/pack"
            ) from exc
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise CourseError(
                f"The disk holding {root} is full ({exc.strerror}). The pack needs about "
                "1 GB: free space there, or set COURSE_PACK_DIR to another folder."
            ) from exc
        raise


def _torch_threads() -> int:
    """Return the number of threads torch computes with (it can change float sums)."""
    import torch

    return torch.get_num_threads()


def clear() -> None:
    """Delete the whole course-pack folder."""
    shutil.rmtree(pack_dir(), ignore_errors=True)


def manifest(full: bool = True) -> dict[str, Any]:
    """Return every artifact's record (or its problem) keyed by name; `full` re-hashes the files."""
    out = {}
    for name in ARTIFACTS:
        issue = problem(name, full=full)
        out[name] = read_record(name) if issue is None else {"name": name, "problem": issue}
    return out
