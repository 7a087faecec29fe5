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
