"""Builds the website: stages pages and notebooks, writes the generated tables, runs Jupyter Book.

`make book` runs `python -m helpers.book --from executed` (the notebooks the runner just executed);
`make test` runs `--from committed --strict` (the committed notebooks, warnings as errors).
The generated tables (status, data card) are computed at build time, never pasted.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from helpers import datacard, i18n, pack, recipe_search, run
from helpers.errors import CourseError
from helpers.i18n import LANG
from helpers.tables import cell, table

ROOT = run.ROOT
STAGE = run.BUILD / "site-src"
HTML = run.BUILD / "html"


EDITIONS = ("en", LANG)
# What the Chinese edition changes in the configuration and the table of contents.
ZH_CONFIG = {"title": "Transformers, executed（中文版）", "search_bar_text": "搜索课程……"}
ZH_CAPTIONS = {"Start here": "从这里开始", "Chapters": "章节", "Reference": "参考"}
TOGGLES = {
    "en": ("Solution to exercise {number}", "Quiz answers and explanations", "Answer"),
    LANG: ("练习 {number} 的解答", "测验答案与解释", "答案"),
}


def stage_dir(edition: str) -> Path:
    return STAGE if edition == "en" else run.BUILD / f"site-src-{edition}"


def stage(source: str, edition: str = "en") -> Path:
    """Copy config, pages and notebooks (executed or committed) of one edition into its staging folder.

    Both editions have the same page names; the Chinese one takes its prose from `i18n/` (pages and
    Markdown cells) and everything else, code and outputs included, from the English notebooks.
    """
    target = stage_dir(edition)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    config["sphinx"]["extra_extensions"].append("helpers.sphinx_edition")
    config["sphinx"]["config"]["course_edition"] = edition
    if edition != "en":
        config["title"] = ZH_CONFIG["title"]
        config["html"]["search_bar_text"] = ZH_CONFIG["search_bar_text"]
        config["sphinx"]["config"]["language"] = edition
        for part in toc["parts"]:
            part["caption"] = ZH_CAPTIONS[part["caption"]]
    (target / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    (target / "_toc.yml").write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    shutil.copytree(ROOT / "book", target / "book")
    if edition != "en":
        for name in i18n.sources():
            if name.startswith("book/"):
                (target / f"{name}.md").write_text(i18n.zh_page(name))
    (target / "notebooks").mkdir()
    for notebook in sorted(run.NOTEBOOKS.glob("*.ipynb")):
        executed = run.EXECUTED / notebook.name
        if source == "executed" and not executed.is_file():
            raise CourseError(
                f"{executed} is missing: run `python -m helpers.run` first (or build "
                "from the committed notebooks with --from committed)."
            )
        content = json.loads((executed if source == "executed" else notebook).read_text())
        if edition != "en":
            content = i18n.translate_notebook(content, f"notebooks/{notebook.stem}")
        copy_for_readers(content, target / "notebooks" / notebook.name, edition)
    return target


def copy_for_readers(notebook: dict[str, Any], target: Path, edition: str = "en") -> None:
    """Write a notebook for the book: no test markers (`# NBVAL_CHECK_OUTPUT`), and each exercise's
    solution and the quiz's answers behind a toggle right after their check cells."""
    cells = []
    for item in notebook["cells"]:
        if item["cell_type"] == "code":
            lines = "".join(item["source"]).splitlines(keepends=True)
            item["source"] = [line for line in lines if line.strip() != "# NBVAL_CHECK_OUTPUT"]
        cells.append(item)
        toggle = answer_toggle("".join(item["source"]), edition) if item["cell_type"] == "code" else None
        if toggle:
            cells.append(
                {
                    "cell_type": "markdown",
                    "id": f"answers-{len(cells)}",
                    "metadata": {},
                    "source": toggle.splitlines(keepends=True),
                }
            )
    notebook["cells"] = cells
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False))


EXERCISE_CALL = re.compile(r'helpers\.checks\.exercise\("(ch\d\d)", (\d+),')
QUIZ_CALL = re.compile(r'helpers\.checks\.quiz\("(ch\d\d)",')


def answer_toggle(code: str, edition: str = "en") -> str | None:
    """Markdown for a closed dropdown (a <details> element: no JavaScript) after a check cell, or None."""
    from helpers import checks

    solution, answers, answer = TOGGLES[edition]
    if found := EXERCISE_CALL.search(code):
        name, number = found.group(1), int(found.group(2))
        item = checks.find_exercise(name, number)
        title = solution.format(number=number)
        return f":::{{dropdown}} {title}\n```python\n{item.solution.strip()}\n```\n:::\n"
    if found := QUIZ_CALL.search(code):
        lines = [f":::{{dropdown}} {answers}"]
        for q in checks.chapter(found.group(1)).quiz:
            lines.append(f"**{q.number}.** {answer}: **{q.key}**\n")
            lines += [f"- **{letter}**: {why}" for letter, why in q.options.items()] + [""]
        return "\n".join(lines + [":::", ""])
    return None


def reports(source: str) -> list[dict[str, Any]]:
    """Return the run reports to show: the fresh ones for executed builds, else the committed ones."""
    folders = [run.REPORTS, run.COMMITTED_REPORTS] if source == "executed" else [run.COMMITTED_REPORTS]
    found: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for path in sorted(folder.glob("run-report-*.json")):
            report = json.loads(path.read_text())
            found.setdefault(report["profile"], report)
    return [found[k] for k in sorted(found)]


# The worlds a learner runs the course in, by run-report profile, and how each is executed.
WORLDS = {
    "cpu": "CPU profile, offline course pack (what CI checks with nbval)",
    "gpu-on-cpu": "GPU profile's work (whole split, official recipe) on the CPU: `make gpu-work-on-cpu`",
    "online-localhub": "online, against a local test Hub of tiny random models (every `make test`)",
    "gpu": "GPU profile on a CUDA GPU: `make test PROFILE=gpu`",
    "online": "online, the real Hugging Face Hub with the real checkpoints",
}


def worlds_table(found: list[dict[str, Any]]) -> list[str]:
    """Markdown lines: for each world, when its last recorded run finished, or that it never ran."""
    by_profile = {report["profile"]: report for report in found}
    rows = []
    for profile, world in WORLDS.items():
        report = by_profile.get(profile)
        if report is None:
            rows.append([world, "**never executed**", "-"])
            continue
        ok = sum(r["status"] == "ok" for r in report["notebooks"])
        env = report["environment"]
        rows.append(
            [world, f"{report['finished']} on {env['cpu']}, GPU: {env['gpu']}", f"{ok} of {len(report['notebooks'])}"]
        )
    return ["## Where the course has run", "", *table(["world", "last recorded run", "notebooks ok"], rows), ""]


def status_tables(source: str) -> str:
    """Markdown for the status page: where it ran, run reports per profile and the course-pack manifest."""
    found = reports(source) or []
    lines = worlds_table(found)
    for report in found:
        lines += [f"## Profile `{report['profile']}`", "", run.markdown_table(report)]
    if not found:
        lines += ["No run report yet: run `make book` to execute the notebooks.", ""]
    return "\n".join(lines + recipe_tables() + pack_tables() + bench_tables())


def recipe_tables() -> list[str]:
    """Chapter 5's recipe search (helpers.recipe_search): validation per candidate, the chosen one's spread."""
    if not recipe_search.OUT.is_file():
        return ["## Chapter 5's recipe", "", "Not measured yet: run `make recipes`.", ""]
    r = recipe_search.load()

    def validation(name: str, metric: str) -> str:
        s = recipe_search.on_search_seeds(r, name, metric)
        return f"{s['mean']:.3f} ± {s['sd']:.3f}"

    rows = [
        [
            name,
            ", ".join(f"{k}={v}" for k, v in c["changes"].items()) or "-",
            ", ".join(str(int(run["kept_epoch"])) for run in c["runs"]),
            validation(name, "accuracy"),
            validation(name, "f1"),
        ]
        for name, c in r["candidates"].items()
    ]
    chosen = [
        [key.replace("_", " "), f"{v['mean']:.3f} ± {v['sd']:.3f}", f"{v['min']:.3f}-{v['max']:.3f}"]
        for key, v in r["chosen_scores"].items()
        if key != "runs"
    ]
    return [
        "## Chapter 5's recipe, chosen on the validation split",
        "",
        f"Measured {r['measured']} by `make recipes` (offline, course-pack stand-in of `bert-base-uncased`; "
        f"data {cell(r['data'])}; bf16 autocast {r['bf16']}). Candidates change the base recipe "
        f"{cell(r['base'])}.",
        "",
        f"Validation: mean ± sd over the search seeds {recipe_search.search_seeds(r)}, the evidence of the choice.",
        "",
        *table(["candidate", "changes", "kept epochs", "validation accuracy", "validation F1"], rows, right=(3, 4)),
        "",
        f"Chosen: **{r['chosen']}**. Its models, one per seed ({', '.join(map(str, r['seeds']))}), scored once:",
        "",
        *table(["figure", "mean ± sd", "min-max"], chosen, right=(1, 2)),
        "",
        *(
            [
                f"Test split and check set scored {r['rescored']} by `python -m helpers.recipe_search --rescore` "
                "after the check set was replaced: the chosen recipe retrained on each seed, every run reproducing "
                "its recorded validation score.",
                "",
            ]
            if "rescored" in r
            else []
        ),
    ]


def pack_tables() -> list[str]:
    """Markdown lines for the course pack: what each artifact is, the Hub names it answers for, its quality."""
    from helpers.hub import ENCODER, STAND_INS, describe

    records = pack.manifest()
    what = [[name, describe(name), r.get("build_seconds", "")] for name, r in records.items()]
    what.append([ENCODER, f"{describe(ENCODER)}, packaged, not trained further", 0])
    quality = []
    for name, r in records.items():
        measured = {"problem": r["problem"]} if "problem" in r else r["quality"]
        quality += [[name, key.replace("_", " "), value] for key, value in measured.items()]
    quality.append([ENCODER, "quality", "see chapter 4"])
    return [
        "## Course pack",
        "",
        *table(["artifact", "what it is", "build s"], what, right=(2,)),
        "",
        "Offline, each Hub name below is answered by the course-pack artifact beside it:",
        "",
        *table(["Hub name", "artifact"], [[f"`{name}`", artifact] for name, artifact in STAND_INS.items()]),
        "",
        "Measured when each artifact was built (↵ marks a line break in a quoted text):",
        "",
        *table(["artifact", "measured", "value"], quality),
        "",
    ]


def bench_tables() -> list[str]:
    """Markdown lines for the benchmark results of `make bench`, if they were measured."""
    from helpers.bench import OUT

    if not OUT.is_file():
        return ["## Benchmarks", "", "Not measured yet: run `make bench`.", ""]
    b = json.loads(OUT.read_text())
    load = (
        f" 1-minute load average {b['load_average_before']} before, {b['load_average_after']} after"
        f" (above the core count means the timings were shared)."
        if "load_average_before" in b
        else ""
    )
    rows = [[f"course pack: {key.replace('_', ' ')}", _figure(value)] for key, value in b["course_pack"].items()]
    lessons, pad = b["lessons"], b["lessons"]["padding"]
    speed = lessons["training_samples_per_second"]
    rows += [
        [
            "`Dataset.map`: unbatched / batched seconds",
            f"{lessons['map_unbatched_seconds']} / {lessons['map_batched_seconds']} (x{lessons['map_speedup']})",
        ],
        ["padding: dynamic / max-length tokens", f"{pad['dynamic_tokens']} / {pad['max_length_tokens']}"],
        [
            "padding: dynamic / max-length forward seconds",
            f"{pad['dynamic_seconds']} / {pad['max_length_seconds']} (x{pad['speedup']})",
        ],
        [
            "training samples/s: Trainer / plain loop",
            f"{speed['trainer']} / {speed['plain_loop']} (Trainer time ratio {speed['trainer_overhead_ratio']})",
        ],
    ]
    lines = ["## Benchmarks", "", f"Measured {b['measured']} on {b['environment']['cpu']}.{load}", ""]
    lines += [*table(["what", "figure"], rows), ""]
    if b.get("mrpc_cpu_profile"):
        m = b["mrpc_cpu_profile"]
        lines += [
            f"Chapter 5, CPU profile, run of {m.get('measured', b['measured'])} "
            f"({m['model']}, course paraphrase set, {m['epochs']:g} epochs): "
            f"validation accuracy {m['accuracy']}, F1 {m['f1']}; training {m['train_seconds']} s "
            f"({m['train_samples_per_second']} pairs/s).",
            "",
        ]
    if b.get("notebooks"):
        header = ["notebook", "status", "seconds", "kernel peak memory (MB)"]
        rows = [[r["notebook"], r["status"], r["seconds"], r["peak_rss_mb"]] for r in b["notebooks"]]
        lines += table(header, rows, right=(2, 3))
    return lines + [""]


def _figure(value: Any) -> str:
    """A benchmark figure as text: a mapping as 'a: yes, b: no', anything else as it is."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_figure(v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def glossary_terms(edition: str) -> str:
    """The glossary directive of one edition, generated from `i18n/glossary.yml` (the one terminology source)."""
    lines = ["```{glossary}"]
    for t in i18n.glossary()["terms"]:
        if edition == "en":
            heading, text = t["heading"], t["definition"]
        else:
            heading = t["zh"] if t["zh"] == t["term"] else f"{t['zh']}（{t['term']}）"
            other = [n.strip() for n in t["notes"].split(",") if n.strip() and n.strip() != t["zh"]]
            other = [n for n in other if n not in t["zh_definition"]]  # unless the definition names it
            text = t["zh_definition"].strip() + (f"笔记写作“{'”“'.join(other)}”。" if other else "")
        link = f"{{doc}}`{t['page']}`"
        lines += [heading, f"  {text} {link}" if edition == "en" else f"  {text}参见 {link}。", ""]
    return "\n".join(lines + ["```", ""])


def translation_table() -> list[str]:
    """Markdown lines: each page's and chapter's translation state in the Chinese edition."""
    rows = [[f"`{source}`", c["ok"], c["missing"], c["stale"], c["orphan"]] for source, c in i18n.summary().items()]
    return [
        "## The Chinese edition",
        "",
        "Units (Markdown cells, page sections) translated and fresh, and those missing or stale "
        "(`python -m helpers.i18n status --diff` shows what changed):",
        "",
        *table(["source", "fresh", "missing", "stale", "orphan"], rows, right=(1, 2, 3, 4)),
        "",
    ]


def fragments(source: str) -> dict[str, str]:
    """The generated Markdown fragments both editions share (computed once: the data card's baselines
    fit models): {file name: text}."""
    return {
        "status_tables.md": status_tables(source) + "\n".join(translation_table()),
        "data_tables.md": datacard.tables(),
    }


def generate(shared: dict[str, str], edition: str = "en") -> None:
    """Write the generated fragments that the status, data card and glossary pages include."""
    out = stage_dir(edition) / "book" / "_generated"
    out.mkdir(parents=True, exist_ok=True)
    for name, text in {**shared, "glossary_terms.md": glossary_terms(edition)}.items():
        (out / name).write_text(text)


def build(source: str, strict: bool, editions: tuple[str, ...] = EDITIONS) -> Path:
    """Stage, generate and build each edition (English into _build/html, Chinese into its zh_CN/)."""
    if HTML.exists():
        shutil.rmtree(HTML)
    shared = fragments(source)
    for edition in editions:
        stage(source, edition)
        generate(shared, edition)
        jb = run.BUILD / ("jb" if edition == "en" else f"jb-{edition}")
        command = [
            str(Path(sys.executable).parent / "jupyter-book"),
            "build",
            str(stage_dir(edition)),
            "--path-output",
            str(jb),
        ]
        if strict:
            command += ["-W", "-n", "--keep-going"]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
            raise CourseError(f"The book build ({edition} edition) failed:\n{tail}")
        shutil.copytree(jb / "_build" / "html", HTML if edition == "en" else HTML / edition, dirs_exist_ok=True)
    return HTML / "index.html"


def main(argv: list[str] | None = None) -> int:
    """`python -m helpers.book [--from executed|committed] [--strict]`."""
    parser = argparse.ArgumentParser(prog="python -m helpers.book", description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", choices=("executed", "committed"), default="executed")
    parser.add_argument("--strict", action="store_true", help="warnings are errors (-W -n)")
    parser.add_argument("--edition", choices=EDITIONS, action="append", help="build only this edition")
    args = parser.parse_args(argv)
    try:
        index = build(args.source, args.strict, tuple(args.edition or EDITIONS))
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"book: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
