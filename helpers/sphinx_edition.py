"""The two editions of the site (English, 简体中文): a link to the same page in the other edition on
every page, and launch buttons of the Chinese edition that open the Chinese notebooks.

Both editions have the same page names (`notebooks/03_tokenizers`, `book/setup`); the Chinese one is
built into `zh_CN/` below the English one. `_config.yml` of each edition sets `course_edition`.
"""

from __future__ import annotations

from html import escape
from typing import Any

EDITIONS = {
    # edition: (root of the other edition, relative to this one's root; link text; its language)
    "en": ("zh_CN/", "阅读中文版", "zh-CN"),
    "zh_CN": ("../", "Read in English", "en"),
}


def other_edition_url(edition: str, pagename: str) -> str:
    """The relative URL of `pagename` in the other edition, seen from `pagename` in `edition`."""
    root, _, _ = EDITIONS[edition]
    return "../" * pagename.count("/") + root + pagename + ".html"


def zh_notebook_path(path: str) -> str:
    """`notebooks/03_tokenizers.ipynb` -> `notebooks/zh_CN/03_tokenizers.ipynb` (where the Chinese one lives)."""
    return path.replace("notebooks/", "notebooks/zh_CN/", 1)


def add_edition_link(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Put the link to the other edition at the top of the page; point Chinese launch buttons at zh notebooks."""
    edition = app.config.course_edition
    if edition not in EDITIONS:
        return
    _, text, lang = EDITIONS[edition]
    if "body" in context:
        href = escape(other_edition_url(edition, pagename))
        link = f'<p class="edition-switch"><a href="{href}" hreflang="{lang}" lang="{lang}">{text}</a></p>\n'
        context["body"] = link + context["body"]
    if edition == "zh_CN" and pagename.startswith("notebooks/"):
        for group in context.get("header_buttons", []):
            for button in group.get("buttons", []) if group.get("label") == "launch-buttons" else []:
                if "url" in button:
                    button["url"] = button["url"].replace(f"{pagename}.ipynb", zh_notebook_path(f"{pagename}.ipynb"))


def setup(app: Any) -> dict[str, Any]:
    """Register the edition link with Sphinx (after the theme's launch buttons, priority 501)."""
    app.add_config_value("course_edition", "", "html")
    app.connect("html-page-context", add_edition_link, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
