"""The intent classifier (bot/components/intent_classifier.py) where it differs from Rasa 3.6.21's
LogisticRegressionClassifier, compared with it in this process: an empty message gets no intent
(once a change to Rasa's classifier, now the component's own `process`), and the input matrix
built from the sentence features alone is Rasa's (once a change to `_create_X`)."""

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.intent_classifier import TfidfLogisticRegression


def message(text, row, intent=None):
    m = Message(data={"text": text, **({"intent": intent} if intent else {})})
    if row is not None:
        features = scipy.sparse.coo_matrix(np.array([row], dtype=float))
        m.add_features(Features(features, "sentence", "text", "test"))
    return m


@pytest.fixture
def trained(tmp_path):
    def train(cls):
        classifier = cls.create(
            cls.get_default_config(),
            LocalModelStorage(tmp_path),
            Resource(cls.__name__),
            ExecutionContext(GraphSchema({}), "test"),
        )
        classifier.train(
            TrainingData(
                [
                    message("hallo", [1, 0], "greet"),
                    message("dag", [0, 1], "goodbye"),
                    message("hoi", [1, 0], "greet"),
                    message("doei", [0, 1], "goodbye"),
                ]
            )
        )
        return classifier

    return train


def test_an_empty_message_gets_no_intent_where_stock_rasa_fails(trained):
    with pytest.raises(ValueError):  # stock: the apology
        trained(LogisticRegressionClassifier).process([message("", None)])
    empty, greeting = message("", None), message("hallo daar", [1, 0])
    assert trained(TfidfLogisticRegression).process([empty, greeting]) == [empty, greeting]
    assert empty.get("intent") == {"name": None, "confidence": 0.0} and empty.get("intent_ranking") == []
    assert greeting.get("intent")["name"] == "greet"


def test_the_classifier_gets_stock_rasas_input_from_the_sentence_features_alone(trained):
    rng = np.random.default_rng(7)

    def featured(tokens: int, dense: bool) -> Message:
        found = Message(data={"text": "x " * tokens})
        for origin, width in (("regex", 3), ("lexical", 40), ("words", 25), ("chars", 60)):
            for kind, rows in (("sequence", tokens), ("sentence", 1)):
                values = scipy.sparse.coo_matrix(rng.integers(0, 3, size=(rows, width)).astype(float))
                found.add_features(Features(values, kind, "text", origin))
        if dense:
            found.add_features(Features(rng.random((1, 5)), "sentence", "text", "dense"))
        return found

    classifier = trained(TfidfLogisticRegression)
    for messages in ([featured(4, False), featured(9, False)], [featured(3, True)], [featured(1, False)]):
        stock = LogisticRegressionClassifier._create_X(classifier, messages)
        ours = classifier._create_X(messages)
        assert ours.shape == stock.shape and ours.dtype == stock.dtype
        assert (scipy.sparse.csr_matrix(ours) != scipy.sparse.csr_matrix(stock)).nnz == 0
