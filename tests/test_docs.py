"""The repository documents itself: docs/ holds what the code cites, and the facts there match the data."""

import csv
import re

from tests.conftest import REPO

CITED_ELSEWHERE = re.compile(r"\b(DESIGN|PROGRAM)\.md\b")
DOC_LINK = re.compile(r"\]\(((?:docs/)?[\w./-]+\.md)(?:#[\w-]+)?\)")


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
