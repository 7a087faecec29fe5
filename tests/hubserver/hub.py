"""A running local Hub and the environment that points a process at it (no pytest needed here).

`running_hub()` builds (cached) and serves; `LocalHub.env` is what a child process needs;
`run_command` runs one command against a fresh local Hub (`python -m tests.hubserver.server -- CMD`).
Used by `tests.hubserver.fixture` and `tests.hubserver.server`.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.hubserver.build import build
from tests.hubserver.server import HubServer, serve


def hub_env(url: str, hf_home: Path) -> dict[str, str]:
    """Environment for a process that must use the local Hub at `url` and nothing else."""
    return {
        "HF_ENDPOINT": url,
        "COURSE_HUB": "online",
        "HF_HUB_OFFLINE": "0",
        "HF_DATASETS_OFFLINE": "0",
        "TRANSFORMERS_OFFLINE": "0",
        "HF_EVALUATE_OFFLINE": "0",
        "HF_HOME": str(hf_home),  # a fresh cache: nothing comes from (or goes to) the real one
        "HF_HUB_DISABLE_TELEMETRY": "1",
        # datasets and evaluate HEAD s3.amazonaws.com to count downloads unless told not to.
        "HF_UPDATE_DOWNLOAD_COUNTS": "0",
        # datasets asks http://datasets-server.<endpoint host>/info; via this "proxy" it reaches the
        # local Hub (which answers 404) instead of a DNS lookup. Loopback itself is not proxied.
        "HTTP_PROXY": url,
        "http_proxy": url,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


@dataclass
class LocalHub:
    """A running local Hub: its URL, build folder, server, and the env that points a process at it."""

    url: str
    root: Path
    server: HubServer
    env: dict[str, str] = field(default_factory=dict)

    @property
    def requests(self) -> list[str]:
        """Every request the server answered so far, as "METHOD target" lines."""
        return self.server.requests

    def escaped(self) -> list[str]:
        """Requests that were meant for another host (sent here through the proxy variables)."""
        return [r for r in self.requests if r.startswith("CONNECT ") or "://" in r.split(" ", 1)[1]]


@contextmanager
def running_hub(root: Path | None = None, hf_home: Path | None = None) -> Iterator[LocalHub]:
    """Build (cached) and serve the local Hub on a free port until the block ends."""
    folder = build(root)
    server, url = serve(folder)
    with tempfile.TemporaryDirectory(prefix="hf_home-") as tmp:
        home = Path(hf_home) if hf_home is not None else Path(tmp)
        try:
            yield LocalHub(url, folder, server, hub_env(url, home))
        finally:
            server.shutdown()
            server.server_close()


def run_command(command: list[str], root: Path | None = None) -> int:
    """Run `command` with the env of a local Hub serving `root`; report the requests; return its status."""
    with running_hub(root) as hub:
        status = subprocess.run(command, env={**os.environ, **hub.env}, check=False).returncode
        print(
            f"local Hub {hub.url}: {len(hub.requests)} requests, {len(hub.escaped())} meant for other hosts"
            + "".join(f"\n  {line}" for line in hub.escaped())
        )
    return status
