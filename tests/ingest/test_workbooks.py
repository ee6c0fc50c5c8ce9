"""Issue 14, item 4: workbooks are read by python-calamine, .xlsx, Excel 97-2003 .xls (what WPS and older Office
save by default) and OpenDocument .ods alike, wherever a workbook is accepted (activities, registry, plans,
outcomes); date, serial-number and percent cells read as they do from an .xlsx. The .xls and .ods fixtures are
written by fixtures/make_fixtures.py from the rows in workbook_rows.py."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from assistance.ingest.decode import parse, sheet_names
from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import Ingest
from assistance.outcomes.importer import OutcomesImport
from assistance.registry.importer import RegistryImport
from assistance.registry.plans import PlansImport
from assistance.web.upload_flow import sheet_choices
from tests.conftest import DEMO_TODAY
from tests.corpus import TODAY
from tests.ingest.workbook_rows import (
    ACTIVITY_ERRORS,
    ACTIVITY_OUTCOME,
    ACTIVITY_STORED,
    OUTCOME_STORED,
    PLAN_STORED,
    SHEETS,
    Percent,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def as_xlsx(sheets: dict[str, list[list]]) -> bytes:
    """The same rows as an .xlsx written by openpyxl (percent cells formatted 0%, dates as date cells)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append([float(v) if isinstance(v, Percent) else v for v in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=False):
                if isinstance(value, Percent):
                    cell.number_format = "0%"
                elif isinstance(value, date) and not isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook(file_format: str, kind: str = "activities") -> bytes:
    """The `kind` fixture (workbook_rows.SHEETS) as the format: .xlsx written here, .xls and .ods committed."""
    if file_format == "xlsx":
        return as_xlsx(SHEETS[kind])
    return (FIXTURES / f"{kind}.{file_format}").read_bytes()


def _silent(_fraction: float, _step: str) -> None:
    return None


@pytest.fixture
def con(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


@pytest.mark.parametrize("file_format", ["xlsx", "xls", "ods"])
def test_every_workbook_format_gives_the_same_rows_counts_and_errors(con, file_format):
    data = workbook(file_format)
    # The content decides, not the name: a renamed .xls or .ods is read as what it is.
    report = Ingest(con, data, "活动记录.xlsx", today=TODAY).validate()
    assert report.file_format == file_format
    outcome = {key: getattr(report, key) for key in ACTIVITY_OUTCOME}
    assert outcome == ACTIVITY_OUTCOME
    found = {(int(line), field, code) for line, field, code in report.errors[["line", "field", "code"]].itertuples(
        index=False
    )}  # fmt: skip
    assert found == ACTIVITY_ERRORS


@pytest.mark.parametrize("file_format", ["xls", "ods"])
def test_dates_serial_numbers_and_percent_cells_are_stored_as_from_an_xlsx(con, file_format):
    report = Ingest(con, workbook(file_format), f"log.{file_format}", today=TODAY, uploaded_by="测试").run()
    assert report.committed and report.inserted == 3
    stored = con.execute(
        "SELECT title, date, teachers, students, hours FROM activities WHERE batch_id = ? ORDER BY date",
        [report.batch_id],
    ).fetchall()
    assert stored == sorted(ACTIVITY_STORED, key=lambda row: row[1])
    rejected = con.execute(
        "SELECT DISTINCT line FROM rejected_rows WHERE batch_id = ? ORDER BY line", [report.batch_id]
    ).fetchall()
    assert rejected == [(6,), (7,)]  # the sheet's own row numbers


@pytest.mark.parametrize("file_format", ["xlsx", "xls", "ods"])
def test_a_registry_workbook_of_every_format_is_imported(con, file_format):
    report = RegistryImport(con, workbook(file_format, "registry"), f"r.{file_format}", uploaded_by="测试").run()
    assert (report.file_format, report.header_line, report.inserted, report.rejected) == (file_format, 2, 1, 0)
    start = con.execute(
        "SELECT start_date FROM pairing_overview p JOIN universities u ON u.name_zh = p.university "
        "WHERE u.name_zh = '甘肃农业大学'"
    ).fetchone()[0]
    assert start == date(2023, 9, 1)


@pytest.mark.parametrize("file_format", ["xlsx", "xls", "ods"])
def test_a_plan_workbook_of_every_format_is_imported(con, file_format):
    """School years and targets as number cells (floats in an .xls) and as text: the same targets as from an .xlsx."""
    report = PlansImport(con, workbook(file_format, "plans"), f"计划.{file_format}", uploaded_by="测试").run()
    assert (report.file_format, report.inserted, report.rejected) == (file_format, 2, 0), report.to_dict("en")
    stored = con.execute(
        "SELECT school_year, measure, target FROM plan_overview WHERE pairing_id = 1 AND provenance = 'imported'"
    ).fetchall()
    assert {(year, measure): target for year, measure, target in stored} == PLAN_STORED


@pytest.mark.parametrize("file_format", ["xlsx", "xls", "ods"])
def test_an_outcome_workbook_of_every_format_is_imported(con, file_format):
    """A title row above the header, rates as percent cells meaning what they show (35% is 35), school years as
    text and as numbers: the same figures as from an .xlsx."""
    data = workbook(file_format, "outcomes")
    report = OutcomesImport(con, data, f"成效.{file_format}", today=DEMO_TODAY, uploaded_by="测试").run()
    assert (report.file_format, report.header_line, report.inserted, report.rejected) == (file_format, 2, 2, 0)
    stored = con.execute(
        "SELECT school_year, students, undergrad_rate_pct, top_intake_local_pct FROM outcomes JOIN schools "
        "USING (school_id) WHERE name_zh = '青龙满族自治县第一中学' AND batch_id = ?",
        [report.batch_id],
    ).fetchall()
    assert {year: tuple(figures) for year, *figures in stored} == OUTCOME_STORED


@pytest.mark.parametrize("file_format", ["xls", "ods"])
def test_the_page_offers_the_sheets_of_every_workbook_format(file_format):
    data = workbook(file_format)
    assert sheet_names(data) == ["填写说明", "活动记录"]
    assert sheet_choices(data, 10**9) == ["填写说明", "活动记录"]
    assert parse(data, None, "活动记录", "auto", _silent).sheet == "活动记录"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("damaged.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 2048, "xls"),
        ("damaged.ods", b"PK\x03\x04" + b"\x00" * 64, "xlsx_corrupt"),
    ],
)
def test_a_damaged_workbook_is_refused_with_a_reason(con, name, data, code):
    with pytest.raises(IngestFileError) as raised:
        Ingest(con, data, name, today=TODAY).validate()
    assert raised.value.code == code
    if code == "xls":
        assert "密码" in raised.value.message("zh") and "password" in raised.value.message("en")
