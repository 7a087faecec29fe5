"""The data set and metric repositories of the local Hub: GLUE MRPC and the GLUE metric Space.

`tests.hubserver.build` calls `write_glue` and `write_glue_metric`. The data set repo has the
real `nyu-mll/glue` layout (one parquet file per split under `mrpc/`, a README.md whose YAML
`configs:` and `dataset_info:` give the features), filled with the course's own paraphrase pairs
(`helpers.data.paraphrase()`), not with the real MRPC.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
GLUE_ID = "nyu-mll/glue"
GLUE_ALIASES = ("glue",)
METRIC_SPACE_ID = "evaluate-metric/glue"
SPLITS = ("train", "validation", "test")


def glue_card(info: list[dict], configs: list[dict]) -> str:
    """README.md of the data set repo: YAML metadata (configs, dataset_info) and a warning."""
    meta = {"pretty_name": "GLUE (test fixture)", "tags": ["test-fixture"], "configs": configs, "dataset_info": info}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    return (
        f"---\n{front}---\n\n# {GLUE_ID} (test fixture)\n\n"
        "Test fixture with the layout and schema of GLUE (config `mrpc` only); NOT the real data set. "
        "Its rows are the paraphrase pairs written for the course *Transformers, executed* "
        "(`helpers/data/paraphrase`), served by the course's local Hub stand-in.\n"
    )


def write_glue(folder: Path) -> dict[str, int]:
    """Write the `nyu-mll/glue` fixture (config mrpc) into `folder`; return the rows per split."""
    from helpers import data

    dataset = data.paraphrase()
    (folder / "mrpc").mkdir(parents=True, exist_ok=True)
    splits, rows = [], {}
    for split in SPLITS:
        part = dataset[split]
        part.to_parquet(str(folder / "mrpc" / f"{split}-00000-of-00001.parquet"))
        rows[split] = part.num_rows
        splits.append({"name": split, "num_bytes": int(part.data.nbytes), "num_examples": part.num_rows})
    files = sorted((folder / "mrpc").iterdir())
    size = sum(p.stat().st_size for p in files)
    info = [
        {
            "config_name": "mrpc",
            "features": dataset["train"].features._to_yaml_list(),
            "splits": splits,
            "download_size": size,
            "dataset_size": sum(s["num_bytes"] for s in splits),
        }
    ]
    configs = [{"config_name": "mrpc", "data_files": [{"split": s, "path": f"mrpc/{s}-*"} for s in SPLITS]}]
    (folder / "README.md").write_text(glue_card(info, configs), encoding="utf-8")
    return rows


def write_glue_metric(folder: Path) -> None:
    """Write the `evaluate-metric/glue` Space fixture: glue.py (ours) and a README.md."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "glue_metric.py", folder / "glue.py")
    (folder / "README.md").write_text(
        "---\ntitle: GLUE (test fixture)\nsdk: gradio\ntags:\n- evaluate\n- metric\n- test-fixture\n---\n\n"
        f"# {METRIC_SPACE_ID} (test fixture)\n\nA small GLUE metric written for the course's tests; "
        "NOT the Hub's evaluate-metric/glue script.\n",
        encoding="utf-8",
    )
