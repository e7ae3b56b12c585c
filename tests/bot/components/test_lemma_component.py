"""The component that gives the NLU its Dutch lemmas (bot/components/lemma_component.py): each
spaCy document of a message gets the lemmas of the compact table, in training and at a message."""

import pytest
import spacy
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components import lemmas
from bot.components.lemma_component import DutchLemmas

NLP = spacy.blank("nl")  # the tokenizer only, as build/spacy_nl: no lemmas of its own


def with_doc(text):
    message = Message(data={TEXT: text})
    message.set(SPACY_DOCS[TEXT], NLP(text))
    return message


def test_each_message_and_each_training_example_gets_the_lemmas():
    component = DutchLemmas()
    [message] = component.process([with_doc("De secretaresses notuleert vergaderingen")])
    lemmas_given = [t.lemma_ for t in message.get(SPACY_DOCS[TEXT])]
    assert lemmas_given == ["de", "secretaresse", "notuleren", "vergadering"]
    examples = [with_doc("Officemanagers plannen"), Message(data={})]  # (one without a document)
    data = component.process_training_data(TrainingData(examples))
    assert [t.lemma_ for t in data.training_examples[0].get(SPACY_DOCS[TEXT])][1] == "plannen"


def test_without_the_table_the_model_cannot_be_made(monkeypatch, tmp_path):
    monkeypatch.setattr(lemmas, "TABLE", tmp_path / "missing.npz")
    lemmas.table.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="make setup"):
            DutchLemmas.create({}, None, None, None)
    finally:
        monkeypatch.undo()
        lemmas.table.cache_clear()
    assert isinstance(DutchLemmas.create({}, None, None, None), DutchLemmas)
