"""pytest plugin: fail the session if any kernel tried a connection (see sitecustomize.py)."""

import os
from pathlib import Path


def pytest_sessionfinish(session, exitstatus):
    """Turn recorded connection attempts into a failed run, and show them."""
    log = Path(os.environ.get("COURSE_NET_LOG", ""))
    if log.is_file() and log.read_text().strip():
        print(f"\nnetwork guard: connections were attempted in offline mode (see {log}):\n" + log.read_text()[:3000])
        session.exitstatus = 1
