"""Work sized to where a chapter runs: the fine-tuning recipe of chapters 5 and 6 on this machine.

The parameters cells hold the CPU recipe tuned for the offline stand-in (`STAND_IN_CPU`); that is
what CI and nbval run. `choose` keeps it there, and otherwise picks:
- on a CUDA GPU, the official course recipe (`OFFICIAL`: 3 epochs, lr 5e-5, batch 8, whole split,
  bf16 where the GPU has it, else fp16);
- on a CPU with a real Hub checkpoint (110M parameters for bert-base-uncased), the official
  recipe on the largest training subset whose estimated time fits `CPU_BUDGET_S`, estimated from
  one training step timed on this machine.
A parameter given explicitly (any value other than the cell's default) always wins.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STAND_IN_CPU: dict[str, Any] = {
    "max_train_samples": 0,
    "num_train_epochs": 4,
    "batch_size": 16,
    "learning_rate": 1e-4,
    "freeze_embeddings": True,
    "reset_pooler": False,
    "label_smoothing": 0.1,
    "fp16": False,
    "bf16": False,
}
OFFICIAL: dict[str, Any] = {
    "max_train_samples": 0,
    "num_train_epochs": 3,
    "batch_size": 8,
    "learning_rate": 5e-5,
    "freeze_embeddings": False,
    "reset_pooler": False,
    "label_smoothing": 0.0,
    "fp16": False,
    "bf16": False,
}
CPU_BUDGET_S = 360  # training time a CPU run of a real checkpoint aims at (chapter 5's whole page: < 15 min)
SUBSETS = (2048, 1024, 512, 256, 128)  # a coarse ladder: timing noise rarely changes the choice
TOKENS_PER_PAIR = 64  # assumed padded length of an MRPC pair in the timed step


@dataclass
class Recipe:
    """The recipe chosen for this run, why, and the estimated training time (None when not estimated)."""

    values: dict[str, Any]
    reason: str
    estimate_s: float | None = None

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.values.items())
        return f"recipe: {shown}\n  why: {self.reason}"


def choose(
    values: dict[str, Any],
    *,
    device: str,
    stand_in: bool,
    train_pairs: int,
    step_seconds: Callable[[int], float] | None = None,
    budget_s: float = CPU_BUDGET_S,
) -> Recipe:
    """Return the recipe for these notebook `values` on `device`; explicit values (not the cell's default) win."""
    explicit = {k: v for k, v in values.items() if k in STAND_IN_CPU and v != STAND_IN_CPU[k]}
    estimate = None
    if device == "cuda":
        import torch

        precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        base = {**OFFICIAL, precision: True}
        reason = f"a CUDA GPU: the official course recipe (whole split, 3 epochs, lr 5e-5, batch 8, {precision})"
    elif stand_in:
        base, reason = (
            STAND_IN_CPU,
            "the CPU with the course-pack stand-in: the recipe tuned for it (the cell's values)",
        )
    else:
        if step_seconds is None:
            raise ValueError("a CPU run of a real checkpoint needs step_seconds to estimate its time")
        batch = explicit.get("batch_size", OFFICIAL["batch_size"])
        epochs = explicit.get("num_train_epochs", OFFICIAL["num_train_epochs"])
        per_step = step_seconds(batch)

        def seconds(pairs: int) -> float:
            return epochs * math.ceil(pairs / batch) * per_step

        full = seconds(train_pairs)
        fits = [n for n in SUBSETS if n < train_pairs and seconds(n) <= budget_s]
        subset = 0 if full <= budget_s else (fits[0] if fits else SUBSETS[-1])
        estimate = seconds(subset or train_pairs)
        base = {**OFFICIAL, "max_train_samples": subset}
        reason = (
            f"the CPU with a real checkpoint: one training step of {batch} pairs took {per_step:.2f} s here, "
            f"so the official recipe ({epochs} epochs x {train_pairs:,} pairs) would take about "
            f"{full / 60:.1f} min; "
            + (
                "that fits the budget"
                if subset == 0
                else f"training on {subset} of them takes about {estimate / 60:.1f} min"
            )
            + f" (budget {budget_s / 60:.0f} min)"
        )
    chosen = {k: explicit.get(k, base[k]) if k in base else v for k, v in values.items()}
    if explicit:
        reason += "; kept your " + ", ".join(f"{k}={v}" for k, v in explicit.items())
    if device != "cuda" and chosen.get("fp16"):
        chosen["fp16"] = False
        reason += "; fp16 needs a CUDA GPU, so this CPU run trains in float32"
    if device == "cpu" and "bf16" in chosen and "bf16" not in explicit and "fp16" not in explicit:
        chosen["bf16"] = cpu_has_bf16()
        reason += (
            "; this CPU computes bfloat16 natively (AVX512-BF16/AMX): bf16 autocast"
            if chosen["bf16"]
            else "; this CPU has no native bfloat16: float32"
        )
    return Recipe(chosen, reason, estimate)


def cpu_has_bf16() -> bool:
    """True when this CPU computes bfloat16 natively (AVX512-BF16 or AMX, read from /proc/cpuinfo on Linux)."""
    cpuinfo = Path("/proc/cpuinfo")
    flags = set(cpuinfo.read_text().split()) if cpuinfo.is_file() else set()
    return bool(flags & {"avx512_bf16", "amx_bf16"})


def time_training_step(model_path: str, batch_size: int, tokens: int = TOKENS_PER_PAIR, repeats: int = 3) -> float:
    """Seconds of one forward + backward pass of a fresh classifier on a batch of random token ids: the
    fastest of `repeats` passes after a warm-up (the least disturbed by other work on the machine)."""
    import torch
    from transformers import AutoModelForSequenceClassification

    with torch.random.fork_rng():  # the chapter's seeded random numbers stay as they were
        model = AutoModelForSequenceClassification.from_pretrained(model_path, num_labels=2).train()
        ids = torch.randint(0, model.config.vocab_size, (batch_size, tokens))
        labels = torch.zeros(batch_size, dtype=torch.long)
        timings = []
        for _ in range(repeats + 1):  # the first pass warms up
            start = time.perf_counter()
            model(input_ids=ids, labels=labels).loss.backward()
            timings.append(time.perf_counter() - start)
    return min(timings[1:])
