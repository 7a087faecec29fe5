"""Baselines of the data card, checked against hand computations and the issue's bounds."""

from __future__ import annotations

import pytest
from datasets import Dataset

from helpers import datacard


def test_majority_accuracy_by_hand():
    assert datacard.majority_accuracy([1, 1, 0], [1, 0, 0, 0]) == pytest.approx(0.25)


def test_tfidf_pair_baseline_learns_an_easy_toy_task():
    same = [("the cat sat on the mat", "the cat sat on the mat today"), ("rain in spain", "rain in spain again")]
    diff = [("the cat sat on the mat", "stocks fell sharply"), ("rain in spain", "a new phone launched")]
    rows = [{"sentence1": a, "sentence2": b, "label": 1} for a, b in same * 10] + [
        {"sentence1": a, "sentence2": b, "label": 0} for a, b in diff * 10
    ]
    toy = Dataset.from_list(rows)
    assert datacard.tfidf_pair_classifier(toy)(toy) == list(toy["label"])


def test_overlap_baseline_and_word_overlap_by_hand():
    assert datacard.word_overlap("The cat sat.", "the cat ran") == pytest.approx(2 / 4)
    rows = [
        {"sentence1": "a b c d", "sentence2": "a b c e", "label": 1},
        {"sentence1": "a b", "sentence2": "c d", "label": 0},
    ]
    toy = Dataset.from_list(rows * 5)
    assert datacard.overlap_classifier(toy)(toy) == [1, 0] * 5


@pytest.fixture(scope="module")
def summary():
    return datacard.summary()


def test_paraphrase_set_is_not_solved_by_bag_of_words(summary):
    p = summary["paraphrase"]
    assert p["tfidf_validation"]["accuracy"] <= 0.78  # leaves room for fine-tuning (chapter 5)
    assert p["tfidf_validation"]["accuracy"] >= p["majority_validation_accuracy"] - 0.05
    # word overlap alone is a weak cue: a threshold on it barely beats the majority class
    assert p["overlap_validation"]["accuracy"] <= p["majority_validation_accuracy"] + 0.08


def test_zero_shot_labels_are_not_matched_by_their_words(summary):
    assert summary["topics"]["tfidf_label_word_accuracy"] <= 0.6


def test_tables_render_every_set(summary):
    text = datacard.tables(summary)
    for needle in ("paraphrase (MRPC schema)", "TF-IDF + logistic regression", "Held out from training"):
        assert needle in text
