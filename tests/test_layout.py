"""The layout of bot/ and actions/, read from the source with ast. The import graph: no cycles, and
each package imports only what its docstring allows (bot/*/__init__.py), function-level imports
too. The tests: every module with logic has its test file where the module is."""
import ast
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "actions")


# ---- every module with logic has its test file, where the module is ----------------------------

def has_logic(path: Path) -> bool:
    """A module defines a function or a class; constants, word lists and data alone are no logic."""
    return any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
               for node in ast.walk(ast.parse(path.read_text(), str(path))))


def mirrored_test(path: Path) -> Path:
    """actions/decide.py -> tests/actions/test_decide.py; a package's own logic
    (actions/answers/__init__.py) -> tests/actions/answers/test_answers.py; bot/__main__.py ->
    tests/bot/test_main.py."""
    relative = path.relative_to(PROJECT)
    name = relative.parent.name if path.name == "__init__.py" else path.stem.strip("_")
    return PROJECT / "tests" / relative.parent / f"test_{name}.py"


# Modules with logic and no test file of their own, and why.
UNMIRRORED = {
    "bot/runtime/redis_lock.py": "needs Redis: tests/scale/test_scale_out.py",
    "bot/tools/bench.py": "trains and starts both assistants: tests/e2e/test_bench_smoke.py",
    "bot/tools/compare.py": "starts two checkouts, each with its own trained model: a developer's tool",
    "bot/tools/build_spacy.py": "run by make setup; what it builds: tests/bot/components/test_lemmas.py",
    "bot/runtime/rasa_changes.py": "tests/test_rasa_changes.py, moved with the Rasa-changes work",
    "bot/runtime/tracker_cache.py": "tests/test_tracker_cache.py, moved with the Rasa-changes work",
    "bot/runtime/tracker_store.py": "tests/test_tracker_store.py, moved with the Rasa-changes work",
}
MODULES = sorted(p for package in PACKAGES for p in (PROJECT / package).rglob("*.py"))


def test_every_module_with_logic_has_its_test_file():
    missing = [module for module, p in ((str(p.relative_to(PROJECT)), p) for p in MODULES)
               if has_logic(p) and module not in UNMIRRORED and not mirrored_test(p).exists()]
    assert missing == [], "a test file where the module is (tests/<its path>/test_<module>.py), or a reason"


@pytest.mark.parametrize("module", sorted(UNMIRRORED))
def test_each_exception_is_still_one(module):
    path = PROJECT / module
    assert path.exists() and has_logic(path), "the module is gone or has no logic: drop its exception"
    assert not mirrored_test(path).exists(), "it has its test file now: drop its exception"


def test_every_unit_test_file_is_where_its_module_is():
    """tests/actions/ and tests/bot/ hold the tests of one module each; a name may go on after the
    module's (tests/bot/components/test_intent_classifier_against_rasa.py)."""
    tests = [p for folder in ("actions", "bot") for p in (PROJECT / "tests" / folder).rglob("test_*.py")]
    tested = {mirrored_test(p) for p in MODULES}
    astray = [str(t.relative_to(PROJECT)) for t in tests
              if not any(t.parent == m.parent and (t.stem == m.stem or t.stem.startswith(m.stem + "_"))
                         for m in tested)]
    assert astray == []


def test_the_mirror_is_read_from_the_code():
    # The checks above would pass with no module found, or with everything found to be data.
    assert has_logic(PROJECT / "actions" / "decide.py") and not has_logic(PROJECT / "actions" / "language.py")
    assert mirrored_test(PROJECT / "actions" / "answers" / "facts.py") == (
        PROJECT / "tests" / "actions" / "answers" / "test_facts.py")
    assert mirrored_test(PROJECT / "bot" / "__main__.py") == PROJECT / "tests" / "bot" / "test_main.py"
    assert sum(has_logic(p) for p in MODULES) > 50
