"""Chapter 3, Tokenizers: exercises and quiz (see helpers.checks for how they are used).

Every right answer is computed from the notebook's state, tokens, ids and counts from the `tokenizer` it
loaded: online the cased bert-base-cased, offline the course pack's uncased stand-in. None is written here.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from typing import Any

from helpers.checks import Chapter, Exercise, Question

# Sentence pairs for exercise 3 (the first is the chapter's own pair) and (text, max_length) cases for exercise 4.
PAIRS = [
    ("How old are you?", "I'm 6 years old"),
    ("Tokenizers turn text into numbers.", "Models read the numbers."),
    ("Great!", "The plot wanders for an hour before anything happens."),
]
CASES = [
    ("Tokenizers turn text into numbers that a model can read.", 6),
    ("Using a Transformer network is simple", 4),
    ("I hate this so much!", 64),
]


class Expected(float):
    """A right answer that also carries the values of the likely mistakes, which `mistakes` hints recognise."""

    alternatives: dict[str, float]

    @classmethod
    def of(cls, value: float, **alternatives: float) -> Expected:
        """`value`, with `alternatives` ({hint: the value that mistake gives})."""
        expected = cls(value)
        expected.alternatives = alternatives
        return expected


def _recognise(answer: Any, expected: Any, tol: float = 0.0) -> str | None:
    """The hint of the first alternative that `answer` equals, if `expected` carries alternatives."""
    if not isinstance(answer, (int, float)) or isinstance(answer, bool):
        return None
    for hint, value in getattr(expected, "alternatives", {}).items():
        if abs(answer - value) <= tol:
            return hint
    return None


def _rate(tokens: Sequence[str], counts: collections.Counter[str], minimum: int) -> float:
    """Percent of `tokens` seen fewer than `minimum` times in `counts`, rounded to 2 decimals."""
    return round(100 * sum(counts[w] < minimum for w in tokens) / len(tokens), 2)


def _unknown_rate(corpus: Sequence[str], unseen: Sequence[str], words: Callable[[str], list[str]], **_: Any) -> float:
    """Percent of the unseen word tokens outside a vocabulary of the corpus words seen at least twice."""
    counts = collections.Counter(w for t in corpus for w in words(t))
    tokens = [w for t in unseen for w in words(t)]
    by_spaces = collections.Counter(w for t in corpus for w in t.split())
    mistakes = {
        "that keeps every word seen at least once (the chapter's vocabulary): keep counts >= 2 only": _rate(
            tokens, counts, 1
        ),
        "that keeps words seen more than twice: 'at least twice' includes a count of exactly 2": _rate(
            tokens, counts, 3
        ),
        "that counts distinct words; the rate is over every word token of the unseen texts": _rate(
            sorted(set(tokens)), counts, 2
        ),
        "that splits on spaces, so punctuation sticks to the words: split with words(...)": _rate(
            [w for t in unseen for w in t.split()], by_spaces, 2
        ),
    }
    return Expected.of(_rate(tokens, counts, 2), **mistakes)


def _real_positions(tokenizer: Any, batch_texts: list[str], **_: Any) -> float:
    """Positions with attention mask 1 when `batch_texts` are padded and truncated to 10."""
    full = [len(ids) for ids in tokenizer(batch_texts)["input_ids"]]
    bare = [len(tokenizer.tokenize(t)) for t in batch_texts]
    real = sum(min(n, 10) for n in full)
    return Expected.of(
        real,
        **{
            "that counts every position of the batch; the padded ones have attention mask 0": 10 * len(full),
            "that counts the padded positions (mask 0); the question asks for the real tokens (mask 1)": 10 * len(full)
            - real,
            "that is the count without truncation: the longer texts must be cut at max_length=10": sum(full),
            "that leaves out [CLS] and [SEP]: the tokenizer adds them, and their mask is 1": sum(
                min(n, 10) for n in bare
            ),
        },
    )


def _segments(tokenizer: Any, **_: Any) -> list[int]:
    """Index of the first token with token_type_id 1, for each of PAIRS."""
    return [tokenizer(a, b)["token_type_ids"].index(1) for a, b in PAIRS]


def _run_segments(answer: Callable[[str, str], Any], **_: Any) -> list[int]:
    """The learner's function on each of PAIRS."""
    return [int(answer(a, b)) for a, b in PAIRS]


def _segments_mistake(answer: list[int], expected: list[int]) -> str | None:
    offsets = {e - a for a, e in zip(answer, expected, strict=True)}
    if offsets == {1}:
        return "one too early: that is the [SEP] after the first sentence, which still belongs to segment 0"
    if offsets == {2}:
        return "you counted the first sentence's tokens only: [CLS] before it and [SEP] after it come first"
    if set(answer) == {0}:
        return "position 0 is [CLS], in segment 0: look for the first token_type_id that is 1"
    return None


def _truncated(tokenizer: Any, **_: Any) -> list[list[int]]:
    """The tokenizer's own truncation of each of CASES."""
    return [tokenizer(text, truncation=True, max_length=n)["input_ids"] for text, n in CASES]


def _run_truncate(answer: Callable[[str, int], Any], **_: Any) -> list[list[int]]:
    """The learner's function on each of CASES, as lists of ints."""
    results = []
    for text, n in CASES:
        ids = answer(text, n)
        ids = ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids
        ids = ids.tolist() if hasattr(ids, "tolist") else list(ids)
        ids = ids[0] if ids and isinstance(ids[0], list) else ids  # one row of a batch
        results.append([int(i) for i in ids])
    return results


def _truncate_mistake(answer: list[list[int]], expected: list[list[int]]) -> str | None:
    for (text, max_length), got, want in zip(CASES, answer, expected, strict=True):
        if got == want:
            continue
        if len(got) == len(want) + 2:
            return "[CLS] and [SEP] count toward max_length: keep max_length - 2 of the text's tokens"
        if got == want[1:-1] or len(got) == len(want) - 2:
            return "the special tokens are missing: [CLS] (tokenizer.cls_token_id) first, [SEP] last"
        if len(got) == len(want) and got[:-1] == want[:-1]:
            return "the ids no longer end with [SEP]: cutting the encoded ids cut it off; cut the tokens, then add it"
        return f"truncate({text!r}, {max_length}) differs from the tokenizer's own truncation=True"
    return None


def _special_tokens(encoded: Any, ids: list[int], tokenizer: Any, **_: Any) -> str:
    return "a" if encoded["input_ids"] == [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id] else "?"


def _pads_to_longest(tokenizer: Any, batch_texts: list[str], **_: Any) -> str:
    longest = max(len(ids) for ids in tokenizer(batch_texts)["input_ids"])
    padded = {len(ids) for ids in tokenizer(batch_texts, padding=True)["input_ids"]}
    return "b" if padded == {longest} and longest != tokenizer.model_max_length else "?"


def _most_unknown(table: Any, **_: Any) -> str:
    letters = {"word": "a", "character": "b", "BPE (ours)": "c", "WordPiece (pretrained)": "d"}
    return letters.get(table["unknown tokens (%)"].idxmax(), "?")


CHAPTER = Chapter(
    exercises=[
        Exercise(
            1,
            _unknown_rate,
            hint="count the corpus words with collections.Counter over words(t), keep those with a count >= 2, "
            "then count the word tokens of `unseen` outside that set.",
            solution="counts = collections.Counter(w for t in corpus for w in words(t))\n"
            "kept = {w for w, n in counts.items() if n >= 2}\n"
            "unseen_tokens = [w for t in unseen for w in words(t)]\n"
            "answer_1 = round(100 * sum(w not in kept for w in unseen_tokens) / len(unseen_tokens), 2)",
            wrong="counts = collections.Counter(w for t in corpus for w in words(t))\n"
            "kept = {w for w, n in counts.items() if n > 2}\n"
            "unseen_tokens = [w for t in unseen for w in words(t)]\n"
            "answer_1 = round(100 * sum(w not in kept for w in unseen_tokens) / len(unseen_tokens), 2)",
            tol=0.01,
            mistakes=lambda answer, expected: _recognise(answer, expected, 0.01),
        ),
        Exercise(
            2,
            _real_positions,
            hint='call tokenizer(batch_texts, padding="max_length", max_length=10, truncation=True, '
            'return_tensors="pt") and sum its attention_mask.',
            solution='answer_2 = int(tokenizer(batch_texts, padding="max_length", max_length=10, truncation=True,\n'
            '                         return_tensors="pt")["attention_mask"].sum())',
            wrong='answer_2 = int(tokenizer(batch_texts, padding=True, return_tensors="pt")["attention_mask"].sum())',
            mistakes=_recognise,
        ),
        Exercise(
            3,
            _segments,
            hint="call tokenizer(first, second) and find the first position whose token_type_ids value is 1 "
            "(a list has .index).",
            solution="def segment_b_start(first: str, second: str) -> int:\n"
            '    """Position of the first token of `second` in the encoded pair."""\n'
            '    return tokenizer(first, second)["token_type_ids"].index(1)\n\n\n'
            "answer_3 = segment_b_start",
            wrong="def segment_b_start(first: str, second: str) -> int:\n"
            "    return len(tokenizer.tokenize(first)) + 1  # [CLS] plus the first sentence\n\n\n"
            "answer_3 = segment_b_start",
            mistakes=_segments_mistake,
            evaluate=_run_segments,
        ),
        Exercise(
            4,
            _truncated,
            hint="tokenize the text, keep the first max_length - 2 tokens, convert them to ids and put "
            "tokenizer.cls_token_id before and tokenizer.sep_token_id after.",
            solution="def truncate(text: str, max_length: int) -> list[int]:\n"
            '    """Ids of `text` cut to max_length, with [CLS] and [SEP] kept."""\n'
            "    tokens = tokenizer.tokenize(text)[: max_length - 2]  # room for the two special tokens\n"
            "    ids = tokenizer.convert_tokens_to_ids(tokens)\n"
            "    return [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]\n\n\n"
            "answer_4 = truncate",
            wrong='answer_4 = lambda text, max_length: tokenizer(text)["input_ids"][:max_length]',
            mistakes=_truncate_mistake,
            evaluate=_run_truncate,
        ),
    ],
    quiz=[
        Question(
            1,
            {
                "a": "Right: calling the tokenizer adds the special tokens BERT was pretrained with, [CLS] first and "
                "[SEP] last.",
                "b": "No: nothing is padded without padding=...; and [PAD] would go where the text is short, not "
                "into every encoding.",
                "c": "No: nothing is repeated; look at convert_ids_to_tokens(encoded['input_ids']).",
            },
            key="a",
            fact=_special_tokens,
        ),
        Question(
            2,
            {
                "a": "No: that is padding='max_length' without a max_length; padding=True stops at the batch's "
                "longest text.",
                "b": "Right: padding=True pads every text to the longest one of the batch, so batches stay short.",
                "c": "No: that needs pad_to_multiple_of=8 (useful on GPUs); padding=True does not round up.",
            },
            key="b",
            fact=_pads_to_longest,
        ),
        Question(
            3,
            {
                "a": "Right: every word the corpus never had becomes [UNK] (未知标记), more than one token in ten.",
                "b": "No: every character of the unseen texts was already in the corpus, so almost nothing is unknown.",
                "c": "No: our BPE starts from the corpus's characters, so an unseen word falls into known pieces.",
                "d": "No: WordPiece falls back to smaller pieces and single characters; only characters missing from "
                "its vocabulary become [UNK].",
            },
            key="a",
            fact=_most_unknown,
        ),
        Question(
            4,
            {
                "a": "No: an id is a position in one vocabulary file, and bert-base-cased (28,996 entries) and the "
                "uncased vocabulary (30,522) put the same piece at different positions.",
                "b": "Right: ids only mean something with the vocabulary that produced them; the model runs and "
                "reads the wrong tokens, usually without any error.",
                "c": "No: tokenizer and model do not check each other; an error comes only when an id is beyond "
                "the model's embedding matrix.",
            },
            key="b",
        ),
    ],
)
