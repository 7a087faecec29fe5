"""The book's generated pages: status tables from run reports and the pack manifest."""

import json

from helpers import book, run


def test_status_tables_show_each_notebook_of_a_report(tmp_path, monkeypatch):
    records = [
        {"notebook": "01_pipeline.ipynb", "status": "ok", "seconds": 12.5, "profile": "cpu"},
        {"notebook": "05_finetune_mrpc.ipynb", "status": "failed", "seconds": 3.0, "profile": "cpu"},
    ]
    monkeypatch.setattr(run, "COMMITTED_REPORTS", tmp_path)
    run.write_report(records, "cpu", tmp_path)
    text = book.status_tables("committed")
    assert "| 01_pipeline.ipynb | ok | 12.5 | cpu | cpu |" in text
    assert "| 05_finetune_mrpc.ipynb | failed | 3.0 |" in text
    assert "## Course pack" in text and "sentiment" in text


def test_status_tables_say_when_there_is_no_report(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "COMMITTED_REPORTS", tmp_path)
    assert "No run report yet" in book.status_tables("committed")


def test_toc_lists_only_existing_files():
    import yaml

    toc = yaml.safe_load((run.ROOT / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for name in files:
        assert any((run.ROOT / f"{name}{ext}").is_file() for ext in (".md", ".ipynb")), name
    notebooks = {p.stem for p in run.NOTEBOOKS.glob("*.ipynb")}
    assert notebooks <= {f.split("/")[-1] for f in files}  # every notebook is in the book


# What `make bench` writes (book/reports/bench.json), in small.
BENCH = {
    "measured": "2026-01-01 00:00 UTC",
    "environment": {"cpu": "Test CPU (2 cores)"},
    "course_pack": {"warm_check_seconds": 1.5},
    "lessons": {
        "map_unbatched_seconds": 2.0,
        "map_batched_seconds": 0.5,
        "map_speedup": 4.0,
        "padding": {
            "dynamic_tokens": 100,
            "max_length_tokens": 300,
            "max_length": 60,
            "dynamic_seconds": 1.0,
            "max_length_seconds": 2.5,
            "speedup": 2.5,
        },
        "training_samples_per_second": {"trainer": 20.0, "plain_loop": 25.0, "trainer_overhead_ratio": 1.25},
    },
    "notebooks": [{"notebook": "01_pipeline.ipynb", "status": "ok", "seconds": 50.0, "peak_rss_mb": 900.0}],
    "load_average_before": 0.5,
    "load_average_after": 2.5,
    "mrpc_cpu_profile": {
        "measured": "2026-01-02 00:00 UTC",
        "model": "m",
        "epochs": 5.0,
        "accuracy": 0.81,
        "f1": 0.85,
        "train_seconds": 200.0,
        "train_samples_per_second": 24.0,
    },
}


def test_bench_tables_render_measured_figures(tmp_path, monkeypatch):
    from helpers import bench

    monkeypatch.setattr(bench, "OUT", tmp_path / "bench.json")
    (tmp_path / "bench.json").write_text(json.dumps(BENCH))
    text = "\n".join(book.bench_tables())
    assert "| padding: dynamic / max-length tokens | 100 / 300 |" in text
    assert "(x4.0)" in text and "| 01_pipeline.ipynb | ok | 50.0 | 900.0 |" in text
    assert "load average 0.5 before, 2.5 after" in text
    assert "run of 2026-01-02 00:00 UTC (m, course paraphrase set, 5 epochs): validation accuracy 0.81, F1 0.85" in text


def test_staged_notebooks_drop_the_test_markers(tmp_path):
    from conftest import write_notebook

    source = write_notebook(tmp_path / "nb.ipynb", "# NBVAL_CHECK_OUTPUT\nprint(1)  # keep me")
    book.copy_for_readers(json.loads(source.read_text()), tmp_path / "out.ipynb")
    cells = json.loads((tmp_path / "out.ipynb").read_text())["cells"]
    assert "".join(cells[1]["source"]) == "print(1)  # keep me"
    assert "NBVAL" in "".join(json.loads(source.read_text())["cells"][1]["source"])  # the original keeps it


def test_status_says_plainly_which_worlds_never_ran():
    report = {
        "profile": "cpu",
        "finished": "2026-12-01 10:00 UTC",
        "environment": {"cpu": "Test CPU (2 cores)", "gpu": "none"},
        "notebooks": [{"status": "ok"}, {"status": "failed"}],
    }
    lines = "\n".join(book.worlds_table([report]))
    assert "| 2026-12-01 10:00 UTC on Test CPU (2 cores), GPU: none | 1 of 2 |" in lines
    assert lines.count("**never executed**") == len(book.WORLDS) - 1
    assert "real Hugging Face Hub" in lines and "GPU profile on a CUDA GPU" in lines


# Markdown as the book parses it: markdown-it-py with MyST's configuration and this book's extensions.
def parse(markdown: str) -> list:
    """Return the markdown-it tokens of `markdown`, parsed as Jupyter Book (myst-parser) parses a page."""
    import yaml
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = yaml.safe_load((run.ROOT / "_config.yml").read_text())["parse"]["myst_enable_extensions"]
    return create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML).parse(markdown)


def rendered_tables(markdown: str) -> list[list[list[str]]]:
    """Each table the parser finds, as rows (the header row first) of cell texts."""
    tables: list[list[list[str]]] = []
    in_cell = False
    for token in parse(markdown):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            tables[-1].append([])
        elif token.type in ("th_open", "td_open"):
            tables[-1][-1].append("")
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "inline" and in_cell:
            tables[-1][-1][-1] = token.content
    return tables


def stray_pipes(markdown: str) -> list[str]:
    """Text outside any table that holds a `|`: the remains of a table that ended too early."""
    inside, stray = 0, []
    for token in parse(markdown):
        inside += {"table_open": 1, "table_close": -1}.get(token.type, 0)
        if token.type == "inline" and not inside and "|" in token.content:
            stray.append(token.content)
    return stray


QUOTED = "The capital of France is Paris.\n\nThe answer is: 201 | a\\|b\r\nend"  # newlines, pipes


def test_a_quoted_newline_or_pipe_stays_in_its_cell():
    markdown = "\n".join(book.table(["what", "text"], [["sample", QUOTED], ["next", "row"]]))
    assert rendered_tables(markdown) == [
        [
            ["what", "text"],
            ["sample", "The capital of France is Paris.↵↵The answer is: 201 | a\\|b↵end"],
            ["next", "row"],
        ]
    ]
    assert stray_pipes(markdown) == []


def test_the_parser_check_catches_a_table_that_does_not_render():
    naive = f"| what | text |\n|---|---|\n| sample | {QUOTED} |\n| next | row |"  # no escaping
    tables = rendered_tables(naive)
    assert tables[0] != [["what", "text"], ["sample", QUOTED], ["next", "row"]]
    assert stray_pipes(naive)  # the rest of the table became a paragraph


def test_every_generated_table_renders_with_its_rows_and_columns(tmp_path, monkeypatch):
    from helpers import bench, datacard, pack, recipe_search
    from helpers.hub import STAND_INS

    manifest = {
        "sentiment": {"quality": {"validation_accuracy": 0.9, "note": "a | b"}, "build_seconds": 1.0},
        "nli": {"name": "nli", "problem": "stale (its recipe\nchanged)"},
        "smollm2": {"quality": {"parameters": 1, "greedy_sample": QUOTED}, "build_seconds": 2.0},
    }
    monkeypatch.setattr(pack, "manifest", lambda full=True: manifest)
    monkeypatch.setattr(run, "COMMITTED_REPORTS", tmp_path)
    records = [{"notebook": f"0{i}_x.ipynb", "status": "ok", "seconds": 1.0, "profile": "cpu"} for i in range(3)]
    run.write_report(records, "cpu", tmp_path)
    monkeypatch.setattr(bench, "OUT", tmp_path / "bench.json")
    (tmp_path / "bench.json").write_text(json.dumps(BENCH))
    status = book.status_tables("committed")

    quality_rows = 2 + 1 + 2 + 1  # sentiment's measures, nli's problem, smollm2's measures, the encoder
    search = recipe_search.load()
    expected = [  # (rows with the header, columns) of each table, in page order
        (len(book.WORLDS) + 1, 3),
        (len(records) + 1, 6),
        (len(search["candidates"]) + 1, 5),
        (len(search["chosen_scores"]), 3),  # every figure but the list of runs, and the header
        (len(manifest) + 2, 3),
        (len(STAND_INS) + 1, 2),
        (quality_rows + 1, 3),
        (len(BENCH["course_pack"]) + 4 + 1, 2),
        (len(BENCH["notebooks"]) + 1, 4),
    ]
    tables = rendered_tables(status)
    assert [(len(t), len(t[0])) for t in tables] == expected
    assert all(len(row) == len(t[0]) for t in tables for row in t)
    assert stray_pipes(status) == []
    quality = {(row[0], row[1]): row[2] for row in tables[6][1:]}
    assert quality["smollm2", "greedy sample"] == "The capital of France is Paris.↵↵The answer is: 201 | a\\|b↵end"
    assert quality["sentiment", "note"] == "a | b" and quality["nli", "problem"] == "stale (its recipe↵changed)"

    info = {
        "paraphrase": {
            "sizes": {"train": 7, "validation": 2},
            "equivalent_share": {"train": 0.6},
            "majority_validation_accuracy": 0.5,
            "tfidf_validation": {"accuracy": 0.6, "f1": 0.7},
            "overlap_validation": {"accuracy": 0.5, "f1": 0.6},
            "topics": {"a|b": 1},
            "kinds": {"same": 1},
            "words_per_sentence": {"min": 1},
            "short_share": 0.4,
            "word_overlap_quartiles": {"not_equivalent": [0.1, 0.2, 0.3], "equivalent": [0.2, 0.3, 0.4]},
        },
        "paraphrase_check": {
            "size": 3,
            "equivalent_share": 0.5,
            "kinds": {"name": 1},
            "words_per_sentence": {"min": 4},
        },
        "sentiment": {
            "sizes": {"train": 5},
            "positive_share": {"train": 0.5},
            "majority_validation_accuracy": 0.5,
            "tfidf_validation_accuracy": 0.8,
            "domains": {"films": 3},
        },
        "topics": {
            "sizes": {"train": 4, "test": 2},
            "topics_seen": ["x", "y|z"],
            "topics_held_out": ["w"],
            "chance_accuracy_3_labels": 0.333,
            "tfidf_label_word_accuracy": 0.4,
        },
    }
    cards = rendered_tables(datacard.tables(info))
    assert [(len(t), len(t[0])) for t in cards] == [(5, 3), (8, 4)]
    assert all(len(row) == len(t[0]) for t in cards for row in t)
    assert cards[0][4] == ["topics (zero-shot)", "train: 4, test: 2", "2 seen topics, 1 held out"]
