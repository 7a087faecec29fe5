"""Markdown tables that always render: every generated table of the site and the run reports uses these."""

from __future__ import annotations

from typing import Any


def cell(value: Any) -> str:
    """Text made safe for one Markdown table cell: line breaks shown as ↵, pipes escaped.

    Every generated table quotes through this, so no quoted text can end a table or add a column,
    e.g. `cell("Paris.\\n\\nThe answer | 201")` is `Paris.↵↵The answer \\| 201`.
    """
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", "↵").replace("|", "\\|").strip()


def table(header: list[str], rows: list[list[Any]], right: tuple[int, ...] = ()) -> list[str]:
    """Markdown lines of a table, every cell through `cell`; the columns numbered in `right` align right."""

    def line(values: list[Any]) -> str:
        return "| " + " | ".join(cell(v) for v in values) + " |"

    rule = "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"
    return [line(header), rule, *(line(row) for row in rows)]
