"""Issue 13, item 9: which sheet of a workbook is read, and no empty batch for a file with nothing to add.

An instruction sheet in front ("填写说明") used to fail the whole file with "前 30 行中找不到表头"; now the first
sheet with a header of the kind being imported is read (activities, registry, plans alike), and a workbook
without any header names its sheets and the sheet choice. A header-only file used to commit an empty batch
that showed as active; now a file with nothing to add is never committed, on the page or the command line.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from assistance.ingest.decode import parse
from assistance.ingest.errors import IngestFileError
from assistance.ingest.fields import ACTIVITIES, PLANS, REGISTRY
from assistance.ingest.pipeline import Ingest
from tests.corpus import TODAY, VALID, ZH, to_csv, to_xlsx

INSTRUCTIONS = [["填写说明"], ["请在“活动记录”工作表中填写，每行一次活动。"], ["日期请写成 2025-09-01。"]]
REGISTRY_ROWS = [["帮扶单位", "受援县", "受援学校"], ["北京师范大学", "青龙", "青龙一中"]]
PLAN_ROWS = [
    ["帮扶单位", "受援学校", "学年", "帮扶举措", "目标次数"],
    ["北京师范大学", "青龙一中", "2025", "教师培训", "4"],
]


def _silent(_fraction: float, _step: str) -> None:
    return None


def sheet_read(data: bytes, kind=None) -> str:
    return parse(data, None, None, "auto", _silent, kind).sheet


def test_the_first_sheet_with_a_header_of_the_kind_is_read():
    book = to_xlsx({"填写说明": INSTRUCTIONS, "名册": REGISTRY_ROWS, "计划": PLAN_ROWS, "活动记录": [ZH, VALID[0]]})
    assert sheet_read(book, ACTIVITIES) == "活动记录"
    assert sheet_read(book, REGISTRY) == "名册"
    assert sheet_read(book, PLANS) == "计划"
    assert sheet_read(book) == "名册", "without a kind, the first sheet with any header"


def test_a_header_of_another_kind_is_read_when_the_kind_has_none():
    """So that the import refuses it with the message naming the page where it belongs."""
    book = to_xlsx({"填写说明": INSTRUCTIONS, "名册": REGISTRY_ROWS})
    assert sheet_read(book, ACTIVITIES) == "名册"


def test_a_chosen_sheet_and_a_single_sheet_are_read_as_they_are():
    book = to_xlsx({"填写说明": INSTRUCTIONS, "活动记录": [ZH, VALID[0]]})
    assert parse(book, None, "填写说明", "auto", _silent, ACTIVITIES).sheet == "填写说明"
    assert sheet_read(to_xlsx({"说明": INSTRUCTIONS}), ACTIVITIES) == "说明"


def test_a_workbook_without_any_header_lists_its_sheets_and_names_the_choice():
    book = to_xlsx({"填写说明": INSTRUCTIONS, "选项": [["教师培训"], ["学生营地"]]})
    with pytest.raises(IngestFileError) as raised:
        sheet_read(book, ACTIVITIES)
    assert raised.value.code == "no_header_in_sheets"
    zh, en = raised.value.message("zh"), raised.value.message("en")
    assert "“填写说明”、“选项”" in zh and "“工作表”" in zh and "--sheet" in zh
    assert '"填写说明", "选项"' in en and '"Sheet"' in en


def test_an_activity_log_behind_an_instruction_sheet_is_imported(demo_db):
    con = duckdb.connect(str(demo_db))
    try:
        book = to_xlsx(
            {"填写说明": INSTRUCTIONS, "活动记录": [ZH, [*VALID[0][:5], "说明页之后（测试）", *VALID[0][6:]]]}
        )
        report = Ingest(con, book, "log.xlsx", today=TODAY).validate()
        assert (report.sheet, report.header_line, report.rows, report.inserted) == ("活动记录", 1, 1, 1)
    finally:
        con.close()


def test_a_registry_behind_an_instruction_sheet_is_read(demo_db):
    from assistance.registry.importer import RegistryImport

    con = duckdb.connect(str(demo_db))
    try:
        book = to_xlsx({"填写说明": INSTRUCTIONS, "名册": REGISTRY_ROWS})
        report = RegistryImport(con, book, "registry.xlsx").validate()
        assert report.sheet == "名册" and report.rows == 1
    finally:
        con.close()


@pytest.mark.parametrize(
    "name,rows",
    [
        ("header_only.csv", [ZH]),
        ("all_rejected.csv", [ZH, ["2023-09-01", "北师大", "青龙一中", "", "吃饭", "坏行（测试）", "1", "1", "1", ""]]),
    ],
)
def test_a_file_with_nothing_to_add_records_no_batch(demo_db, name, rows):
    con = duckdb.connect(str(demo_db))
    try:
        before = con.execute("SELECT count(*) FROM upload_batches").fetchall()[0][0]
        report = Ingest(con, to_csv(rows).encode(), name, today=TODAY, uploaded_by="测试").run()
        assert report.nothing_to_add and not report.committed and report.batch_id is None
        assert con.execute("SELECT count(*) FROM upload_batches").fetchall()[0][0] == before
    finally:
        con.close()


def test_the_command_line_records_no_batch_for_a_header_only_file(demo_db, tmp_path, capsys, monkeypatch):
    from assistance.cli.main import main

    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    path = tmp_path / "header_only.csv"
    path.write_text(to_csv([ZH]), encoding="utf-8-sig")
    assert main(["ingest", str(path), "--db", str(demo_db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["rows"] == 0 and result["batch_id"] is None
    assert main(["ingest", str(path), "--db", str(demo_db)]) == 0
    assert "no batch was recorded" in capsys.readouterr().out
    assert main(["batches", "--db", str(demo_db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
