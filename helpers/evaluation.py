"""Scoring a paraphrase classifier (chapter 5, its recipe search, the tests).

Counts are taken by hand, so they check the `evaluate` metric independently; the check-set report
splits accuracy into paraphrase recall and hard-negative accuracy; the embedding baseline scores a
pair by the cosine similarity of the untuned encoder's mean-pooled token vectors.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def counts(predictions: Sequence[int], labels: Sequence[int]) -> dict[str, int]:
    """True/false positives and negatives of label 1 (`equivalent`), counted pair by pair."""
    tally = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for predicted, truth in zip(predictions, labels, strict=True):
        key = ("t" if predicted == truth else "f") + ("p" if predicted == 1 else "n")
        tally[key] += 1
    return tally


def scores(predictions: Sequence[int], labels: Sequence[int]) -> dict[str, float]:
    """Accuracy and F1 of `equivalent` from the counts: F1 = 2TP / (2TP + FP + FN)."""
    c = counts(predictions, labels)
    f1_denominator = 2 * c["tp"] + c["fp"] + c["fn"]
    return {
        "accuracy": (c["tp"] + c["tn"]) / len(labels),
        "f1": 2 * c["tp"] / f1_denominator if f1_denominator else 0.0,
    }


def check_report(predictions: Sequence[int], labels: Sequence[int]) -> dict[str, float]:
    """Accuracy, paraphrase recall (share of equivalent pairs found) and hard-negative accuracy."""
    c = counts(predictions, labels)
    return {
        "accuracy": (c["tp"] + c["tn"]) / len(labels),
        "paraphrase_recall": c["tp"] / max(1, c["tp"] + c["fn"]),
        "hard_negative_accuracy": c["tn"] / max(1, c["tn"] + c["fp"]),
    }


@torch.no_grad()
def embed(model: torch.nn.Module, tokenizer, texts: list[str], batch_size: int = 64) -> torch.Tensor:
    """Unit-length mean of the last hidden states over each text's real tokens (padding excluded)."""
    device = next(model.parameters()).device
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths share a batch: less padding
    vectors = []
    for start in range(0, len(texts), batch_size):
        rows = [texts[i] for i in order[start : start + batch_size]]
        batch = tokenizer(rows, padding=True, truncation=True, return_tensors="pt").to(device)
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        vectors.append(torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1).float().cpu())
    return torch.cat(vectors)[torch.argsort(torch.tensor(order))]  # back in the order of `texts`


def cosine_similarities(model: torch.nn.Module, tokenizer, sentence1: list[str], sentence2: list[str]) -> np.ndarray:
    """Cosine similarity of each pair's two sentence vectors (`embed`)."""
    return (embed(model, tokenizer, sentence1) * embed(model, tokenizer, sentence2)).sum(-1).numpy()


def best_threshold(similarities: np.ndarray, labels: Sequence[int]) -> float:
    """The threshold (midpoint between neighbouring similarities) with the highest accuracy of
    `similarity > threshold` -> equivalent; the lowest such threshold wins ties."""
    values = np.unique(similarities)
    candidates = np.concatenate([[values[0] - 1e-6], (values[:-1] + values[1:]) / 2, [values[-1] + 1e-6]])
    truth = np.asarray(labels)
    accuracy = [np.mean((similarities > t) == truth) for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])
