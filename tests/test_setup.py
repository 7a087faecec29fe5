"""Chapter start-up: devices, seeds, and the one-line summary."""

import random

import pytest
import torch

from helpers import setup
from helpers.errors import CourseError


def test_cuda_without_gpu_is_a_clear_error():
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(CourseError, match="device='auto' or 'cpu'"):
        setup.check_device("cuda")


def test_auto_picks_cuda_when_visible_else_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert setup.check_device("auto") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert setup.check_device("auto") == "cuda" and setup.check_device("cpu") == "cpu"


def test_unknown_device_is_refused():
    with pytest.raises(CourseError, match="'cpu' or 'cuda'"):
        setup.check_device("tpu")


def test_seed_everything_repeats_random_numbers():
    setup.seed_everything(7)
    first = (random.random(), torch.rand(3).tolist())
    setup.seed_everything(7)
    assert (random.random(), torch.rand(3).tolist()) == first


def test_start_prints_versions_and_mode(capsys):
    assert setup.start(seed=1, device="auto") == "cpu"
    line = capsys.readouterr().out
    assert "transformers 5." in line and "hub mode: offline" in line and "device=cpu" in line
