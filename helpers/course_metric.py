"""Offline `evaluate` module of the course: GLUE MRPC's metric (accuracy and F1), accuracy, F1.

`helpers.hub.load_metric` loads this file with `evaluate.load(path, config_name)` when offline,
so chapter 5's `compute_metrics` gets the same keys as `evaluate.load("glue", "mrpc")` online.
"""

import datasets
import evaluate
from sklearn.metrics import accuracy_score, f1_score

KEYS = {"mrpc": ("accuracy", "f1"), "accuracy": ("accuracy",), "f1": ("f1",)}


class CourseMetric(evaluate.Metric):
    """Accuracy and/or binary F1, by config name: 'mrpc', 'accuracy' or 'f1'."""

    def _info(self) -> evaluate.MetricInfo:
        """Describe the metric's inputs (integer predictions and references)."""
        if self.config_name not in KEYS:
            raise KeyError(f"Unknown config {self.config_name!r}; use one of {sorted(KEYS)}.")
        return evaluate.MetricInfo(
            description="Accuracy and F1 of the positive class, as GLUE MRPC reports them.",
            citation="",
            inputs_description="predictions, references: lists of 0/1 labels",
            features=datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
        )

    def _compute(self, predictions, references) -> dict:
        """Return the configured keys as floats."""
        scores = {
            "accuracy": float(accuracy_score(references, predictions)),
            "f1": float(f1_score(references, predictions)),
        }
        return {k: scores[k] for k in KEYS[self.config_name]}
