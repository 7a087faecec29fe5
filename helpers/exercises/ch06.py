"""Chapter 6, the training loop and Accelerate: exercises and quiz (see helpers.checks for how they are used).

Exercise 3 runs the learner's accumulation step on a tiny copy of the chapter's architecture (2
layers, hidden size 32, no dropout, float64) with micro-batches of the chapter's training pairs, and
compares the update with a plain gradient step on the whole batch: the physics of accumulation,
not a copy of our own step. Nothing assumes that a model learned anything.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from typing import Any

from helpers.checks import Chapter, Exercise, Question

# Exercise 1: a run on 4 GPUs with 8 examples per GPU should step on 64 examples.
GPUS, PER_DEVICE, TARGET = 4, 8, 64
# Exercise 2: the validation loader of section 4's script.
EVAL_BATCH = 64
# Exercise 3: 3 micro-batches of 4 pairs, stepped with plain SGD (learning rate 1: the update IS the gradient).
MICRO_BATCHES, MICRO_SIZE = 3, 4
TINY = dict(
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=37,
    hidden_dropout_prob=0.0,
    attention_probs_dropout_prob=0.0,
    classifier_dropout=0.0,
    num_labels=2,
)


def _accumulation_steps(**_: Any) -> int:
    return TARGET // (PER_DEVICE * GPUS)


def _steps_mistake(answer: Any, expected: Any) -> str | None:
    if answer == TARGET // PER_DEVICE:
        return f"that would be right on one GPU; with {GPUS} processes each optimizer step already sees {GPUS} batches"
    if answer == TARGET // GPUS:
        return "divide by the examples of one step without accumulation: batch per GPU x number of GPUs"
    if answer == TARGET * PER_DEVICE * GPUS:
        return "the effective batch is the PRODUCT batch x accumulation x processes: solve it for the accumulation"
    return None


def _eval_shards(eval_set: Any, num_processes: int, **_: Any) -> tuple[int, int]:
    from accelerate.data_loader import BatchSamplerShard
    from torch.utils.data import BatchSampler, SequentialSampler

    batches = BatchSampler(SequentialSampler(range(len(eval_set))), EVAL_BATCH, drop_last=False)
    shards = [
        list(BatchSamplerShard(batches, num_processes=num_processes, process_index=rank))
        for rank in range(num_processes)
    ]
    return len(shards[0]), sum(len(batch) for shard in shards for batch in shard) - len(eval_set)


def _shards_mistake(answer: Any, expected: Any) -> str | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return "answer with a tuple of two ints: (batches per process, pairs repeated)"
    batches, repeated = answer
    if batches != expected[0]:
        if batches > expected[0]:
            return "each process runs only its share of the batches: process k takes batches k, k + N, k + 2N, ..."
        return "round up: with even_batches=True the process with fewer batches gets one more, built from repeats"
    if repeated == 0:
        return (
            "the last batch is short: with even_batches=True Accelerate fills every process's batches up to "
            f"{EVAL_BATCH} pairs with pairs from the start of the split"
        )
    return "batches per process is right; repeated = pairs in all the processes' batches - pairs in the split"


def _tiny_setup(model_path: str, train_set: Any, collator: Any, device: str) -> tuple[Any, list[dict], dict]:
    """A tiny float64 classifier of the chapter's architecture, its micro-batches and their concatenation."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = AutoConfig.from_pretrained(model_path, **TINY)
    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_config(config).double().to(device)
    examples = [train_set[i] for i in range(MICRO_BATCHES * MICRO_SIZE)]
    micro = [collator(examples[i : i + MICRO_SIZE]).to(device) for i in range(0, len(examples), MICRO_SIZE)]
    return model, micro, collator(examples).to(device)


def _flat(tensors: Any) -> Any:
    import torch

    return torch.cat([t.detach().flatten() for t in tensors])


def _accumulated_step(answer: Any, model_path: str, train_set: Any, collator: Any, device: str, **_: Any) -> dict:
    """Run the learner's step on the tiny model; measure its update against the full-batch gradient."""
    import torch

    model, micro, full = _tiny_setup(model_path, train_set, collator, device)
    reference = copy.deepcopy(model)
    reference(**full).loss.backward()
    gradient = _flat(p.grad for p in reference.parameters())
    before = _flat(model.parameters())
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    steps = []
    optimizer.register_step_post_hook(lambda *_: steps.append(1))
    answer(model, micro, optimizer)
    update = before - _flat(model.parameters())  # SGD with lr=1: the gradient it stepped with
    left = any(p.grad is not None and bool(p.grad.any()) for p in model.parameters())
    return {
        "optimizer steps": len(steps),
        "update / gradient": (update.norm() / gradient.norm()).item(),
        "difference": ((update - gradient).norm() / gradient.norm()).item(),
        "gradients cleared": not left,
    }


def _expected_step(**_: Any) -> dict:
    return {"optimizer steps": 1, "update / gradient": 1.0, "difference": 0.0, "gradients cleared": True}


def _step_mistake(answer: Any, expected: Any) -> str | None:
    steps, scale = answer["optimizer steps"], answer["update / gradient"]
    if steps == 0:
        return "optimizer.step() never ran: after the last micro-batch's backward, step once"
    if steps > 1:
        return f"optimizer.step() ran {steps} times: accumulate the gradients of ALL micro-batches, then step once"
    if math.isclose(scale, MICRO_BATCHES, rel_tol=1e-3):
        return (
            f"the update is {MICRO_BATCHES} times the full-batch gradient: divide each micro-batch's loss by "
            "len(micro_batches) before backward (accelerator.backward does that for you)"
        )
    if answer["difference"] <= 1e-6:
        return "the step is right, but gradients were left in .grad: call optimizer.zero_grad() after the step"
    if scale < 1:
        return "only part of the gradient reached the step: zero_grad() before each backward erases the others"
    return "the update is not the gradient of the whole batch: one backward per micro-batch, loss / len(micro_batches)"


# Quiz facts, read from the executed notebook or measured on a small layer.
def _adamw_bytes(**_: Any) -> str:
    import torch

    layer = torch.nn.Linear(16, 16)
    optimizer = torch.optim.AdamW(layer.parameters())
    layer(torch.randn(4, 16)).sum().backward()
    optimizer.step()
    n = sum(p.numel() for p in layer.parameters())
    held = sum(p.numel() * p.element_size() + p.grad.numel() * p.grad.element_size() for p in layer.parameters())
    held += sum(t.numel() * t.element_size() for s in optimizer.state.values() for k, t in s.items() if k != "step")
    return {8: "a", 12: "b", 16: "c", 32: "d"}.get(held // n, "?")


# Measured in a fresh Python process: an Accelerator's settings are per-process state, set once per program.
BACKWARD_PROBE = """
import json, torch
from accelerate import Accelerator
accelerator = Accelerator(cpu=True, gradient_accumulation_steps=4)
weight = torch.ones(3, requires_grad=True)
accelerator.backward((2 * weight).sum())
print(json.dumps(weight.grad.tolist()))
"""


def _backward_divides(**_: Any) -> str:
    done = subprocess.run([sys.executable, "-c", BACKWARD_PROBE], capture_output=True, text=True, timeout=300)
    found = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    return "a" if found == [0.5] * 3 else "b" if found == [2.0] * 3 else "?"


def _gathered_once(parallel_logs: list[dict], eval_set: Any, **_: Any) -> str:
    """The metric of every process of the data-parallel run saw each validation pair exactly once."""
    seen_once = len(parallel_logs) > 1 and all(log["pairs"] == len(eval_set) for log in parallel_logs)
    return "a" if seen_once else "?"


def _weight_decay_defaults(**_: Any) -> str:
    import inspect

    import torch
    from transformers import TrainingArguments

    trainer = inspect.signature(TrainingArguments.__init__).parameters["weight_decay"].default
    torch_default = inspect.signature(torch.optim.AdamW.__init__).parameters["weight_decay"].default
    return "b" if (trainer, torch_default) == (0.0, 0.01) else "?"


STEP_SOLUTION = """def answer_3(model, micro_batches, optimizer):
    for batch in micro_batches:
        loss = model(**batch).loss / len(micro_batches)  # a mean over ALL the pairs, not a sum of means
        loss.backward()  # adds this micro-batch's share to .grad
    optimizer.step()  # one step with the accumulated gradient
    optimizer.zero_grad()  # clear .grad for the next accumulation"""

STEP_WRONG = """def answer_3(model, micro_batches, optimizer):
    for batch in micro_batches:
        model(**batch).loss.backward()
    optimizer.step()
    optimizer.zero_grad()"""

CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _accumulation_steps,
            mistakes=_steps_mistake,
            hint="effective batch = batch per GPU x gradient_accumulation_steps x GPUs; solve it for the steps.",
            solution=f"answer_1 = {TARGET} // ({PER_DEVICE} * {GPUS})  # effective / (batch per GPU x GPUs)",
            wrong=f"answer_1 = {TARGET} // {PER_DEVICE}",
        ),
        Exercise(
            2,
            _eval_shards,
            mistakes=_shards_mistake,
            hint=(
                "split the validation batches between the processes (batch k goes to process k mod N), "
                "then count how many pairs the processes' batches hold beyond the split's."
            ),
            solution=(
                "import math\n\n"
                "batches = math.ceil(len(eval_set) / 64)  # batches of 64, the last one short\n"
                "per_process = math.ceil(batches / num_processes)  # even_batches=True: every process as many\n"
                "answer_2 = (per_process, per_process * num_processes * 64 - len(eval_set))"
            ),
            wrong="import math\n\nanswer_2 = (math.ceil(math.ceil(len(eval_set) / 64) / num_processes), 0)",
        ),
        Exercise(
            3,
            _expected_step,
            tol=1e-6,
            evaluate=_accumulated_step,
            mistakes=_step_mistake,
            hint=(
                "define answer_3(model, micro_batches, optimizer): for each batch, backward its loss divided by "
                "len(micro_batches); then optimizer.step() and optimizer.zero_grad()."
            ),
            solution=STEP_SOLUTION,
            wrong=STEP_WRONG,
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "That is the weight and its gradient only; AdamW keeps two more numbers per weight.",
                "b": "One short: AdamW keeps two moments per weight (exp_avg and exp_avg_sq), not one.",
                "c": "Right: weight, gradient and AdamW's two moments, 4 bytes each in float32.",
                "d": "That would be float64; float32 takes 4 bytes a number.",
            },
            key="c",
            fact=_adamw_bytes,
        ),
        Question(
            2,
            {
                "a": "Right: it divides the loss by gradient_accumulation_steps, so the added gradients make a mean.",
                "b": "No: the optimizer steps in your loop; inside accumulate() Accelerate only skips the steps.",
                "c": "No: the processes' gradients are averaged by DDP's all-reduce, not by scaling the loss.",
            },
            key="a",
            fact=_backward_divides,
        ),
        Question(
            3,
            {
                "a": "Right: gather_for_metrics drops the repeats; the metric saw every validation pair once.",
                "b": "No: that is plain gather; gather_for_metrics knows how many pairs were repeated.",
                "c": "No: drop_last is False; the short last batch was filled up, and no pair of the split was left out.",  # noqa: E501
            },
            key="a",
            fact=_gathered_once,
        ),
        Question(
            4,
            {
                "a": "No: frozen parameters get no gradient, and AdamW skips them whatever the weight decay.",
                "b": "Right: Trainer's weight_decay is 0.0, torch.optim.AdamW's is 0.01; the loop copies Trainer.",
                "c": "No: weight decay shrinks the weights, mixed precision changes the compute dtype; they combine.",
            },
            key="b",
            fact=_weight_decay_defaults,
        ),
        Question(
            5,
            {
                "a": "No: bfloat16 has float32's exponent range (8 bits), so small gradients do not flush to zero.",
                "b": "Right: float16's small exponent range flushes small gradients to zero unless the loss is scaled.",
                "c": "No: loss scaling is about the exponent range, not the number of processes.",
            },
            key="b",
        ),
    ],
)
