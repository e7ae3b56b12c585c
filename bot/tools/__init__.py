"""Developer and operator tools, apart from the runtime: the benchmark, the soak test, NLU
and whole-answer scores, the dependency audit and the spaCy pipeline build. The data they
own (held-out questions, answer cases, Rasa's stock configurations) is in bot/tools/data/;
their `python -m bot` commands are declared in bot/tools/cli.py."""
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
