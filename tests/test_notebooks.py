"""Notebook-level checks of the committed chapters: structure, provenance, accessibility."""

from __future__ import annotations

import json

import pytest

from helpers import run

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
def test_anatomy_title_learn_box_summary_exercises_hidden_solutions(path):
    nb = cells(path)
    first = "".join(nb[0]["source"])
    assert first.startswith("# ") and "What you will learn" in first
    markdown = "\n".join("".join(c["source"]) for c in nb if c["cell_type"] == "markdown")
    assert "## Summary" in markdown and "## Exercises" in markdown
    hidden = [c for c in nb if "hide-cell" in c.get("metadata", {}).get("tags", [])]
    checks = [c for c in nb if "helpers.checks.check(" in "".join(c["source"])]
    assert len(hidden) >= 2 and len(checks) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_checkpoints_are_named_through_the_hub_helper(path):
    source = "\n".join("".join(c["source"]) for c in cells(path) if c["cell_type"] == "code")
    for call in ("from_pretrained(\"", "from_pretrained('", "pipeline(model=\"", "model=\"distilbert"):
        assert call not in source, f"name checkpoints with helpers.hub.checkpoint(...), not {call}..."
