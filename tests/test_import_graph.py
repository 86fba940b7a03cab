"""The packages stack in one direction, schemas <- curate <- train <- pipelines, and no modules import each
other in a loop: a stage can be read, tested and moved without the layers above it."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("schemas", "curate", "train", "pipelines")


def _modules() -> dict[str, Path]:
    modules = {}
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    return modules


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under ``if TYPE_CHECKING:``: names for annotations, never run."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            lines.update(n.lineno for child in node.body for n in ast.walk(child) if hasattr(n, "lineno"))
    return lines


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the project modules it imports (at run time, lazily in a function included)."""
    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.Import):
                targets = [known(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                # "from curate.report import svg" depends on the submodule, not on the package's __init__
                targets = [known(f"{base}.{alias.name}") for alias in node.names]
            else:
                continue
            graph[module].update(t for t in targets if t and t != module)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph(_modules())


def test_no_package_imports_a_layer_above_it(graph):
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    upward = [f"{m} -> {t}" for m, targets in graph.items() for t in targets
              if rank[t.split(".")[0]] > rank[m.split(".")[0]]]
    assert upward == []


def test_no_modules_import_each_other_in_a_loop(graph):
    assert _cycles(graph) == []


def test_the_check_sees_a_loop_and_an_upward_import():
    looped = {"curate.a": {"curate.b"}, "curate.b": {"curate.c"}, "curate.c": {"curate.a"}, "curate.d": {"curate.a"}}
    assert _cycles(looped) == [["curate.a", "curate.b", "curate.c"]]
    real = import_graph(_modules())
    assert "curate.stage" in real["curate.pii.stage"]  # the graph holds real edges, not an empty map


def test_sharding_names_no_stage():
    """Stages declare themselves row-local; nothing outside them lists stage names to shard."""
    for layer in ("curate", "pipelines"):
        for path in (ROOT / layer).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "ROW_LOCAL" not in text and "sharded_stages" not in text and 'name == "ingest"' not in text, path
