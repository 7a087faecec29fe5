"""helpers.sizing: the recipe rule of chapters 5 and 6 (GPU, CPU with stand-ins, CPU with real checkpoints)."""

import math

import pytest
import torch

from helpers import run, sizing

CELL = dict(sizing.STAND_IN_CPU)


def test_cpu_with_the_stand_in_keeps_the_cells_values(monkeypatch):
    monkeypatch.setattr(sizing, "cpu_has_bf16", lambda: False)
    recipe = sizing.choose(CELL, device="cpu", stand_in=True, train_pairs=956)
    assert recipe.values == CELL and "stand-in" in recipe.reason and recipe.estimate_s is None


def test_bf16_autocast_on_cpus_with_bf16_units_unless_asked_otherwise(monkeypatch):
    monkeypatch.setattr(sizing, "cpu_has_bf16", lambda: True)
    recipe = sizing.choose(CELL, device="cpu", stand_in=True, train_pairs=956)
    assert recipe.values == {**CELL, "bf16": True} and "AVX512-BF16" in recipe.reason
    mine = sizing.choose({**CELL, "fp16": True}, device="cpu", stand_in=True, train_pairs=956)
    assert not mine.values["bf16"] and not mine.values["fp16"]  # fp16 asked for: no bf16 behind one's back


def test_gpu_gets_the_official_recipe(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)  # a T4: fp16 only
    recipe = sizing.choose(CELL, device="cuda", stand_in=False, train_pairs=3668)
    assert recipe.values == {
        **CELL,
        "max_train_samples": 0,
        "num_train_epochs": 3,
        "batch_size": 8,
        "learning_rate": 5e-5,
        "freeze_embeddings": False,
        "reset_pooler": False,
        "label_smoothing": 0.0,
        "fp16": True,
        "bf16": False,
    }


def test_cpu_with_a_real_checkpoint_takes_the_largest_subset_that_fits():
    # 2 s per step of 8 pairs, 3 epochs: 512 pairs = 3 x 64 steps x 2 s = 384 s > 360; 256 pairs = 192 s
    recipe = sizing.choose(CELL, device="cpu", stand_in=False, train_pairs=3668, step_seconds=lambda batch: 2.0)
    assert recipe.values["max_train_samples"] == 256 and recipe.values["learning_rate"] == 5e-5
    assert recipe.estimate_s == 3 * math.ceil(256 / 8) * 2.0
    assert f"{3 * math.ceil(3668 / 8) * 2.0 / 60:.1f} min" in recipe.reason  # the full recipe's estimate is printed


def test_cpu_with_a_fast_step_trains_on_the_whole_split():
    recipe = sizing.choose(CELL, device="cpu", stand_in=False, train_pairs=956, step_seconds=lambda batch: 0.01)
    assert recipe.values["max_train_samples"] == 0 and "that fits the budget" in recipe.reason


def test_explicit_parameters_win_everywhere():
    mine = {**CELL, "num_train_epochs": 1, "max_train_samples": 64}
    for device, stand_in in (("cpu", True), ("cpu", False)):
        recipe = sizing.choose(mine, device=device, stand_in=stand_in, train_pairs=3668, step_seconds=lambda batch: 2.0)
        assert recipe.values["num_train_epochs"] == 1 and recipe.values["max_train_samples"] == 64
        assert "kept your max_train_samples=64, num_train_epochs=1" in recipe.reason


def test_keys_the_notebook_lacks_are_not_added():
    chapter6 = {k: v for k, v in CELL.items() if k != "fp16"}
    recipe = sizing.choose(chapter6, device="cpu", stand_in=True, train_pairs=956)
    assert list(recipe.values) == list(chapter6)


def test_time_training_step_on_a_tiny_model(tmp_path):
    from transformers import BertConfig, BertForSequenceClassification

    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)
    BertForSequenceClassification(config).save_pretrained(tmp_path)
    torch.manual_seed(3)
    expected = torch.rand(1)
    torch.manual_seed(3)
    seconds = sizing.time_training_step(str(tmp_path), batch_size=4, tokens=8)
    assert 0 < seconds < 5
    assert torch.equal(torch.rand(1), expected)  # the caller's random numbers are untouched


@pytest.mark.parametrize("stem", ["05_finetune_mrpc"])  # chapter 6 sizes its own short runs (its parameters cell)
def test_the_cells_defaults_are_the_stand_in_recipe(stem):
    defaults = run.notebook_defaults(run.NOTEBOOKS / f"{stem}.ipynb")
    assert {k: defaults[k] for k in sizing.STAND_IN_CPU if k in defaults} == {
        k: v for k, v in sizing.STAND_IN_CPU.items() if k in defaults
    }
