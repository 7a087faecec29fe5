"""The course pack: cache mechanics (on a tiny fake artifact) and the real stand-ins' quality."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from helpers import hub, pack, recipes
from helpers.errors import CourseError


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A pack folder in tmp_path with one fast artifact 'tiny' whose build writes two files."""
    monkeypatch.setenv("COURSE_PACK_DIR", str(tmp_path / "pack"))
    calls = []

    def build(out, progress):
        calls.append(out)
        (out / "weights.bin").write_bytes(b"\x01" * 1000)
        (out / "config.json").write_text("{}")
        return {"score": 1.0}

    monkeypatch.setitem(pack.ARTIFACTS, "tiny", recipes.Artifact("tiny", "a test artifact", build, {"v": 1}))
    pack._verified.discard("tiny")
    return calls


def test_build_once_then_reuse(fake):
    folder = pack.ensure("tiny")
    assert (folder / "weights.bin").stat().st_size == 1000
    record = json.loads((folder / "artifact.json").read_text())
    assert record["quality"] == {"score": 1.0} and "weights.bin" in record["files"]
    pack._verified.discard("tiny")
    pack.ensure("tiny")
    assert len(fake) == 1  # the second call reused the cache


def test_truncated_file_is_detected_and_rebuilt(fake):
    folder = pack.ensure("tiny")
    (folder / "weights.bin").write_bytes(b"\x01" * 10)
    assert "truncated" in pack.problem("tiny")
    pack._verified.discard("tiny")
    pack.ensure("tiny")
    assert len(fake) == 2 and pack.problem("tiny") is None


def test_same_size_corruption_is_caught_by_the_hash(fake):
    folder = pack.ensure("tiny")
    (folder / "weights.bin").write_bytes(b"\x02" * 1000)
    assert "hash" in pack.problem("tiny")


def test_changed_recipe_makes_the_artifact_stale(fake, monkeypatch):
    pack.ensure("tiny")
    artifact = pack.ARTIFACTS["tiny"]
    monkeypatch.setitem(pack.ARTIFACTS, "tiny", recipes.Artifact("tiny", "x", artifact.build, {"v": 2}))
    assert "stale" in pack.problem("tiny")


def test_interrupted_build_leaves_nothing_half_built(fake, monkeypatch):
    def crash(out, progress):
        (out / "weights.bin").write_bytes(b"half")
        raise KeyboardInterrupt

    artifact = pack.ARTIFACTS["tiny"]
    monkeypatch.setitem(pack.ARTIFACTS, "tiny", recipes.Artifact("tiny", "x", crash, artifact.recipe))
    with pytest.raises(KeyboardInterrupt):
        pack.ensure("tiny")
    assert not (pack.pack_dir() / "tiny").exists()
    assert pack.problem("tiny") == "not built"
    monkeypatch.setitem(pack.ARTIFACTS, "tiny", artifact)
    pack.ensure("tiny")  # the next run recovers and removes the leftover temporary folder
    assert not list(pack.pack_dir().glob(".tmp-tiny-*"))


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a small tmpfs (as root); yield a function that mounts it with the given options."""
    mounted = []

    def mount(options: str):
        target = tmp_path / f"mnt{len(mounted)}"
        target.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in mounted:
        subprocess.run(["umount", str(target)], capture_output=True)


def test_read_only_pack_folder_says_what_to_do(fake, tmpfs, monkeypatch):
    monkeypatch.setenv("COURSE_PACK_DIR", str(tmpfs("ro,size=64k") / "pack"))
    with pytest.raises(CourseError, match="not writable.*COURSE_PACK_DIR"):
        pack.ensure("tiny")


def test_full_disk_says_what_to_do_and_cleans_up(fake, tmpfs, monkeypatch):
    folder = tmpfs("size=64k") / "pack"
    monkeypatch.setenv("COURSE_PACK_DIR", str(folder))
    artifact = pack.ARTIFACTS["tiny"]

    def big(out, progress):
        (out / "weights.bin").write_bytes(b"\x01" * 200_000)
        return {}

    monkeypatch.setitem(pack.ARTIFACTS, "tiny", recipes.Artifact("tiny", "x", big, artifact.recipe))
    with pytest.raises(CourseError, match="full.*COURSE_PACK_DIR"):
        pack.ensure("tiny")
    assert not list(folder.glob(".tmp-tiny-*"))  # the partial build was removed
    monkeypatch.setitem(pack.ARTIFACTS, "tiny", artifact)
    pack.ensure("tiny")  # the small one fits: nothing was left behind to block it


def test_unwritable_pack_folder_says_what_to_do(fake, monkeypatch):
    monkeypatch.setenv("COURSE_PACK_DIR", "/dev/null/pack")  # a path under a file
    with pytest.raises(CourseError, match="not writable.*COURSE_PACK_DIR"):
        pack.ensure("tiny")


def test_unknown_artifact_is_refused():
    with pytest.raises(CourseError, match="known: sentiment, nli, smollm2"):
        pack.ensure("gpt5")


# --- the real stand-ins (built once in the default pack folder; minutes when cold) -----------


@pytest.mark.slow
def test_sentiment_stand_in_quality():
    from transformers import pipeline

    from helpers import data

    classifier = pipeline("sentiment-analysis", model=hub.checkpoint("distilbert-base-uncased-finetuned-sst-2-english"))
    val = data.sentiment()["validation"]
    predicted = [p["label"] for p in classifier(list(val["sentence"]))]
    truth = [["NEGATIVE", "POSITIVE"][y] for y in val["label"]]
    accuracy = sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth)
    baseline = recipes.embedding_baseline(
        list(val["sentence"]), [["negative", "positive"]] * len(val), "This example is about {}."
    )
    baseline_accuracy = sum(b.upper() == t for b, t in zip(baseline, truth, strict=True)) / len(truth)
    assert accuracy >= 0.90 and accuracy > baseline_accuracy
    seed = classifier(["I've been waiting for a HuggingFace course my whole life.", "I hate this so much!"])
    assert [s["label"] for s in seed] == ["POSITIVE", "NEGATIVE"]


@pytest.mark.slow
def test_zero_shot_stand_in_quality_on_unseen_topics():
    from transformers import pipeline

    classifier = pipeline("zero-shot-classification", model=hub.checkpoint("facebook/bart-large-mnli"))
    cases = recipes.zero_shot_cases()
    hits = sum(classifier(text, candidate_labels=labels)["labels"][0] == topic for text, topic, labels in cases)
    baseline = recipes.embedding_baseline([c[0] for c in cases], [c[2] for c in cases], "This example is about {}.")
    baseline_hits = sum(b == c[1] for b, c in zip(baseline, cases, strict=True))
    assert hits / len(cases) >= 0.80 and hits >= baseline_hits
    seed = classifier(
        "This is a course about the Transformers library", candidate_labels=["education", "politics", "business"]
    )
    assert seed["labels"][0] == "education"


@pytest.mark.slow
def test_generation_stand_in_loads_fast_and_generates():
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = hub.checkpoint("gpt2")
    start = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    assert time.perf_counter() - start < 10
    prompt = "Once upon a time, in a small village,"
    ids = model.generate(**tokenizer(prompt, return_tensors="pt"), max_new_tokens=20, do_sample=False)
    new_words = tokenizer.decode(ids[0], skip_special_tokens=True)[len(prompt) :].split()
    assert sum(w.strip(".,;:!?'\"").isalpha() for w in new_words) >= 8  # mostly real words
