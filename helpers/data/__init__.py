"""The course data sets, written for this course and stored as text files beside this module.

`helpers.hub.load_dataset` serves them offline in the Hub's own schemas (chapter 5 loads
`("glue", "mrpc")` this way); the course pack trains its stand-ins on them; the data card page
(book/data_card.md) describes how they were made.
"""

from __future__ import annotations

import csv
import hashlib
import random
from pathlib import Path

from datasets import ClassLabel, Dataset, DatasetDict, Features, Value

HERE = Path(__file__).resolve().parent

#: Topics never used to train the zero-shot stand-in: its evaluation measures unseen labels.
HELD_OUT_TOPICS = ("education", "politics", "business", "music", "weather", "pets", "architecture", "gardening")

MRPC_FEATURES = Features(
    {
        "sentence1": Value("string"),
        "sentence2": Value("string"),
        "label": ClassLabel(names=["not_equivalent", "equivalent"]),
        "idx": Value("int32"),
    }
)
SENTIMENT_FEATURES = Features(
    {
        "sentence": Value("string"),
        "label": ClassLabel(names=["negative", "positive"]),
        "idx": Value("int32"),
        "domain": Value("string"),
    }
)
TOPIC_FEATURES = Features({"text": Value("string"), "topic": Value("string"), "idx": Value("int32")})


def split_of(key: str, shares: dict[str, float]) -> str:
    """Return the split a row belongs to, from a stable hash of its `key` text."""
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 16**8
    for name, share in shares.items():
        if bucket < share:
            return name
        bucket -= share
    return name


def _read_tsv(path: Path) -> list[dict[str, str]]:
    """Read one TAB-separated data file with a header line."""
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _to_splits(rows: list[dict], key: str, shares: dict[str, float], features: Features) -> DatasetDict:
    """Distribute rows over splits by hash, shuffle each split reproducibly, number them."""
    splits: dict[str, list[dict]] = {name: [] for name in shares}
    for row in rows:
        splits[split_of(row[key], shares)].append(row)
    out = {}
    for name, items in splits.items():
        random.Random(0).shuffle(items)
        for i, row in enumerate(items):
            row["idx"] = i
        out[name] = Dataset.from_list(items, features=features)
    return DatasetDict(out)


def paraphrase_rows() -> list[dict]:
    """Return every paraphrase pair with its topic and kind (for the data card and tests)."""
    rows = []
    for path in sorted((HERE / "paraphrase").glob("*.tsv")):
        for r in _read_tsv(path):
            rows.append(
                {
                    "sentence1": r["sentence1"],
                    "sentence2": r["sentence2"],
                    "label": int(r["label"]),
                    "kind": r["kind"],
                    "topic": path.stem,
                }
            )
    return rows


def paraphrase() -> DatasetDict:
    """The MRPC-style paraphrase set in GLUE MRPC's schema: train/validation/test, about 70/15/15."""
    rows = [{k: r[k] for k in ("sentence1", "sentence2", "label")} for r in paraphrase_rows()]
    return _to_splits(rows, "sentence1", {"train": 0.70, "validation": 0.15, "test": 0.15}, MRPC_FEATURES)


def paraphrase_check() -> Dataset:
    """The out-of-distribution check set: short everyday pairs by another writer, with their `kind`.

    Never used for training or for choosing a recipe: chapter 5 scores it once, at the end.
    """
    rows = [
        {"sentence1": r["sentence1"], "sentence2": r["sentence2"], "label": int(r["label"]), "kind": r["kind"]}
        for path in sorted((HERE / "paraphrase_check").glob("*.tsv"))
        for r in _read_tsv(path)
    ]
    for i, row in enumerate(rows):
        row["idx"] = i
    return Dataset.from_list(rows, features=Features({**MRPC_FEATURES, "kind": Value("string")}))


def sentiment() -> DatasetDict:
    """The sentiment set in GLUE SST-2's schema plus a `domain` column: train/validation 80/20."""
    rows = []
    for path in sorted((HERE / "sentiment").glob("*.tsv")):
        for r in _read_tsv(path):
            label = {"NEGATIVE": 0, "POSITIVE": 1}[r["label"]]
            rows.append({"sentence": r["text"], "label": label, "domain": path.stem})
    return _to_splits(rows, "sentence", {"train": 0.8, "validation": 0.2}, SENTIMENT_FEATURES)


def topics() -> DatasetDict:
    """Topic texts: `train` holds the seen topics, `test` only the HELD_OUT_TOPICS."""
    splits: dict[str, list[dict]] = {"train": [], "test": []}
    for path in sorted((HERE / "topics").glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        split = "test" if path.stem in HELD_OUT_TOPICS else "train"
        splits[split] += [{"text": line, "topic": path.stem} for line in lines]
    out = {}
    for name, items in splits.items():
        for i, row in enumerate(items):
            row["idx"] = i
        out[name] = Dataset.from_list(items, features=TOPIC_FEATURES)
    return DatasetDict(out)


def fingerprint(*sets: str) -> str:
    """Return a short hash of the data files of `sets` (folder names; all when none), so the course
    pack knows when to rebuild."""
    digest = hashlib.sha256()
    for path in sorted(p for folder in (sets or ("",)) for p in (HERE / folder).rglob("*")):
        if path.suffix in (".tsv", ".txt"):
            digest.update(path.relative_to(HERE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
