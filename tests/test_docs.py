"""The repository documents itself: docs/ holds what the code cites, and the facts there match the data."""

import csv
import os
import re
from pathlib import Path

from tests.conftest import REPO

CITED_ELSEWHERE = re.compile(r"\b(DESIGN|PROGRAM)\.md\b")
DOC_LINK = re.compile(r"\]\(((?:docs/)?[\w./-]+\.md)(?:#[\w-]+)?\)")
TEST_PATH = re.compile(r"(?<![\w/.-])tests/[\w/-]+\.py\b")
CITING_SUFFIXES = (".py", ".md", ".txt", ".sh")
SKIPPED_FOLDERS = {".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", ".venv", "tmp", "out"}


def markdown_table(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first table under `## heading`."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]


def test_the_programme_page_lists_the_measures_of_data_measures_csv():
    with open(REPO / "data" / "measures.csv", encoding="utf-8") as f:
        measures = [(r["code"], r["label_zh"], r["label_en"]) for r in csv.DictReader(f)]
    documented = markdown_table((REPO / "docs" / "programme.md").read_text(encoding="utf-8"), "Measures")
    assert [tuple(row[:3]) for row in documented] == measures


def test_nothing_cites_documents_outside_the_repository():
    files = [*REPO.glob("*.py"), *REPO.glob("*.md"), *REPO.glob("*.toml")]
    for folder in ("assistance", "pages", "scripts", "bench", "tests", "docs", ".ci"):
        files += [p for p in (REPO / folder).rglob("*") if p.suffix in (".py", ".md", ".sh", "") and p.is_file()]
    citing = [
        str(path.relative_to(REPO))
        for path in files
        if path != REPO / "tests" / "test_docs.py" and CITED_ELSEWHERE.search(path.read_text(encoding="utf-8"))
    ]
    assert not citing, f"cite docs/contracts.md or docs/programme.md instead: {citing}"


def test_markdown_links_to_docs_resolve():
    for page in (REPO / "README.md", *(REPO / "docs").glob("*.md")):
        for target in DOC_LINK.findall(page.read_text(encoding="utf-8")):
            assert (page.parent / target).is_file(), f"{page.name} links to missing {target}"


def test_readme_configuration_is_one_table():
    section = (REPO / "README.md").read_text(encoding="utf-8").split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    lines = section.strip().splitlines()
    table = [i for i, line in enumerate(lines) if line.startswith("|")]
    assert table == list(range(table[0], table[-1] + 1)), "a blank or other line splits the table"
    assert {"`ASSISTANCE_DB`", "`ASSISTANCE_MAX_UPLOAD_MB`", "`ASSISTANCE_LANG`"} <= {
        lines[i].split("|")[1].strip() for i in table
    }


def repository_files(suffixes: tuple[str, ...]) -> list[Path]:
    """The repository's own files with these suffixes (not caches, virtual environments or benchmark output)."""
    found = []
    for folder, subfolders, names in os.walk(REPO):
        subfolders[:] = [name for name in subfolders if name not in SKIPPED_FOLDERS]
        found += [Path(folder) / name for name in names if name.endswith(suffixes)]
    return found


def test_every_test_file_cited_in_the_repository_exists():
    missing = [
        f"{path.relative_to(REPO)}: {cited}"
        for path in repository_files(CITING_SUFFIXES)
        for cited in TEST_PATH.findall(path.read_text(encoding="utf-8", errors="replace"))
        if not (REPO / cited).is_file()
    ]
    assert not missing, f"tests moved into folders that mirror the packages: {missing}"


def test_the_top_level_help_names_every_command():
    from assistance.cli.main import build_parser

    parser = build_parser()
    commands = next(action.choices for action in parser._actions if action.dest == "command")
    described = re.findall(r"\w+", parser.description)
    assert [command for command in commands if command not in described] == []
    assert parser.description.endswith("."), parser.description


def documented_columns(view: str) -> list[str]:
    """The columns docs/contracts.md's "Stable views" lists for `view` (its "- `view`: `a, b, …`" item)."""
    section = (REPO / "docs" / "contracts.md").read_text(encoding="utf-8").split("## Stable views\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    found = re.search(rf"^- `{view}`: `([^`]+)`", section, re.MULTILINE)
    assert found, f"docs/contracts.md lists no columns for {view}"
    return [column.strip() for column in " ".join(found.group(1).split()).split(",")]


def test_audit_overview_has_exactly_the_columns_contracts_md_lists(demo_db_template):
    import duckdb

    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        columns = [row[0] for row in con.execute("DESCRIBE audit_overview").fetchall()]
    assert columns == documented_columns("audit_overview")
    assert columns == ["event_id", "at", "username", "role", "action", "target", "detail", "batch_id"]
