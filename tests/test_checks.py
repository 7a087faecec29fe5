"""helpers.checks: exercise verdicts, mistake hints, solutions on request, quizzes and their keys."""

import pytest

from helpers import checks
from helpers.checks import Chapter, Exercise, Question
from helpers.errors import CourseError

TOY = Chapter(
    exercises=[
        Exercise(
            1,
            lambda values: sum(values) / len(values),
            hint="average the values",
            tol=1e-9,
            solution="answer_1 = sum(values) / len(values)",
            wrong="answer_1 = sum(values)",
        )
    ],
    quiz=[Question(1, {"a": "yes, because", "b": "no, because"}, key="a", fact=lambda flag, **_: "a" if flag else "b")],
)


@pytest.fixture(autouse=True)
def toy_chapter(monkeypatch):
    real = checks.chapter
    monkeypatch.setattr(checks, "chapter", lambda name: TOY if name == "toy" else real(name))


def test_verdicts_not_yet_not_right_correct(capsys):
    checks.exercise("toy", 1, None, values=[1, 2, 3])
    checks.exercise("toy", 1, 6, values=[1, 2, 3])
    checks.exercise("toy", 1, 2.0, values=[1, 2, 3])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "exercise 1: not yet - average the values"
    assert lines[1].startswith("exercise 1: not right - ") and "6" not in lines[1].split("-", 1)[0]
    assert lines[2] == "exercise 1: correct"


@pytest.mark.parametrize(
    "answer, expected, words",
    [
        (25.0, 0.25, "100 times too big"),
        (0.0025, 0.25, "100 times too small"),
        (0.251, 0.25, "close"),
        ("0.25", 0.25, "expected a number"),
        ([1, 2], [1, 2, 3], "expected 3 items, got 2"),
        ([1, 5, 3], [1, 2, 3], "position 1"),
        ("Eval_Strategy", "eval_strategy", "case and spaces"),
        (3, (1, 2, 3), "expected a tuple"),
    ],
)
def test_mistake_says_what_kind_of_mistake(answer, expected, words):
    assert words in checks.mistake(answer, expected)


def test_close_compares_numbers_within_tolerance_and_never_bool_for_int():
    assert checks.close([1.0, (2, "a")], [1.0000001, (2, "a")], tol=1e-6)
    assert not checks.close(True, 1) and not checks.close({"a": 1}, {"b": 1})


def test_code_answers_are_run_and_their_errors_reported(capsys):
    square = Exercise(
        2,
        lambda: [1, 4, 9],
        hint="",
        solution="answer_2 = lambda x: x * x",
        wrong="answer_2 = abs",
        evaluate=lambda f: [f(x) for x in (1, 2, 3)],
    )
    TOY.exercises.append(square)
    try:
        checks.exercise("toy", 2, lambda x: x * x)
        checks.exercise("toy", 2, lambda x: x + x)
        checks.exercise("toy", 2, lambda x: 1 / 0)
    finally:
        TOY.exercises.remove(square)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "exercise 2: correct" and out[1].startswith("exercise 2: not right - item(s) at position")
    assert out[2] == "exercise 2: not right - your answer raised ZeroDivisionError: division by zero"


def test_solution_is_printed_on_request_only(capsys):
    checks.solution("toy", 1)
    assert capsys.readouterr().out.strip() == "answer_1 = sum(values) / len(values)"
    with pytest.raises(CourseError, match="has exercises \\[1\\], not 7"):
        checks.solution("toy", 7)
    with pytest.raises(CourseError, match="No exercises for chapter 'ch99'"):
        checks.chapter("ch99")


def test_quiz_explains_every_answer_and_verifies_facts(capsys):
    checks.quiz("toy", {1: None})
    checks.quiz("toy", {1: "b"})
    checks.quiz("toy", {1: "(A)"})
    checks.quiz("toy", {1: "z"})
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "question 1: not yet - answer with one of a, b",
        "question 1: not right - no, because",
        "question 1: correct - yes, because",
        "question 1: not right - 'z' is not an option (a, b)",
    ]
    checks.verify_quiz("toy", {"flag": True})
    with pytest.raises(AssertionError, match="key 'a', the code says 'b'"):
        checks.verify_quiz("toy", {"flag": False})


@pytest.mark.parametrize("name", [f"ch0{n}" for n in range(7)])
def test_every_chapter_has_three_exercises_and_a_quiz_of_three_to_five(name):
    try:
        content = checks.chapter(name)
    except CourseError:
        pytest.fail(f"helpers/exercises/{name}.py is missing")
    assert len(content.exercises) >= 3 and 3 <= len(content.quiz) <= 5
    for item in content.exercises:
        assert item.solution.strip() and item.wrong.strip() and item.solution != item.wrong
        assert f"answer_{item.number}" in item.solution and f"answer_{item.number}" in item.wrong
    for question in content.quiz:
        assert question.key in question.options and len(question.options) >= 3
