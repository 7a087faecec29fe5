"""Chapter 1, The pipeline() function: exercises and quiz (see helpers.checks for how they are used).

The right answers are computed here from the notebook's objects (the sentiment model's logits, the
generator, the zero-shot pipeline), so they hold for the course pack's stand-ins and for any Hub
checkpoint, including the tests' tiny random models.
"""

from __future__ import annotations

import math
from typing import Any

from helpers.checks import Chapter, Exercise, Question

NOTES_TEXT = "This is a course about the Transformers library"  # the notes' zero-shot example
NOTES_LABELS = ["education", "politics", "business"]
LABEL = "education"  # the label whose multi-label score exercise 3 asks for
NEW_TOKENS = 5  # exercise 2's short greedy run


class _Known(float):
    """The right number, carrying the numbers that likely mistakes give (hint -> value) for `_known_mistake`."""

    mistakes: dict[str, float]

    def __new__(cls, value: float, mistakes: dict[str, float]) -> _Known:
        made = super().__new__(cls, value)
        made.mistakes = mistakes
        return made


def _known_mistake(answer: Any, expected: Any) -> str | None:
    """The hint of the first likely mistake whose number `answer` equals, or None."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float)):
        return None
    return next((hint for hint, value in expected.mistakes.items() if math.isclose(answer, value, abs_tol=1e-4)), None)


def _plain(answer: Any, **_: Any) -> Any:
    """A tensor or NumPy answer as Python numbers or lists, so that it compares like one."""
    return answer.tolist() if hasattr(answer, "tolist") else answer


# -- exercise 1: softmax by hand --------------------------------------------------------------------------------------


def _positive_probability(logits: Any, label2id: dict[str, int], **_: Any) -> _Known:
    """Softmax of the first sentence's logits, at the POSITIVE column (with the numbers of likely mistakes)."""
    values = [float(v) for v in logits[0].tolist()]
    positive = label2id["POSITIVE"]
    total = sum(math.exp(v) for v in values)
    other = [math.exp(v) / total for i, v in enumerate(values) if i != positive]
    return _Known(
        math.exp(values[positive]) / total,
        {
            "that is the probability of the other label: find POSITIVE's column with model.config.label2id": other[0],
            "that is exp(logit) alone: divide it by the sum of exp over all the logits": math.exp(values[positive]),
            "that is a sigmoid of one logit; a softmax compares it with the other label's logit": (
                1 / (1 + math.exp(-values[positive]))
            ),
        },
    )


def _probability_mistake(answer: Any, expected: Any) -> str | None:
    if found := _known_mistake(answer, expected):
        return found
    if isinstance(answer, (int, float)) and not isinstance(answer, bool) and not 0 <= answer <= 1:
        return "a probability lies between 0 and 1: exp of each logit, divided by the sum of them"
    return None


# -- exercise 2: greedy is a prefix -----------------------------------------------------------------------------------


def _greedy_prefix(generator: Any, prompt: str, max_new_tokens: int, **_: Any) -> list[int]:
    """The first NEW_TOKENS new token ids of the notebook's longer greedy run (as token ids, not text)."""
    out = generator(prompt, max_new_tokens=max(max_new_tokens, NEW_TOKENS), do_sample=False, return_tensors=True)
    prompt_length = len(generator.tokenizer(prompt)["input_ids"])
    return list(out[0]["generated_token_ids"][prompt_length : prompt_length + NEW_TOKENS])


def _ids_mistake(answer: Any, expected: Any) -> str | None:
    if isinstance(answer, str):
        return "that is text; give the new token ids, a list of ints (return_tensors=True returns them)"
    if not isinstance(answer, (list, tuple)):
        return None
    answer = list(answer)
    if len(answer) > len(expected) and answer[-len(expected) :] == expected:
        return "the prompt's ids are included: keep only the ids after the prompt's tokens"
    if len(answer) > len(expected) and answer[: len(expected)] == expected:
        return f"that is a longer run: ask for max_new_tokens={NEW_TOKENS}"
    if len(answer) == len(expected):
        return "not greedy's tokens: pass do_sample=False (a model's generation config may sample by default)"
    return None


# -- exercise 3: a multi-label zero-shot score by hand ----------------------------------------------------------------


def _multi_label_score(zero_shot: Any, **_: Any) -> _Known:
    """The pipeline's multi-label score of LABEL, with the numbers that likely mistakes give."""
    import torch

    multi = zero_shot(NOTES_TEXT, candidate_labels=NOTES_LABELS, multi_label=True)
    single = zero_shot(NOTES_TEXT, candidate_labels=NOTES_LABELS)
    model, tokenizer = zero_shot.model, zero_shot.tokenizer
    entailment = next(i for name, i in model.config.label2id.items() if name.lower().startswith("entail"))

    def logits(hypothesis: str) -> Any:
        pair = tokenizer(NOTES_TEXT, hypothesis, return_tensors="pt").to(model.device)
        with torch.no_grad():
            return model(**pair).logits[0].float().cpu()

    templated, bare = logits(f"This example is {LABEL}."), logits(LABEL)
    right = dict(zip(multi["labels"], multi["scores"], strict=True))[LABEL]
    single_label = dict(zip(single["labels"], single["scores"], strict=True))[LABEL]
    mistakes = {
        "that is the single-label score (a softmax across the candidate labels): compare entailment with "
        "contradiction for this one label, as multi_label=True does": single_label,
        "that is 1 minus the score: the probability of column 0 (contradiction), not of entailment": 1 - right,
        "the hypothesis is the label in the template, 'This example is education.', not the bare label": (
            torch.softmax(bare[[0, entailment]], dim=-1)[1].item()
        ),
    }
    if len(templated) > 2:  # with two labels (the stand-in) the softmax over all of them is the right one
        mistakes["that softmax includes 'neutral': the pipeline compares contradiction (column 0) with entailment"] = (
            torch.softmax(templated, dim=-1)[entailment].item()
        )
    return _Known(right, mistakes)


# -- quiz facts -------------------------------------------------------------------------------------------------------


def _rows_are_sentences(outputs: Any, all_scores: list, model: Any, **_: Any) -> str:
    import torch

    probabilities = torch.softmax(outputs.logits.float().cpu(), dim=-1)
    labels = [model.config.id2label[j] for j in range(model.config.num_labels)]
    by_pipeline = torch.tensor(
        [[{s["label"]: s["score"] for s in scores}[name] for name in labels] for scores in all_scores]
    )
    return "a" if torch.allclose(probabilities, by_pipeline, atol=1e-5) else "?"


def _zero_shot_sums_to_one(notes_result: dict, own_result: dict, **_: Any) -> str:
    return "b" if all(math.isclose(sum(r["scores"]), 1, abs_tol=1e-5) for r in (notes_result, own_result)) else "?"


def _mask_marks_padding(inputs: Any, tokenizer: Any, **_: Any) -> str:
    ids, mask = inputs["input_ids"].cpu(), inputs["attention_mask"].cpu()
    padding = ids == tokenizer.pad_token_id
    return "c" if bool((mask == 0).any()) and bool(((mask == 0) == padding).all()) else "?"


def _seed_repeats(sample_a: str, sample_b: str, **_: Any) -> str:
    return "a" if sample_a == sample_b else "?"


CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _positive_probability,
            tol=1e-5,
            mistakes=_probability_mistake,
            evaluate=_plain,
            hint="take the first sentence's two logits, outputs.logits[0].tolist(); softmax = exp(logit) / sum of exp.",
            solution=(
                "import math\n\n"
                "logit_values = outputs.logits[0].tolist()\n"
                'positive = model.config.label2id["POSITIVE"]\n'
                "answer_1 = math.exp(logit_values[positive]) / sum(math.exp(v) for v in logit_values)"
            ),
            wrong=(
                "import math\n\n"
                "logit_values = outputs.logits[0].tolist()\n"
                "answer_1 = math.exp(logit_values[0]) / sum(math.exp(v) for v in logit_values)"
            ),
        ),
        Exercise(
            2,
            _greedy_prefix,
            mistakes=_ids_mistake,
            evaluate=_plain,
            hint=(
                f"call generator(prompt, max_new_tokens={NEW_TOKENS}, do_sample=False, return_tensors=True) and "
                "drop the prompt's ids from generated_token_ids."
            ),
            solution=(
                'prompt_length = len(generator.tokenizer(prompt)["input_ids"])\n'
                f"short = generator(prompt, max_new_tokens={NEW_TOKENS}, do_sample=False, return_tensors=True)\n"
                'answer_2 = short[0]["generated_token_ids"][prompt_length:]'
            ),
            wrong=(
                f"short = generator(prompt, max_new_tokens={NEW_TOKENS}, do_sample=False, return_tensors=True)\n"
                'answer_2 = short[0]["generated_token_ids"]'
            ),
        ),
        Exercise(
            3,
            _multi_label_score,
            tol=1e-4,
            mistakes=_known_mistake,
            evaluate=_plain,
            hint=(
                "tokenize the pair (sentence, 'This example is education.'), run the NLI model, and take the softmax "
                "of the contradiction (column 0) and entailment logits."
            ),
            solution=(
                "nli_tokenizer = AutoTokenizer.from_pretrained(zero_shot_checkpoint)\n"
                "nli_model = AutoModelForSequenceClassification.from_pretrained(zero_shot_checkpoint).eval()\n"
                f'pair = nli_tokenizer("{NOTES_TEXT}", "This example is {LABEL}.", return_tensors="pt")\n'
                "with torch.no_grad():\n"
                "    pair_logits = nli_model(**pair).logits[0]\n"
                'entailment = nli_model.config.label2id["entailment"]\n'
                "answer_3 = torch.softmax(pair_logits[[0, entailment]], dim=-1)[1].item()"
            ),
            wrong=f'answer_3 = dict(zip(notes_result["labels"], notes_result["scores"]))["{LABEL}"]',
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "Right: one row per sentence of the batch, one column per label in id2label's order; the "
                "softmax of a row gives that sentence's pipeline scores.",
                "b": "No: the first dimension is always the batch (one row per input text); the labels are the "
                "columns.",
                "c": "No: (batch, tokens, hidden size) is what the model body outputs; the classification head turns "
                "it into one row of logits per sentence.",
            },
            key="a",
            fact=_rows_are_sentences,
        ),
        Question(
            2,
            {
                "a": "No: the scores are a softmax across the candidates, so they share a total of 1 however badly "
                "the labels fit.",
                "b": "Right: by default the pipeline takes a softmax of the entailment logits across the candidate "
                "labels, so the scores sum to 1 even when no label fits.",
                "c": "No: that is what multi_label=True allows, where each label is scored on its own (entailment "
                "against contradiction) and the scores need not sum to 1.",
            },
            key="b",
            fact=_zero_shot_sums_to_one,
        ),
        Question(
            3,
            {
                "a": "No: [CLS] and [SEP] are real inputs of the model and get 1 in the attention mask.",
                "b": "No: an unknown word becomes [UNK], an ordinary token with mask 1.",
                "c": "Right: 0 marks the [PAD] tokens added to make the batch rectangular; the model ignores them.",
            },
            key="c",
            fact=_mask_marks_padding,
        ),
        Question(
            4,
            {
                "a": "Right: set_seed fixes the random draws, so the same seed gives the same sample here; another CPU "
                "or GPU may round differently and draw another token.",
                "b": "No: sampling draws from the predicted distribution; only do_sample=False (greedy) gives the "
                "greedy text.",
                "c": "No: set_seed puts the random number generators back in the same state, so the second call draws "
                "the same tokens as the first; without it, two calls usually differ.",
            },
            key="a",
            fact=_seed_repeats,
        ),
    ],
)
