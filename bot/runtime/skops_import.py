"""skops, which loads Rasa's LogisticRegressionClassifier, imported cheaply and first.

When imported, skops builds its allowlist of trusted types: every estimator of scikit-learn
(`sklearn.utils.all_estimators()` imports each of its modules, and through numpy.distutils
sets the root logger to WARNING) and the module of each numpy ufunc (pickle's `whichmodule`,
a scan of all of `sys.modules` per ufunc: after Rasa and TensorFlow are imported, 6.8 s).
Imported before Rasa, with the estimators of `sklearn.linear_model` as the list (the types
our classifier needs: a shorter allowlist, never a longer one), it takes about a second and
leaves the log level alone. `bot/runtime/rasa_changes.py` does it first when `bot/runtime/rasa_cli.py` starts
the Rasa server (change "skops-linear-models").
"""

import inspect
from typing import List, Tuple


def estimators_in(*modules) -> List[Tuple[str, type]]:
    """What `sklearn.utils.all_estimators()` returns, for these modules only."""
    from sklearn.base import BaseEstimator

    found = {
        (name, cls)
        for module in modules
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, BaseEstimator)
        and not name.startswith("_")
        and name != "BaseEstimator"
        and not getattr(cls, "__abstractmethods__", None)
    }
    return sorted(found, key=lambda item: item[0])


def import_skops_trusting_linear_models() -> None:
    import sklearn.feature_extraction.text
    import sklearn.linear_model
    import sklearn.pipeline
    import sklearn.utils

    every_estimator = sklearn.utils.all_estimators
    sklearn.utils.all_estimators = lambda type_filter=None: estimators_in(
        sklearn.linear_model, sklearn.pipeline, sklearn.feature_extraction.text
    )
    try:
        import skops.io  # noqa: F401  (its allowlist is made now, once)
    finally:
        sklearn.utils.all_estimators = every_estimator
