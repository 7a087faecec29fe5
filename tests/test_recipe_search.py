"""helpers.recipe_search: the choice is made on validation alone, and only the chosen recipe's models
are scored on the test split and the check set (training replaced by a stub; the real search is
`make recipes`). Also checks the committed record the chapter and the status page show."""

from pathlib import Path

import pytest

from helpers import data, recipe_search

VALIDATION = {"base": 0.80, "pooler at identity": 0.78, "no label smoothing": 0.83}


def test_search_chooses_on_validation_and_scores_only_the_chosen_recipe(monkeypatch):
    predicted_with = []

    def fake_train(recipe, seed, tokenized, tokenizer, folder):
        name = Path(folder).parent.name
        accuracy = VALIDATION[name] + seed / 1000
        return {"seed": seed, "kept_epoch": 2.0, "validation": {"accuracy": accuracy, "f1": accuracy}}

    def fake_predict(folder, tokenizer, pairs):
        predicted_with.append(Path(folder).parent.parent.name)
        return list(pairs["label"])  # a perfect model: the scores below are 1.0

    monkeypatch.setattr(recipe_search, "train_one", fake_train)
    monkeypatch.setattr(recipe_search, "predict", fake_predict)
    results = recipe_search.search(list(VALIDATION), [1, 2, 3], search_seeds=2)
    assert results["chosen"] == "no label smoothing"
    assert set(predicted_with) == {"no label smoothing"}  # test and check set: the chosen one only
    assert [r["seed"] for r in results["candidates"]["no label smoothing"]["runs"]] == [1, 2, 3]
    assert [r["seed"] for r in results["candidates"]["base"]["runs"]] == [1, 2]
    assert results["candidates"]["base"]["validation_accuracy"]["mean"] == pytest.approx(0.8015)
    assert results["chosen_scores"]["test_accuracy"]["mean"] == 1.0
    # what the chapter and the status page show: the choice's evidence, the chosen one's third seed left out
    assert recipe_search.search_seeds(results) == [1, 2]
    assert recipe_search.on_search_seeds(results, "no label smoothing", "accuracy")["mean"] == pytest.approx(0.8315)


def test_rescore_retrains_the_chosen_recipe_and_refuses_a_record_it_cannot_reproduce(monkeypatch):
    record = {
        "seeds": [1, 2],
        "base": {"num_train_epochs": 3},
        "chosen": "4 epochs",
        "data": {"check_set": 0},
        "candidates": {
            "4 epochs": {
                "changes": {"num_train_epochs": 4},
                "runs": [{"seed": s, "validation": {"accuracy": 0.8, "f1": 0.8}} for s in (1, 2)],
            }
        },
    }
    trained = []

    def fake_train(recipe, seed, tokenized, tokenizer, folder):
        trained.append((recipe["num_train_epochs"], seed))
        return {"seed": seed, "validation": {"accuracy": 0.8, "f1": 0.8 if seed == 1 or not drift else 0.7}}

    monkeypatch.setattr(recipe_search, "train_one", fake_train)
    monkeypatch.setattr(recipe_search, "predict", lambda folder, tokenizer, pairs: list(pairs["label"]))
    drift = False
    rescored = recipe_search.rescore(record)
    assert trained == [(4, 1), (4, 2)]  # the chosen recipe, on every seed of the record
    assert rescored["chosen_scores"]["check_accuracy"]["mean"] == 1.0
    assert rescored["data"]["check_set"] == len(data.paraphrase_check()) and "rescored" in rescored
    drift = True  # a run that does not reproduce its recorded validation score
    with pytest.raises(recipe_search.CourseError, match="seed 2: validation .* is not the recorded"):
        recipe_search.rescore(record)


def test_committed_record_matches_the_data_and_the_chapter_defaults():
    record = recipe_search.load()
    sizes = {name: len(split) for name, split in data.paraphrase().items()}
    assert {k: record["data"][k] for k in sizes} == sizes  # rerun `make recipes` after changing the data
    assert record["data"]["check_set"] == len(data.paraphrase_check())
    assert record["chosen"] in record["candidates"] and len(record["seeds"]) >= 3
    chosen = {**record["base"], **record["candidates"][record["chosen"]]["changes"]}
    from helpers.sizing import STAND_IN_CPU

    for key in (
        "num_train_epochs",
        "batch_size",
        "learning_rate",
        "freeze_embeddings",
        "reset_pooler",
        "label_smoothing",
    ):
        assert STAND_IN_CPU[key] == chosen[key], key
