"""The layout of bot/ and actions/, read from the source with ast. The import graph: no cycles, and
each package imports only what its docstring allows (bot/*/__init__.py), function-level imports
too. The tests: every module with logic has its test file where the module is."""

import ast
from pathlib import Path
from typing import Dict, Set

import pytest

PROJECT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "actions")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_imports(path: Path, modules: Set[str]) -> Set[str]:
    """The project modules a file imports (`from bot.x import y` counts bot.x.y when that is a
    module, else bot.x)."""
    found = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return {name for name in found if name in modules}


def graph() -> Dict[str, Set[str]]:
    files = [p for package in PACKAGES for p in (PROJECT / package).rglob("*.py")]
    modules = {module_name(p) for p in files}
    return {module_name(p): project_imports(p, modules) - {module_name(p)} for p in files}


GRAPH = graph()


def test_the_import_graph_has_no_cycle():
    # Tarjan's strongly connected components; a component of more than one module is a cycle.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert cycles == []


# Which project modules each package may import besides its own (prefixes).
ALLOWED = {
    "actions": ("actions", "bot.stores", "bot.components.lemmas", "bot.paths"),
    "bot.stores": ("bot.stores", "actions.language", "actions.knowledge", "actions.vacancy"),
    "bot.components": ("bot.components", "bot.paths"),
    "bot.paths": (),
}


def allowed(source: str, target: str) -> bool:
    package = next(
        (p for p in sorted(ALLOWED, key=len, reverse=True) if source == p or source.startswith(p + ".")), None
    )
    if package is None:
        return True
    return any(target == prefix or target.startswith(prefix + ".") for prefix in ALLOWED[package])


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_it_may(package):
    wrong = sorted(
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if (source == package or source.startswith(package + ".")) and not allowed(source, target)
    )
    assert wrong == []


def test_the_graph_is_read_from_the_code():
    # The checks above would pass on an empty graph: make sure imports are really found.
    assert "bot.stores.leads" in GRAPH["actions.intake"]
    assert "bot.paths" in GRAPH["bot.components.lemmas"]


# ---- every module with logic has its test file, where the module is ----------------------------


def has_logic(path: Path) -> bool:
    """A module defines a function or a class; constants, word lists and data alone are no logic."""
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
    )


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
}
MODULES = sorted(p for package in PACKAGES for p in (PROJECT / package).rglob("*.py"))


def test_every_module_with_logic_has_its_test_file():
    missing = [
        module
        for module, p in ((str(p.relative_to(PROJECT)), p) for p in MODULES)
        if has_logic(p) and module not in UNMIRRORED and not mirrored_test(p).exists()
    ]
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
    astray = [
        str(t.relative_to(PROJECT))
        for t in tests
        if not any(
            t.parent == m.parent and (t.stem == m.stem or t.stem.startswith(m.stem + "_")) for m in tested
        )
    ]
    assert astray == []


def test_the_mirror_is_read_from_the_code():
    # The checks above would pass with no module found, or with everything found to be data.
    assert has_logic(PROJECT / "actions" / "decide.py") and not has_logic(PROJECT / "actions" / "language.py")
    assert mirrored_test(PROJECT / "actions" / "answers" / "facts.py") == (
        PROJECT / "tests" / "actions" / "answers" / "test_facts.py"
    )
    assert mirrored_test(PROJECT / "bot" / "__main__.py") == PROJECT / "tests" / "bot" / "test_main.py"
    assert sum(has_logic(p) for p in MODULES) > 50
