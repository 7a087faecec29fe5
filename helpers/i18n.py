"""The Chinese edition's prose as data, checked for freshness against the English it translates.

A *unit* is one Markdown cell of a chapter notebook (keyed by its cell id) or one section of a book
page (keyed by its heading line; `top` is the text before the first heading). Each translated unit
is stored in `i18n/zh_CN/<source>.yml` with the English it was translated from (`en`), that text's
hash (`sha`) and the translation (`zh`). A unit is *missing* (no translation), *stale* (the English
changed since), or *orphan* (its English unit is gone). Code cells and outputs are never
translated: the Chinese notebooks take them, byte for byte, from the English ones.

    python -m helpers.i18n status [--diff] [SOURCE ...]  what is missing or stale (exit 1 if any)
    python -m helpers.i18n todo SOURCE                   the English to translate, changes as diffs
    python -m helpers.i18n put SOURCE KEY < zh.md        store a translation of the current English
    python -m helpers.i18n check [SOURCE ...]            what a translation lost (code, numbers, links)
    python -m helpers.i18n sync                          add new units, drop orphans (never edits zh)
    python -m helpers.i18n build                         write notebooks/zh_CN/ from the English ones

SOURCE is a path without suffix, e.g. `notebooks/03_tokenizers` or `book/setup`.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from helpers.errors import CourseError

ROOT = Path(__file__).resolve().parent.parent
LANG = "zh_CN"
STORE = ROOT / "i18n" / LANG
ZH_NOTEBOOKS = ROOT / "notebooks" / LANG


def sha(text: str) -> str:
    """The hash a translation records: of the English text, stripped of surrounding blank space."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:12]


def sources() -> list[str]:
    """Every translatable source, e.g. `book/setup`, `notebooks/00_setup`, in reading order."""
    pages = [f"book/{p.stem}" for p in sorted((ROOT / "book").glob("*.md"))]
    notebooks = [f"notebooks/{p.stem}" for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    return pages + notebooks


def source_path(source: str) -> Path:
    """The English file of `source`."""
    suffix = ".ipynb" if source.startswith("notebooks/") else ".md"
    path = ROOT / f"{source}{suffix}"
    if not path.is_file():
        raise CourseError(f"No English source {source!r}. Known: {', '.join(sources())}.")
    return path


HEADING = re.compile(r"^#{1,6} \S")
OPEN_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})(.*)$")


def fenced_lines(text: str) -> Iterator[tuple[str, str, int]]:
    """Each line of Markdown `text` (line ends kept) with its kind and the number of fences around it.

    Kinds: `code-open` (the fence that opens a code block), `code` (the rest of the block, its closing
    fence included), `fence` (a directive's opening or closing line: ```{note}, :::{dropdown}) and
    `text`, which includes a directive's body (it is prose).
    """
    stack: list[tuple[str, bool]] = []  # open fences: (marker, is code)
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stack and stack[-1][1]:  # inside a code block: only its closing fence ends it
            if stripped == stack[-1][0]:
                stack.pop()
            yield line, "code", len(stack)
        elif stack and stripped == stack[-1][0]:
            stack.pop()
            yield line, "fence", len(stack)
        elif (found := OPEN_FENCE.match(stripped)) and (
            found.group(2).strip().startswith("{") or not found.group(1).startswith(":")
        ):
            is_code = not found.group(2).strip().startswith("{")
            stack.append((found.group(1), is_code))
            yield line, "code-open" if is_code else "fence", len(stack)
        else:
            yield line, "text", len(stack)


def page_units(text: str) -> dict[str, str]:
    """Split a Markdown page into sections at headings outside fences: {heading line or 'top': text}."""
    units: dict[str, list[str]] = {"top": []}
    key = "top"
    for line, kind, depth in fenced_lines(text):
        if kind == "text" and depth == 0 and HEADING.match(line):
            key = line.strip()
            n = 2
            while key in units:
                key, n = f"{line.strip()} #{n}", n + 1
            units[key] = []
        units[key].append(line)
    return {k: "".join(v) for k, v in units.items() if "".join(v).strip()}


def english_units(source: str) -> dict[str, str]:
    """The English units of `source`, in order: {key: text}."""
    path = source_path(source)
    if path.suffix == ".md":
        return page_units(path.read_text())
    cells = json.loads(path.read_text())["cells"]
    return {c["id"]: "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"}


def store_path(source: str) -> Path:
    return STORE / f"{source}.yml"


def load(source: str) -> dict[str, dict[str, str]]:
    """The stored translations of `source`: {key: {'sha', 'en', 'zh'}} (empty if none yet)."""
    path = store_path(source)
    if not path.is_file():
        return {}
    try:
        entries = yaml.safe_load(path.read_text()) or []
        return {str(e["key"]): {k: str(e.get(k) or "") for k in ("sha", "en", "zh")} for e in entries}
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise CourseError(
            f"{path} is not a valid translation file ({type(exc).__name__}: {str(exc).splitlines()[0]}). "
            "Restore it from git, or fix the YAML (a list of entries with key, sha, en, zh)."
        ) from exc


class _Dumper(yaml.SafeDumper):
    """Multi-line strings as literal blocks, so a translation file reads like the Markdown it holds."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def save(source: str, entries: dict[str, dict[str, str]]) -> None:
    """Write the translations of `source` in the English units' order."""
    path = store_path(source)
    path.parent.mkdir(parents=True, exist_ok=True)
    items = [
        {
            "key": k,
            "sha": e["sha"],
            "en": e["en"].strip() + "\n",
            "zh": e["zh"].strip() + "\n" if e["zh"].strip() else "",
        }
        for k, e in entries.items()
    ]
    path.write_text(yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000))


@dataclass
class Unit:
    source: str
    key: str
    state: str  # ok | missing | stale | orphan
    english: str
    translated_from: str
    zh: str


def units(source: str) -> list[Unit]:
    """Every unit of `source` with its state, English order first, then orphans."""
    english, stored = english_units(source), load(source)
    found = []
    for key, text in english.items():
        entry = stored.get(key)
        if entry is None or not entry["zh"].strip():
            state = "missing"
        else:
            state = "ok" if entry["sha"] == sha(text) else "stale"
        found.append(Unit(source, key, state, text, entry["en"] if entry else "", entry["zh"] if entry else ""))
    found += [Unit(source, k, "orphan", "", e["en"], e["zh"]) for k, e in stored.items() if k not in english]
    return found


def summary() -> dict[str, dict[str, int]]:
    """{source: {state: count}} over every source."""
    table = {}
    for source in sources():
        counts = {"ok": 0, "missing": 0, "stale": 0, "orphan": 0}
        for unit in units(source):
            counts[unit.state] += 1
        table[source] = counts
    return table


def diff(unit: Unit) -> str:
    """The English change since the unit was translated, as a unified diff."""
    lines = difflib.unified_diff(
        unit.translated_from.strip().splitlines(),
        unit.english.strip().splitlines(),
        "translated from",
        "English now",
        lineterm="",
        n=1,
    )
    return "\n".join(lines)


def sync() -> list[str]:
    """Add every new English unit (empty zh), drop orphans; return what changed. Never edits a zh text."""
    said = []
    for source in sources():
        english, stored = english_units(source), load(source)
        entries = {}
        for key, text in english.items():
            entries[key] = stored.get(key) or {"sha": sha(text), "en": text, "zh": ""}
            if key not in stored:
                said.append(f"{source}: new unit {key}")
        for key in stored.keys() - english.keys():
            said.append(f"{source}: dropped orphan {key} (its zh was: {stored[key]['zh'][:60]!r})")
        if entries != stored or not store_path(source).is_file():
            save(source, entries)
    return said


def put(source: str, key: str, zh: str) -> None:
    """Store `zh` as the translation of the current English of unit `key`."""
    english, stored = english_units(source), load(source)
    if key not in english:
        raise CourseError(f"{source} has no unit {key!r}; `python -m helpers.i18n todo {source}` lists them.")
    if not zh.strip():
        raise CourseError("The translation is empty: pipe the Chinese text into `put`.")
    stored[key] = {"sha": sha(english[key]), "en": english[key], "zh": zh}
    save(source, {k: stored[k] for k in english if k in stored} | {k: v for k, v in stored.items() if k not in english})


CODE_SPAN = re.compile(r"(`+)((?:(?!\n\s*\n).)+?)\1", re.S)
TARGET = re.compile(r"\{(?:doc|ref|numref|download|term)\}`[^`<]*<?([^`>]+)>?`|\]\(([^)\s]+)")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$", re.S)
NUMBER = re.compile(r"(?<![\w.])[-+]?\d(?:[\d,]*\d)?(?:\.\d+)?(?:e-?\d+)?")
CJK = re.compile(r"[\u4e00-\u9fff]")


def split_fences(text: str) -> tuple[list[str], list[str], str]:
    """(code blocks, directive names, the rest): code fences are kept whole; a directive fence
    (```{note}, :::{dropdown}) keeps its body in the rest, which is translated."""
    code, directives, rest = [], [], []
    for line, kind, _ in fenced_lines(text):
        if kind == "code-open":
            code.append(line)
        elif kind == "code":
            code[-1] += line
        elif kind == "fence" and (found := OPEN_FENCE.match(line.strip())) and found.group(2).strip():
            directives.append(found.group(2).strip().split("}")[0] + "}")
        elif kind == "text":
            rest.append(line)
    return [block.strip() for block in code], directives, "".join(rest)


def prose(text: str) -> str:
    """Text without code blocks, code spans, math and link targets: what gets translated."""
    text = split_fences(text)[2]
    return CODE_SPAN.sub(" ", TARGET.sub(" ", MATH.sub(" ", text)))


def check_unit(en: str, zh: str) -> list[str]:
    """What a translation changed that it must keep: code, directives, targets, math, numbers, heading levels."""
    problems = []
    if not CJK.search(zh):
        problems.append("no Chinese text")
    (en_code, en_dirs, en_rest), (zh_code, zh_dirs, zh_rest) = split_fences(en), split_fences(zh)
    for name, found, kept in (
        ("code block", set(en_code), set(zh_code)),
        ("code span", *({" ".join(m.group(2).split()) for m in CODE_SPAN.finditer(t)} for t in (en_rest, zh_rest))),
        ("link or cross-reference target", *({a or b for a, b in TARGET.findall(t)} for t in (en, zh))),
        ("math", set(MATH.findall(en_rest)), set(MATH.findall(zh_rest))),
        ("number", set(NUMBER.findall(prose(en))), set(NUMBER.findall(prose(zh)))),
    ):
        if lost := found - kept:
            problems.append(f"{name}s of the English missing: {sorted(lost)[:6]}")
    if en_dirs != zh_dirs:
        problems.append(f"directives differ: {en_dirs} vs {zh_dirs}")
    levels = [len(m.group(0)) for m in re.finditer(r"^#+(?= )", en_rest, re.M)]
    zh_levels = [len(m.group(0)) for m in re.finditer(r"^#+(?= )", zh_rest, re.M)]
    if levels != zh_levels:
        problems.append(f"heading levels differ: {levels} vs {zh_levels}")
    return problems


def check(source: str) -> list[str]:
    """Problems of the translated units of `source`, one line each."""
    return [f"{source} [{u.key}]: {p}" for u in units(source) if u.zh.strip() for p in check_unit(u.english, u.zh)]


def zh_text(source: str) -> dict[str, str]:
    """{key: Chinese text} for a source whose every unit is translated and fresh; raise otherwise."""
    found = units(source)
    bad = [u for u in found if u.state != "ok"]
    if bad:
        raise CourseError(
            f"{source}: {len(bad)} unit(s) not translated or stale ({', '.join(u.state for u in bad[:5])}...): "
            f"run `python -m helpers.i18n todo {source}`."
        )
    return {u.key: u.zh for u in found}


def zh_page(source: str) -> str:
    """The Chinese page of a book source, its sections in the English order."""
    return "\n\n".join(text.strip() for text in zh_text(source).values()) + "\n"


def translate_notebook(notebook: dict[str, Any], source: str) -> dict[str, Any]:
    """`notebook` (the English one, committed or just executed) with its Markdown cells in Chinese."""
    translated = zh_text(source)
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            if cell.get("id") not in translated:
                raise CourseError(f"{source}: Markdown cell {cell.get('id')!r} has no translation unit.")
            cell["source"] = translated[cell["id"]].strip().splitlines(keepends=True)
    return notebook


def zh_notebook(source: str) -> dict[str, Any]:
    """The Chinese notebook: the English one with its Markdown cells translated, everything else the same."""
    return translate_notebook(json.loads(source_path(source).read_text()), source)


GLOSSARY = ROOT / "i18n" / "glossary.yml"


def glossary() -> dict[str, Any]:
    """The one terminology source: each term in English, the Chinese edition's term, the notes' term, the page."""
    return yaml.safe_load(GLOSSARY.read_text())


def notebook_json(notebook: dict[str, Any]) -> str:
    """A notebook as Jupyter writes it (indent 1, non-ASCII kept, final newline)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def build_notebooks() -> list[Path]:
    """Write notebooks/zh_CN/NN_*.ipynb for every chapter; return the paths."""
    ZH_NOTEBOOKS.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources():
        if source.startswith("notebooks/"):
            path = ZH_NOTEBOOKS / f"{Path(source).name}.ipynb"
            path.write_text(notebook_json(zh_notebook(source)))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.i18n", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    status = sub.add_parser("status", help="what is missing or stale")
    status.add_argument("--diff", action="store_true", help="show the English change of stale units")
    status.add_argument("source", nargs="*")
    todo = sub.add_parser("todo", help="the English units still to translate")
    todo.add_argument("source")
    put_cmd = sub.add_parser("put", help="store a translation (read from stdin) of the current English")
    put_cmd.add_argument("source")
    put_cmd.add_argument("key")
    check_cmd = sub.add_parser("check", help="what translations changed that they must keep")
    check_cmd.add_argument("source", nargs="*")
    sub.add_parser("sync", help="add new units, drop orphans")
    sub.add_parser("build", help="write the Chinese notebooks")
    args = parser.parse_args(argv)
    try:
        if args.command == "status":
            bad = 0
            for source in args.source or sources():
                found = units(source)
                todo_units = [u for u in found if u.state != "ok"]
                bad += len(todo_units)
                print(f"{source}: {len(found) - len(todo_units)} of {len(found)} units translated and fresh")
                for u in todo_units:
                    print(f"  {u.state:8} {u.key}")
                    if args.diff and u.state == "stale":
                        print("    " + diff(u).replace("\n", "\n    "))
            return 1 if bad else 0
        if args.command == "todo":
            for u in units(args.source):
                if u.state == "ok":
                    continue
                print(f"===== {u.state} unit, key: {u.key}")
                print(diff(u) if u.state == "stale" else u.english.strip())
                if u.state == "stale":
                    print("----- its translation now:\n" + u.zh.strip())
            return 0
        if args.command == "put":
            put(args.source, args.key, sys.stdin.read())
            return 0
        if args.command == "check":
            problems = [p for source in args.source or sources() for p in check(source)]
            print("\n".join(problems) or "no problems")
            return 1 if problems else 0
        if args.command == "sync":
            print("\n".join(sync()) or "nothing to add or drop")
            return 0
        if args.command == "build":
            for path in build_notebooks():
                print(path.relative_to(ROOT))
            return 0
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
