"""Exercises and quizzes: the chapters' check cells call `exercise(...)` and `quiz(...)`.

The content lives in `helpers/exercises/chNN.py`, one module per chapter: for each exercise, what
counts as right (computed here from the notebook's state, never written in the notebook), a hint
while it is unanswered, hints for the kinds of mistakes it catches, the solution's source (printed
by `solution(...)` on request and shown in the book behind a toggle, never run by "Run All"), and a
deliberately wrong answer that the tests feed to the check. Quiz questions carry their key and,
where the key is a fact of the code, a function that reads that fact from the executed notebook.

A check never raises on the learner's answer: it prints `exercise N: not yet - ...`,
`exercise N: not right - ...` or `exercise N: correct`, so "Run All" always reaches the end.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from helpers.errors import CourseError


@dataclass(frozen=True)
class Exercise:
    """One exercise: how to compute the right answer from the notebook's state, hints and solution."""

    number: int
    expected: Callable[..., Any]  # the check cell's keyword arguments -> the right answer
    hint: str  # printed while the answer is None
    solution: str  # source code that sets answer_N (printed by `solution`, shown in the book)
    wrong: str  # source code of a plausible wrong answer_N (the tests prove it is caught)
    tol: float = 0.0  # absolute tolerance for numbers
    mistakes: Callable[[Any, Any], str | None] | None = None  # (answer, expected) -> a specific hint
    # For answers that are code (a function, a model...): (answer, **state) -> the value compared with
    # `expected`; an exception it raises is reported as "not right" with the exception's message.
    evaluate: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Question:
    """One multiple-choice quiz question: options with an explanation each, and the key."""

    number: int
    options: dict[str, str]  # letter -> why this option is right or wrong
    key: str
    fact: Callable[..., str] | None = None  # notebook state -> the letter the executed code supports


@dataclass(frozen=True)
class Chapter:
    """The exercises and the quiz of one chapter."""

    exercises: list[Exercise]
    quiz: list[Question] = field(default_factory=list)


def chapter(name: str) -> Chapter:
    """Return the exercises and quiz of chapter `name` ("ch03"), from helpers/exercises/ch03.py."""
    try:
        module = importlib.import_module(f"helpers.exercises.{name}")
    except ModuleNotFoundError:
        raise CourseError(f"No exercises for chapter {name!r}: use 'ch00' to 'ch06'.") from None
    return module.CHAPTER


def find_exercise(name: str, number: int) -> Exercise:
    """Return exercise `number` of chapter `name`, or say which exist."""
    exercises = chapter(name).exercises
    for item in exercises:
        if item.number == number:
            return item
    raise CourseError(f"Chapter {name} has exercises {[e.number for e in exercises]}, not {number}.")


def exercise(name: str, number: int, answer: Any, **state: Any) -> None:
    """Check the learner's `answer` to exercise `number` against the value computed from `state`; print the verdict."""
    item = find_exercise(name, number)
    if answer is None:
        print(f"exercise {number}: not yet - {item.hint}")
        return
    expected = item.expected(**state)
    answer = plain(answer)
    if item.evaluate is not None:
        try:
            answer = item.evaluate(answer, **state)
        except Exception as error:  # noqa: BLE001 - the learner's code failed: say how, do not raise
            print(f"exercise {number}: not right - your answer raised {type(error).__name__}: {error}")
            return
    if close(answer, expected, item.tol):
        print(f"exercise {number}: correct")
        return
    try:
        specific = item.mistakes(answer, expected) if item.mistakes else None
    except Exception:  # noqa: BLE001 - a hint that fails must not turn a verdict into a traceback
        specific = None
    hint = specific or mistake(answer, expected, item.tol)
    print(f"exercise {number}: not right - {hint}")


def solution(name: str, number: int) -> None:
    """Print the solution of exercise `number` of chapter `name` (try first: it is not run for you)."""
    print(find_exercise(name, number).solution)


def quiz(name: str, answers: dict[int, str | None]) -> None:
    """Check the learner's quiz `answers` ({question: letter}); print a verdict and an explanation for each."""
    for question in chapter(name).quiz:
        given = answers.get(question.number)
        if given is None:
            print(f"question {question.number}: not yet - answer with one of {', '.join(question.options)}")
            continue
        letter = str(given).strip().lower().strip("()")
        if letter not in question.options:
            print(f"question {question.number}: not right - {given!r} is not an option ({', '.join(question.options)})")
        elif letter == question.key:
            print(f"question {question.number}: correct - {question.options[letter]}")
        else:
            print(f"question {question.number}: not right - {question.options[letter]}")


def verify_quiz(name: str, state: dict[str, Any]) -> None:
    """Assert that every quiz key that is a fact of the code matches the executed notebook `state` (tests)."""
    for question in chapter(name).quiz:
        if question.fact is not None:
            found = question.fact(**state)
            assert found == question.key, (
                f"{name} quiz {question.number}: key {question.key!r}, the code says {found!r}"
            )
    print(f"{name}: every quiz key that is a fact of the code matches this run")


def plain(value: Any) -> Any:
    """Turn a tensor or NumPy value into plain Python numbers and lists (other values unchanged)."""
    if hasattr(value, "tolist") and callable(value.tolist) and not isinstance(value, (list, tuple, str)):
        return value.tolist()
    return value


def close(a: Any, b: Any, tol: float = 0.0) -> bool:
    """True if a equals b, comparing numbers within `tol` and sequences element by element."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, abs_tol=tol)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    return a == b


def mistake(answer: Any, expected: Any, tol: float = 0.0) -> str:
    """Say what kind of mistake `answer` looks like, compared with `expected` (no answer given away)."""
    number = (int, float)
    if isinstance(expected, number) and not isinstance(expected, bool):
        if not isinstance(answer, number) or isinstance(answer, bool):
            return f"expected a number, got {type(answer).__name__} {answer!r}"
        if expected and math.isclose(answer, 100 * expected, rel_tol=1e-3):
            return "that looks 100 times too big: a percentage where a fraction is asked?"
        if expected and math.isclose(100 * answer, expected, rel_tol=1e-3):
            return "that looks 100 times too small: a fraction where a percentage is asked?"
        if expected and math.isclose(answer, expected, rel_tol=0.05):
            return "close, but not within the tolerance: check rounding and what exactly is counted"
        return "not the value the check computes: re-read what is counted, and check each step on a small case"
    if isinstance(expected, (list, tuple)):
        if not isinstance(answer, (list, tuple)):
            return f"expected a {type(expected).__name__} of {len(expected)} items, got {type(answer).__name__}"
        if len(answer) != len(expected):
            return f"expected {len(expected)} items, got {len(answer)}"
        wrong = [i for i, (x, y) in enumerate(zip(answer, expected, strict=True)) if not close(x, y, tol)]
        return f"item(s) at position {', '.join(map(str, wrong))} are not right"
    if isinstance(expected, str) and isinstance(answer, str) and answer.strip().lower() == expected.strip().lower():
        return "right word, but check the exact spelling: case and spaces count here"
    if type(answer) is not type(expected):
        return f"expected a {type(expected).__name__}, got {type(answer).__name__} {answer!r}"
    return f"{answer!r} is not it"
