"""Execution profiles: the one place where the non-default (GPU) parameter values live.

Each notebook's `parameters` cell holds the CPU profile as its defaults, so a plain run in
JupyterLab or under nbval is the CPU profile. `helpers.run` asks this module which values to
inject for another profile, and checks every value (by name, type and range) before a run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.errors import CourseError
from helpers.sizing import OFFICIAL

PROFILES = ("cpu", "gpu", "gpu-on-cpu")
# "gpu-on-cpu": the GPU profile's work (data sizes, epochs, recipe) on the CPU, in float32: proves
# that path on a machine without a GPU (`make gpu-work-on-cpu`).

# Values that differ from the notebooks' CPU defaults, per notebook stem; "*" applies to all
# notebooks that have the parameter.
# Chapter 5 trains with the official course recipe (helpers.sizing.OFFICIAL, the same rule a GPU run
# picks by itself), precision aside: "*" sets bf16. Chapter 6 takes the same recipe on its cell's
# subset of the training pairs (its data-parallel run goes to the CPU where there are fewer GPUs than
# processes); its mixed_precision="auto" picks bf16 on a GPU that has it.
_FINE_TUNING = {k: v for k, v in OFFICIAL.items() if k not in ("fp16", "bf16")}
GPU: dict[str, dict[str, Any]] = {
    "*": {"device": "cuda", "bf16": True},
    "01_pipeline": {"max_new_tokens": 60},
    "05_finetune_mrpc": _FINE_TUNING,
    "06_training_loop_accelerate": {
        k: OFFICIAL[k] for k in ("num_train_epochs", "batch_size", "learning_rate", "freeze_embeddings")
    },
}


def _positive(value: Any) -> bool:
    """True for a value above 0."""
    return value > 0


def _non_negative(value: Any) -> bool:
    """True for a value of 0 or more."""
    return value >= 0


# Range rules by parameter name: (predicate, what the predicate means in words).
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "num_train_epochs": (_positive, "> 0"),
    "batch_size": (_positive, "> 0"),
    "learning_rate": (_positive, "> 0"),
    "max_new_tokens": (_positive, "> 0"),
    "max_train_samples": (_non_negative, ">= 0 (0 means the whole split)"),
    "label_smoothing": (lambda v: 0 <= v < 1, ">= 0 and < 1"),
    "seed": (_non_negative, ">= 0"),
    "num_processes": (_positive, "> 0"),
    "gradient_accumulation_steps": (_positive, "> 0"),
    "trainer_check_samples": (_positive, "> 0"),
    "mixed_precision": (lambda v: v in ("auto", "no", "bf16"), "'auto', 'no' or 'bf16'"),
    "device": (lambda v: v in ("auto", "cpu", "cuda"), "'auto', 'cpu' or 'cuda'"),
}


def overrides(profile: str, notebook_stem: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """Return the parameter values `profile` sets for a notebook with these CPU `defaults`."""
    if profile not in PROFILES:
        raise CourseError(f"Unknown profile {profile!r}. Valid profiles: {', '.join(PROFILES)}.")
    if profile == "cpu":
        return {}
    wanted = {**GPU["*"], **GPU.get(notebook_stem, {})}
    if profile == "gpu-on-cpu":
        wanted.update(device="cpu", bf16=False, mixed_precision="no")
    return {k: v for k, v in wanted.items() if k in defaults}


def validate(notebook: str, values: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Raise CourseError if a value has an unknown name, the wrong type or is out of range."""
    for name, value in values.items():
        if name not in defaults:
            valid = ", ".join(sorted(defaults)) or "(none)"
            raise CourseError(f"{notebook}: unknown parameter {name!r}. Valid parameters: {valid}.")
        default = defaults[name]
        if default is not None and value is not None and not _same_type(value, default):
            raise CourseError(
                f"{notebook}: parameter {name!r} must be of type {type(default).__name__} "
                f"(like its default {default!r}), got {value!r}."
            )
        rule = RULES.get(name)
        if rule and value is not None and not rule[0](value):
            raise CourseError(f"{notebook}: parameter {name!r} must be {rule[1]}, got {value!r}.")


def _same_type(value: Any, default: Any) -> bool:
    """True if `value` may replace `default` (an int may stand where a float is expected)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def parse_value(text: str) -> Any:
    """Parse a command-line value `text` as a Python literal, or keep it as a string."""
    import ast

    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
