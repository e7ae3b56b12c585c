"""The intent classifier (bot/components/intent_classifier.py): trained, saved and loaded again in a server
process, where skops trusts only the types our models need, it is the same classifier, and its
fast prediction gives scikit-learn's probabilities."""

import subprocess
import sys
import textwrap

TRAIN_SAVE_LOAD = textwrap.dedent("""
    import pathlib, sys
    from bot.runtime import rasa_changes
    rasa_changes.apply({})  # skops first, with the short allowlist, as in the server
    import numpy as np, scipy.sparse
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from bot.components.intent_classifier import TfidfLogisticRegression

    def message(row, intent=None):
        m = Message(data={"text": "x", **({"intent": intent} if intent else {})})
        m.add_features(Features(scipy.sparse.coo_matrix(np.array([row], dtype=float)), "sentence", "text", "t"))
        return m

    storage, context = LocalModelStorage(pathlib.Path(sys.argv[1])), ExecutionContext(GraphSchema({}), "test")
    config = TfidfLogisticRegression.get_default_config()
    trained = TfidfLogisticRegression.create(config, storage, Resource("intents"), context)
    trained.train(TrainingData([message([3, 0, 1], "greet"), message([1, 0, 1], "greet"),
                                message([0, 2, 1], "goodbye"), message([0, 1, 1], "goodbye")]))
    loaded = TfidfLogisticRegression.load(config, storage, Resource("intents"), context)
    probe = [message([1, 0, 1]), message([0, 5, 1])]
    batch = [message([2, 0, 0]), message([0, 0, 0]), message([0, 7, 3]), message([1, 1, 1])]
    same = all(np.allclose(trained.clf.predict_proba(trained._create_X(m)),  # the pipeline
                           loaded.clf.predict_proba(loaded._create_X(m)))    # FastPrediction
               for m in (probe, batch))
    print(same, [m.get("intent")["name"] for m in loaded.process(probe)])
""")


def test_the_classifier_is_the_same_after_saving_and_loading_in_a_server_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", TRAIN_SAVE_LOAD, str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True ['greet', 'goodbye']"
