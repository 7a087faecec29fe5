"""A small Sphinx extension for the course site (loaded by _config.yml's extra_extensions).

Sphinx 7.4 can emit an inline script twice on a page (e.g. Thebe's `THEBE_JS_URL`), which the
browser reports as a console error; this drops exact duplicates before the page is written.
"""

from __future__ import annotations

from typing import Any


def _script_key(script: Any) -> tuple[str, str]:
    """Identify a script entry by its file name and attributes (inline body included)."""
    filename = str(getattr(script, "filename", script) or "")
    attributes = getattr(script, "attributes", {}) or {}
    return filename, repr(sorted((k, str(v)) for k, v in attributes.items()))


def dedupe_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Keep only the first of identical script entries of a page."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in context.get("script_files", []):
        key = _script_key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    if "script_files" in context:
        context["script_files"][:] = unique


def setup(app: Any) -> dict[str, Any]:
    """Register the fix with Sphinx."""
    app.connect("html-page-context", dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
