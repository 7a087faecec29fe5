"""Benchmarks (`make bench`): course-pack build, notebooks, and the speed-ups the chapters teach.

Writes `book/reports/bench.json` (shown on the status page). Each figure is measured on this
machine when the command runs; nothing here is a timed test.
    python -m helpers.bench [--skip-cold] [--skip-notebooks] [--mrpc-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers import hub, pack, run

OUT = run.COMMITTED_REPORTS / "bench.json"
NETGUARD = Path(__file__).resolve().parent.parent / "tests" / "netguard"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Return (seconds, result) of calling fn once."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def stamp(seconds: float | None = None) -> str:
    """A UTC time (now by default) as the bench writes it: 2026-01-01 12:00 UTC."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(seconds))


def pack_build(folder: Path) -> float:
    """Seconds for `python -m helpers.hub build` into `folder`, with no network (cold if `folder` is empty)."""
    netlog = folder.parent / f"{folder.name}.netlog"
    env = {
        **os.environ,
        "COURSE_PACK_DIR": str(folder),
        "COURSE_NET_LOG": str(netlog),
        "PYTHONPATH": str(NETGUARD),
        "COURSE_HUB": "offline",
        "HF_HUB_OFFLINE": "1",
    }
    command = [str(NETGUARD / "nonet"), sys.executable, "-m", "helpers.hub", "build"]
    seconds, done = timed(lambda: subprocess.run(command, env=env, capture_output=True, text=True))
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    if netlog.is_file():
        raise RuntimeError(f"the pack build tried to go online:\n{netlog.read_text()[:2000]}")
    return round(seconds, 2)


def pack_figures(cold: bool) -> dict[str, Any]:
    """Cold and warm build times of the pack, and whether a cold rebuild is bit-for-bit identical."""
    figures: dict[str, Any] = {
        "network": "none (unshare -n, network guard)",
        "warm_check_seconds": pack_build(pack.pack_dir()),
    }
    if cold:
        with tempfile.TemporaryDirectory() as tmp:
            figures["cold_build_seconds"] = pack_build(Path(tmp))
            default = {k: v.get("files") for k, v in pack.manifest(full=False).items()}
            os.environ["COURSE_PACK_DIR"] = tmp
            fresh = {k: v.get("files") for k, v in pack.manifest(full=False).items()}
            del os.environ["COURSE_PACK_DIR"]
            figures["identical_to_cached_pack"] = {k: default[k] == fresh[k] for k in default}
    return figures


def notebook_figures() -> list[dict[str, Any]]:
    """Seconds and kernel peak memory of each notebook, one runner process per notebook."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in run.resolve([]):
            env = {**os.environ, "COURSE_BUILD_DIR": tmp}
            subprocess.run([sys.executable, "-m", "helpers.run", str(path)], env=env, capture_output=True)
            report = json.loads((Path(tmp) / "report" / "run-report-cpu.json").read_text())
            record = next(r for r in report["notebooks"] if r["notebook"] == path.name)
            rows.append({k: record.get(k) for k in ("notebook", "status", "seconds", "peak_rss_mb")})
    return rows


def mrpc_figures() -> dict[str, Any]:
    """Chapter 5's validation metrics and training time, from the record of its last run (if any)."""
    state_file = run.ROOT / "outputs" / "ch05" / "trainer" / "trainer_state.json"
    if not state_file.is_file():
        return {}
    history = json.loads(state_file.read_text())["log_history"]
    final = [e for e in history if "eval_accuracy" in e][-1]
    train = next(e for e in history if "train_runtime" in e)
    checkpoint = "bert-base-uncased"  # chapter 5's checkpoint; `make bench` runs offline
    return {
        "measured": stamp(state_file.stat().st_mtime),
        "model": f"{checkpoint} -> course-pack stand-in {hub.describe(hub.STAND_INS[checkpoint])}",
        "epochs": final["epoch"],
        "accuracy": round(final["eval_accuracy"], 4),
        "f1": round(final["eval_f1"], 4),
        "train_seconds": round(train["train_runtime"], 1),
        "train_samples_per_second": round(train["train_samples_per_second"], 1),
    }


def lesson_figures() -> dict[str, Any]:
    """Dataset.map batched vs not, dynamic vs max padding, Trainer vs a plain loop (samples/s)."""
    import torch
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    from helpers import data, recipes

    tok = AutoTokenizer.from_pretrained(recipes.encoder_dir())
    train = data.paraphrase()["train"]
    pair = lambda b: tok(b["sentence1"], b["sentence2"], truncation=True)  # noqa: E731
    single_s, _ = timed(lambda: train.map(pair, batched=False, load_from_cache_file=False))
    batched_s, tokenized = timed(lambda: train.map(pair, batched=True, load_from_cache_file=False))
    tokenized = tokenized.remove_columns(["sentence1", "sentence2", "idx"]).rename_column("label", "labels")
    subset = tokenized.select(range(256))
    model = AutoModelForSequenceClassification.from_pretrained(recipes.encoder_dir(), num_labels=2).eval()
    collator = DataCollatorWithPadding(tok)
    longest = max(len(ids) for ids in tokenized["input_ids"])
    batches = [subset.select(range(i, i + 16)) for i in range(0, 256, 16)]

    def forward(pad_to: int | None) -> int:
        tokens = 0
        for b in batches:
            features = [
                dict(zip(b.column_names, row, strict=True)) for row in zip(*[b[c] for c in b.column_names], strict=True)
            ]
            batch = (
                collator(features)
                if pad_to is None
                else DataCollatorWithPadding(tok, padding="max_length", max_length=pad_to)(features)
            )
            tokens += batch["input_ids"].numel()
            with torch.no_grad():
                model(**batch)
        return tokens

    dynamic_s, dynamic_tokens = timed(lambda: forward(None))
    max_s, max_tokens = timed(lambda: forward(longest))

    set_seed(0)
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=16,
        num_train_epochs=1,
        report_to="none",
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer_model = AutoModelForSequenceClassification.from_pretrained(recipes.encoder_dir(), num_labels=2)
    trainer_s, _ = timed(
        lambda: Trainer(model=trainer_model, args=args, train_dataset=subset, data_collator=collator).train()
    )
    loop_model = AutoModelForSequenceClassification.from_pretrained(recipes.encoder_dir(), num_labels=2).train()
    optimizer = torch.optim.AdamW(loop_model.parameters(), lr=5e-5)
    loader = torch.utils.data.DataLoader(subset, batch_size=16, shuffle=True, collate_fn=collator)

    def loop() -> None:
        for batch in loader:
            loop_model(**batch).loss.backward()
            optimizer.step()
            optimizer.zero_grad()

    loop_s, _ = timed(loop)
    return {
        "map_unbatched_seconds": round(single_s, 3),
        "map_batched_seconds": round(batched_s, 3),
        "map_speedup": round(single_s / batched_s, 2),
        "padding": {
            "dynamic_tokens": dynamic_tokens,
            "max_length_tokens": max_tokens,
            "max_length": longest,
            "dynamic_seconds": round(dynamic_s, 3),
            "max_length_seconds": round(max_s, 3),
            "speedup": round(max_s / dynamic_s, 2),
        },
        "training_samples_per_second": {
            "trainer": round(256 / trainer_s, 1),
            "plain_loop": round(256 / loop_s, 1),
            "trainer_overhead_ratio": round(trainer_s / loop_s, 3),
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write book/reports/bench.json."""
    parser = argparse.ArgumentParser(prog="python -m helpers.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-cold", action="store_true", help="skip the cold course-pack build (~4 min)")
    parser.add_argument("--skip-notebooks", action="store_true", help="skip executing the notebooks")
    parser.add_argument(
        "--mrpc-only", action="store_true", help="only refresh chapter 5's figures from its last run's record"
    )
    args = parser.parse_args(argv)
    if args.mrpc_only:
        results = json.loads(OUT.read_text())
        results["mrpc_cpu_profile"] = mrpc_figures()
        OUT.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results["mrpc_cpu_profile"], indent=2))
        return 0
    from helpers.setup import quiet

    quiet()
    results: dict[str, Any] = {
        "environment": run.environment(),
        "measured": stamp(),
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    results["course_pack"] = pack_figures(cold=not args.skip_cold)
    results["lessons"] = lesson_figures()
    if not args.skip_notebooks:
        results["notebooks"] = notebook_figures()
        results["mrpc_cpu_profile"] = mrpc_figures()
    results["load_average_after"] = round(os.getloadavg()[0], 2)  # 1-minute load: high means shared cores
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
