"""Statistics and baselines of the course data sets, for the data card page and the data tests.

`helpers.book` writes `tables()` into the book's data card at build time, so every number there
is computed from the data files: `python -m helpers.datacard` prints the same tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from helpers import data, recipes
from helpers.evaluation import scores


def majority_accuracy(train_labels: list[int], eval_labels: list[int]) -> float:
    """Accuracy of always predicting the most common training label."""
    majority = Counter(train_labels).most_common(1)[0][0]
    return float(np.mean(np.asarray(eval_labels) == majority))


def word_overlap(sentence1: str, sentence2: str) -> float:
    """Jaccard overlap of the two sentences' lower-cased word sets (letters and digits)."""
    a, b = (set(re.findall(r"[a-z0-9]+", s.lower())) for s in (sentence1, sentence2))
    return len(a & b) / len(a | b) if a | b else 1.0


def pair_overlaps(split: Any) -> np.ndarray:
    """Word overlap of every pair of a split."""
    return np.array([word_overlap(a, b) for a, b in zip(split["sentence1"], split["sentence2"], strict=True)])


def overlap_classifier(train: Any) -> Callable[[Any], list[int]]:
    """Word overlap alone: predicts `equivalent` (1) above the threshold that is most accurate on `train`."""
    from helpers.evaluation import best_threshold

    threshold = best_threshold(pair_overlaps(train), list(train["label"]))
    return lambda split: (pair_overlaps(split) > threshold).astype(int).tolist()


def tfidf_pair_classifier(train: Any) -> Callable[[Any], list[int]]:
    """TF-IDF + logistic regression fitted on `train` pairs (features |v1-v2|, v1*v2 and their cosine);
    returns the function that predicts the labels of another split."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    vectorizer.fit(list(train["sentence1"]) + list(train["sentence2"]))

    def features(split: Any) -> Any:
        a, b = vectorizer.transform(list(split["sentence1"])), vectorizer.transform(list(split["sentence2"]))
        cosine = csr_matrix(np.asarray(a.multiply(b).sum(axis=1)))
        return hstack([abs(a - b), a.multiply(b), cosine]).tocsr()

    model = LogisticRegression(max_iter=2000, C=4.0).fit(features(train), list(train["label"]))
    return lambda split: [int(y) for y in model.predict(features(split))]


def tfidf_text_baseline(
    train_texts: list[str], train_labels: list[Any], eval_texts: list[str], eval_labels: list[Any]
) -> float:
    """Accuracy of TF-IDF + logistic regression on single texts."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    model = LogisticRegression(max_iter=2000, C=4.0).fit(vectorizer.fit_transform(train_texts), train_labels)
    return float(np.mean(model.predict(vectorizer.transform(eval_texts)) == np.asarray(eval_labels)))


def zero_shot_tfidf_accuracy() -> float:
    """Held-out topics: pick the candidate label whose word best matches the text by TF-IDF cosine."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    cases = recipes.zero_shot_cases()
    vectorizer = TfidfVectorizer().fit([c[0] for c in cases] + [lbl for c in cases for lbl in c[2]])
    hits = 0
    for text, topic, candidates in cases:
        scores = (vectorizer.transform(candidates) @ vectorizer.transform([text]).T).toarray().ravel()
        hits += candidates[int(np.argmax(scores))] == topic if scores.max() > 0 else candidates[0] == topic
    return hits / len(cases)


def summary() -> dict[str, Any]:
    """Sizes, label balance, lengths and baselines of the three course data sets."""
    para, senti, topics, check = data.paraphrase(), data.sentiment(), data.topics(), data.paraphrase_check()
    words = [len(s.split()) for split in para.values() for s in list(split["sentence1"]) + list(split["sentence2"])]
    rows = data.paraphrase_rows()
    overlap = {
        name: np.percentile(
            [word_overlap(r["sentence1"], r["sentence2"]) for r in rows if r["label"] == y], [25, 50, 75]
        )
        for y, name in enumerate(("not_equivalent", "equivalent"))
    }
    check_words = [len(s.split()) for s in list(check["sentence1"]) + list(check["sentence2"])]
    validation_labels = list(para["validation"]["label"])
    return {
        "paraphrase": {
            "sizes": {k: len(v) for k, v in para.items()},
            "equivalent_share": {k: round(float(np.mean(v["label"])), 3) for k, v in para.items()},
            "words_per_sentence": {"min": min(words), "median": float(np.median(words)), "max": max(words)},
            "short_share": round(float(np.mean(np.asarray(words) <= 12)), 3),
            "word_overlap_quartiles": {k: [round(float(x), 3) for x in v] for k, v in overlap.items()},
            "topics": dict(sorted(Counter(r["topic"] for r in rows).items())),
            "kinds": dict(Counter(r["kind"] for r in rows).most_common()),
            "majority_validation_accuracy": majority_accuracy(
                list(para["train"]["label"]), list(para["validation"]["label"])
            ),
            "tfidf_validation": scores(tfidf_pair_classifier(para["train"])(para["validation"]), validation_labels),
            "overlap_validation": scores(overlap_classifier(para["train"])(para["validation"]), validation_labels),
        },
        "paraphrase_check": {
            "size": len(check),
            "equivalent_share": round(float(np.mean(check["label"])), 3),
            "kinds": dict(Counter(check["kind"]).most_common()),
            "words_per_sentence": {
                "min": min(check_words),
                "median": float(np.median(check_words)),
                "max": max(check_words),
            },
        },
        "sentiment": {
            "sizes": {k: len(v) for k, v in senti.items()},
            "positive_share": {k: round(float(np.mean(v["label"])), 3) for k, v in senti.items()},
            "domains": dict(
                sorted(Counter(list(senti["train"]["domain"]) + list(senti["validation"]["domain"])).items())
            ),
            "majority_validation_accuracy": majority_accuracy(
                list(senti["train"]["label"]), list(senti["validation"]["label"])
            ),
            "tfidf_validation_accuracy": tfidf_text_baseline(
                list(senti["train"]["sentence"]),
                list(senti["train"]["label"]),
                list(senti["validation"]["sentence"]),
                list(senti["validation"]["label"]),
            ),
        },
        "topics": {
            "sizes": {k: len(v) for k, v in topics.items()},
            "topics_seen": sorted(set(topics["train"]["topic"])),
            "topics_held_out": sorted(set(topics["test"]["topic"])),
            "texts_per_topic": dict(
                sorted(Counter(list(topics["train"]["topic"]) + list(topics["test"]["topic"])).items())
            ),
            "chance_accuracy_3_labels": round(1 / 3, 3),
            "tfidf_label_word_accuracy": zero_shot_tfidf_accuracy(),
        },
    }


def tables(info: dict[str, Any] | None = None) -> str:
    """Return the data card's tables as Markdown."""
    from helpers.book import table  # helpers.book imports this module: the import waits until it is used

    info = info or summary()
    p, s, t, c = info["paraphrase"], info["sentiment"], info["topics"], info["paraphrase_check"]
    pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
    sizes = [
        ["paraphrase (MRPC schema)", _kv(p["sizes"]), f"equivalent: {_kv(p['equivalent_share'])}"],
        ["paraphrase check set (never trained on)", f"check: {c['size']}", f"equivalent: {c['equivalent_share']}"],
        ["sentiment (SST-2 schema + domain)", _kv(s["sizes"]), f"positive: {_kv(s['positive_share'])}"],
        [
            "topics (zero-shot)",
            _kv(t["sizes"]),
            f"{len(t['topics_seen'])} seen topics, {len(t['topics_held_out'])} held out",
        ],
    ]
    baselines = [
        ["paraphrase", "majority class", pct(p["majority_validation_accuracy"]), ""],
        [
            "paraphrase",
            "word overlap above a threshold (chosen on train)",
            pct(p["overlap_validation"]["accuracy"]),
            f"{p['overlap_validation']['f1']:.3f}",
        ],
        [
            "paraphrase",
            "TF-IDF + logistic regression",
            pct(p["tfidf_validation"]["accuracy"]),
            f"{p['tfidf_validation']['f1']:.3f}",
        ],
        ["sentiment", "majority class", pct(s["majority_validation_accuracy"]), ""],
        ["sentiment", "TF-IDF + logistic regression", pct(s["tfidf_validation_accuracy"]), ""],
        ["topics", "chance (3 candidate labels)", pct(t["chance_accuracy_3_labels"]), ""],
        ["topics", "TF-IDF match of label word", pct(t["tfidf_label_word_accuracy"]), ""],
    ]
    lines = [
        "### Sizes and balance",
        "",
        *table(["set", "splits", "label balance"], sizes),
        "",
        "### Baselines (validation split; held-out topics for zero-shot)",
        "",
        *table(["set", "baseline", "accuracy", "F1"], baselines, right=(2, 3)),
        "",
        "### Paraphrase pairs by topic and by kind",
        "",
        f"Topics: {_kv(p['topics'])}.",
        "",
        f"Kinds (how sentence 2 differs): {_kv(p['kinds'])}.",
        "",
        f"Words per sentence: {_kv(p['words_per_sentence'])}; share of sentences with at most 12 words: "
        f"{p['short_share']}.",
        "",
        "Word overlap of a pair (Jaccard index of the two sentences' word sets), quartiles 25/50/75%: "
        + "; ".join(f"{k}: {' / '.join(f'{x:.2f}' for x in v)}" for k, v in p["word_overlap_quartiles"].items())
        + ".",
        "",
        f"Check set: kinds {_kv(c['kinds'])}; words per sentence {_kv(c['words_per_sentence'])}.",
        "",
        "### Sentiment texts by domain",
        "",
        f"{_kv(s['domains'])}.",
        "",
        "### Topics",
        "",
        f"Held out from training: {', '.join(t['topics_held_out'])}.",
        "",
        f"Seen in training: {', '.join(t['topics_seen'])}.",
        "",
    ]
    return "\n".join(lines)


def _kv(mapping: dict[str, Any]) -> str:
    """Format a mapping as 'a: 1, b: 2'."""
    return ", ".join(f"{k}: {v}" for k, v in mapping.items())


if __name__ == "__main__":
    print(tables())
