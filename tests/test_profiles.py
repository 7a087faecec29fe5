"""Parameter handling of the runner: profiles, names, types and ranges."""

import pytest

from helpers import profiles
from helpers.errors import CourseError

DEFAULTS = {
    "num_train_epochs": 3,
    "batch_size": 16,
    "learning_rate": 2e-5,
    "device": "cpu",
    "bf16": False,
    "max_train_samples": 400,
    "checkpoint": "bert-base-uncased",
}


def test_cpu_profile_changes_nothing():
    assert profiles.overrides("cpu", "05_finetune_mrpc", DEFAULTS) == {}


def test_gpu_profile_sets_only_parameters_the_notebook_has():
    values = profiles.overrides("gpu", "05_finetune_mrpc", DEFAULTS)
    assert values["device"] == "cuda" and values["bf16"] is True
    assert values["max_train_samples"] == 0
    assert "max_new_tokens" not in values  # 01_pipeline's parameter, absent here


def test_unknown_profile_lists_valid_ones():
    with pytest.raises(CourseError, match="Unknown profile 'tpu'.*cpu, gpu"):
        profiles.overrides("tpu", "x", DEFAULTS)


def test_unknown_parameter_lists_valid_names():
    with pytest.raises(CourseError, match="unknown parameter 'epochs'.*batch_size.*num_train_epochs"):
        profiles.validate("nb.ipynb", {"epochs": 3}, DEFAULTS)


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("num_train_epochs", -1, "must be > 0"),
        ("batch_size", 0, "must be > 0"),
        ("learning_rate", 0.0, "must be > 0"),
        ("max_train_samples", -5, ">= 0"),
        ("device", "tpu", "'auto', 'cpu' or 'cuda'"),
        ("num_train_epochs", "three", "must be of type int"),
        ("bf16", 1, "must be of type bool"),
        ("batch_size", 8.5, "must be of type int"),
    ],
)
def test_bad_values_are_refused(name, value, message):
    with pytest.raises(CourseError, match=message):
        profiles.validate("nb.ipynb", {name: value}, DEFAULTS)


def test_good_values_pass_and_int_may_stand_for_float():
    profiles.validate("nb.ipynb", {"learning_rate": 1, "num_train_epochs": 1, "bf16": True}, DEFAULTS)


@pytest.mark.parametrize(
    "text, value", [("3", 3), ("2e-5", 2e-5), ("True", True), ("cuda", "cuda"), ("None", None), ("'a b'", "a b")]
)
def test_parse_value(text, value):
    assert profiles.parse_value(text) == value


@pytest.mark.parametrize("stem", sorted(set(profiles.GPU) - {"*"}))
def test_gpu_profile_names_only_real_parameters_with_valid_values(stem):
    from helpers import run

    path = run.NOTEBOOKS / f"{stem}.ipynb"
    defaults = run.notebook_defaults(path)
    assert set(profiles.GPU[stem]) <= set(defaults), f"{stem}: GPU profile names parameters the notebook lacks"
    profiles.validate(path.name, profiles.overrides("gpu", stem, defaults), defaults)


def test_gpu_work_on_cpu_is_the_gpu_profile_in_float32_on_the_cpu():
    gpu = profiles.overrides("gpu", "05_finetune_mrpc", DEFAULTS)
    on_cpu = profiles.overrides("gpu-on-cpu", "05_finetune_mrpc", DEFAULTS)
    assert on_cpu == {**gpu, "device": "cpu", "bf16": False}
