"""Exports read back: CSV is UTF-8 with a BOM, row counts equal the filtered count, Chinese intact;
XLSX has Chinese headers; the command line writes the same files and rejects unknown universities."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date, datetime

import duckdb
import pytest
from openpyxl import load_workbook

from assistance.analytics import attention, scorecard
from assistance.export import columns, writers
from assistance.filters import Filters, Period
from tests.conftest import REPO
from tests.corpus import ZH as HEADERS  # the upload template's headers, spelled out (not read from the app)

BNU = "北京师范大学"


def filtered_count(con, university: str) -> int:
    """What the issue compares against: the stable view's row count for the university."""
    return con.execute("SELECT count(*) FROM activity_overview WHERE university = ?", [university]).fetchone()[0]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"))))


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assistance", "export", *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def con(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


def test_csv_has_bom_all_rows_and_intact_chinese(con):
    buffer = io.BytesIO()
    written = writers.export_activities(con, Filters(universities=(BNU,)), "csv", buffer)
    rows = read_csv(buffer.getvalue())
    expected = filtered_count(con, BNU)
    assert written == len(rows) - 1 == expected > 0
    assert rows[0][: len(HEADERS)] == HEADERS  # the upload template's columns, so the file can go back in
    body = rows[1:]
    assert {row[1] for row in body} == {BNU}
    assert {row[2] for row in body} == {"青龙满族自治县第一中学", "融安县示例中学"}
    titles = {r[0] for r in con.execute("SELECT title FROM activity_overview WHERE university = ?", [BNU]).fetchall()}
    assert {row[5] for row in body} == titles
    labels = {r[0] for r in con.execute("SELECT label_zh FROM measures").fetchall()}
    assert {row[4] for row in body} <= labels  # measures as their Chinese labels
    assert {row[11] for row in body} == {"示例"}  # demo rows say so
    dates = [date.fromisoformat(row[0]) for row in body]
    assert dates == sorted(dates)


def test_xlsx_has_chinese_headers_and_date_cells(con):
    buffer = io.BytesIO()
    written = writers.export_activities(con, Filters(universities=(BNU,)), "xlsx", buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "活动记录"
    assert list(rows[0][: len(HEADERS)]) == HEADERS
    assert len(rows) - 1 == written == filtered_count(con, BNU)
    assert isinstance(rows[1][0], datetime)
    assert rows[1][1] == BNU
    assert isinstance(rows[1][6], int)


def test_exports_follow_every_filter(con):
    filters = Filters(universities=(BNU,), province="130000", measure="teacher_training", period=Period(2025))
    buffer = io.BytesIO()
    written = writers.export_activities(con, filters, "csv", buffer)
    expected = con.execute(
        "SELECT count(*) FROM activity_overview WHERE university = ? AND province_code = '130000' "
        "AND measure = 'teacher_training' AND date BETWEEN '2025-09-01' AND '2026-08-31'",
        [BNU],
    ).fetchone()[0]
    assert written == len(read_csv(buffer.getvalue())) - 1 == expected > 0


def test_formula_like_text_stays_text(con):
    con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance) "
        "VALUES (1, DATE '2026-10-10', 'other', '=HYPERLINK(\"http://x\")', 'x', 'imported'), "
        "(1, DATE '2026-10-11', 'other', '-1 学期总结', 'y', 'imported')"
    )
    buffer = io.BytesIO()
    writers.export_activities(con, Filters(universities=(BNU,)), "csv", buffer)
    titles = {row[5] for row in read_csv(buffer.getvalue())}
    assert '\'=HYPERLINK("http://x")' in titles
    assert "'-1 学期总结" in titles
    buffer = io.BytesIO()
    writers.export_activities(con, Filters(universities=(BNU,)), "xlsx", buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    cells = [row[5] for row in sheet.iter_rows(min_row=2) if str(row[5].value).startswith("=")]
    assert [(c.value, c.data_type) for c in cells] == [('=HYPERLINK("http://x")', "s")]


def test_chunks_and_sheet_overflow(con, monkeypatch):
    """Rows stream in chunks; past the sheet limit an XLSX continues on a second sheet."""
    monkeypatch.setattr(writers, "CHUNK_ROWS", 7)
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 100)
    expected = filtered_count(con, BNU)
    buffer = io.BytesIO()
    assert writers.export_activities(con, Filters(universities=(BNU,)), "csv", buffer) == expected
    assert len(read_csv(buffer.getvalue())) - 1 == expected
    buffer = io.BytesIO()
    assert writers.export_activities(con, Filters(universities=(BNU,)), "xlsx", buffer) == expected
    sheets = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).worksheets
    assert [s.title for s in sheets] == ["活动记录", "活动记录 (2)", "活动记录 (3)"]
    assert sum(sum(1 for _ in s.iter_rows(min_row=2)) for s in sheets) == expected


def test_on_screen_tables_export_with_chinese_labels(con):
    today = date(2026, 11, 28)
    query = attention.attention_query(Filters(), today)
    rows = read_csv(writers.table_bytes(con, query, columns.ATTENTION_COLUMNS, "csv", "需关注"))
    assert rows[0][:3] == ["原因", "帮扶高校", "受援学校"]
    assert len(rows) - 1 == query.count(con)
    assert {row[0] for row in rows[1:]} <= {"从未报送", "60 天及以上无活动", "举措低于按期计划 50%", "困难问题逾期"}
    card = scorecard.measure_scorecard_query(1, 2025, today)
    rows = read_csv(writers.table_bytes(con, card, columns.MEASURE_SCORECARD_COLUMNS, "csv", "记分卡"))
    assert rows[0] == ["学年", "帮扶举措", "计划数", "按期应完成", "实际完成", "完成率（%）", "状态"]
    assert rows[1][0] == "2025–26 学年"
    assert {row[6] for row in rows[1:]} <= {"达标", "滞后", "严重滞后", "未到期", "无计划"}
    workbook = load_workbook(
        io.BytesIO(writers.table_bytes(con, card, columns.MEASURE_SCORECARD_COLUMNS, "xlsx", "记分卡"))
    )
    assert [c.value for c in workbook["记分卡"][1]][:2] == ["学年", "帮扶举措"]


def test_cli_writes_the_same_csv_and_accepts_aliases(demo_db, tmp_path):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        expected = filtered_count(con, BNU)
    for name in (BNU, "北师大", "BNU", " beijing normal university "):
        out = tmp_path / "bnu.csv"
        result = run_cli("--db", str(demo_db), "--university", name, "-o", str(out))
        assert result.returncode == 0, result.stderr
        rows = read_csv(out.read_bytes())
        assert len(rows) - 1 == expected
        assert {row[1] for row in rows[1:]} == {BNU}
    buffer = io.BytesIO()
    with duckdb.connect(str(demo_db), read_only=True) as con:
        writers.export_activities(con, Filters(universities=(BNU,)), "csv", buffer)
    assert out.read_bytes() == buffer.getvalue()


def test_cli_xlsx_from_suffix_and_everything_without_university(demo_db, tmp_path):
    out = tmp_path / "bnu.xlsx"
    result = run_cli("--db", str(demo_db), "--university", "北师大", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    with duckdb.connect(str(demo_db), read_only=True) as con:
        assert len(rows) - 1 == filtered_count(con, BNU)
        total = con.execute("SELECT count(*) FROM activity_overview").fetchone()[0]
    assert rows[0][1] == "帮扶高校"
    csv_out = tmp_path / "all.txt"
    assert run_cli("--db", str(demo_db), "--format", "csv", "-o", str(csv_out)).returncode == 0
    assert len(read_csv(csv_out.read_bytes())) - 1 == total


def test_cli_unknown_university_exits_2_with_one_line(demo_db, tmp_path):
    out = tmp_path / "x.csv"
    result = run_cli("--db", str(demo_db), "--university", "霍格沃茨大学", "-o", str(out))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "霍格沃茨大学" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_cli_missing_database_or_folder_exits_2(demo_db, tmp_path):
    result = run_cli("--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "x.csv"))
    assert result.returncode == 2 and "not found" in result.stderr
    result = run_cli("--db", str(demo_db), "-o", str(tmp_path / "no" / "such" / "x.csv"))
    assert result.returncode == 2 and "cannot write" in result.stderr
    assert "Traceback" not in result.stderr
