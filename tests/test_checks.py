"""Exercise checks."""

import pytest

from helpers.checks import check
from helpers.errors import CourseError


def test_right_answers_pass(capsys):
    check("ex", 0.5001, 0.5, tol=1e-3)
    check("ex", ["a", 1.0], ["a", 1], tol=0)
    check("ex", {"k": [1, 2]}, {"k": [1, 2]})
    assert capsys.readouterr().out.count("correct") == 3


@pytest.mark.parametrize("answer, expected, message", [
    (None, 1, "no answer yet"), (2, 1, "is not right"), ([1, 2], [1], "is not right"),
    (True, 1, "is not right"),
])
def test_wrong_answers_raise_with_a_hint(answer, expected, message):
    with pytest.raises(CourseError, match=message):
        check("ex", answer, expected, hint="Look again.")
