"""The compact lemma table (bot/components/lemmas.py) gives every word the lemma spaCy's own Dutch
lookup lemmatizer gives it, and the NLU's documents carry those lemmas."""

import numpy as np
import pytest
import spacy

from bot.components.lemmas import TABLE, LemmaTable, lemmatize, table
from bot.paths import PROJECT


@pytest.fixture(scope="module")
def spacy_lemmatizer():
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # the full table from spacy-lookups-data
    return nlp


def words_of_the_project():
    files = [*sorted((PROJECT / "data").rglob("*.yml")), PROJECT / "knowledge" / "knowledge.yml"]
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    return sorted({token.text for token in spacy.blank("nl")(text) if token.text.strip()})


def test_every_word_of_the_training_data_and_knowledge_gets_spacys_lemma(spacy_lemmatizer):
    words = words_of_the_project()
    assert len(words) > 2000
    ours = table()
    different = {
        word: (ours.lemma(word), spacy_lemmatizer(word)[0].lemma_)
        for word in words
        if len(spacy_lemmatizer(word)) == 1 and ours.lemma(word) != spacy_lemmatizer(word)[0].lemma_
    }
    assert different == {}
    assert ours.lemma("Notuleert") == "notuleren" and ours.lemma("secretaresses") == "secretaresse"
    assert ours.lemma("xqzw") == "xqzw"  # not in the table: the lowercased word


def test_the_table_holds_the_whole_lookup_table_in_a_few_megabytes(spacy_lemmatizer):
    full = spacy_lemmatizer.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    ours = table()
    assert len(ours.keys) == len(full) and np.all(np.diff(ours.keys.astype(np.float64)) >= 0)
    size = ours.keys.nbytes + ours.lemma_of_key.nbytes + ours.ends.nbytes + len(ours.text.encode())
    assert size < 6_000_000, size


def test_a_document_gets_its_lemmas_and_a_missing_table_says_how_to_build_it(tmp_path, monkeypatch):
    doc = spacy.blank("nl")("De secretaresses plannen vergaderingen.")
    lemmatize(doc)
    assert [token.lemma_ for token in doc] == ["de", "secretaresse", "plannen", "vergadering", "."]
    built = LemmaTable.build(tmp_path / "lemmas.npz")
    assert LemmaTable(built).lemma("notuleert") == "notuleren"
    monkeypatch.setattr("bot.components.lemmas.TABLE", tmp_path / "missing.npz")
    table.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="make setup"):
            lemmatize(doc)
    finally:
        monkeypatch.undo()
        table.cache_clear()
    assert TABLE.exists()
