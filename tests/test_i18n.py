"""The Chinese edition: its prose stored as data, complete, fresh and faithful to the English; its
notebooks the English ones with the Markdown translated (code and outputs byte for byte); one
glossary for both editions."""

from __future__ import annotations

import json
import re

import pytest

from helpers import book, i18n
from helpers.errors import CourseError

SOURCES = i18n.sources()
CHAPTERS = [s for s in SOURCES if s.startswith("notebooks/")]


@pytest.mark.parametrize("source", SOURCES)
def test_every_unit_is_translated_and_fresh(source):
    bad = [f"{u.state} {u.key!r}" for u in i18n.units(source) if u.state != "ok"]
    assert not bad, (
        f"{source}: {', '.join(bad)}. An English change needs its Chinese update: "
        f"`python -m helpers.i18n todo {source}`, then `put` the translation."
    )


@pytest.mark.parametrize("source", SOURCES)
def test_translations_keep_code_numbers_links_and_structure(source):
    assert not i18n.check(source)


@pytest.mark.parametrize("source", CHAPTERS)
def test_chinese_notebook_shares_code_and_outputs_with_the_english_one(source):
    name = source.split("/")[1]
    english = json.loads((i18n.ROOT / f"{source}.ipynb").read_text())
    path = i18n.ZH_NOTEBOOKS / f"{name}.ipynb"
    assert path.is_file(), f"{path} is missing: run `python -m helpers.i18n build`"
    chinese = json.loads(path.read_text())
    assert chinese["metadata"] == english["metadata"]
    assert len(chinese["cells"]) == len(english["cells"])
    for en, zh in zip(english["cells"], chinese["cells"], strict=True):
        assert (zh["cell_type"], zh["id"]) == (en["cell_type"], en["id"])
        if en["cell_type"] == "code":
            assert zh == en, f"{name}: code cell {en['id']} differs from the English one"
        else:
            assert i18n.CJK.search("".join(zh["source"])), f"{name}: Markdown cell {en['id']} is not in Chinese"
    # and the committed file is exactly what `build` writes now (no hand edits, not stale)
    assert path.read_text() == i18n.notebook_json(i18n.zh_notebook(source)), "run `python -m helpers.i18n build`"


def mentions(text: str, form: str) -> bool:
    """Whether prose `text` uses the English `form` as a whole word (case-insensitive unless it has capitals)."""
    flags = 0 if any(c.isupper() for c in form[1:]) else re.I
    return re.search(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text, flags) is not None


@pytest.mark.parametrize("source", SOURCES)
def test_the_chinese_edition_uses_the_glossary_terms(source):
    terms = [t for t in i18n.glossary()["terms"] if t["check"]]
    wrong = []
    for unit in i18n.units(source):
        if unit.state != "ok":
            continue
        english, chinese = i18n.prose(unit.english), unit.zh.lower()
        for t in terms:
            if any(mentions(english, form) for form in t["match"]):
                accepted = [t["zh"], *t["zh_also"]]
                if not any(a.lower() in chinese for a in accepted):
                    wrong.append(f"[{unit.key}] {t['term']!r}: expected {' or '.join(accepted)}")
    assert not wrong, f"{source}:\n" + "\n".join(wrong)


def test_glossary_is_complete_in_both_editions():
    data = i18n.glossary()
    for t in data["terms"]:
        assert t["zh"] and t["zh_definition"].strip() and i18n.CJK.search(t["zh_definition"]), t["term"]
        assert (i18n.ROOT / "book" / f"{t['page']}.md").is_file() or (
            i18n.ROOT / "book" / f"{t['page']}.ipynb"
        ).is_file(), t["page"]
    english, chinese = book.glossary_terms("en"), book.glossary_terms(i18n.LANG)
    for t in data["terms"]:
        assert f"\n{t['heading']}\n" in english
        assert t["zh"] in chinese
    assert english.count("{doc}") == chinese.count("{doc}") == len(data["terms"])


# The machinery, on a small course of its own.


@pytest.fixture
def course(tmp_path, monkeypatch):
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "book" / "page.md").write_text(
        "# Title\n\nIntro with 3 numbers.\n\n```bash\n# not a heading\n```\n\n## Part\n\nUse `pipeline()`.\n"
    )
    cells = [
        {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Chapter\n", "Text."]},
        {"cell_type": "code", "id": "c1", "metadata": {}, "source": ["print(1)"], "outputs": [], "execution_count": 1},
    ]
    (tmp_path / "notebooks" / "01_x.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}}))
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    monkeypatch.setattr(i18n, "STORE", tmp_path / "i18n" / "zh_CN")
    monkeypatch.setattr(i18n, "ZH_NOTEBOOKS", tmp_path / "notebooks" / "zh_CN")
    return tmp_path


def test_pages_split_at_headings_outside_code(course):
    assert list(i18n.english_units("book/page")) == ["# Title", "## Part"]
    assert "# not a heading" in i18n.english_units("book/page")["# Title"]


def test_a_unit_goes_missing_ok_stale_and_back(course):
    i18n.sync()
    assert {u.state for u in i18n.units("book/page")} == {"missing"}
    i18n.put("book/page", "# Title", "# 标题\n\n引言，含 3 个数字。\n\n```bash\n# not a heading\n```\n")
    i18n.put("book/page", "## Part", "## 部分\n\n使用 `pipeline()`。\n")
    assert [u.state for u in i18n.units("book/page")] == ["ok", "ok"]
    assert i18n.check("book/page") == []
    page = course / "book" / "page.md"
    page.write_text(page.read_text().replace("Use `pipeline()`.", "Use `pipeline()` twice."))
    stale = [u for u in i18n.units("book/page") if u.state == "stale"]
    assert [u.key for u in stale] == ["## Part"]
    assert "+Use `pipeline()` twice." in i18n.diff(stale[0]) and "-Use `pipeline()`." in i18n.diff(stale[0])
    with pytest.raises(CourseError, match="stale"):
        i18n.zh_page("book/page")


def test_orphans_are_reported_then_dropped_by_sync(course):
    i18n.sync()
    i18n.put("notebooks/01_x", "m1", "# 章\n\n正文。")
    notebook = course / "notebooks" / "01_x.ipynb"
    content = json.loads(notebook.read_text())
    content["cells"][0]["id"] = "m2"
    notebook.write_text(json.dumps(content))
    assert {u.state for u in i18n.units("notebooks/01_x")} == {"missing", "orphan"}
    assert any("dropped orphan m1" in line for line in i18n.sync())
    assert [u.state for u in i18n.units("notebooks/01_x")] == ["missing"]


def test_chinese_notebook_keeps_code_cells(course):
    i18n.sync()
    i18n.put("notebooks/01_x", "m1", "# 章\n\n正文。")
    (path,) = i18n.build_notebooks()
    cells = json.loads(path.read_text())["cells"]
    assert "".join(cells[0]["source"]) == "# 章\n\n正文。" and cells[1]["source"] == ["print(1)"]


def test_a_broken_translation_file_says_what_to_do(course):
    i18n.store_path("book/page").parent.mkdir(parents=True)
    i18n.store_path("book/page").write_text("- key: [unclosed\n")
    with pytest.raises(CourseError, match="not a valid translation file"):
        i18n.units("book/page")


@pytest.mark.parametrize(
    ("zh", "problem"),
    [
        ("第 1 步，用 `tokenizer` 得到 384 维。", None),  # a full-width comma after a number is fine
        ("第一步，用 `tokenizer` 得到 384 维。", "numbers"),
        ("第 1 步，用分词器得到 384 维。", "code spans"),
        ("Step 1, `tokenizer`, 384.", "no Chinese"),
    ],
)
def test_check_unit_catches_what_a_translation_lost(zh, problem):
    found = i18n.check_unit("Step 1, use `tokenizer` to get 384 dimensions.", zh)
    assert (not found) if problem is None else any(problem in p for p in found), found


def test_check_unit_translates_directive_bodies_but_keeps_code_blocks():
    en = "```{admonition} What you learn\n- a `pipeline()`\n```\n\n```python\nx = 1\n```\n"
    good = "```{admonition} 你将学到\n- 一个 `pipeline()`\n```\n\n```python\nx = 1\n```\n"
    assert i18n.check_unit(en, good) == []
    assert any("code block" in p for p in i18n.check_unit(en, good.replace("x = 1", "x = 2")))
    assert any("directives" in p for p in i18n.check_unit(en, good.replace("{admonition}", "{note}")))
