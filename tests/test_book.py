"""The book's generated pages: status tables from run reports and the pack manifest."""

import json

from helpers import book, run


def test_status_tables_show_each_notebook_of_a_report(tmp_path, monkeypatch):
    records = [{"notebook": "01_pipeline.ipynb", "status": "ok", "seconds": 12.5, "profile": "cpu"},
               {"notebook": "05_finetune_mrpc.ipynb", "status": "failed", "seconds": 3.0, "profile": "cpu"}]
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


def test_bench_tables_render_measured_figures(tmp_path, monkeypatch):
    from helpers import bench

    figures = {"measured": "2026-01-01 00:00 UTC", "environment": {"cpu": "Test CPU (2 cores)"},
               "course_pack": {"warm_check_seconds": 1.5},
               "lessons": {"map_unbatched_seconds": 2.0, "map_batched_seconds": 0.5, "map_speedup": 4.0,
                           "padding": {"dynamic_tokens": 100, "max_length_tokens": 300, "max_length": 60,
                                       "dynamic_seconds": 1.0, "max_length_seconds": 2.5, "speedup": 2.5},
                           "training_samples_per_second": {"trainer": 20.0, "plain_loop": 25.0,
                                                           "trainer_overhead_ratio": 1.25}},
               "notebooks": [{"notebook": "01_pipeline.ipynb", "status": "ok", "seconds": 50.0, "peak_rss_mb": 900.0}],
               "load_average_before": 0.5, "load_average_after": 2.5,
               "mrpc_cpu_profile": {"measured": "2026-01-02 00:00 UTC", "model": "m", "epochs": 5.0,
                                    "accuracy": 0.81, "f1": 0.85, "train_seconds": 200.0,
                                    "train_samples_per_second": 24.0}}
    monkeypatch.setattr(bench, "OUT", tmp_path / "bench.json")
    (tmp_path / "bench.json").write_text(json.dumps(figures))
    text = "\n".join(book.bench_tables())
    assert "| padding: dynamic / max-length tokens | 100 / 300 |" in text
    assert "(x4.0)" in text and "| 01_pipeline.ipynb | ok | 50.0 | 900.0 |" in text
    assert "load average 0.5 before, 2.5 after" in text
    assert "run of 2026-01-02 00:00 UTC (m, course paraphrase set, 5 epochs): validation accuracy 0.81, F1 0.85" in text


def test_staged_notebooks_drop_the_test_markers(tmp_path):
    from conftest import write_notebook

    source = write_notebook(tmp_path / "nb.ipynb", "# NBVAL_CHECK_OUTPUT\nprint(1)  # keep me")
    book.copy_for_readers(source, tmp_path / "out.ipynb")
    cells = json.loads((tmp_path / "out.ipynb").read_text())["cells"]
    assert "".join(cells[1]["source"]) == "print(1)  # keep me"
    assert "NBVAL" in "".join(json.loads(source.read_text())["cells"][1]["source"])  # the original keeps it


def test_status_says_plainly_which_worlds_never_ran():
    report = {"profile": "cpu", "finished": "2026-12-01 10:00 UTC",
              "environment": {"cpu": "Test CPU (2 cores)", "gpu": "none"},
              "notebooks": [{"status": "ok"}, {"status": "failed"}]}
    lines = "\n".join(book.worlds_table([report]))
    assert "| 2026-12-01 10:00 UTC on Test CPU (2 cores), GPU: none | 1 of 2 |" in lines
    assert lines.count("**never executed**") == len(book.WORLDS) - 1
    assert "real Hugging Face Hub" in lines and "GPU profile on a CUDA GPU" in lines
