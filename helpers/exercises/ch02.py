"""Chapter 2, How Transformers work: exercises and quiz (see helpers.checks for how they are used).

The exercises rest on the chapter's stable parts: the 6 x N x D estimate, the encoder's hidden
states, the decoder's next-token logits and causal mask, and v5's `TrainingArguments` names. The
right answers are computed here from the notebook's models, so they hold for the course pack's
stand-ins, the real checkpoints and the tests' tiny random models alike.
"""

from __future__ import annotations

import math
from typing import Any

from helpers.checks import Chapter, Exercise, Question, close

EXAMPLES, TOKENS_PER_EXAMPLE, EPOCHS = 10_000, 128, 2  # exercise 1's fine-tuning run
# Exercise 4: what the TrainingArguments must say, as the exercise states it.
SETTINGS = {
    "eval_strategy": "epoch",
    "save_strategy": "epoch",
    "learning_rate": 2e-5,
    "num_train_epochs": 3,
    "per_device_train_batch_size": 8,
}


def _plain(answer: Any, **_: Any) -> Any:
    """A tensor or NumPy answer as Python numbers or lists, so that it compares like one."""
    return answer.tolist() if hasattr(answer, "tolist") else answer


# -- exercise 1: 6 x N x D --------------------------------------------------------------------------------------------


def _flops(encoder: Any, **_: Any) -> int:
    """6 x N x D for exercise 1's run, N counted from the encoder's parameters."""
    n_params = sum(p.numel() for p in encoder.parameters())
    return 6 * n_params * EXAMPLES * TOKENS_PER_EXAMPLE * EPOCHS


# answer / right -> what that ratio means
_FLOPS_RATIOS = {
    1 / EPOCHS: f"that is one epoch: D counts every token of every epoch ({EPOCHS} here)",
    1 / 3: "that is the forward pass only (2 x N per token); training adds the backward pass (4 x N)",
    1 / (3 * EPOCHS): "that is the forward pass of one epoch: use 6 x N per token, and every epoch's tokens",
    2 / 3: "that is the backward pass only (4 x N per token); add the forward pass (2 x N)",
    1 / TOKENS_PER_EXAMPLE: "that counts examples, not tokens: D = examples x tokens per example x epochs",
    1 / EXAMPLES: "that leaves out the number of examples: D = examples x tokens per example x epochs",
}


def _flops_mistake(answer: Any, expected: Any) -> str | None:
    if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not expected:
        return None
    ratio = answer / expected
    return next((hint for value, hint in _FLOPS_RATIOS.items() if math.isclose(ratio, value, rel_tol=1e-6)), None)


# -- exercise 2: the shape of a padded batch's hidden states ----------------------------------------------------------


def _batch_shape(tokenizer: Any, encoder: Any, texts: list[str], **_: Any) -> tuple[int, int, int]:
    """(batch, longest token count, hidden size): what last_hidden_state of the padded batch must be."""
    longest = max(len(ids) for ids in tokenizer(texts)["input_ids"])
    return (len(texts), longest, encoder.config.hidden_size)


def _shape_mistake(answer: Any, expected: Any) -> str | None:
    if not isinstance(answer, (list, tuple)):
        return None
    if len(answer) != 3:
        return "last_hidden_state has three dimensions: (batch, tokens, hidden size)"
    batch, length, hidden = answer
    if batch != expected[0]:
        return f"the batch dimension counts the texts: is that the one-sentence run above? This batch has {expected[0]}"
    if length == expected[1] - 2:
        return "the tokenizer adds [CLS] and [SEP]: they have hidden states too"
    if length != expected[1]:
        return (
            "padding=True makes every row as long as the longest text in tokens "
            "(words split into WordPiece pieces, plus [CLS] and [SEP])"
        )
    if hidden != expected[2]:
        return "the last dimension is the encoder's hidden size, encoder.config.hidden_size"
    return None


# -- exercise 3: greedy's next token from the logits ------------------------------------------------------------------


def _next_token(decoder: Any, decoder_inputs: Any, **_: Any) -> int:
    """The token id greedy generation appends to the prefix (generate, one new token, no sampling)."""
    import torch

    with torch.no_grad():
        generated = decoder.generate(**decoder_inputs, max_new_tokens=1, do_sample=False, num_beams=1)
    return int(generated[0, -1])


def _token_mistake(answer: Any, expected: Any) -> str | None:
    if isinstance(answer, str):
        return "that is the token's text; give its id, an int: int(...argmax()); decode(id) turns an id into text"
    if isinstance(answer, (list, tuple)):
        return "give one id, an int: the argmax of the last position's logits, decoded.logits[0, -1]"
    if isinstance(answer, float):
        return "that is a probability or a logit; give the token id where the maximum is (argmax), an int"
    if isinstance(answer, int):
        return "not the id greedy picks: the argmax over the vocabulary of the last position, decoded.logits[0, -1]"
    return None


# -- exercise 4: TrainingArguments with v5 names ----------------------------------------------------------------------


def _settings(**_: Any) -> dict[str, Any]:
    """What exercise 4's TrainingArguments must say."""
    return dict(SETTINGS)


def _read_settings(answer: Any, **_: Any) -> dict[str, Any]:
    """Build the learner's TrainingArguments in a temporary folder and read back the settings of SETTINGS."""
    import tempfile

    from transformers import TrainingArguments

    with tempfile.TemporaryDirectory() as folder:
        arguments = answer if isinstance(answer, TrainingArguments) else answer(folder)
    if not isinstance(arguments, TrainingArguments):
        raise TypeError(f"answer_4(output_dir) must return a TrainingArguments, not {type(arguments).__name__}")
    return {name: getattr(getattr(arguments, name), "value", getattr(arguments, name)) for name in SETTINGS}


def _settings_mistake(answer: Any, expected: Any) -> str | None:
    differ = [f"{name}={answer[name]!r}" for name in expected if not close(answer[name], expected[name])]
    return "these settings are not what is asked (a default left unchanged?): " + ", ".join(differ)


# -- quiz facts -------------------------------------------------------------------------------------------------------


def _logits_last_dimension(decoded: Any, decoder: Any, **_: Any) -> str:
    vocabulary, hidden = decoder.config.vocab_size, decoder.config.hidden_size
    return "b" if decoded.logits.shape[-1] == vocabulary != hidden else "?"


def _earlier_positions(
    encoder: Any, tokenizer: Any, decoder: Any, decoder_tokenizer: Any, sentence: str, prefix: str, **_: Any
) -> str:
    """Which model's outputs at the prefix's positions stay the same when the sentence's last word is appended."""
    import torch

    with torch.no_grad():
        short, long = (tokenizer(text, return_tensors="pt").to(encoder.device) for text in (prefix, sentence))
        n = short["input_ids"].shape[1] - 1  # the prefix's tokens before its [SEP]
        before, after = encoder(**short).last_hidden_state[0, :n], encoder(**long).last_hidden_state[0, :n]
        encoder_same = torch.allclose(before, after, atol=1e-4, rtol=1e-4)
        short, long = (decoder_tokenizer(text, return_tensors="pt").to(decoder.device) for text in (prefix, sentence))
        n = short["input_ids"].shape[1]
        if not torch.equal(long["input_ids"][0, :n], short["input_ids"][0]):
            return "?"  # the prefix's tokens are not the first tokens of the sentence: no comparison
        before, after = decoder(**short).logits[0], decoder(**long).logits[0, :n]
        decoder_same = torch.allclose(before, after, atol=1e-3, rtol=1e-3)
    return {(True, True): "a", (True, False): "b", (False, True): "c", (False, False): "d"}[
        (encoder_same, decoder_same)
    ]


CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _flops,
            mistakes=_flops_mistake,
            evaluate=_plain,
            hint="6 x N x D, with N = n_params and D = examples x tokens per example x epochs.",
            solution=f"answer_1 = 6 * n_params * {EXAMPLES:_} * {TOKENS_PER_EXAMPLE} * {EPOCHS}",
            wrong=f"answer_1 = 6 * n_params * {EXAMPLES:_} * {TOKENS_PER_EXAMPLE}",
        ),
        Exercise(
            2,
            _batch_shape,
            mistakes=_shape_mistake,
            evaluate=_plain,
            hint="tokenizer([sentence, prefix], padding=True, return_tensors='pt'), run the encoder, read the shape.",
            solution=(
                'pair_batch = tokenizer([sentence, prefix], padding=True, return_tensors="pt").to(device)\n'
                "with torch.no_grad():\n"
                "    answer_2 = tuple(encoder(**pair_batch).last_hidden_state.shape)"
            ),
            wrong="answer_2 = tuple(encoded.last_hidden_state.shape)",
        ),
        Exercise(
            3,
            _next_token,
            mistakes=_token_mistake,
            evaluate=_plain,
            hint="the last position's logits, decoded.logits[0, -1], score every possible next token: take the argmax.",
            solution="answer_3 = int(decoded.logits[0, -1].argmax())",
            wrong="answer_3 = decoder_tokenizer.decode(int(decoded.logits[0, -1].argmax()))",
        ),
        Exercise(
            4,
            _settings,
            mistakes=_settings_mistake,
            evaluate=_read_settings,
            hint="def answer_4(output_dir): return TrainingArguments(output_dir, ...) with the v5 argument names.",
            solution=(
                "def answer_4(output_dir):\n"
                '    return TrainingArguments(output_dir, eval_strategy="epoch", save_strategy="epoch", '
                "learning_rate=2e-5,\n"
                "                             num_train_epochs=3, per_device_train_batch_size=8)"
            ),
            wrong=(
                "def answer_4(output_dir):\n"
                '    return TrainingArguments(output_dir, evaluation_strategy="epoch", save_strategy="epoch", '
                "learning_rate=2e-5,\n"
                "                             num_train_epochs=3, per_device_train_batch_size=8)"
            ),
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "No: the estimate does not depend on the depth; BERT-base has 12 layers and the factor is "
                "still 6.",
                "b": "Right: each parameter costs about one multiply and one add per token in the forward pass "
                "(2 N), and about twice that in the backward pass (4 N).",
                "c": "No: bytes measure memory, not compute; FLOPs count floating-point operations.",
            },
            key="b",
        ),
        Question(
            2,
            {
                "a": "No: the hidden size is the last dimension of the hidden states; the language-modelling head "
                "maps it to one score per vocabulary entry.",
                "b": "Right: the head gives one logit per token of the vocabulary, at every position.",
                "c": "No: layers + 1 is how many hidden-state tensors output_hidden_states=True returns.",
            },
            key="b",
            fact=_logits_last_dimension,
        ),
        Question(
            3,
            {
                "a": "No: in the encoder every token attends to every other token, so a new word changes the "
                "hidden states of the words before it.",
                "b": "No: it is the other way round; the encoder looks both ways, the decoder only to the left.",
                "c": "Right: the decoder's causal mask lets position t see only positions up to t, so appending "
                "a word leaves the earlier logits as they were (up to rounding).",
                "d": "No: the decoder's earlier positions cannot see the new word (causal mask), so they do not "
                "change.",
            },
            key="c",
            fact=_earlier_positions,
        ),
        Question(
            4,
            {
                "a": "No: an encoder-only model builds a representation of its input (classification, NER) but "
                "has no part that generates a new sequence.",
                "b": "Not the notes' answer: a decoder-only model generates by continuing a prompt and can "
                "translate when prompted, but the family built to generate an output from an input is the "
                "encoder-decoder.",
                "c": "Right: the encoder reads the input, the decoder generates the output from it (BART, T5).",
            },
            key="c",
        ),
    ],
)
