"""The package rules of the README's layout, checked on the source (issue 8).

- only `assistance/web`, `pages/` and `app.py` import streamlit;
- no package imports `assistance.web` except `web` itself (and `pages/`, `app.py`);
- the sub-packages and top-level modules of `assistance` form no import cycle;
- no page is longer than 120 lines (pages read the context, call the library and render).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.conftest import REPO

LIBRARY = REPO / "assistance"
MAX_PAGE_LINES = 120


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (function-level imports count too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "assistance":
                found.update(f"assistance.{alias.name}" for alias in node.names)
    return found


def _unit(path: Path) -> str:
    """The sub-package or top-level module a library file belongs to (web, store, filters, …)."""
    return path.relative_to(LIBRARY).parts[0].removesuffix(".py")


def library_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in LIBRARY.rglob("*.py"):
        source = _unit(path)
        for module in _imports(path):
            parts = module.split(".")
            if parts[0] == "assistance" and len(parts) > 1 and parts[1] != source:
                graph[source].add(parts[1])
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path that returns to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_cycle_finder_can_fail():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_library_packages_form_no_import_cycle():
    assert find_cycle(library_graph()) is None


def test_only_web_and_pages_import_streamlit():
    offenders = [
        str(path.relative_to(REPO))
        for path in LIBRARY.rglob("*.py")
        if _unit(path) != "web" and any(m.split(".")[0] == "streamlit" for m in _imports(path))
    ]
    assert offenders == []


def test_nothing_below_web_imports_web():
    offenders = [
        str(path.relative_to(REPO))
        for path in LIBRARY.rglob("*.py")
        if _unit(path) != "web" and any(m.startswith("assistance.web") for m in _imports(path))
    ]
    assert offenders == []


def test_pages_are_thin():
    lengths = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in (REPO / "pages").glob("*.py")}
    assert lengths and max(lengths.values()) <= MAX_PAGE_LINES, lengths


def test_every_sub_package_says_what_it_is_for():
    for package in (p for p in LIBRARY.iterdir() if (p / "__init__.py").exists()):
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80 and "TODO" not in doc, package.name
