"""Chapter 0, Check your setup: exercises and quiz (see helpers.checks for how they are used)."""

from __future__ import annotations

import inspect
from typing import Any

from helpers.checks import Chapter, Exercise, Question

SENTENCE = "Tokenizers split unfamiliar words into pieces"


def _device(**_: Any) -> str:
    from helpers import setup

    return setup.check_device("auto")


def _gpu_names(**_: Any) -> list[str]:
    from helpers import profiles

    return sorted(set(profiles.GPU["*"]) | set(profiles.GPU["05_finetune_mrpc"]))


def _token_count(generation_checkpoint: str, **_: Any) -> int:
    from transformers import AutoTokenizer

    return len(AutoTokenizer.from_pretrained(generation_checkpoint)(SENTENCE)["input_ids"])


def _device_mistake(answer: Any, expected: Any) -> str | None:
    if answer in ("gpu", "GPU"):
        return "PyTorch calls a CUDA GPU 'cuda'"
    if answer == "auto":
        return "'auto' is what you ask for; the setup line prints what it became on this machine"
    return None


def _names_mistake(answer: Any, expected: Any) -> str | None:
    if isinstance(answer, dict):
        return "give the parameter names only, as a sorted list of strings, not the values"
    if isinstance(answer, (list, tuple, set)) and set(answer) < set(expected):
        return "some names are missing: the GPU profile also sets the values listed under '*' for every notebook"
    return None


def _count_mistake(answer: Any, expected: Any) -> str | None:
    if answer == len(SENTENCE.split()):
        return "that is the number of words; a subword tokenizer splits rarer words into several tokens"
    if answer == len(SENTENCE):
        return "that is the number of characters; count the input_ids the tokenizer returns"
    return None


def _trainer_argument(**_: Any) -> str:
    from transformers import Trainer

    parameters = inspect.signature(Trainer.__init__).parameters
    return "a" if "processing_class" in parameters and "tokenizer" not in parameters else "?"


def _bad_parameter(**_: Any) -> str:
    from helpers import profiles
    from helpers.errors import CourseError

    try:
        profiles.validate("05_finetune_mrpc.ipynb", {"num_train_epochs": -1}, {"num_train_epochs": 3})
    except CourseError:
        return "b"
    return "?"


CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _device,
            hint="read the setup line at the top: 'device=...' says what device='auto' became.",
            solution='answer_1 = device  # what helpers.setup.start returned for device="auto"',
            wrong='answer_1 = "gpu"',
            mistakes=_device_mistake,
        ),
        Exercise(
            2,
            _gpu_names,
            hint="read the output of the GPU-profile cell: the names under '*' and under '05_finetune_mrpc'.",
            solution=(
                'answer_2 = sorted(set(helpers.profiles.GPU["*"]) | set(helpers.profiles.GPU["05_finetune_mrpc"]))'
            ),
            wrong='answer_2 = sorted(helpers.profiles.GPU["05_finetune_mrpc"])',
            mistakes=_names_mistake,
        ),
        Exercise(
            3,
            _token_count,
            hint="AutoTokenizer.from_pretrained(generation_checkpoint), call it on the sentence, count input_ids.",
            solution=(
                "from transformers import AutoTokenizer\n\n"
                "tokenizer = AutoTokenizer.from_pretrained(generation_checkpoint)\n"
                f'answer_3 = len(tokenizer("{SENTENCE}")["input_ids"])'
            ),
            wrong=f'answer_3 = len("{SENTENCE}".split())',
            mistakes=_count_mistake,
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "Not offline: with no Hub to answer, nothing can be downloaded.",
                "b": "Right: helpers.hub.checkpoint hands out the course pack's model and prints which one answers.",
                "c": "No: 'auto' falls back to the course pack instead of stopping (COURSE_HUB=online would stop).",
            },
            key="b",
        ),
        Question(
            2,
            {
                "a": "Right: v5's Trainer takes the tokenizer (or any processor) as processing_class.",
                "b": "There is no such argument; the notes' tokenizer=... became processing_class=...",
                "c": "There is no such argument; the notes' tokenizer=... became processing_class=...",
            },
            key="a",
            fact=_trainer_argument,
        ),
        Question(
            3,
            {
                "a": "No: the runner checks every value before it starts any notebook.",
                "b": "Right: helpers.profiles.validate refuses it with a message that names the valid range.",
                "c": "No: a value you pass is never replaced silently; a wrong one is refused.",
            },
            key="b",
            fact=_bad_parameter,
        ),
    ],
)
