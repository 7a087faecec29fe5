"""Chapter 5's recipe, chosen on the validation split (`make recipes`; about 30 CPU minutes).

Every candidate recipe fine-tunes the course-pack encoder with `Trainer`, as chapter 5 does, on the
first two seeds; `Trainer` keeps the epoch with the best validation accuracy (`load_best_model_at_end`).
The candidate with the best mean validation accuracy is chosen and trained on the other seeds too;
only then are the chosen recipe's models scored on the test split and the out-of-distribution check
set, once per seed.
Writes helpers/measured/paraphrase_recipes.json, which chapter 5 and the status page show.
    python -m helpers.recipe_search [--seeds 42 43 44] [--candidates base "no label smoothing"]
    python -m helpers.recipe_search --rescore   # the check set changed: rescore the chosen recipe (10 min)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from helpers import data, evaluation, finetune, recipes, sizing
from helpers.errors import CourseError

OUT = Path(__file__).resolve().parent / "measured" / "paraphrase_recipes.json"
BASE: dict[str, Any] = {
    "learning_rate": 1e-4,
    "num_train_epochs": 3,
    "batch_size": 16,
    "label_smoothing": 0.1,
    "freeze_embeddings": True,
    "reset_pooler": False,
}
#: What each candidate changes in BASE. A first search (on the set before its short pairs were added)
#: chose BASE over a pooler started at the identity and a learning rate of 5e-5 (the lowest).
CANDIDATES: dict[str, dict[str, Any]] = {
    "base": {},
    "pooler at identity": {"reset_pooler": True},
    "embeddings trained": {"freeze_embeddings": False},
    "no label smoothing": {"label_smoothing": 0.0},
    "4 epochs": {"num_train_epochs": 4},
}
SEEDS = (42, 43, 44)


def train_one(recipe: dict[str, Any], seed: int, tokenized: Any, tokenizer: Any, folder: Path) -> dict[str, Any]:
    """Fine-tune once; return the validation metrics per epoch and of the kept epoch; save the model."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    set_seed(seed)
    model = AutoModelForSequenceClassification.from_pretrained(recipes.encoder_dir(), num_labels=2)
    finetune.prepare_encoder(model, recipe["freeze_embeddings"], reset_untrained_pooler=recipe["reset_pooler"])
    args = TrainingArguments(
        output_dir=str(folder / "trainer"),
        num_train_epochs=recipe["num_train_epochs"],
        learning_rate=recipe["learning_rate"],
        per_device_train_batch_size=recipe["batch_size"],
        per_device_eval_batch_size=64,
        warmup_steps=0.1,
        label_smoothing_factor=recipe["label_smoothing"],
        eval_strategy="epoch",
        save_strategy="epoch",
        save_only_model=True,
        save_total_limit=1,
        load_best_model_at_end=True,
        metric_for_best_model="accuracy",
        logging_strategy="no",
        seed=seed,
        bf16=sizing.cpu_has_bf16(),
        use_cpu=True,
        report_to="none",
        disable_tqdm=True,
    )

    def metrics(eval_preds: Any) -> dict[str, float]:
        logits, labels = eval_preds
        return evaluation.scores(np.argmax(logits, -1).tolist(), labels.tolist())

    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=tokenized["train"],
        eval_dataset=tokenized["validation"],
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=metrics,
    )
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    epochs = [e for e in trainer.state.log_history if "eval_accuracy" in e]
    best = max(epochs, key=lambda e: e["eval_accuracy"])  # the first best epoch, as Trainer keeps it
    model.save_pretrained(folder / "model")
    del trainer
    torch.cuda.empty_cache()
    return {
        "seed": seed,
        "train_seconds": round(seconds, 1),
        "validation_per_epoch": [round(e["eval_accuracy"], 4) for e in epochs],
        "kept_epoch": best["epoch"],
        "validation": {"accuracy": round(best["eval_accuracy"], 4), "f1": round(best["eval_f1"], 4)},
    }


def predict(folder: Path, tokenizer: Any, pairs: Any) -> list[int]:
    """Labels a saved model predicts for a split's pairs."""
    import torch
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(pairs), 64):
            rows = pairs[start : start + 64]
            batch = tokenizer(rows["sentence1"], rows["sentence2"], padding=True, truncation=True, return_tensors="pt")
            out += model(**batch).logits.argmax(-1).tolist()
    return out


def spread(values: list[float]) -> dict[str, float]:
    """Mean, sample standard deviation, min and max over seeds."""
    return {
        "mean": round(statistics.mean(values), 4),
        "sd": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
        "min": round(min(values), 4),
        "max": round(max(values), 4),
    }


def _inputs() -> tuple[Any, Any, Any, Any]:
    """(tokenizer, splits, tokenized splits, check set) of the course-pack encoder and the paraphrase data."""
    from transformers import AutoTokenizer

    from helpers.setup import quiet

    quiet()
    tokenizer = AutoTokenizer.from_pretrained(recipes.encoder_dir())
    splits = data.paraphrase()
    tokenized = splits.map(lambda b: tokenizer(b["sentence1"], b["sentence2"], truncation=True), batched=True)
    return tokenizer, splits, tokenized, data.paraphrase_check()


def score(models: dict[int, Path], tokenizer: Any, splits: Any, check: Any) -> dict[str, Any]:
    """Each seed's saved model scored once on the test split and the check set, and the spread over seeds."""
    final = []
    for seed, folder in models.items():
        test = evaluation.scores(predict(folder, tokenizer, splits["test"]), splits["test"]["label"])
        ood = evaluation.check_report(predict(folder, tokenizer, check), check["label"])
        final.append({"seed": seed, "test": test, "check_set": ood})
    return {
        "runs": final,
        **{f"test_{k}": spread([r["test"][k] for r in final]) for k in ("accuracy", "f1")},
        **{f"check_{k}": spread([r["check_set"][k] for r in final]) for k in final[0]["check_set"]},
    }


def search(names: list[str], seeds: list[int], search_seeds: int = 2) -> dict[str, Any]:
    """Train every candidate on the first `search_seeds` seeds and choose on validation; train the
    chosen one on the remaining seeds too; then score the chosen one's models on test and check set once."""
    tokenizer, splits, tokenized, check = _inputs()
    results: dict[str, Any] = {"seeds": seeds, "base": BASE, "bf16": sizing.cpu_has_bf16(), "candidates": {}}
    with tempfile.TemporaryDirectory() as tmp:

        def runs_of(name: str, some_seeds: list[int]) -> list[dict[str, Any]]:
            recipe, runs = {**BASE, **CANDIDATES[name]}, []
            for seed in some_seeds:
                runs.append(train_one(recipe, seed, tokenized, tokenizer, Path(tmp) / name / str(seed)))
                print(f"{name}, seed {seed}: {runs[-1]}", flush=True)
            return runs

        def summarise(name: str, runs: list[dict[str, Any]]) -> None:
            results["candidates"][name] = {
                "changes": CANDIDATES[name],
                "runs": runs,
                "validation_accuracy": spread([r["validation"]["accuracy"] for r in runs]),
                "validation_f1": spread([r["validation"]["f1"] for r in runs]),
            }

        for name in names:
            summarise(name, runs_of(name, seeds[:search_seeds]))
        means = {n: [results["candidates"][n][f"validation_{k}"]["mean"] for k in ("accuracy", "f1")] for n in names}
        chosen = max(names, key=lambda n: means[n])  # accuracy first, F1 breaks ties
        results["chosen"] = chosen
        summarise(chosen, results["candidates"][chosen]["runs"] + runs_of(chosen, seeds[search_seeds:]))
        models = {seed: Path(tmp) / chosen / str(seed) / "model" for seed in seeds}
        results["chosen_scores"] = score(models, tokenizer, splits, check)
    results["data"] = {name: len(split) for name, split in splits.items()} | {"check_set": len(check)}
    results["measured"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return results


def rescore(record: dict[str, Any]) -> dict[str, Any]:
    """Train the chosen recipe again on the record's seeds and score the test split and the check set
    (after the check set changed). Training on the CPU is deterministic: each run must reproduce the
    validation accuracy the search recorded, or the record no longer describes this code and data."""
    tokenizer, splits, tokenized, check = _inputs()
    chosen = record["candidates"][record["chosen"]]
    recipe, recorded = {**record["base"], **chosen["changes"]}, {r["seed"]: r for r in chosen["runs"]}
    with tempfile.TemporaryDirectory() as tmp:
        models = {}
        for seed in record["seeds"]:
            run = train_one(recipe, seed, tokenized, tokenizer, Path(tmp) / str(seed))
            print(f"{record['chosen']}, seed {seed}: {run}", flush=True)
            if run["validation"] != recorded[seed]["validation"]:
                raise CourseError(
                    f"seed {seed}: validation {run['validation']} is not the recorded {recorded[seed]['validation']}; "
                    "the record no longer describes this training: run `make recipes`."
                )
            models[seed] = Path(tmp) / str(seed) / "model"
        record["chosen_scores"] = score(models, tokenizer, splits, check)
    record["data"]["check_set"] = len(check)
    record["rescored"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    return record


def search_seeds(record: dict[str, Any]) -> list[int]:
    """The seeds every candidate was trained on: the only ones the choice looked at."""
    common = set.intersection(*({r["seed"] for r in c["runs"]} for c in record["candidates"].values()))
    return [seed for seed in record["seeds"] if seed in common]


def on_search_seeds(record: dict[str, Any], name: str, metric: str) -> dict[str, float]:
    """The validation `metric` ('accuracy' or 'f1') of candidate `name` over the search seeds: the
    evidence of the choice (the chosen candidate's record also holds its later seed)."""
    seeds = search_seeds(record)
    return spread([r["validation"][metric] for r in record["candidates"][name]["runs"] if r["seed"] in seeds])


def load() -> dict[str, Any]:
    """The last search's results (the chapter and the status page show them)."""
    return json.loads(OUT.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.recipe_search", description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--candidates", nargs="+", default=list(CANDIDATES), choices=list(CANDIDATES))
    parser.add_argument("--search-seeds", type=int, default=2, help="seeds every candidate is trained on")
    parser.add_argument(
        "--rescore", action="store_true", help="keep the choice; retrain the chosen recipe and score test and check set"
    )
    args = parser.parse_args(argv)
    try:
        results = rescore(load()) if args.rescore else search(args.candidates, args.seeds, args.search_seeds)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: results[k] for k in ("chosen", "chosen_scores")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
