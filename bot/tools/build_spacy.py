"""Build the local Dutch spaCy pipeline Rasa uses: spacy.blank("nl") + lookup lemmatizer.

There is no downloadable Dutch model on this machine, so the pipeline is assembled from the
tokenizer that ships with spaCy and the lemma tables from `spacy-lookups-data`, then saved to
disk so that `SpacyNLP` in config.yml can load it by path.
"""
import sys
from pathlib import Path

import spacy

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_TARGET = PROJECT / "build" / "spacy_nl"


def build(target: Path = DEFAULT_TARGET) -> Path:
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma_lookup table from spacy-lookups-data
    nlp.meta["name"] = "nl_blank_lookup"
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    return target


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET)
    nlp = spacy.load(path)
    lemmas = [t.lemma_ for t in nlp("de secretaresses plannen vergaderingen")]
    print(f"spaCy-pijplijn gebouwd in {path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path}: {lemmas}")
