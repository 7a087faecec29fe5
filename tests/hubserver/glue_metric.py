"""GLUE metric of the local Hub (a TEST FIXTURE, not the Hub's evaluate-metric/glue script).

`tests.hubserver.hubdata` serves this file as `glue.py` of the Space `evaluate-metric/glue`, which
is where `evaluate.load("glue", config)` looks for it. It gives the keys the real metric gives
per GLUE task, computed with scikit-learn and SciPy.
"""

import datasets
import evaluate
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

ACCURACY_ONLY = ("sst2", "mnli", "mnli_mismatched", "mnli_matched", "qnli", "rte", "wnli", "hans")
CONFIGS = ("mrpc", "qqp", "stsb", "cola", *ACCURACY_ONLY)


class Glue(evaluate.Metric):
    """Accuracy (and F1 for mrpc/qqp), Matthews correlation (cola), Pearson/Spearman (stsb)."""

    def _info(self) -> evaluate.MetricInfo:
        """Describe the inputs: integer labels, or floats for stsb."""
        if self.config_name not in CONFIGS:
            raise KeyError(f"Unknown GLUE config {self.config_name!r}; use one of {list(CONFIGS)}.")
        dtype = "float32" if self.config_name == "stsb" else "int64"
        return evaluate.MetricInfo(
            description="GLUE metric of the course's local Hub test fixture (not the real Hub script).",
            citation="",
            inputs_description="predictions, references: labels (scores for stsb)",
            features=datasets.Features({"predictions": datasets.Value(dtype), "references": datasets.Value(dtype)}),
        )

    def _compute(self, predictions, references) -> dict:
        """Return the task's scores as floats."""
        if self.config_name == "cola":
            return {"matthews_correlation": float(matthews_corrcoef(references, predictions))}
        if self.config_name == "stsb":
            return {
                "pearson": float(pearsonr(predictions, references)[0]),
                "spearmanr": float(spearmanr(predictions, references)[0]),
            }
        scores = {"accuracy": float(accuracy_score(references, predictions))}
        if self.config_name in ("mrpc", "qqp"):
            scores["f1"] = float(f1_score(references, predictions))
        return scores
