"""One call at the top of every chapter: quiet logs, seeds, and a line on versions and hardware.

Chapter notebooks call `helpers.setup.start(...)` in their setup cell (chapter 0 explains it).
"""

from __future__ import annotations

import contextlib
import os
import random
import warnings
from collections.abc import Iterator

from helpers.errors import CourseError


def quiet() -> None:
    """Silence library warnings and progress bars the lessons are not about."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"(torch|transformers|accelerate)")
    import datasets
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.logging.set_verbosity_error()
    datasets.disable_progress_bars()


@contextlib.contextmanager
def warnings_shown() -> Iterator[None]:
    """Show the library's warnings inside the block (the lesson is about one), then quiet them again."""
    import transformers

    level = transformers.logging.get_verbosity()
    transformers.logging.set_verbosity_warning()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            yield
    finally:
        transformers.logging.set_verbosity(level)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and PyTorch so that reruns give the same numbers."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def check_device(device: str) -> str:
    """Return the device to use for `device` ('auto' picks CUDA when visible); raise CourseError if absent."""
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise CourseError(f"Unknown device {device!r}: use 'auto' (CUDA when visible, else the CPU), 'cpu' or 'cuda'.")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise CourseError(
            "device='cuda' was asked for, but no CUDA GPU is visible. Use device='auto' or 'cpu' on "
            "this machine (on Colab: Runtime > Change runtime type > a GPU, then run again)."
        )
    return device


def start(seed: int = 42, device: str = "auto") -> str:
    """Quiet logs, seed everything, resolve `device`, print versions and hardware; return the device."""
    import torch
    import transformers

    from helpers import hub, plots

    quiet()
    plots.style()
    seed_everything(seed)
    device = check_device(device)
    torch.set_num_threads(os.cpu_count() or 1)
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    print(
        f"torch {torch.__version__} | transformers {transformers.__version__} | "
        f"{os.cpu_count()} CPU cores, {gpu} | device={device} | hub mode: {hub.mode()}"
    )
    return device
