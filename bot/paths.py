"""Where the project's built files live; imports nothing of the project, so any module may use it."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SPACY_PIPELINE = PROJECT / "build" / "spacy_nl"  # built by `make setup` (bot/tools/build_spacy.py)
LEMMA_TABLE = PROJECT / "build" / "lemmas_nl.npz"
