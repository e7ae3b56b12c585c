"""The Rasa-server changes in bot/rasa_server.py keep Rasa's behaviour."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_server import validate_action_result


def test_the_action_result_check_still_accepts_good_and_rejects_bad_replies():
    action = RemoteAction("action_answer_role", None)
    good = {"events": [{"event": "slot", "name": "role", "value": "secretaresse"}],
            "responses": [{"text": "Wat doet een secretaresse?", "buttons": []}]}
    assert RemoteAction._validate_action_result is validate_action_result
    assert action._validate_action_result(good)
    for bad in ({"events": "geen lijst"}, {"events": [{"name": "role"}]}, {"responses": [1]}):
        with pytest.raises(ValidationError):
            action._validate_action_result(bad)


def test_sqlite_connections_write_ahead(tmp_path):
    import sqlalchemy

    engine = sqlalchemy.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_event_classes_are_still_found_by_name():
    from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered

    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    with pytest.raises(ValueError):
        Event.resolve_by_type("geen_event")


def test_an_empty_message_gets_no_intent_instead_of_an_error(tmp_path):
    import numpy as np
    import scipy.sparse
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    def message(text, row, intent=None):
        m = Message(data={"text": text, **({"intent": intent} if intent else {})})
        if row is not None:
            m.add_features(Features(scipy.sparse.coo_matrix(np.array([row], dtype=float)),
                                    "sentence", "text", "test"))
        return m

    classifier = LogisticRegressionClassifier.create(
        LogisticRegressionClassifier.get_default_config(), LocalModelStorage(tmp_path),
        Resource("lr"), ExecutionContext(GraphSchema({}), "test"))
    classifier.train(TrainingData([message("hallo", [1, 0], "greet"), message("dag", [0, 1], "goodbye"),
                                   message("hoi", [1, 0], "greet"), message("doei", [0, 1], "goodbye")]))
    empty, greeting = message("", None), message("hallo daar", [1, 0])
    assert classifier.process([empty, greeting]) == [greeting, empty]
    assert empty.get("intent") == {"name": None, "confidence": 0.0}
    assert greeting.get("intent")["name"] == "greet"

    # Loaded again with skops' shorter allowlist, the classifier is the trained one (an
    # untrusted type would make Rasa silently start an untrained classifier instead).
    loaded = LogisticRegressionClassifier.load(
        LogisticRegressionClassifier.get_default_config(), LocalModelStorage(tmp_path),
        Resource("lr"), ExecutionContext(GraphSchema({}), "test"))
    assert list(loaded.clf.classes_) == ["goodbye", "greet"]


def test_skops_is_imported_without_all_of_scikit_learn_and_keeps_the_log_level():
    import subprocess
    import sys

    check = ("import logging, sys; logging.basicConfig(level=logging.INFO); {first}"
             "import skops.io; print(logging.getLevelName(logging.getLogger().level), "
             "'numpy.distutils' in sys.modules)")
    for first, after in (("", "WARNING True"), ("import bot.rasa_server; ", "INFO False")):  # without, with
        result = subprocess.run([sys.executable, "-W", "ignore", "-c", check.format(first=first)],
                                capture_output=True, text=True, check=True)
        assert result.stdout.strip().splitlines()[-1] == after


def test_the_spacy_pipeline_is_loaded_once():
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    first = SpacyNLP.load_model("build/spacy_nl")
    assert SpacyNLP.load_model("build/spacy_nl") is first
    assert [t.lemma_ for t in first.model("de secretaresses plannen")][1] == "secretaresse"


def test_the_rasa_server_process_imports_skops_before_rasa_and_tensorflow():
    """skops' import scans sys.modules once per numpy ufunc: after TensorFlow it took 6 s."""
    import subprocess
    import sys

    check = ("import sys, bot.rasa_cli as cli\n"
             "sys.modules['rasa.__main__'] = None  # stop where Rasa itself would start\n"
             "try:\n    cli.main(['rasa', 'run'])\nexcept ImportError:\n    pass\n"
             "names = list(sys.modules)  # in the order of import\n"
             "print(names.index('skops.io') < names.index('rasa') < names.index('tensorflow'))")
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", check], capture_output=True,
                            text=True, check=True)
    assert result.stdout.split()[-1] == "True"
