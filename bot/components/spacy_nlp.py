"""The spaCy model of the pipeline (config.yml): Rasa's SpacyNLP, with the model loaded once per
process.

Rasa's recipe puts SpacyNLP in the graph twice, as the model's provider and as the step that
puts spaCy's docs on the messages, and each creates the component, which loads the model: in
every Rasa process the same pipeline twice (about 0.9 s and 19 MB for the second, measured on
build/spacy_nl). Here `load_model` keeps what it loaded, by model name, for the process.

The class is called SpacyNLP because Rasa's recipe finds the model's provider for SpacyTokenizer
and our DutchLemmas by that class name (`model_from="SpacyNLP"`); registering it makes it the
component called SpacyNLP in the process that imported this module (a subclass that only loads
once).
"""

from __future__ import annotations

import functools

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    @staticmethod
    @functools.lru_cache(maxsize=None)
    def load_model(spacy_model_name: str) -> spacy_utils.SpacyModel:
        """Rasa's, once per model name and process."""
        return spacy_utils.SpacyNLP.load_model(spacy_model_name)
