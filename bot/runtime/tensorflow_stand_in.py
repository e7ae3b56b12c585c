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

`make setup` does not install TensorFlow at all (requirements-tensorflow.txt; `make bench` and
`make eval` do, for Rasa's stock pipeline). For every other Python process of that .venv
(pytest, `.venv/bin/rasa ...`) a line in its site-packages, written by `make setup`, calls
`stand_in_when_absent()`: a finder last on `sys.meta_path`, reached only when no installed
TensorFlow was found. Building a model that would run TensorFlow (Rasa's DIET, TED, ...) under
either stand-in stops with `TensorFlowNeeded`, which says how to install it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from pathlib import Path
from typing import Any, Iterable, List, Optional

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

INSTALL = ".venv/bin/python -m pip install --no-deps -r requirements-tensorflow.txt -c constraints.txt"


class TensorFlowNeeded(RuntimeError):
    """Something would run TensorFlow where it is stood in for."""


def installed() -> bool:
    """Whether TensorFlow is installed (its metadata: the stand-in leaves that alone)."""
    import importlib.metadata  # here: 20 ms that every process of .venv would pay at its start

    try:
        importlib.metadata.version("tensorflow")
        return True
    except importlib.metadata.PackageNotFoundError:
        return False


def needed_message(what: str) -> str:
    if installed():
        return (
            f"{what} draait TensorFlow, maar dit proces heeft de stand-in ervoor: config.yml noemt geen "
            "component die TensorFlow nodig heeft (bot/runtime/tensorflow_stand_in.py). Zonder stand-in: "
            "RASA_CHANGES_OFF=tensorflow-stand-in."
        )
    return (
        f"{what} draait TensorFlow, en dat is niet geïnstalleerd (`make setup` laat het weg: onze pijplijn "
        f"gebruikt het niet). Installeer het met:  {INSTALL}"
    )


class _Empty(type):
    """A class whose every attribute is another empty class. Called with one function or class
    it returns it unchanged (a decorator); called otherwise it returns a new empty class."""

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return empty(name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if not cls.__dict__.get("_stand_in"):  # a class of Rasa's own on a stand-in base: a model
            raise TensorFlowNeeded(needed_message(f"{cls.__module__}.{cls.__qualname__}"))
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
    return _Empty(name, (), {"__module__": __name__, "_stand_in": True})


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


class AbsentFinder(StandInFinder):
    """Last on sys.meta_path: stands in only where no installed TensorFlow was found."""


def needed_by(component_names: Iterable[str]) -> set:
    return set(component_names) & NEEDS_TENSORFLOW


def components_of(config: Path) -> List[str]:
    """The names of a config's pipeline components and policies."""
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return [step.get("name") for step in (data.get("pipeline") or []) + (data.get("policies") or [])]


def missing_for(config: Path) -> Optional[str]:
    """The error to stop with when the config names a component that runs TensorFlow and
    TensorFlow is not installed; else None."""
    needing = needed_by(components_of(config))
    if not needing or installed():
        return None
    return needed_message(f"{config.name} noemt {', '.join(sorted(needing))}; dat")


def install() -> None:
    if any(type(finder) is StandInFinder for finder in sys.meta_path):
        return
    already = [name for name in sys.modules if name.split(".")[0] in STOOD_IN]
    if already:
        raise RuntimeError(f"TensorFlow is already imported ({already[0]}): too late for a stand-in")
    sys.meta_path.insert(0, StandInFinder())


def stand_in_when_absent() -> None:
    """For the processes of a .venv without TensorFlow (the line `make setup` writes into its
    site-packages calls this): `import tensorflow` gives the stand-in instead of an ImportError."""
    # (by name: site-packages may be read twice, through .venv/lib64 too, each time a new copy)
    if not any(type(finder).__name__ == AbsentFinder.__name__ for finder in sys.meta_path):
        sys.meta_path.append(AbsentFinder())
