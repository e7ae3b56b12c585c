"""The Rasa component that classifies the intent (config.yml): Rasa's
LogisticRegressionClassifier with the features weighed by TF-IDF first.

The featurizers give raw counts, so a long message has large features and a short one ("uitleg
OM graag") small ones: the regression was sure of long messages and unsure of short ones.
Sublinear TF-IDF scales every message to the same length and weighs the n-grams that say
something (rare ones) above those in every message; with less regularisation (C 100, Rasa's
fixed value is 1) the regression then uses them. Measured on held-out questions (docs/quality.md,
"NLU"). Trained and saved as Rasa does its own: the TF-IDF step and the regression are one
scikit-learn pipeline, saved with skops. Loading trusts the types Rasa's loader trusts and the
sparse matrix that holds the IDF weights, and fails loudly on any other (where Rasa's loader
would quietly start an untrained classifier); the loaded pipeline answers through
`FastPrediction`, the same probabilities in half the time.

Two more differences from Rasa 3.6.21's LogisticRegressionClassifier, both here rather than as
changes to Rasa (tests/bot/components/test_intent_classifier_against_rasa.py compares each
with Rasa's own):

- **An empty message gets no intent** (confidence 0: the FallbackClassifier makes it
  nlu_fallback, "andere woorden") instead of an exception and the apology: a blank message
  gets no features.
- **The input from the sentence features alone**: Rasa's `_create_X` asks
  Message.get_sparse_features for both kinds and joins every token's features (copied, then
  stacked) before it drops them, which cost more than the classifier itself. The same matrix.
"""

from __future__ import annotations

from typing import Any, Dict, List

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from scipy.sparse import csr_matrix, hstack, vstack
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.pipeline import Pipeline, make_pipeline

IDF_WEIGHTS_TYPE = "scipy.sparse._csr.csr_matrix"


def sentence_features(message: Message) -> list:
    """The message's sparse sentence features of its text, in the order Rasa joins them."""
    return [
        f
        for f in message.features
        if f.attribute == TEXT and f.is_sparse() and f.type == FEATURE_TYPE_SENTENCE
    ]


class FastPrediction:
    """A trained TF-IDF + logistic regression pipeline's `predict_proba`, without two costs
    per message: TfidfTransformer's checks and sparse matrix products (here, a few numpy
    operations on the message's non-zero counts), and the copy of all the regression's weights
    that scipy makes to multiply by `coef_.T` when it is not in C order (stored in that order
    once)."""

    def __init__(self, pipeline: Pipeline) -> None:
        tfidf, self.regression = pipeline[0], pipeline[-1]
        self.idf = tfidf.idf_
        self.regression.coef_ = np.asfortranarray(self.regression.coef_)  # so coef_.T is C order
        self.classes_ = self.regression.classes_

    def weigh(self, counts: csr_matrix) -> csr_matrix:
        """Sublinear TF-IDF, every row scaled to length 1 (TfidfTransformer(sublinear_tf=True))."""
        rows = csr_matrix(counts, dtype=np.float64, copy=True)
        rows.eliminate_zeros()  # (a stored zero has no logarithm)
        rows.data = (np.log(rows.data) + 1.0) * self.idf[rows.indices]
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))  # each value's row
        lengths = np.sqrt(np.bincount(row_of, weights=rows.data**2, minlength=rows.shape[0]))
        rows.data /= lengths[row_of]  # (a row with values has a length above 0)
        return rows

    def predict_proba(self, counts: csr_matrix) -> np.ndarray:
        return self.regression.predict_proba(self.weigh(counts))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfLogisticRegression(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 100.0, "max_iter": 300}

    def __init__(
        self, config: Dict[str, Any], name: str, model_storage: ModelStorage, resource: Resource
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        regression = self.clf.set_params(C=self.config["C"])  # type: ignore[has-type]  # (set by Rasa)
        self.clf = make_pipeline(TfidfTransformer(sublinear_tf=True), regression)

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's, except that a message without sentence features (an empty one) gets no
        intent, confidence 0, instead of an exception."""
        featured = [message for message in messages if sentence_features(message)]
        for message in messages:
            if not any(message is f for f in featured):
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        if featured:
            super().process(featured)
        return messages

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        """Rasa's input matrix, from the sentence features alone (the module's docstring)."""
        rows = []
        for message in messages:
            sentence = sentence_features(message)
            dense = message.get_dense_features(attribute=TEXT)[1]
            if not sentence:  # Rasa's own way for what our pipeline never gives
                return super()._create_X(messages)
            parts = [csr_matrix(feature.features) for feature in sentence]
            rows.append(hstack(parts + [csr_matrix(dense.features if dense else [])]))
        return vstack(rows, format="csr")  # (what scikit-learn converts it to anyway)

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfLogisticRegression":
        import skops.io

        component = cls(config, execution_context.node_name, model_storage, resource)
        with model_storage.read_from(resource) as model_dir:
            pipeline = skops.io.load(model_dir / f"{resource.name}.skops", trusted=[IDF_WEIGHTS_TYPE])
        component.clf = FastPrediction(pipeline)
        return component
