"""skops imported first with a short allowlist (bot/runtime/skops_import.py), in a process of its own:
importing skops changes the process for good."""

import subprocess
import sys
import textwrap

import sklearn.linear_model
import sklearn.pipeline

from bot.paths import PROJECT
from bot.runtime.skops_import import estimators_in

TRUSTED = textwrap.dedent("""
    import sys
    import sklearn.utils
    every_estimator = sklearn.utils.all_estimators
    from bot.runtime.skops_import import import_skops_trusting_linear_models
    import_skops_trusting_linear_models()
    assert "skops.io" in sys.modules and sklearn.utils.all_estimators is every_estimator  # put back
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    loaded = sio.loads(sio.dumps(model), trusted=sio.get_untrusted_types(data=sio.dumps(model)))
    assert list(loaded.predict([[0.0], [1.0]])) == [0, 1]
    print("ok")
""")


def test_the_estimators_are_those_of_the_modules_asked_for_by_name():
    found = dict(estimators_in(sklearn.linear_model, sklearn.pipeline))
    assert found["LogisticRegression"] is sklearn.linear_model.LogisticRegression
    assert "Pipeline" in found and "RandomForestClassifier" not in found
    assert list(found) == sorted(found) and not any(name.startswith("_") for name in found)


def test_skops_is_imported_with_the_short_list_and_scikit_learn_is_left_as_it_was():
    result = subprocess.run(
        [sys.executable, "-c", TRUSTED], cwd=PROJECT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
