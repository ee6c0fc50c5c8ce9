"""`python -m assistance outcomes import` and `python -m assistance brief` (issue 11): exit statuses, the documented
JSON keys, a dry run that writes nothing, undo of an outcome batch, and the brief's refusals in one line."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from tests.conftest import DEMO_TODAY, run_cli, snapshot

KEYS = ["file", "kind", "rows", "inserted", "changed", "unchanged", "rejected", "batch_id", "errors"]
GOOD = "受援学校,学年,在校生数,本科上线率\n青龙一中,2021,3200,35%\n青龙一中,2022-2023,3300,37.5\n"
BAD = GOOD + "青龙一中,2019,3300,120\n"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")


def write(tmp_path, text: str, name: str = "outcomes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_dry_run_prints_the_documented_json_and_writes_nothing(demo_db, tmp_path, capsys):
    before = snapshot(demo_db, ("outcomes", "upload_batches", "registry_changes"))
    status, out, _ = run_cli(capsys, "outcomes", "import", write(tmp_path, BAD), "--db", str(demo_db), "--dry-run",
                             "--json")  # fmt: skip
    assert status == 1
    report = json.loads(out)
    assert list(report) == KEYS
    assert (report["kind"], report["rows"], report["inserted"], report["rejected"], report["batch_id"]) == (
        "outcomes", 3, 2, 1, None)  # fmt: skip
    assert {(e["line"], e["column"]) for e in report["errors"]} == {(4, "学年"), (4, "本科上线率")}
    assert snapshot(demo_db, ("outcomes", "upload_batches", "registry_changes")) == before


def test_an_import_commits_one_batch_that_undo_reverses(demo_db, tmp_path, capsys):
    status, out, _ = run_cli(capsys, "outcomes", "import", write(tmp_path, GOOD), "--db", str(demo_db), "--json")
    assert status == 0
    batch = json.loads(out)["batch_id"]
    assert batch is not None
    status, out, _ = run_cli(capsys, "outcomes", "import", write(tmp_path, GOOD), "--db", str(demo_db))
    assert status == 0 and "2 unchanged" in out
    status, out, err = run_cli(capsys, "undo", str(batch), "--db", str(demo_db))
    assert status == 0 and f"#{batch}" in out, err


def test_a_file_that_cannot_be_used_is_status_2_with_its_json_object(demo_db, tmp_path, capsys):
    path = tmp_path / "outcomes.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    status, out, err = run_cli(capsys, "outcomes", "import", str(path), "--db", str(demo_db), "--json")
    assert status == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    report = json.loads(out)
    assert list(report) == KEYS and report["errors"][0]["line"] is None


def test_brief_writes_a_pdf_and_an_html_file(demo_db, tmp_path, capsys):
    pdf, html = tmp_path / "brief.pdf", tmp_path / "简报.html"
    today = DEMO_TODAY.isoformat()
    status, out, err = run_cli(capsys, "brief", "--db", str(demo_db), "--university", "北师大", "--lang", "zh",
                               "--today", today, "-o", str(pdf))  # fmt: skip
    assert status == 0, err
    assert "wrote the brief" in out
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "范围：北京师范大学" in text and f"生成日期：{today}" in text
    status, _, err = run_cli(capsys, "brief", "--db", str(demo_db), "--province", "甘肃", "--lang", "en", "--today",
                             today, "-o", str(html))  # fmt: skip
    assert status == 0, err
    assert "Gansu" in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--province", "火星"], 'unknown province "火星"'),
        (["--university", "不存在大学"], 'unknown university "不存在大学"'),
        (["--tier", "county"], 'unknown tier "county"'),
        (["--period", "2025-summer"], 'unknown period "2025-summer"'),
    ],
)
def test_brief_refuses_unknown_filters_in_one_line(demo_db, tmp_path, capsys, args, says):
    output = tmp_path / "b.html"
    status, _, err = run_cli(capsys, "brief", "--db", str(demo_db), *args, "-o", str(output))
    assert status == 2 and says in err and len(err.strip().splitlines()) == 1
    assert not output.exists()


def test_brief_refuses_an_unknown_format_and_a_missing_font(demo_db, tmp_path, capsys, monkeypatch):
    status, _, err = run_cli(capsys, "brief", "--db", str(demo_db), "-o", str(tmp_path / "b.docx"))
    assert status == 2 and "use .pdf or .html" in err
    monkeypatch.setenv("ASSISTANCE_BRIEF_FONT", str(tmp_path / "no-such-font.ttf"))
    status, _, err = run_cli(capsys, "brief", "--db", str(demo_db), "-o", str(tmp_path / "b.pdf"))
    assert status == 2 and "ASSISTANCE_BRIEF_FONT" in err and len(err.strip().splitlines()) == 1
    status, _, err = run_cli(capsys, "brief", "--db", str(demo_db), "-o", str(tmp_path / "b.html"))
    assert status == 0, err  # the HTML brief needs no font


def test_brief_of_a_filter_with_no_data_says_so(demo_db, tmp_path, capsys):
    output = tmp_path / "beijing.pdf"
    status, _, err = run_cli(capsys, "brief", "--db", str(demo_db), "--province", "北京", "-o", str(output))
    assert status == 0, err
    reader = PdfReader(output)
    assert len(reader.pages) == 1
    assert "no pairing in the chosen scope" in reader.pages[0].extract_text().replace("\n", " ")
