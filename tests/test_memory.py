"""helpers.memory: the peak memory of one phase, checked against allocations of a known size."""

from __future__ import annotations

import pytest
import torch

from helpers import memory

linux = pytest.mark.skipif(not memory.STATUS.exists(), reason="the CPU peak is read from Linux's /proc/self/status")


@linux
def test_the_cpu_peak_rises_by_an_allocation_and_reset_forgets_it():
    memory.reset_peak("cpu")
    before = memory.peak_mb("cpu")
    block = torch.ones(300 * 2**20 // 4)  # 300 MiB of float32, every page written
    during = memory.peak_mb("cpu")
    assert during - before >= 290
    del block
    memory.reset_peak("cpu")
    assert memory.peak_mb("cpu") < during - 250  # the freed block no longer counts


def test_no_proc_file_means_no_cpu_peak(monkeypatch, tmp_path):
    monkeypatch.setattr(memory, "STATUS", tmp_path / "missing")
    monkeypatch.setattr(memory, "CLEAR_REFS", tmp_path / "missing-too")
    memory.reset_peak("cpu")  # nothing to reset, and no error
    assert memory.peak_mb("cpu") is None


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_the_gpu_peak_counts_allocated_tensors():
    memory.reset_peak("cuda")
    before = memory.peak_mb("cuda")
    block = torch.ones(64 * 2**20 // 4, device="cuda")  # 64 MiB
    assert memory.peak_mb("cuda") - before >= 64
    del block


def test_saved_for_backward_counts_the_activations_not_the_weights():
    layer = torch.nn.Linear(1000, 10)  # 40,000 bytes of weights, which backward also needs
    x = torch.ones(4, 1000, requires_grad=True)  # 16,000 bytes: what the weight's gradient needs
    assert memory.saved_for_backward_mb(layer, {"input": x}) == pytest.approx(16_000 / 2**20)
    mlp = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.GELU(), torch.nn.Linear(256, 64))
    small, large = (memory.saved_for_backward_mb(mlp, {"input": torch.ones(n, 64)}) for n in (8, 16))
    assert large == pytest.approx(2 * small)  # activations grow with the batch
    with torch.no_grad():  # nothing is kept when no backward pass can follow
        assert memory.saved_for_backward_mb(mlp, {"input": torch.ones(8, 64)}) == 0
