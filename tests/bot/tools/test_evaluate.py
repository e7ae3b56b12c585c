"""The NLU scores (bot/tools/evaluate.py) without training: the figures read from the reports that
`rasa test nlu` writes (a stand-in writes them here), and the table that prints them. The real run
on the trained model: tests/e2e/test_nlu_quality.py."""

import json

from bot.tools import NLU_CASES, evaluate


def test_the_figures_are_read_from_the_reports_rasa_writes(tmp_path, monkeypatch):
    ran = []

    def rasa_test_nlu(command, **kwargs):
        ran.append(command)
        out = tmp_path / "heldout-nlu_dev-ons"
        out.mkdir(parents=True)
        (out / "intent_report.json").write_text(
            json.dumps({"accuracy": 0.921, "macro avg": {"f1-score": 0.9, "support": 240}})
        )
        (out / "CRFEntityExtractor_report.json").write_text(json.dumps({"role": {"f1-score": 0.95}}))
        (out / "intent_errors.json").write_text(json.dumps([{"text": "x", "intent": "greet"}]))

    monkeypatch.setattr(evaluate, "RESULTS", tmp_path)
    monkeypatch.setattr(evaluate.subprocess, "run", rasa_test_nlu)
    figures = evaluate.score(tmp_path / "model.tar.gz", "nlu_dev-ons", evaluate.DEV)
    assert figures == {
        "intent accuracy": 0.921,
        "intent macro F1": 0.9,
        "entity F1 (role)": 0.95,
        "examples": 240,
        "errors": [{"text": "x", "intent": "greet"}],
    }
    assert ran[0][1:6] == ["test", "nlu", "--model", str(tmp_path / "model.tar.gz"), "--nlu"]
    assert ran[0][6] == str(NLU_CASES / "nlu_dev.yml")


def test_the_held_out_sets_are_the_case_files_of_the_tests():
    assert [path.name for path in (evaluate.HELDOUT, evaluate.HELDOUT_2, evaluate.DEV)] == [
        "nlu_heldout.yml",
        "nlu_heldout_2.yml",
        "nlu_dev.yml",
    ]
    assert all(
        path.parent == NLU_CASES and path.exists()
        for path in (evaluate.HELDOUT, evaluate.HELDOUT_2, evaluate.DEV)
    )
    assert evaluate.STOCK_CONFIG.exists()  # Rasa's stock configuration stays with the tool


def test_the_table_gives_ours_and_stocks_figures_with_the_difference():
    ours = {"intent accuracy": 0.971, "intent macro F1": 0.96, "entity F1 (role)": 0.98, "examples": 278}
    stock = {"intent accuracy": 0.9, "intent macro F1": 0.88, "entity F1 (role)": 0.99}
    lines = evaluate.table("nlu_heldout", ours, stock).splitlines()
    assert lines[0].split() == ["nlu_heldout", "(278", "vragen)", "ons", "stock", "verschil"]
    assert lines[1].split() == ["intent", "accuracy", "0.971", "0.900", "+0.071"]
    assert lines[3].split()[-1] == "-0.010"
    only_ours = evaluate.table("nlu_heldout", ours).splitlines()
    assert only_ours[1].split() == ["intent", "accuracy", "0.971"] and "stock" not in only_ours[0]
    assert float(only_ours[1][34:].split()[0]) == 0.971  # where tests/e2e/test_nlu_quality.py reads it
