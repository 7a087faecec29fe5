"""Checks of exercise answers: the chapters' exercise cells call `check(...)` on the reader's answer.

A wrong answer raises CourseError with a hint; a right one prints one line.
"""

from __future__ import annotations

import math
from typing import Any

from helpers.errors import CourseError


def check(name: str, answer: Any, expected: Any, tol: float = 0.0, hint: str = "") -> None:
    """Compare a reader's `answer` with `expected` (numbers within `tol`); raise with `hint` if wrong."""
    if answer is None:
        raise CourseError(f"{name}: no answer yet. Replace the None in the exercise cell. {hint}".strip())
    if not _close(answer, expected, tol):
        raise CourseError(f"{name}: {answer!r} is not right. {hint}".strip())
    print(f"{name}: correct.")


def _close(a: Any, b: Any, tol: float) -> bool:
    """True if a equals b, comparing numbers within `tol` and sequences element by element."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, abs_tol=tol)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    return a == b
