"""Peak memory of one phase of a run, on a CUDA GPU or on the CPU (chapter 6's training script).

On a GPU, PyTorch's allocator counts the tensors it holds: `torch.cuda.max_memory_allocated`.
On the CPU there is no such counter; Linux keeps the peak resident memory of the process (VmHWM in
`/proc/self/status`), and writing 5 to `/proc/self/clear_refs` restarts it from the current size.
That peak counts everything the process holds (libraries, weights, optimizer state, activations),
so compare the peaks of two runs that differ in one setting, not a peak with one tensor's size.

    helpers.memory.reset_peak(device)   # before the phase
    ...                                 # e.g. the training loop
    helpers.memory.peak_mb(device)      # the phase's peak, in MiB (None where it cannot be measured)

What a batch itself costs is measured directly: `saved_for_backward_mb(model, batch)` adds up the
tensors autograd keeps from one forward pass for the backward pass (the activations).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _is_cuda(device: Any) -> bool:
    """True for a CUDA device given as a string ('cuda', 'cuda:1') or a torch.device."""
    return str(device).startswith("cuda")


def reset_peak(device: Any) -> None:
    """Restart the peak-memory count of `device` (a CUDA GPU, or this process on a Linux CPU)."""
    if _is_cuda(device):
        import torch

        torch.cuda.reset_peak_memory_stats(device)
    elif CLEAR_REFS.exists():
        try:
            CLEAR_REFS.write_text("5")  # Linux >= 4.0: reset VmHWM to the current resident size
        except OSError:  # e.g. a sandbox that forbids it: peak_mb then reports the peak since start-up
            pass


def peak_mb(device: Any) -> float | None:
    """Peak memory in MiB since `reset_peak`: tensors allocated on a CUDA GPU, resident memory of this
    process on a Linux CPU; None on other systems."""
    if _is_cuda(device):
        import torch

        return torch.cuda.max_memory_allocated(device) / 2**20
    if not STATUS.exists():
        return None
    found = re.search(r"^VmHWM:\s+(\d+)\s+kB", STATUS.read_text(), re.MULTILINE)
    return int(found.group(1)) / 1024 if found else None


def saved_for_backward_mb(model: Any, batch: Mapping[str, Any]) -> float:
    """MiB of the tensors that autograd keeps from one forward pass of `model` on `batch` for the
    backward pass: the activations (storages shared with a parameter are not counted)."""
    import torch

    parameters = {p.untyped_storage().data_ptr() for p in model.parameters()}
    saved: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in parameters:
            saved[storage.data_ptr()] = storage.nbytes()  # one count per storage, however often it is saved
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        model(**batch)
    return sum(saved.values()) / 2**20
