"""helpers.evaluation: counts and scores against scikit-learn, the check-set report by hand, the
threshold search on toy data, and mean pooling that ignores padding on a tiny random BERT."""

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, recall_score
from transformers import BertConfig, BertModel, BertTokenizerFast

from helpers import evaluation

RNG = np.random.default_rng(0)
LABELS = RNG.integers(0, 2, 200).tolist()
PREDICTED = RNG.integers(0, 2, 200).tolist()


def test_counts_and_scores_agree_with_scikit_learn():
    tn, fp, fn, tp = confusion_matrix(LABELS, PREDICTED).ravel()
    assert evaluation.counts(PREDICTED, LABELS) == {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    s = evaluation.scores(PREDICTED, LABELS)
    assert s["accuracy"] == pytest.approx(accuracy_score(LABELS, PREDICTED))
    assert s["f1"] == pytest.approx(f1_score(LABELS, PREDICTED))


def test_check_report_splits_accuracy_by_label():
    report = evaluation.check_report(PREDICTED, LABELS)
    assert report["paraphrase_recall"] == pytest.approx(recall_score(LABELS, PREDICTED))
    assert report["hard_negative_accuracy"] == pytest.approx(recall_score(LABELS, PREDICTED, pos_label=0))
    assert evaluation.check_report([1, 1, 1, 1], [1, 1, 0, 0]) == {
        "accuracy": 0.5,
        "paraphrase_recall": 1.0,
        "hard_negative_accuracy": 0.0,
    }


def test_best_threshold_separates_separable_scores_and_handles_constant_ones():
    similarities = np.array([0.1, 0.2, 0.35, 0.8, 0.9])
    t = evaluation.best_threshold(similarities, [0, 0, 0, 1, 1])
    assert 0.35 < t < 0.8
    always = evaluation.best_threshold(np.array([0.5, 0.5, 0.5]), [1, 1, 0])
    assert always < 0.5  # everything above it: the majority answer


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tok")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "a", "dog", "ran"]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37
    )
    return BertModel(config).eval(), tokenizer


def test_embedding_ignores_padding_and_cosine_of_a_sentence_with_itself_is_one(tiny):
    model, tokenizer = tiny
    alone = evaluation.embed(model, tokenizer, ["the cat"])
    padded = evaluation.embed(model, tokenizer, ["the cat", "the dog sat on a mat"])[:1]
    assert torch.allclose(alone, padded, atol=1e-5)
    assert torch.allclose(alone.norm(dim=-1), torch.ones(1))
    same = evaluation.cosine_similarities(model, tokenizer, ["a dog ran"], ["a dog ran"])
    assert same == pytest.approx([1.0], abs=1e-5)


def test_embeddings_come_back_in_the_order_of_the_texts(tiny):
    model, tokenizer = tiny
    texts = ["the dog sat on a mat", "the cat", "a dog ran on the mat", "cat"]  # not sorted by length
    together = evaluation.embed(model, tokenizer, texts, batch_size=2)
    one_by_one = torch.cat([evaluation.embed(model, tokenizer, [text]) for text in texts])
    assert torch.allclose(together, one_by_one, atol=1e-5)
