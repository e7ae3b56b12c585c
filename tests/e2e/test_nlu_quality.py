"""Floors on NLU quality, measured with `rasa test nlu` on the trained model and the
held-out questions (never training data). `make eval` prints the same figures next to
Rasa's stock pipeline."""
import pytest

from bot import evaluate

# Measured figures minus a small margin: training is seeded, so a drop below these means
# the data, the pipeline or the model got worse.
FLOORS = {
    "nlu_heldout.yml": {"intent accuracy": 0.91, "entity F1 (role)": 0.95},
    "nlu_heldout_2.yml": {"intent accuracy": 0.94, "entity F1 (role)": 0.95},
}


@pytest.mark.parametrize("heldout", sorted(FLOORS))
def test_heldout_scores_stay_above_the_floor(heldout):
    figures = evaluate.score(evaluate.launcher.MODEL_FILE, heldout.removesuffix(".yml"),
                             evaluate.HELDOUT.parent / heldout)
    print(heldout, {k: v for k, v in figures.items() if k != "errors"})
    for key, floor in FLOORS[heldout].items():
        assert figures[key] >= floor, (key, figures[key])
