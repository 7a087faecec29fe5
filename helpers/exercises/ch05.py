"""Chapter 5, Fine-tuning on MRPC: exercises and quiz (see helpers.checks for how they are used).

The right answers are computed from the executed notebook's state: its tokenizer, its tokenized
training split, the validation labels and the logits `trainer.predict` returned. Nothing assumes
that the model learned anything: the tests prove these checks online with a tiny random model.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from helpers.checks import Chapter, Exercise, Question

PAIR = ("Shares of Kellworth rose 4.5 percent.", "Kellworth stock gained.")
EVAL_KEYS = ("accuracy", "f1")


# Exercise 1: where sentence 2 starts.
def _sentence2_start(tokenizer: Any, **_: Any) -> int:
    return tokenizer(*PAIR)["token_type_ids"].index(1)


def _start_mistake(answer: Any, expected: Any) -> str | None:
    if answer == expected - 2:
        return "that counts the tokens of sentence 1 only: [CLS] comes before them and one [SEP] after them"
    if answer == expected - 1:
        return "one short: that is where the first [SEP] sits, and it still belongs to sentence 1 (segment 0)"
    if answer == expected + 1:
        return "one too many: positions count from 0, [CLS] is at position 0"
    if answer in (len(PAIR[0].split()), len(PAIR[0].split()) + 2):
        return "that counts words; the tokenizer splits 'Kellworth' and '4.5' into several tokens each"
    return None


# Exercise 2: padding tokens in the first batch.
def _first_batch_padding(tokenized_train: Any, batch_size: int, **_: Any) -> int:
    lengths = [len(ids) for ids in tokenized_train[:batch_size]["input_ids"]]
    return sum(max(lengths) - n for n in lengths)


def _padding_mistake(answer: Any, expected: Any) -> str | None:
    if not isinstance(answer, (int, np.integer)) or isinstance(answer, bool):
        return f"expected an int (a count of tokens), got {type(answer).__name__}"
    if answer > expected:
        return (
            "too many: padding tokens are the zeros of attention_mask (the ones are real tokens), and "
            "DataCollatorWithPadding pads to the longest pair of the batch, not of the data set"
        )
    if 0 <= answer < expected:
        return "too few: count the zeros of attention_mask over the whole batch (all rows), not of one row"
    return None


# Exercise 3: F1 of always answering "equivalent".
def _counts(predictions: list[int], labels: list[int]) -> tuple[int, int, int, int]:
    """(right, TP, FP, FN) of the `equivalent` class (label 1), counted pair by pair."""
    right = tp = fp = fn = 0
    for predicted, label in zip(predictions, labels, strict=True):
        right += predicted == label
        tp += predicted == 1 and label == 1
        fp += predicted == 1 and label == 0
        fn += predicted == 0 and label == 1
    return right, tp, fp, fn


def _scores(predictions: list[int], labels: list[int]) -> dict[str, float]:
    """Accuracy and F1 = 2TP / (2TP + FP + FN), from the counts."""
    right, tp, fp, fn = _counts(predictions, labels)
    return {"accuracy": right / len(labels), "f1": 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0}


def _always_equivalent_f1(labels: Any, **_: Any) -> float:
    labels = [int(y) for y in labels]
    return _scores([1] * len(labels), labels)["f1"]


def _f1_mistake(answer: Any, expected: Any) -> str | None:
    if not isinstance(answer, (int, float, np.floating)) or isinstance(answer, bool):
        return None
    p = expected / (2 - expected)  # F1 = 2p / (p + 1), solved for p
    if np.isclose(answer, p):
        return "that is the precision (and the accuracy) of always answering equivalent; F1 also weighs the recall"
    if np.isclose(answer, 1.0):
        return "that is the recall; F1 combines it with the precision"
    if np.isclose(answer, (p + 1) / 2):
        return "that is the arithmetic mean of precision and recall; F1 is their harmonic mean"
    if np.isclose(answer, 1 - p):
        return "p is the share of validation pairs labelled 1 (equivalent), not 0"
    return None


# Exercise 4: compute_metrics by the learner, run on the validation logits.
def _probes(logits: Any, n: int) -> dict[str, np.ndarray]:
    """The validation logits of the notebook, and logits that say `equivalent` for every pair."""
    return {"model": np.array(logits, dtype=np.float32), "always equivalent": np.tile([0.0, 1.0], (n, 1))}


def _expected_metrics(logits: Any, labels: Any, **_: Any) -> dict[str, dict[str, float]]:
    labels = [int(y) for y in labels]
    found = {}
    for name, probe in _probes(logits, len(labels)).items():
        predictions = [int(row[1] > row[0]) for row in probe.tolist()]  # argmax; a tie goes to label 0
        found[name] = _scores(predictions, labels)
    return found


def _run_metrics(answer: Any, logits: Any, labels: Any, **_: Any) -> dict[str, dict[str, float]]:
    from transformers import EvalPrediction

    labels = np.asarray(labels)
    found = {}
    for name, probe in _probes(logits, len(labels)).items():
        scores = answer(EvalPrediction(predictions=probe.copy(), label_ids=labels.copy()))
        if not isinstance(scores, dict) or not set(EVAL_KEYS) <= set(scores):
            keys = sorted(scores) if isinstance(scores, dict) else type(scores).__name__
            raise ValueError(f"compute_metrics must return a dict with the keys 'accuracy' and 'f1', got {keys}")
        found[name] = {key: float(scores[key]) for key in EVAL_KEYS}
    return found


def _metrics_mistake(answer: Any, expected: Any) -> str | None:
    got, right = answer["always equivalent"], expected["always equivalent"]
    if np.isclose(got["accuracy"], 100 * right["accuracy"]) or np.isclose(got["f1"], 100 * right["f1"]):
        return "a percentage where Trainer expects a fraction between 0 and 1"
    if np.isclose(got["accuracy"], 1 - right["accuracy"]):
        return "the predictions look flipped: the prediction is the index of the LARGER logit (argmax, axis=-1)"
    if np.isclose(got["accuracy"], right["accuracy"]):
        if all(np.isclose(answer[name]["f1"], answer[name]["accuracy"]) for name in answer):
            return "your F1 equals your accuracy: that is micro-averaged F1; MRPC's is the binary F1 of label 1"
        if np.isclose(got["f1"], right["accuracy"]):
            return "that looks like the precision TP / (TP + FP); F1 = 2TP / (2TP + FP + FN) also counts the misses"
        if np.isclose(got["f1"], right["f1"] / 2):
            return "that looks like F1 averaged over both labels (macro); MRPC's F1 is the one of label 1 only"
        if np.isclose(got["f1"], 0.0):
            return "F1 of the wrong label: count TP, FP and FN for `equivalent` (label 1), not label 0"
        return "accuracy is right, F1 is not: F1 = 2TP / (2TP + FP + FN) for `equivalent` (label 1)"
    return "accuracy is not right: the share of pairs whose argmax over the two logits equals the label"


# Quiz facts, read from the executed notebook.
def _eval_strategy_name(**_: Any) -> str:
    from transformers import TrainingArguments

    names = inspect.signature(TrainingArguments.__init__).parameters
    return "b" if "eval_strategy" in names and "evaluation_strategy" not in names else "?"


def _padded_to(padded_lengths: list[int], tokenized_datasets: Any, batch_size: int, **_: Any) -> str:
    lengths = [len(ids) for ids in tokenized_datasets["train"]["input_ids"]]
    batch_longest = [max(lengths[i : i + batch_size]) for i in range(0, len(lengths), batch_size)]
    return "a" if padded_lengths == batch_longest else "?"


def _first_sep_segment(pair: Any, tokenizer: Any, **_: Any) -> str:
    segment = pair["token_type_ids"][pair["input_ids"].index(tokenizer.sep_token_id)]
    return {0: "a", 1: "b"}.get(segment, "?")


def _unused_columns(training_args: Any, train_dataset: Any, **_: Any) -> str:
    return "c" if training_args.remove_unused_columns and "sentence1" in train_dataset.column_names else "?"


METRICS_SOLUTION = """def answer_4(eval_preds):
    logits, labels = eval_preds
    predictions = np.argmax(logits, axis=-1)  # one label per pair: the larger of its two logits
    tp = int(((predictions == 1) & (labels == 1)).sum())  # said equivalent, is equivalent
    fp = int(((predictions == 1) & (labels == 0)).sum())  # said equivalent, is not
    fn = int(((predictions == 0) & (labels == 1)).sum())  # missed an equivalent pair
    return {"accuracy": float((predictions == labels).mean()), "f1": 2 * tp / (2 * tp + fp + fn)}"""

METRICS_WRONG = """def answer_4(eval_preds):
    logits, labels = eval_preds
    predictions = np.argmax(logits, axis=-1)
    return {"accuracy": float((predictions == labels).mean()),
            "f1": f1_score(labels, predictions, average="micro")}"""

CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _sentence2_start,
            mistakes=_start_mistake,
            hint="call tokenizer(sentence1, sentence2) and find the first 1 in its token_type_ids.",
            solution=f'answer_1 = tokenizer("{PAIR[0]}", "{PAIR[1]}")["token_type_ids"].index(1)',
            wrong=f'answer_1 = len(tokenizer.tokenize("{PAIR[0]}"))',
        ),
        Exercise(
            2,
            _first_batch_padding,
            mistakes=_padding_mistake,
            hint="take next(iter(loader)) and count the zeros of its attention_mask.",
            solution=('first_batch = next(iter(loader))\nanswer_2 = int((first_batch["attention_mask"] == 0).sum())'),
            wrong='first_batch = next(iter(loader))\nanswer_2 = int(first_batch["attention_mask"].sum())',
        ),
        Exercise(
            3,
            _always_equivalent_f1,
            tol=1e-6,
            mistakes=_f1_mistake,
            hint="p = share of val_labels equal to 1; precision p, recall 1; F1 = 2 * precision * recall / (sum).",
            solution="p = float(np.mean(val_labels == 1))\nanswer_3 = 2 * p * 1 / (p + 1)",
            wrong="answer_3 = float(np.mean(val_labels == 1))",
        ),
        Exercise(
            4,
            _expected_metrics,
            tol=1e-6,
            evaluate=_run_metrics,
            mistakes=_metrics_mistake,
            hint=(
                "define answer_4(eval_preds): logits, labels = eval_preds; argmax per row; count TP, FP, FN "
                "of label 1; return {'accuracy': ..., 'f1': ...}."
            ),
            solution=METRICS_SOLUTION,
            wrong=METRICS_WRONG,
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "Not in v5: TrainingArguments no longer accepts it (the section 5 cell prints 'rejected').",
                "b": "Right: v5 calls it eval_strategy; the value 'epoch' evaluates after every epoch.",
                "c": "There is no such argument; v4's evaluation_strategy became eval_strategy.",
            },
            key="b",
            fact=_eval_strategy_name,
        ),
        Question(
            2,
            {
                "a": "Right: each batch is padded to its own longest pair (dynamic padding, 动态填充).",
                "b": "That is padding=True over the whole split, the notes' first try; the dashed line in section 4.",
                "c": "That is padding='max_length' without max_length: 512 tokens for BERT, mostly padding.",
            },
            key="a",
            fact=_padded_to,
        ),
        Question(
            3,
            {
                "a": "Right: [CLS], sentence 1 and the first [SEP] are segment 0; sentence 2 starts after it.",
                "b": "No: segment 1 starts with the first token of sentence 2, after the first [SEP].",
                "c": "No: every token gets a token type id, the special tokens too.",
            },
            key="a",
            fact=_first_sep_segment,
        ),
        Question(
            4,
            {
                "a": "No: the text columns never reach the collator.",
                "b": "No: processing_class is saved with the model and pads batches; it does not tokenize again.",
                "c": "Right: remove_unused_columns=True drops what the model's forward does not accept.",
            },
            key="c",
            fact=_unused_columns,
        ),
    ],
)
