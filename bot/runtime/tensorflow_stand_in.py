"""TensorFlow kept out of the Rasa server when no component of the model needs it.

Rasa 3.6 imports TensorFlow at module level all over (its featurizers, extractors and the
recipe that lists every component import `rasa.utils.train_utils`, which imports TensorFlow),
but our pipeline (spaCy, count vectors, logistic regression, CRF, rules, memoization) never
calls it. The import costs about 350 MB in every process of the Rasa server and 3 s of its
start. `install()` puts a stand-in first on `sys.meta_path`: `import tensorflow` (and its
add-ons) then gives modules whose every attribute is an empty class, enough for Rasa's
module-level `class ...(tf.keras.Model)`, `@tf.function(...)` and type annotations. Anything
that really runs TensorFlow would fail, so `bot/runtime/rasa_changes.py` installs it only when
config.yml names no component that needs TensorFlow (`NEEDS_TENSORFLOW`).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from typing import Any, Iterable

STOOD_IN = (
    "tensorflow",
    "tensorflow_addons",
    "tensorflow_hub",
    "tensorflow_text",
    "tensorflow_probability",
    "keras",
)

# Rasa 3.6's components that run TensorFlow (and therefore need the real thing).
NEEDS_TENSORFLOW = {
    "DIETClassifier",
    "TEDPolicy",
    "UnexpecTEDIntentPolicy",
    "ResponseSelector",
    "ConveRTFeaturizer",
    "LanguageModelFeaturizer",
}


class _Empty(type):
    """A class whose every attribute is another empty class. Called with one function or class
    it returns it unchanged (a decorator); called otherwise it returns a new empty class."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return empty(name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and callable(args[0]):
            return args[0]
        return empty(cls.__name__)

    def __len__(cls) -> int:
        return 0

    def __iter__(cls) -> Iterable:
        return iter(())

    def __getitem__(cls, _key: Any) -> Any:
        return empty(cls.__name__)


def empty(name: str) -> type:
    return _Empty(name, (), {"__module__": "bot.runtime.tensorflow_stand_in"})


class _StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = empty(name)
        setattr(self, name, value)
        return value


class StandInFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname: str, path: Any, target: Any = None):
        if fullname.split(".")[0] in STOOD_IN:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        module = _StandInModule(spec.name)
        module.__path__ = []
        module.__version__ = "0.0.0+stand-in"
        return module

    def exec_module(self, module) -> None:
        pass


def needed_by(component_names: Iterable[str]) -> set:
    return set(component_names) & NEEDS_TENSORFLOW


def install() -> None:
    if any(isinstance(finder, StandInFinder) for finder in sys.meta_path):
        return
    already = [name for name in sys.modules if name.split(".")[0] in STOOD_IN]
    if already:
        raise RuntimeError(f"TensorFlow is already imported ({already[0]}): too late for a stand-in")
    sys.meta_path.insert(0, StandInFinder())
