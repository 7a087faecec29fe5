"""pytest fixture `local_hub`: the local Hub stand-in, built (cached) and served for a test session.

Use it from a test module (or a conftest) with

    from tests.hubserver import fixture

    local_hub = fixture.local_hub  # registers the fixture (in a conftest.py a plain import works too)

    def test_something(local_hub):
        subprocess.run([...], env={**os.environ, **local_hub.env}, check=True)
        assert local_hub.requests                   # every request line the server answered

`local_hub.env` makes a child process "online" against the local Hub only. Pass it to a subprocess:
huggingface_hub, datasets and evaluate read HF_ENDPOINT when they are imported.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hubserver.hub import LocalHub, hub_env, running_hub

__all__ = ["LocalHub", "hub_env", "local_hub", "running_hub"]


@pytest.fixture(scope="session")
def local_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHub]:
    """Session-wide local Hub (build cached in COURSE_HUBSERVER_DIR or ~/.cache/transformers-executed)."""
    with running_hub(hf_home=tmp_path_factory.mktemp("hf_home")) as hub:
        yield hub
