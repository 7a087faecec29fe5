"""Notebook-level checks of the committed chapters: structure, provenance, accessibility."""

from __future__ import annotations

import json

import pytest

from helpers import book, checks, run

NOTEBOOKS = run.resolve([])


def cells(path):
    """The cells of a committed notebook."""
    return json.loads(path.read_text())["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_code_cell_was_executed_in_order(path):
    counts = [c["execution_count"] for c in cells(path) if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert None not in counts, "cells without execution: run python -m helpers.run --inplace"
    assert counts == sorted(counts) and len(set(counts)) == len(counts)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_errors_and_no_warnings_in_committed_outputs(path):
    for cell in cells(path):
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", "".join(cell["source"])[:200]
            text = "".join(output.get("text", ""))
            assert "Warning" not in text and "Traceback" not in text, text[:300]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_plot_has_alt_text(path):
    for cell in cells(path):
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) > 20, "add metadata mystnb.image.alt to: " + "".join(cell["source"])[:120]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_anatomy_title_learn_box_summary_exercises_quiz(path):
    nb = cells(path)
    first = "".join(nb[0]["source"])
    assert first.startswith("# ") and "What you will learn" in first
    markdown = "\n".join("".join(c["source"]) for c in nb if c["cell_type"] == "markdown")
    assert "## Summary" in markdown and "## Exercises" in markdown and "### Quiz" in markdown
    code = ["".join(c["source"]) for c in nb if c["cell_type"] == "code"]
    name = f"ch{path.name[:2]}"
    numbers = [int(m.group(2)) for c in code for m in book.EXERCISE_CALL.finditer(c)]
    assert sorted(numbers) == sorted(e.number for e in checks.chapter(name).exercises)
    assert sum(bool(book.QUIZ_CALL.search(c)) for c in code) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all_never_runs_a_solution_and_the_committed_run_says_not_yet(path):
    nb = cells(path)
    code = "\n".join("".join(c["source"]) for c in nb if c["cell_type"] == "code")
    assert not any("hide-cell" in c.get("metadata", {}).get("tags", []) for c in nb)
    for item in checks.chapter(f"ch{path.name[:2]}").exercises:
        assert item.solution.strip() not in code, f"exercise {item.number}'s solution is in the notebook"
    verdicts = [
        "".join("".join(o.get("text", "")) for o in c.get("outputs", []))
        for c in nb
        if c["cell_type"] == "code"
        and (book.EXERCISE_CALL.search("".join(c["source"])) or book.QUIZ_CALL.search("".join(c["source"])))
    ]
    lines = [line for text in verdicts for line in text.splitlines() if line.strip()]
    assert lines and all(": not yet - " in line for line in lines), lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_checkpoints_are_named_through_the_hub_helper(path):
    source = "\n".join("".join(c["source"]) for c in cells(path) if c["cell_type"] == "code")
    for call in ('from_pretrained("', "from_pretrained('", 'pipeline(model="', 'model="distilbert'):
        assert call not in source, f"name checkpoints with helpers.hub.checkpoint(...), not {call}..."
