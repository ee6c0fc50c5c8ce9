"""The package rules of the README's layout, checked on the source (issue 8).

- only `assistance/web`, `pages/` and `app.py` import streamlit;
- no package imports `assistance.web` except `web` itself (and `pages/`, `app.py`);
- the sub-packages and top-level modules of `assistance` form no import cycle;
- no page is longer than 120 lines (pages read the context, call the library and render);
- the README's layout names every package and module of `assistance`, and only files that exist;
- a package's docstring names only modules that exist, as `name.py` or dotted (`cli.export`, `job.FileJob`).
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import re
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


NAME_COLUMN = 20  # the layout's names stand in its first 20 columns, what they hold after them


def readme_layout() -> dict[str, str]:
    """The README layout's entries under `assistance/`: each name (`store/`, `filters.py`) → its text."""
    block = (REPO / "README.md").read_text(encoding="utf-8").split("## Layout\n", 1)[1].split("```")[1]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("assistance/"))
    entries: dict[str, str] = {}
    names: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        if line[2] != " ":
            names = re.findall(r"[\w.]+/?", line[:NAME_COLUMN])
            entries.update((name, "") for name in names)
        for name in names:
            entries[name] += line[NAME_COLUMN:] + " "
    return entries


def test_the_readme_layout_names_every_package_and_only_files_that_exist():
    entries = readme_layout()
    packages = sorted(p for p in LIBRARY.iterdir() if (p / "__init__.py").exists())
    modules = sorted(p.name for p in LIBRARY.glob("*.py") if not p.name.startswith("__"))
    assert [p.name for p in packages if f"{p.name}/" not in entries] == [], "add these packages to README's layout"
    assert [m for m in modules if m not in entries] == [], "add these modules to README's layout"
    for package in packages:
        text = entries[f"{package.name}/"]
        for inner in (p for p in package.iterdir() if (p / "__init__.py").exists()):
            assert f"{inner.name}/" in text, f"README's layout: {package.name}/ does not name {inner.name}/"
        for cited in re.findall(r"\b\w+\.py\b", text):
            assert any(package.rglob(cited)), f"README's layout: {package.name}/ names {cited}, which it lacks"
    assert [name for name in entries if not (LIBRARY / name).exists()] == [], "README's layout names what is gone"


def _packages() -> list[Path]:
    return sorted(init.parent for init in LIBRARY.rglob("__init__.py"))


def _resolves(dotted: str) -> bool:
    """`assistance.store.pg.replica`, `assistance.ingest.job.FileJob`: a module, or a name a module defines."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(found, name):
                return False
            found = getattr(found, name)
        return True
    return False


def test_docstring_checks_can_fail():
    assert _resolves("assistance.ingest.job.FileJob") and _resolves("assistance.store.pg")
    assert not _resolves("assistance.registry.commands") and not _resolves("assistance.ingest.job.Nothing")


def test_package_docstrings_name_only_modules_that_exist():
    for package in _packages():
        doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8"))) or ""
        dotted_name = ".".join(package.relative_to(REPO).parts)
        inside = {p.stem for p in package.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()}
        files = [p.name for p in package.iterdir()]
        for cited in re.findall(r"(?<![\w/])([\w*]+)\.py\b", doc):  # `cells.py`, `*_sections.py`
            assert fnmatch.filter(files, f"{cited}.py"), f"{dotted_name}'s docstring names {cited}.py"
        for cited in re.findall(r"(?<![\w/.*])[a-z_]+(?:\.[A-Za-z_]\w*)+", doc):  # cli.export, job.FileJob
            first, last = cited.split(".")[0], cited.split(".")[-1]
            if last == "py":
                continue
            if first == "assistance":
                assert _resolves(cited), f"{dotted_name}'s docstring names {cited}"
            elif first in inside:
                assert _resolves(f"{dotted_name}.{cited}"), f"{dotted_name}'s docstring names {cited}"
            elif (LIBRARY / first / "__init__.py").exists() or (LIBRARY / f"{first}.py").exists():
                assert _resolves(f"assistance.{cited}"), f"{dotted_name}'s docstring names {cited}"
