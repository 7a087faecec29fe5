"""What tests/test_hubserver.py runs in a child process pointed at the local Hub (HF_ENDPOINT set).

    python -m tests.hubserver.probe '{"predictions": [...], "references": [...]}'

Loads what the course's chapters load, by their Hub names, and prints one JSON object of
observations (classes, labels, ids, rows, scores, error types) on its last line. Every probe runs
even if another fails; a failure is recorded as {"error": "Type: message"}.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from typing import Any

SST2 = "distilbert-base-uncased-finetuned-sst-2-english"


def rows_digest(split: Any) -> str:
    """SHA-256 of a split's rows as sorted-key JSON (to compare with helpers.data.paraphrase())."""
    return hashlib.sha256(json.dumps(split.to_list(), sort_keys=True).encode()).hexdigest()


def sst2() -> dict[str, Any]:
    """Tokenizer and classifier of the sentiment checkpoint, and its pipeline."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    tok = AutoTokenizer.from_pretrained(SST2)
    model = AutoModelForSequenceClassification.from_pretrained(SST2)
    answers = pipeline("sentiment-analysis", model=SST2)(["I love it.", "I hate it."])
    default = pipeline("sentiment-analysis")  # no model: transformers' default, pinned to a revision
    return {
        "tokenizer": type(tok).__name__,
        "model": type(model).__name__,
        "architectures": model.config.architectures,
        "id2label": model.config.id2label,
        "keys": sorted(tok("Hello world").keys()),
        "labels": [a["label"] for a in answers],
        "default": default.model.name_or_path,
        "default_label": default("Fine.")[0]["label"],
    }


def zero_shot() -> dict[str, Any]:
    """The zero-shot pipeline with facebook/bart-large-mnli."""
    from transformers import pipeline

    classifier = pipeline("zero-shot-classification", model="facebook/bart-large-mnli")
    answer = classifier("The match ended in a draw.", candidate_labels=["sports", "politics", "cooking"])
    return {
        "model": type(classifier.model).__name__,
        "labels": sorted(answer["labels"]),
        "score_sum": sum(answer["scores"]),
        "label2id": classifier.model.config.label2id,
    }


def gpt2() -> dict[str, Any]:
    """The GPT-2 tokenizer and the text-generation pipeline."""
    from transformers import AutoTokenizer, pipeline

    tok = AutoTokenizer.from_pretrained("gpt2")
    backend = tok.backend_tokenizer
    generator = pipeline("text-generation", model="gpt2")
    text = generator("Hello", max_new_tokens=4, do_sample=False)[0]["generated_text"]
    return {
        "size": len(tok),
        "ids": tok("Hello world")["input_ids"],
        "model_kind": type(backend.model).__name__,
        "pre_tokenizer": type(backend.pre_tokenizer).__name__,
        "generated": text,
        "model": type(generator.model).__name__,
        "vocab_size": generator.model.config.vocab_size,
    }


def wordpiece() -> dict[str, Any]:
    """Cased versus uncased BERT tokenizers, and the all-MiniLM-L6-v2 encoder."""
    from transformers import AutoModel, AutoTokenizer

    out: dict[str, Any] = {}
    for name in ("bert-base-cased", "google-bert/bert-base-uncased", "distilbert-base-uncased"):
        tok = AutoTokenizer.from_pretrained(name)
        out[name] = {
            "tokens": {word: tok.tokenize(word) for word in ("Hello", "hello", "HÉLLO")},
            "ids": tok("Hello world")["input_ids"],
        }
    out["minilm"] = type(AutoModel.from_pretrained("sentence-transformers/all-MiniLM-L6-v2")).__name__
    return out


def glue() -> dict[str, Any]:
    """GLUE MRPC by its namespaced name."""
    import datasets

    ds = datasets.load_dataset("nyu-mll/glue", "mrpc")
    return {
        "rows": {k: v.num_rows for k, v in ds.items()},
        "features": ds["train"].features.to_dict(),
        "digests": {k: rows_digest(v) for k, v in ds.items()},
    }


def legacy_glue() -> dict[str, Any]:
    """GLUE MRPC by the legacy name `glue` (no namespace)."""
    import datasets

    ds = datasets.load_dataset("glue", "mrpc")
    return {"rows": {k: v.num_rows for k, v in ds.items()}}


def metric(predictions: list[int], references: list[int]) -> dict[str, Any]:
    """evaluate.load("glue", "mrpc") and one compute."""
    import evaluate

    return evaluate.load("glue", "mrpc").compute(predictions=predictions, references=references)


def not_found() -> dict[str, Any]:
    """What an unknown repo and an unknown file raise."""
    from huggingface_hub import hf_hub_download
    from transformers import AutoModel

    out = {}
    for key, call in (
        ("model", lambda: AutoModel.from_pretrained("nobody-here/no-such-model")),
        ("file", lambda: hf_hub_download("gpt2", "no-such-file.txt")),
    ):
        try:
            call()
            out[key] = {"raised": None}
        except Exception as exc:  # noqa: BLE001 (we report what was raised)
            out[key] = {
                "raised": type(exc).__name__,
                "is_oserror": isinstance(exc, OSError),
                "mro": [c.__name__ for c in type(exc).__mro__],
            }
    return out


def course_helpers() -> dict[str, Any]:
    """helpers.hub's own view: does the Hub answer, which mode, what checkpoint() returns."""
    from helpers import hub

    return {"answers": hub.hub_answers(), "mode": hub.mode(), "checkpoint": hub.checkpoint("gpt2")}


def run(name: str, probe: Callable[[], Any]) -> Any:
    """Run one probe; return its result or {"error": ...}."""
    try:
        return probe()
    except Exception as exc:  # noqa: BLE001 (the test decides what is expected)
        return {"error": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str]) -> int:
    """Run every probe and print the JSON object."""
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    scores = json.loads(argv[0]) if argv else {"predictions": [1], "references": [1]}
    probes: dict[str, Callable[[], Any]] = {
        "sst2": sst2,
        "zero_shot": zero_shot,
        "gpt2": gpt2,
        "wordpiece": wordpiece,
        "glue": glue,
        "legacy_glue": legacy_glue,
        "metric": lambda: metric(scores["predictions"], scores["references"]),
        "not_found": not_found,
        "helpers": course_helpers,
    }
    results = {name: run(name, probe) for name, probe in probes.items()}
    print(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
