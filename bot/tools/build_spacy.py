"""Build the local Dutch language data the NLU and the actions use.

There is no downloadable Dutch model on this machine, so it is assembled from what ships
with spaCy and `spacy-lookups-data`:
- build/spacy_nl: spacy.blank("nl"), the tokenizer only, saved so that SpacyNLP in
  config.yml can load it by path;
- build/lemmas_nl.npz: the Dutch lemma table in compact form (bot/components/lemmas.py).
"""

import sys
from pathlib import Path

import spacy

from bot.components.lemmas import TABLE, LemmaTable

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_TARGET = PROJECT / "build" / "spacy_nl"


def build(target: Path = DEFAULT_TARGET, table: Path = TABLE) -> Path:
    nlp = spacy.blank("nl")
    nlp.meta["name"] = "nl_blank_tokenizer"
    target.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    LemmaTable.build(table)
    return target


if __name__ == "__main__":
    path = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_TARGET)
    lemmas = LemmaTable()
    words = [lemmas.lemma(t.text) for t in spacy.load(path)("de secretaresses plannen vergaderingen")]
    shown = path.relative_to(PROJECT) if path.is_relative_to(PROJECT) else path
    print(f"spaCy-pijplijn gebouwd in {shown}, lemma's in {TABLE.relative_to(PROJECT)}: {words}")
