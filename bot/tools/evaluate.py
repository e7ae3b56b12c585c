"""NLU quality on questions that are not training data (tests/cases/nlu/nlu_*.yml), ours against stock Rasa.

`python -m bot eval` (make eval) trains what is missing, runs `rasa test nlu` on both models
and prints intent accuracy, macro F1 and entity F1 side by side; with --ours-only only our
model's figures (no stock model to train: the tests' NLU floors use this).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any, Dict, Optional

from bot.runtime import launcher
from bot.tools import DATA, NLU_CASES

HELDOUT = NLU_CASES / "nlu_heldout.yml"
HELDOUT_2 = NLU_CASES / "nlu_heldout_2.yml"  # written later, scored only (docs/quality.md)
DEV = NLU_CASES / "nlu_dev.yml"  # written apart from the training data; used to choose the classifier
STOCK_CONFIG = DATA / "stock_config.yml"
STOCK_MODEL = launcher.MODELS / "stock-nlu.tar.gz"
RESULTS = launcher.PROJECT / "var" / "results"


def score(model: Path, name: str, heldout: Path = HELDOUT) -> Dict[str, Any]:
    """Run `rasa test nlu` on a held-out file and read the figures from its reports."""
    out = RESULTS / f"heldout-{name}"
    launcher.say(f"[eval] {name}: rasa test nlu op {heldout.name}...")
    subprocess.run(
        [
            launcher.venv_bin("rasa"),
            "test",
            "nlu",
            "--model",
            str(model),
            "--nlu",
            str(heldout),
            "--out",
            str(out),
        ],
        cwd=launcher.PROJECT,
        env=launcher.base_env(),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    intents = json.loads((out / "intent_report.json").read_text())
    # One report per entity extractor (DIETClassifier_report.json, CRFEntityExtractor_report.json)
    report = next(p for p in sorted(out.glob("*_report.json")) if p.name != "intent_report.json")
    entities = json.loads(report.read_text())
    errors = json.loads((out / "intent_errors.json").read_text())
    return {
        "intent accuracy": intents["accuracy"],
        "intent macro F1": intents["macro avg"]["f1-score"],
        "entity F1 (role)": entities.get("role", {}).get("f1-score", 0.0),
        "examples": intents["macro avg"]["support"],
        "errors": errors,
    }


def train_stock() -> None:
    if STOCK_MODEL.exists() and STOCK_MODEL.stat().st_mtime > max(
        p.stat().st_mtime for p in [STOCK_CONFIG, *launcher.PROJECT.joinpath("data").rglob("*.yml")]
    ):
        return
    launcher.say("[eval] stock-pijplijn trainen op dezelfde data...")
    subprocess.run(
        [
            launcher.venv_bin("rasa"),
            "train",
            "nlu",
            "--config",
            str(STOCK_CONFIG),
            "--out",
            str(launcher.MODELS),
            "--fixed-model-name",
            "stock-nlu",
        ],
        cwd=launcher.PROJECT,
        env=launcher.base_env(),
        check=True,
    )


FIGURES = ("intent accuracy", "intent macro F1", "entity F1 (role)")


def table(title: str, ours: Dict[str, float], stock: Optional[Dict[str, float]] = None) -> str:
    """One held-out file's figures: ours, and stock Rasa's with the difference when given."""
    head = f"{title + ' (' + str(int(ours['examples'])) + ' vragen)':<34} {'ons':>8}"
    lines = [head + (f" {'stock':>8} {'verschil':>9}" if stock else "")]
    for key in FIGURES:
        line = f"{key:<34} {ours[key]:>8.3f}"
        lines.append(line + (f" {stock[key]:>8.3f} {ours[key] - stock[key]:>+9.3f}" if stock else ""))
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    """`python -m bot eval [--ours-only]`."""
    launcher.train_if_needed()
    if not args.ours_only:
        train_stock()
    tables, errors = [], []
    for heldout in (HELDOUT, HELDOUT_2, DEV):
        name = heldout.stem
        ours = score(launcher.MODEL_FILE, f"{name}-ons", heldout)
        stock = None if args.ours_only else score(STOCK_MODEL, f"{name}-stock", heldout)
        tables.append(table(name, ours, stock))
        errors += [(name, e) for e in ours["errors"]]
    for name, error in errors:
        predicted = error["intent_prediction"]
        print(
            f"  fout ({name}): {error['intent']:<20} -> {predicted['name']:<20} "
            f"{predicted['confidence']:.2f}  {error['text']}"
        )
    print("\n" + "\n\n".join(tables))
    return 0
