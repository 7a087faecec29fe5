"""JupyterLab in a real browser: start it on a free localhost port, run a chapter's first cells.

The server runs from .venv on the notebooks folder (offline, as `make lab`), with autosave off and
checkpoints, settings, workspaces and runtime files in a temporary folder, so that running cells
through the UI never writes into the working tree. The screenshot goes to
_build/screenshots/jupyterlab.png.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SHOTS = Path(os.environ.get("COURSE_BUILD_DIR", ROOT / "_build")) / "screenshots"
JUPYTER = Path(sys.executable).parent / "jupyter"
COURSE_KERNEL = "Python (Transformers, executed)"  # display name registered by the Makefile
CELLS = 3  # code cells to run through the UI
START_S, KERNEL_S, CELL_S = 60, 90, 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lab_settings(folder: Path) -> Path:
    """User settings for the test server: no autosave, no news or update checks."""
    for plugin, values in {
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return folder


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server from .venv on a free port; yields (base URL, token); shut down after."""
    if not JUPYTER.is_file():
        pytest.skip(f"{JUPYTER} is missing: run `make setup` first")
    tmp = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--notebook-dir={NOTEBOOKS}",
        "--ServerApp.open_browser=False",
        "--ServerApp.port_retries=0",
        f"--LabApp.user_settings_dir={lab_settings(tmp / 'settings')}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        # checkpoints in tmp, not in notebooks/.ipynb_checkpoints
        f"--FileCheckpoints.checkpoint_dir={tmp / 'checkpoints'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COURSE_HUB": "offline", "JUPYTER_RUNTIME_DIR": str(tmp / "runtime")}
    log = open(tmp / "server.log", "w+")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}/"

    def log_tail() -> str:
        log.flush()
        return "\n".join((tmp / "server.log").read_text().splitlines()[-30:])

    try:
        deadline = time.monotonic() + START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{log_tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within {START_S} s:\n{log_tail()}")
            time.sleep(0.5)
        yield base, token, log_tail
    finally:
        try:  # shuts the kernels down too (a plain SIGTERM leaves them to die on their own)
            request = urllib.request.Request(f"{base}api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=10).close()
            server.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()


def wait_for_idle_kernel(page) -> str:
    """Wait until the notebook's kernel is idle; pick the course kernel if Lab asks for one."""
    status = page.locator(".jp-StatusBar-Widget", has_text="| Idle")
    deadline = time.monotonic() + KERNEL_S
    while time.monotonic() < deadline:
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and dialog.first.is_visible():  # "Select Kernel": unknown kernelspec
            select = dialog.first.locator("select")
            if select.count():
                labels = select.first.locator("option").all_inner_texts()
                course = [label for label in labels if COURSE_KERNEL in label]
                if course:
                    select.first.select_option(label=course[0])
            dialog.first.locator("button.jp-mod-accept").click()
        text = status.first.inner_text() if status.count() else ""
        if "| Idle" in text and "No Kernel" not in text:
            return text.split("|")[0].strip().splitlines()[-1]
        page.wait_for_timeout(500)
    raise AssertionError(f"the kernel was not idle within {KERNEL_S} s")


def test_run_first_cells_in_jupyterlab(lab, browser):
    """Open a chapter in JupyterLab, run its first code cells with Shift+Enter, see an output."""
    base, token, log_tail = lab
    name = "01_pipeline.ipynb" if (NOTEBOOKS / "01_pipeline.ipynb").is_file() else "00_setup.ipynb"
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    writes = []  # the test must not save into the working tree
    context.on(
        "request",
        lambda r: r.method in ("PUT", "PATCH") and "/api/contents/" in r.url and writes.append(f"{r.method} {r.url}"),
    )
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}lab/tree/{name}?token={token}")
        page.locator(".jp-NotebookPanel .jp-CodeCell").first.wait_for()
        kernel = wait_for_idle_kernel(page)
        cells = page.locator(".jp-NotebookPanel:visible .jp-CodeCell")
        assert cells.count() >= CELLS, f"{name} has fewer than {CELLS} code cells"
        outputs = []
        for k in range(CELLS):
            cell = cells.nth(k)
            cell.locator(".jp-InputArea-editor").click()
            page.keyboard.press("Shift+Enter")
            prompt = cell.locator(".jp-InputArea-prompt").element_handle()
            try:  # "[*]:" while it runs, "[n]:" when done
                page.wait_for_function("el => /\\[\\d+\\]/.test(el.textContent)", arg=prompt, timeout=CELL_S * 1000)
            except Exception as exc:
                raise AssertionError(
                    f"code cell {k + 1} of {name} did not finish in {CELL_S} s:\n{log_tail()}"
                ) from exc
            outputs.append(cell.locator(".jp-OutputArea").inner_text())
            assert "Traceback" not in outputs[-1], f"cell {k + 1} of {name} failed:\n{outputs[-1]}"
        cells.first.evaluate("el => el.scrollIntoView({block: 'start'})")  # the cells just run
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "jupyterlab.png")
    finally:
        context.close()
    print(f"{name} on kernel {kernel!r}; outputs: {[o[:80] for o in outputs]}")
    assert any(o.strip() for o in outputs), f"no output in the first {CELLS} code cells of {name}"
    assert not writes, f"the UI saved into the working tree: {writes}"
    assert not errors, f"JupyterLab page errors: {errors}"
    shot = SHOTS / "jupyterlab.png"
    assert shot.is_file() and shot.stat().st_size > 10_000, shot
