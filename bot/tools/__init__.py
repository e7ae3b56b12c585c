"""Developer and operator tools, apart from the runtime: the benchmark, the soak test, NLU
and whole-answer scores, the dependency audit and the spaCy pipeline build. Rasa's stock
configurations, which the benchmark and the NLU scores train, are in bot/tools/data/; the
cases they score on (whole answers: tests/cases/answer_cases*.yml; held-out NLU questions:
tests/cases/nlu/nlu_*.yml) live with the tests. Their `python -m bot` commands are declared
in bot/tools/cli.py."""

from pathlib import Path

from bot.paths import PROJECT

DATA = Path(__file__).resolve().parent / "data"
CASES = PROJECT / "tests" / "cases"  # answer_cases*.yml
NLU_CASES = CASES / "nlu"  # nlu_heldout.yml, nlu_heldout_2.yml, nlu_dev.yml
