"""The repositories a local Hub serves, read from a build's manifest, and the JSON the Hub API returns.

`tests.hubserver.server` answers HTTP requests with what this module computes: repo info
(`/api/models/{id}`), tree listings and paths-info entries, and file lookups.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KINDS = {"models": "model", "datasets": "dataset", "spaces": "space"}
DATE = "2026-01-01T00:00:00.000Z"  # every fixture commit has this date
LFS_POINTER_SIZE = 134


@dataclass(frozen=True)
class Repo:
    """One served repository: kind ('model', 'dataset', 'space'), id, fake commit sha, files."""

    kind: str
    repo_id: str
    sha: str
    folder: Path
    files: dict[str, dict[str, Any]]
    aliases: tuple[str, ...] = ()

    def revision_ok(self, revision: str) -> bool:
        """True for the revisions this repo has: branch `main`, its commit sha or a 7+ digit prefix."""
        return revision == "main" or (len(revision) >= 7 and self.sha.startswith(revision))

    def directories(self) -> list[str]:
        """Every folder path in the repo (not the root), sorted."""
        found = {"/".join(name.split("/")[:i]) for name in self.files for i in range(1, name.count("/") + 1)}
        return sorted(found)

    def tree_entry(self, path: str, expand: bool = False) -> dict[str, Any]:
        """The Hub's JSON for one file or folder of a tree listing or paths-info answer."""
        if path in self.files:
            record = self.files[path]
            entry: dict[str, Any] = {"type": "file", "oid": record["oid"], "size": record["size"], "path": path}
            if record["lfs"]:
                entry["lfs"] = {"oid": record["sha256"], "size": record["size"], "pointerSize": LFS_POINTER_SIZE}
        else:
            oid = hashlib.sha1(f"{self.sha}:{path}".encode()).hexdigest()
            entry = {"type": "directory", "oid": oid, "size": 0, "path": path}
        if expand:
            entry["lastCommit"] = {"id": self.sha, "title": "Test fixture", "date": DATE}
        return entry

    def exists(self, path: str) -> bool:
        """True if `path` is a file or a folder of the repo ('' is the root)."""
        return path == "" or path in self.files or path in self.directories()

    def tree(self, path: str, recursive: bool, expand: bool = False) -> list[dict[str, Any]]:
        """Entries under folder `path` ('' = root): children only, or everything below if `recursive`."""
        prefix = f"{path}/" if path else ""
        names = [*self.directories(), *sorted(self.files)]
        below = [n for n in names if n.startswith(prefix) and n != path]
        if not recursive:
            below = [n for n in below if "/" not in n[len(prefix) :]]
        return [self.tree_entry(n, expand) for n in below]

    def info(self, blobs: bool = False) -> dict[str, Any]:
        """The repo info JSON of `/api/{kind}s/{id}` (siblings with sizes and LFS data if `blobs`)."""
        siblings = []
        for name, record in sorted(self.files.items()):
            sibling: dict[str, Any] = {"rfilename": name}
            if blobs:
                sibling.update(size=record["size"], blobId=record["oid"])
                if record["lfs"]:
                    sibling["lfs"] = {
                        "sha256": record["sha256"],
                        "size": record["size"],
                        "pointerSize": LFS_POINTER_SIZE,
                    }
            siblings.append(sibling)
        author = self.repo_id.split("/")[0] if "/" in self.repo_id else None
        out: dict[str, Any] = {
            "_id": hashlib.sha1(self.repo_id.encode()).hexdigest()[:24],
            "id": self.repo_id,
            "author": author,
            "sha": self.sha,
            "lastModified": DATE,
            "createdAt": DATE,
            "private": False,
            "disabled": False,
            "gated": False,
            "downloads": 0,
            "likes": 0,
            "tags": ["test-fixture"],
            "siblings": siblings,
            "usedStorage": sum(r["size"] for r in self.files.values()),
            "cardData": self.card_data(),
        }
        if self.kind == "model":
            out.update(modelId=self.repo_id, library_name="transformers", config=self._config_summary())
            if "pipeline_tag" in out["cardData"]:
                out["pipeline_tag"] = out["cardData"]["pipeline_tag"]
        elif self.kind == "space":
            out.update(sdk="gradio", runtime={"stage": "RUNNING"}, subdomain=self.repo_id.replace("/", "-"))
        else:
            out["description"] = "Test fixture; NOT the real data set."
        return out

    def _config_summary(self) -> dict[str, Any]:
        """The `config` field of a model info: architectures and model_type from config.json."""
        path = self.folder / "config.json"
        if not path.is_file():
            return {}
        config = json.loads(path.read_text())
        return {k: config[k] for k in ("architectures", "model_type") if k in config}

    def card_data(self) -> dict[str, Any]:
        """The YAML front matter of README.md (the Hub's `cardData`), or {}."""
        path = self.folder / "README.md"
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        if not text.startswith("---\n"):
            return {}
        meta = yaml.safe_load(text[4:].split("\n---", 1)[0])
        return meta if isinstance(meta, dict) else {}


class Index:
    """Every repo of a build folder, looked up by kind and id (or legacy alias)."""

    def __init__(self, root: Path) -> None:
        """Read `root/manifest.json` (written by `tests.hubserver.build`)."""
        manifest = json.loads((root / "manifest.json").read_text())
        self.repos: dict[tuple[str, str], Repo] = {}
        self.aliases: dict[tuple[str, str], str] = {}
        for entry in manifest["repos"]:
            repo = Repo(
                entry["type"],
                entry["id"],
                entry["sha"],
                root / f"{entry['type']}s" / entry["id"],
                entry["files"],
                tuple(entry["aliases"]),
            )
            self.repos[(repo.kind, repo.repo_id)] = repo
            for alias in repo.aliases:
                self.aliases[(repo.kind, alias)] = repo.repo_id

    def get(self, kind: str, repo_id: str) -> Repo | None:
        """The repo of this kind with this canonical id, or None."""
        return self.repos.get((kind, repo_id))

    def canonical(self, kind: str, alias: str) -> str | None:
        """The canonical id a legacy name redirects to (e.g. gpt2 -> openai-community/gpt2), or None."""
        return self.aliases.get((kind, alias))

    def known(self, kind: str, repo_id: str) -> bool:
        """True if `repo_id` is a repo or an alias of this kind."""
        return (kind, repo_id) in self.repos or (kind, repo_id) in self.aliases

    def listing(self, kind: str) -> list[dict[str, Any]]:
        """Short infos of every repo of a kind (`/api/models`, `/api/datasets`, `/api/spaces`)."""
        return [
            {"id": r.repo_id, "sha": r.sha, "lastModified": DATE, "private": False}
            for (k, _), r in sorted(self.repos.items())
            if k == kind
        ]
