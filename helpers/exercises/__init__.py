"""The chapters' exercises and quizzes, one module per chapter (`ch00` ... `ch06`), each defining `CHAPTER`.

`helpers.checks` reads them: the notebooks' check cells, `helpers.checks.solution(...)`, the book
(solutions and quiz answers behind a toggle) and the tests (stub, wrong answer and solution through
the real check, with the notebook's state) all use the same definitions.
"""
