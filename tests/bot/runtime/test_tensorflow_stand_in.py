"""The stand-in for TensorFlow (bot/runtime/tensorflow_stand_in.py). Installing it changes how this
process imports TensorFlow for good, so install() runs in a process of its own."""

import subprocess
import sys
import textwrap

from bot.paths import PROJECT
from bot.runtime.tensorflow_stand_in import STOOD_IN, StandInFinder, needed_by

INSTALLED = textwrap.dedent("""
    import sys
    from bot.runtime import tensorflow_stand_in
    tensorflow_stand_in.install()
    tensorflow_stand_in.install()  # a second time: still one finder
    assert sum(isinstance(f, tensorflow_stand_in.StandInFinder) for f in sys.meta_path) == 1

    import tensorflow as tf
    from tensorflow.keras import layers
    import tensorflow_addons, keras
    assert tf.__version__ == "0.0.0+stand-in" and "tensorflow.keras" in sys.modules

    class Model(tf.keras.Model):            # Rasa's module-level classes
        def call(self, inputs):
            return inputs

    @tf.function(experimental_relax_shapes=True)  # a decorator with arguments gives the function back
    def step(x):
        return x + 1

    assert step(1) == 2 and tf.function(step) is step and Model.call(None, 3) == 3
    assert isinstance(tf.constant(1), type) and tf.constant(1).__name__ == "constant"  # runs nothing
    assert len(tf.TensorShape) == 0 and list(tf.TensorShape) == [] and tf.Tensor[0].__name__ == "Tensor"
    assert isinstance(layers.Dense, type) and tf.float32 is tf.float32  # an attribute, once made, stays
    import numpy  # anything else is the real thing
    assert not isinstance(sys.modules["numpy"], type(tf))
    print("stand-in ok")
""")

TOO_LATE = textwrap.dedent("""
    import sys, types
    sys.modules["tensorflow"] = types.ModuleType("tensorflow")
    from bot.runtime import tensorflow_stand_in
    try:
        tensorflow_stand_in.install()
    except RuntimeError as error:
        print(error)
""")


def python(code):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )


def test_tensorflow_and_its_add_ons_import_as_empty_classes_enough_for_rasas_modules():
    result = python(INSTALLED)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stand-in ok"


def test_too_late_when_tensorflow_is_already_imported():
    result = python(TOO_LATE)
    assert "TensorFlow is already imported (tensorflow): too late for a stand-in" in result.stdout


def test_only_tensorflow_and_its_add_ons_are_stood_in():
    finder = StandInFinder()
    assert all(finder.find_spec(name, None) is not None for name in STOOD_IN)
    assert finder.find_spec("tensorflow.keras.layers", None) is not None
    assert finder.find_spec("numpy", None) is None and finder.find_spec("tensorflowx", None) is None


def test_a_config_that_names_a_component_that_runs_tensorflow_needs_the_real_thing():
    ours = ["SpacyNLP", "CountVectorsFeaturizer", "LogisticRegressionClassifier", "CRFEntityExtractor"]
    assert needed_by(ours) == set()
    assert needed_by(ours + ["DIETClassifier", "TEDPolicy"]) == {"DIETClassifier", "TEDPolicy"}


ABSENT = textwrap.dedent("""
    import sys
    from bot.runtime import tensorflow_stand_in
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "AbsentFinder"]  # the .venv's
    tensorflow_stand_in.stand_in_when_absent()
    tensorflow_stand_in.stand_in_when_absent()  # a second time: still one finder, the last
    assert [type(f).__name__ for f in sys.meta_path].count("AbsentFinder") == 1
    assert type(sys.meta_path[-1]).__name__ == "AbsentFinder"
    import tensorflow_probability  # installed nowhere, like TensorFlow after `make setup`
    print(type(tensorflow_probability).__name__)
""")

MODEL = textwrap.dedent("""
    from bot.runtime import tensorflow_stand_in
    tensorflow_stand_in.install()
    import tensorflow as tf

    class RasaModel(tf.keras.Model):  # defined at import: fine
        pass

    tf.keras.layers.Dense(3)  # the stand-in's own classes: called, nothing runs
    try:
        RasaModel()  # built: something would run TensorFlow
    except tensorflow_stand_in.TensorFlowNeeded as error:
        print(error)
""")


def test_where_tensorflow_is_not_installed_the_last_finder_stands_in():
    result = python(ABSENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "_StandInModule"


def test_building_a_model_under_the_stand_in_says_how_to_get_tensorflow():
    result = python(MODEL)
    assert result.returncode == 0, result.stderr
    assert "__main__.RasaModel draait TensorFlow" in result.stdout
    assert ("requirements-tensorflow.txt" in result.stdout) or ("RASA_CHANGES_OFF" in result.stdout)


def test_a_config_naming_diet_stops_with_the_install_command_when_tensorflow_is_missing(
    tmp_path, monkeypatch
):
    from bot.runtime import tensorflow_stand_in

    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n- name: WhitespaceTokenizer\n- name: DIETClassifier\npolicies:\n- name: RulePolicy\n"
    )
    monkeypatch.setattr(tensorflow_stand_in, "installed", lambda: False)
    message = tensorflow_stand_in.missing_for(config)
    assert message.startswith("config.yml noemt DIETClassifier; dat draait TensorFlow")
    assert tensorflow_stand_in.INSTALL in message
    monkeypatch.setattr(tensorflow_stand_in, "installed", lambda: True)
    assert tensorflow_stand_in.missing_for(config) is None
    assert tensorflow_stand_in.missing_for(PROJECT / "config.yml") is None  # ours needs none
