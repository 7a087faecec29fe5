"""The offline proof itself can fail: the network guard catches a cell that goes online."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, write_notebook

GUARD = ROOT / "tests" / "netguard"


def guarded(tmp_path, *command: str) -> subprocess.CompletedProcess:
    """Run a command with the guard active, without network (nonet), logging to tmp_path."""
    env = {**os.environ, "PYTHONPATH": str(GUARD), "COURSE_NET_LOG": str(tmp_path / "net.log")}
    return subprocess.run(
        [str(GUARD / "nonet"), *command], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_loopback_is_allowed_and_the_outside_is_refused_and_logged(tmp_path):
    code = (
        "import socket\n"
        "server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen()\n"
        "socket.create_connection(server.getsockname()).close()\n"
        "try:\n    socket.create_connection(('93.184.215.14', 80), timeout=1)\n"
        "except OSError as e:\n    print('refused:', e)\n"
    )
    result = guarded(tmp_path, sys.executable, "-c", code)
    assert "refused:" in result.stdout and "network guard" in result.stdout
    assert "93.184.215.14" in (tmp_path / "net.log").read_text()


@pytest.mark.slow
def test_a_notebook_that_goes_online_fails_the_nbval_run(tmp_path):
    nb = write_notebook(
        tmp_path / "online.ipynb",
        "import urllib.request\ntry:\n    urllib.request.urlopen('https://huggingface.co', timeout=2)\n"
        "except Exception as e:\n    print(type(e).__name__)",
    )
    result = guarded(
        tmp_path,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "netcheck",
        "--nbval-lax",
        "--nbval-current-env",
        "-p",
        "no:cacheprovider",
        str(nb),
    )
    assert result.returncode == 1, result.stdout[-2000:]
    assert "connections were attempted in offline mode" in result.stdout
    assert "huggingface.co" in (tmp_path / "net.log").read_text()
