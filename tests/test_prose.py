"""Numbers in the chapters' prose: each one is printed by the notebook or marked as quoted.

A sentence of a Markdown cell that writes a number (an integer of 10 or more, or a decimal, with
or without thousands separators) must either find that number among the notebook's committed
outputs (as printed, or rounded to the precision the prose shows), or say where the number comes
from ("quoted", "(the notes", "Devlin et al.", "the Hub says", "assumed" ...). This keeps the
text true in both worlds: a number computed by a run goes stale the moment the model changes,
unless the sentence is rendered from the run.

Only the lesson is read: the cells before the "## Exercises" heading and that heading's own cell
(the Summary). Exercise statements give the numbers a question starts from; they claim nothing
about a run. Not numbers for this test: years, chapter/section/exercise/cell references, list numbering, and
anything inside code spans, code blocks, URLs or Markdown link targets.

Run on another copy (e.g. one executed by `python -m helpers.run`):
`python -m tests.test_prose _build/executed/02_how_transformers_work.ipynb`.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest

from helpers import run

NOTEBOOKS = run.resolve([])

# A sentence containing one of these says where its numbers come from.
MARKERS = (
    "quoted",
    "(the notes",
    "the notes'",
    "the notes say",
    "the notes give",
    "the notes show",
    "devlin et al.",
    "vaswani et al.",
    "the hub says",
    "the hub lists",
    "assumed",
    "assumption",
    "published",
)

NUMBER = re.compile(
    r"(?<![\w.\-/])"  # not part of a name (GPT-2, L6, v4.24) or a path
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)"
    r"(?:\s?([MBk]|million|billion)\b)?"  # 110M, 1.3B, 8k, 22.7 million
    r"(?![\w\-]|\.\d)"
)
OUTPUT_NUMBER = re.compile(r"-?\d[\d,]*\.?\d*(?:e[+-]?\d+)?", re.IGNORECASE)
SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "B": 1e9, "million": 1e6, "billion": 1e9}
REFERENCE = re.compile(r"(?:chapters?|sections?|exercises?|cells?|steps?|layers?|heads?|questions?)\s*$", re.I)


def strip_markup(text: str) -> str:
    """Markdown without code blocks, code spans, URLs, link targets, HTML tags and list numbers."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"https?://\S+", " ", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"^\s*(?:#+\s*)?\**\d+\.\**\s", " ", text, flags=re.M)  # "1. item", "# 3. Title", "**2.**"
    return text


def sentences(text: str) -> list[str]:
    """Sentences, list items and table rows of a Markdown cell."""
    parts = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*|] )|\n(?=\|)", text):
        parts += re.split(r"(?<=[.!?:])\s+(?=[A-Z(`*])", block.replace("\n", " "))
    return parts


def prose_numbers(sentence: str) -> list[tuple[str, float, int]]:
    """(as written, value, decimals shown) for each number of a sentence that the test checks."""
    found = []
    for match in NUMBER.finditer(sentence):
        digits, scale = match.group(1), match.group(2) or ""
        plain = digits.replace(",", "")
        decimals = len(plain.split(".")[1]) if "." in plain else 0
        value = float(plain)
        if REFERENCE.search(sentence[: match.start()]):
            continue
        if not decimals and not scale and (value < 10 or (1900 <= value <= 2100 and "," not in digits)):
            continue
        found.append((match.group(0), value * SCALE[scale], decimals))
    return found


def output_numbers(nb: dict) -> list[float]:
    """Every number printed in the notebook's outputs (text, plain-text reprs, Markdown)."""
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/markdown", "text/html"):
                texts.append("".join(output.get("data", {}).get(kind, "")))
    values = []
    for token in OUTPUT_NUMBER.findall("\n".join(texts)):
        try:
            values.append(float(token.replace(",", "").rstrip(".")))
        except ValueError:
            continue
    return values


def backed(value: float, decimals: int, outputs: list[float]) -> bool:
    """Whether an output shows `value` at the precision of the prose (directly, in %, or scaled)."""
    for printed in outputs:
        for candidate in (printed, printed * 100, abs(printed)):
            if math.isclose(round(candidate, decimals), value, rel_tol=1e-9, abs_tol=10**-decimals / 2):
                return True
            # prose 22.7 million / 110M against a printed 22,713,216: compare at the prose's own scale
            for scale in (1e3, 1e6, 1e9):
                if value >= scale and math.isclose(round(candidate / scale, decimals), value / scale, abs_tol=1e-9):
                    return True
    return False


def unbacked(nb: dict) -> list[str]:
    """The numbers of a notebook's prose that neither an output shows nor a marker explains."""
    outputs = output_numbers(nb)
    problems = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        lesson = text.split("## Exercises")[0]
        for sentence in sentences(strip_markup(lesson)):
            if any(marker in sentence.lower() for marker in MARKERS):
                continue
            for written, value, decimals in prose_numbers(sentence):
                if not backed(value, decimals, outputs):
                    problems.append(f"{written!r} in: {sentence.strip()[:160]}")
        if "## Exercises" in text:
            break
    return problems


def test_number_recognition():
    assert [w for w, *_ in prose_numbers("GPT-2 has 124,439,808 weights, 12 layers and 0.25 s; v4.24, SST-2")] == [
        "124,439,808",
        "12",
        "0.25",
    ]
    assert prose_numbers("In 2019, chapter 12 and 7 cells") == []
    assert prose_numbers("BERT-base has 110M") == [("110M", 110e6, 0)]
    assert prose_numbers("about 22.7 million") == [("22.7 million", 22.7e6, 1)]
    assert strip_markup("1. Run `x = 300` at https://a.b/123").split() == ["Run", "at"]


def test_backing_rounds_to_the_shown_precision():
    assert backed(0.96, 2, [0.9598])
    assert backed(22.7e6, 1, [22713216.0])
    assert backed(97.0, 0, [0.9703])
    assert not backed(0.95, 2, [0.9598])
    assert not backed(30522.0, 0, [28996.0])
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "It has 30,522 entries. Devlin et al. used 128 tokens."},
            {"cell_type": "code", "source": "", "outputs": [{"text": "vocab 28996"}]},
        ]
    }
    assert unbacked(nb) == ["'30,522' in: It has 30,522 entries."]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_in_the_prose_is_printed_or_quoted(path):
    problems = unbacked(json.loads(path.read_text()))
    assert not problems, "compute these numbers, or mark the sentence as quoted:\n" + "\n".join(problems)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        for line in unbacked(json.loads(Path(name).read_text())):
            print(f"{Path(name).stem}: {line}")
