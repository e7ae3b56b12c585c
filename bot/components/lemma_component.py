"""The Rasa component that gives the NLU its Dutch lemmas (config.yml, right after SpacyNLP).

SpacyNLP makes a spaCy document of each text with the tokenizer only (build/spacy_nl has no
lemmatizer); this writes each token's lemma from the compact table (bot/components/lemmas.py), where
SpacyTokenizer reads it. The lemmas are the ones spaCy's lookup lemmatizer gave.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.lemmas import lemmatize, required_table


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class DutchLemmas(GraphComponent):
    @staticmethod
    def required_components() -> List[type]:
        return [SpacyNLP]

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "DutchLemmas":
        required_table()  # a missing table stops training or the start, not the first message
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                doc = message.get(SPACY_DOCS[attribute])
                if doc is not None:
                    lemmatize(doc)
        return messages
