"""Chapter 4, Models, heads and post-processing: exercises and quiz (see helpers.checks for how they are used).

Online the sentiment checkpoint is DistilBERT (no token_type_ids, a pre_classifier + classifier head),
offline a BERT-architecture stand-in (pooler, one linear classifier): every right answer is computed from
the model, tokenizer or pipeline the notebook loaded, never from one head layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from helpers.checks import Chapter, Exercise, Question

MATCH = 1e-5  # a padded row's logits are "the same as alone" within this, plus 1e-4 relative (float noise ~1e-7)


def _shape(model: Any, tokenizer: Any, exercise_sentences: list[str], **_: Any) -> tuple[int, int, int]:
    """(sentences, longest sentence in tokens with the special tokens, the model's hidden size)."""
    longest = max(len(tokenizer(s)["input_ids"]) for s in exercise_sentences)
    return (len(exercise_sentences), longest, model.config.hidden_size)


def _shape_mistake(answer: Any, expected: tuple[int, int, int]) -> str | None:
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        return "give three ints, (batch, sequence, hidden): tuple(outputs.last_hidden_state.shape)"
    batch, sequence, hidden = answer
    if batch != expected[0]:
        return "the first dimension is the batch: one row per sentence"
    if sequence == expected[1] - 2:
        return "the sequence is two tokens short: the tokenizer adds [CLS] and [SEP] to every sentence"
    if sequence == 512:
        return "padding=True pads to the longest sentence of the batch, not to the model's 512 positions"
    if sequence != expected[1]:
        return "the sequence dimension is the longest sentence in tokens ([CLS] and [SEP] included), not in words"
    if hidden != expected[2]:
        return "the last dimension is this model's hidden size (model.config.hidden_size), one vector per token"
    return None


def _probabilities(classify: Any, exercise_text: str, **_: Any) -> dict[str, float]:
    """{label: probability} of `exercise_text`, from the notebook's pipeline with every label's score."""
    return {row["label"]: row["score"] for row in classify(exercise_text, top_k=None)}


def _as_floats(answer: Any, **_: Any) -> Any:
    """A dict's values as Python floats where they are numbers or 0-d tensors (a tensor is compared exactly)."""
    if not isinstance(answer, dict):
        return answer
    try:
        return {label: float(value) for label, value in answer.items()}
    except (TypeError, ValueError, RuntimeError):
        return answer


def _probabilities_mistake(answer: Any, expected: dict[str, float]) -> str | None:
    if not isinstance(answer, dict):
        return "give a dict {label: probability}, one entry per label of classifier.config.id2label"
    if set(answer) != set(expected):
        if all(isinstance(k, int) for k in answer):
            return "name the labels: classifier.config.id2label[i] is the name of column i"
        return f"the labels are the names in classifier.config.id2label: {sorted(expected)}"
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer.values()):
        return "each label's value must be a probability: a number between 0 and 1, e.g. round(float(p), 3)"
    values = [float(v) for v in answer.values()]
    if all(abs(v - 1) < 1e-3 for v in values):
        return "every probability is 1: softmax ran over the batch axis (dim=0); take it over the labels, dim=-1"
    if abs(sum(values) - 100) < 0.5:
        return "these are percentages; give probabilities between 0 and 1"
    if abs(sum(values) - 1) > 0.01:
        return "these do not sum to 1: logits are not probabilities; apply softmax over the labels (dim=-1)"
    if sorted(values) == sorted(round(v, 3) for v in expected.values()):
        return "the right numbers on the wrong labels: column i of the logits is id2label[i]"
    return None


def _head_size(encoder_checkpoint: str, **_: Any) -> int:
    """Parameters outside the body of a 5-label sequence classifier on `encoder_checkpoint`, counted."""
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    with torch.device("meta"):  # the architecture only: no weights loaded, no memory, no random numbers drawn
        five = AutoModelForSequenceClassification.from_config(
            AutoConfig.from_pretrained(encoder_checkpoint, num_labels=5)
        )
    return five.num_parameters() - five.base_model.num_parameters()


def _head_mistake(answer: Any, expected: int) -> str | None:
    if not isinstance(answer, int) or (expected - 5) % 5:
        return None  # the hints below read the hidden size off a one-linear-layer head
    hidden = (expected - 5) // 5
    if answer == 5 * hidden:
        return "the weights are right, the biases are missing: one bias per label"
    if answer == 2 * hidden + 2:
        return "that is the 2-label head; the exercise asks for num_labels=5"
    if answer == expected + hidden * hidden + hidden:
        return "that includes the pooler, which belongs to the body: base_model.num_parameters() counts it there"
    if answer > 100 * expected:
        return "that counts the body too: subtract base_model.num_parameters() from num_parameters()"
    return None


RIGHT_MASK = "1 for each real token, 0 for each [PAD]"


def _padded_batch(classifier: Any, tokenizer: Any, exercise_pair: list[str], **_: Any) -> dict[str, Any]:
    """What a right pad_batch gives: right-padded ids, a 0/1 mask, every row's logits as when it is alone."""
    return {"padded on the right": True, "attention_mask": RIGHT_MASK, "logits as alone": [True] * len(exercise_pair)}


def _run_pad_batch(
    answer: Callable[[list[list[int]]], Any], classifier: Any, tokenizer: Any, exercise_pair: list[str], **_: Any
) -> dict[str, Any]:
    """Run the learner's pad_batch on `exercise_pair`; compare each row's logits with the sentence's logits alone."""
    import torch

    id_lists = [tokenizer(s)["input_ids"] for s in exercise_pair]
    batch = answer([list(ids) for ids in id_lists])  # copies: the learner's code cannot change ours
    input_ids = torch.as_tensor(batch["input_ids"])
    mask = torch.as_tensor(batch["attention_mask"]) if "attention_mask" in batch else None
    longest = max(map(len, id_lists))
    padded = tuple(input_ids.shape) == (len(id_lists), longest) and all(
        input_ids[i, : len(ids)].tolist() == ids for i, ids in enumerate(id_lists)
    )
    right = [[1] * len(ids) + [0] * (longest - len(ids)) for ids in id_lists]
    masked = "missing" if mask is None else RIGHT_MASK if mask.tolist() == right else "other values"
    matches = [False] * len(id_lists)
    if padded:
        classifier.eval()
        device, mask_on = classifier.device, None if mask is None else mask.to(classifier.device)
        with torch.no_grad():
            logits = classifier(input_ids=input_ids.to(device), attention_mask=mask_on).logits
            alone = [classifier(input_ids=torch.tensor([ids], device=device)).logits[0] for ids in id_lists]
        matches = [
            bool(torch.allclose(row, one, rtol=1e-4, atol=MATCH)) for row, one in zip(logits, alone, strict=True)
        ]
    return {"padded on the right": padded, "attention_mask": masked, "logits as alone": matches}


def _pad_batch_mistake(answer: dict[str, Any], expected: dict[str, Any]) -> str | None:
    if not answer["padded on the right"]:
        return (
            "input_ids must be a (sentences, longest) tensor: each row its ids, then tokenizer.pad_token_id on "
            "the right up to the longest row"
        )
    changed = ""
    if not all(answer["logits as alone"]):
        changed = "the padded sentence's logits changed: its tokens attend to the [PAD] tokens. "
    if answer["attention_mask"] == "missing":
        return f"{changed}Return an attention_mask too: {RIGHT_MASK}"
    if answer["attention_mask"] != RIGHT_MASK:
        return f"{changed}The attention_mask must be {RIGHT_MASK}"
    return "ids and mask look right, but a row's logits differ from its logits alone; pass both to the model"


def _hidden_last(outputs: Any, model: Any, **_: Any) -> str:
    return "b" if outputs.last_hidden_state.shape[-1] == model.config.hidden_size else "?"


def _logits_shape(logits: Any, raw_inputs: list[str], classifier: Any, **_: Any) -> str:
    return "b" if tuple(logits.shape) == (len(raw_inputs), classifier.config.num_labels) else "?"


def _softmax_rows(probabilities: Any, **_: Any) -> str:
    import torch

    return "a" if torch.allclose(probabilities.sum(dim=-1), torch.ones(probabilities.shape[0])) else "?"


def _new_mlm_head(heads: dict[str, Any], **_: Any) -> str:
    _, info = heads["masked language modelling"]
    return "b" if info["missing_keys"] else "?"


PAD_BATCH = """def pad_batch(id_lists: list[list[int]]) -> dict[str, torch.Tensor]:
    \"\"\"Pad lists of ids on the right with [PAD]; the attention mask marks the real tokens.\"\"\"
    longest = max(len(ids) for ids in id_lists)
    input_ids = [ids + [tokenizer.pad_token_id] * (longest - len(ids)) for ids in id_lists]
    attention_mask = [[1] * len(ids) + [0] * (longest - len(ids)) for ids in id_lists]
    return {"input_ids": torch.tensor(input_ids), "attention_mask": torch.tensor(attention_mask)}


answer_4 = pad_batch"""

CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _shape,
            hint='tokenize exercise_sentences with padding=True and return_tensors="pt", pass them to model(**...) '
            "and read tuple(... .last_hidden_state.shape).",
            solution="with torch.no_grad():\n"
            '    exercise_outputs = model(**tokenizer(exercise_sentences, padding=True, return_tensors="pt"))\n'
            "answer_1 = tuple(exercise_outputs.last_hidden_state.shape)",
            wrong="answer_1 = (len(exercise_sentences), max(len(s.split()) for s in exercise_sentences),\n"
            "            model.config.hidden_size)",
            mistakes=_shape_mistake,
        ),
        Exercise(
            2,
            _probabilities,
            hint='tokenizer(exercise_text, return_tensors="pt"), classifier(**...).logits, softmax over the labels '
            "(dim=-1), then name column i with id2label[i].",
            solution="with torch.no_grad():\n"
            '    exercise_logits = classifier(**tokenizer(exercise_text, return_tensors="pt")).logits\n'
            "exercise_probabilities = torch.softmax(exercise_logits, dim=-1)[0]  # one sentence: its row\n"
            "answer_2 = {id2label[i]: round(float(p), 3) for i, p in enumerate(exercise_probabilities)}",
            wrong="with torch.no_grad():\n"
            '    exercise_logits = classifier(**tokenizer(exercise_text, return_tensors="pt")).logits\n'
            "answer_2 = {id2label[i]: round(float(x), 3) for i, x in enumerate(exercise_logits[0])}",
            tol=0.001,
            mistakes=_probabilities_mistake,
            evaluate=_as_floats,
        ),
        Exercise(
            3,
            _head_size,
            hint="the head of this BERT body is one linear layer: hidden_size x num_labels weights plus num_labels "
            "biases (encoder_config.hidden_size), or build the model and subtract base_model.num_parameters().",
            solution="answer_3 = encoder_config.hidden_size * 5 + 5  # hidden x 5 weights, a bias per label",
            wrong="answer_3 = encoder_config.hidden_size * 5",
            mistakes=_head_mistake,
        ),
        Exercise(
            4,
            _padded_batch,
            hint="pad each list with tokenizer.pad_token_id up to the longest one, build an attention_mask of 1 for "
            "each real id and 0 for each [PAD], and return both as tensors in a dict.",
            solution=PAD_BATCH,
            wrong=PAD_BATCH.replace(', "attention_mask": torch.tensor(attention_mask)', ""),
            mistakes=_pad_batch_mistake,
            evaluate=_run_pad_batch,
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "No: the number of labels is the last dimension of a classification head's logits, not of the "
                "body's hidden states.",
                "b": "Right: one vector of model.config.hidden_size numbers per token.",
                "c": "No: a score per vocabulary entry is what a masked-LM head makes of the hidden states.",
            },
            key="b",
            fact=_hidden_last,
        ),
        Question(
            2,
            {
                "a": "No: that is a token classifier's output (one score per label for every token).",
                "b": "Right: one row per sentence, one logit per label; the head summarises each sentence first.",
                "c": "No: the head projects the hidden size down to the number of labels.",
            },
            key="b",
            fact=_logits_shape,
        ),
        Question(
            3,
            {
                "a": "Right: each row (one sentence) becomes probabilities over the labels that sum to 1.",
                "b": "No: that would be dim=0; each label's column would sum to 1 over the batch, which means "
                "nothing for one sentence.",
                "c": "No: the logits have no token dimension; the head already turned each sentence into one row.",
            },
            key="a",
            fact=_softmax_rows,
        ),
        Question(
            4,
            {
                "a": "No: the sentiment checkpoint holds no masked-LM weights to load.",
                "b": "Right: the body loads, the masked-LM head is newly initialised at random and must be trained.",
                "c": "No: a missing head is not an error; the library initialises it and reports the missing keys.",
            },
            key="b",
            fact=_new_mlm_head,
        ),
        Question(
            5,
            {
                "a": "Right: without the mask (注意力遮罩) the real tokens attend to the [PAD] tokens too, so their "
                "vectors, and the logits, change.",
                "b": "No: [PAD] has an ordinary id and an embedding like any token; the model reads it without error.",
                "c": "No: padding goes on the right, so the real tokens keep their positions; the attention is what "
                "changes.",
            },
            key="a",
        ),
    ],
)
