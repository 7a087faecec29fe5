"""Quality gates of the course data sets: schema, splits, duplicates, balance, lengths."""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

import pytest

from helpers import data

pytestmark = pytest.mark.filterwarnings("ignore")


def normalize(text: str) -> str:
    """Lower-case, strip punctuation and fold white space (for near-duplicate checks)."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.fixture(scope="module")
def para():
    return data.paraphrase()


@pytest.fixture(scope="module")
def senti():
    return data.sentiment()


@pytest.fixture(scope="module")
def topics():
    return data.topics()


def test_paraphrase_schema_and_splits(para):
    assert list(para) == ["train", "validation", "test"]
    assert para["train"].features == data.MRPC_FEATURES
    total = sum(len(s) for s in para.values())
    assert total >= 1200
    for name, share in {"train": 0.70, "validation": 0.15, "test": 0.15}.items():
        assert abs(len(para[name]) / total - share) < 0.04, name
        assert sorted(para[name]["idx"]) == list(range(len(para[name])))  # unique ids


def test_paraphrase_balance_about_two_thirds_equivalent(para):
    labels = [y for split in para.values() for y in split["label"]]
    assert 0.60 <= sum(labels) / len(labels) <= 0.72
    for split in para.values():
        assert 0.55 <= sum(split["label"]) / len(split) <= 0.75


def test_paraphrase_has_hard_negatives_and_many_topics():
    rows = data.paraphrase_rows()
    kinds = Counter(r["kind"] for r in rows if r["label"] == 0)
    hard = sum(kinds[k] for k in ("number", "date", "name", "role", "negation", "antonym", "added", "dropped"))
    assert hard / sum(kinds.values()) >= 0.8
    assert all(kinds[k] >= 20 for k in ("number", "date", "name", "role", "negation", "antonym"))
    assert len({r["topic"] for r in rows}) >= 10
    positive_kinds = Counter(r["kind"] for r in rows if r["label"] == 1)
    assert positive_kinds["reword"] + positive_kinds["mixed"] > positive_kinds["reorder"]


def test_no_identical_pairs_and_no_duplicates_across_splits(para):
    seen: dict[str, str] = {}
    for name, split in para.items():
        for s1, s2 in zip(split["sentence1"], split["sentence2"], strict=True):
            assert normalize(s1) != normalize(s2)
            for sentence in (s1, s2):
                key = normalize(sentence)
                assert key not in seen, f"duplicate in {name} and {seen.get(key)}: {sentence}"
                seen[key] = name


def test_paraphrase_lengths(para):
    words = [len(s.split()) for split in para.values() for col in ("sentence1", "sentence2") for s in split[col]]
    assert min(words) >= 8 and max(words) <= 40


def test_sentiment_schema_balance_domains_lengths(senti):
    assert list(senti) == ["train", "validation"]
    assert senti["train"].features["label"].names == ["negative", "positive"]
    texts = [t for split in senti.values() for t in split["sentence"]]
    labels = [y for split in senti.values() for y in split["label"]]
    assert len(texts) >= 800
    assert 0.45 <= sum(labels) / len(labels) <= 0.55
    domains = Counter(d for split in senti.values() for d in split["domain"])
    assert len(domains) >= 7 and min(domains.values()) >= 80
    lengths = [len(t.split()) for t in texts]
    assert sum(n <= 6 for n in lengths) >= 0.1 * len(texts)  # short texts
    assert sum(n >= 26 for n in lengths) >= 0.15 * len(texts)  # long texts
    assert len({normalize(t) for t in texts}) == len(texts)
    negations = sum(bool(re.search(r"\b(not|never|n't|no|hardly)\b", t.lower())) for t in texts)
    assert negations >= 0.15 * len(texts)


def test_topics_counts_and_held_out_split(topics):
    train_topics, test_topics = Counter(topics["train"]["topic"]), Counter(topics["test"]["topic"])
    assert len(train_topics) + len(test_topics) >= 30
    assert min(list(train_topics.values()) + list(test_topics.values())) >= 20
    assert set(test_topics) == set(data.HELD_OUT_TOPICS)
    assert not set(train_topics) & set(test_topics)  # held-out labels never seen in training
    texts = list(topics["train"]["text"]) + list(topics["test"]["text"])
    assert len({normalize(t) for t in texts}) == len(texts)


def test_near_duplicates_are_absent_within_each_set(senti, topics):
    for texts in (
        list(senti["train"]["sentence"]) + list(senti["validation"]["sentence"]),
        list(topics["train"]["text"]) + list(topics["test"]["text"]),
    ):
        token_sets = [frozenset(normalize(t).split()) for t in texts if len(t.split()) >= 8]
        close = [(a, b) for a, b in combinations(token_sets, 2) if len(a & b) / len(a | b) > 0.9]
        assert not close


def test_split_of_is_stable_and_follows_shares():
    shares = {"a": 0.5, "b": 0.5}
    assert data.split_of("same text", shares) == data.split_of("same text", shares)
    counts = Counter(data.split_of(f"text {i}", shares) for i in range(2000))
    assert abs(counts["a"] - 1000) < 100
