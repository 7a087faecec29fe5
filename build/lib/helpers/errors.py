"""The one exception type a learner can meet from `helpers`: it says what happened and what to do."""


class CourseError(RuntimeError):
    """An error a learner can fix; the message says what happened and what to do next."""
