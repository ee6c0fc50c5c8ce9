"""AppTest of the Upload page: upload → dry run (nothing written) → commit → history → undo."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO, sign_in_app
from tests.corpus import VALID, ZH, build_corpus_database, to_csv

BAD = ["2023-09-01", "北师大", "青龙一中", "", "吃饭", "页面坏行（测试）", "1", "1", "1", ""]
FILE = to_csv([ZH, VALID[0], BAD, VALID[1], VALID[0], VALID[2]]).encode("utf-8")  # 5 rows: 3 new, 1 dup, 1 bad


@pytest.fixture
def page_db(demo_db_template, tmp_path, monkeypatch):
    """A database of this test's own (the app caches one connection per path)."""
    path = tmp_path / "page.duckdb"
    build_corpus_database(demo_db_template, path)
    monkeypatch.setenv("ASSISTANCE_DB", str(path))
    return path


def open_upload(lang: str, db_path=None, username: str = "ministry", role: str = "ministry", **scope) -> AppTest:
    """The Upload page, signed in as an account of the database at `db_path` (ASSISTANCE_DB by default)."""
    import os

    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    sign_in_app(app, db_path or os.environ["ASSISTANCE_DB"], username, role, **scope)
    if lang == "en":
        app.query_params["lang"] = "en"
    app.run()
    app.switch_page("pages/upload.py")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def activity_count(path) -> int:
    con = duckdb.connect(str(path))  # same configuration as the app's connection, so it shares it
    try:
        return con.execute("SELECT count(*) FROM activities").fetchall()[0][0]
    finally:
        con.close()


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_dry_run_then_commit_then_undo(page_db, lang):
    app = open_upload(lang)
    before = activity_count(page_db)
    app.file_uploader(key="upload_file").set_value(("活动记录.csv", FILE, "text/csv"))
    app.run()
    assert app.button(key="upload_commit").disabled, "commit waits for a dry run"

    app.button(key="upload_check").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    rows, insert, dups, rejected = ("数据行", "将新增", "重复", "有错误") if lang == "zh" else (
        "Rows", "Would insert", "Duplicates", "Rejected")  # fmt: skip
    assert metrics(app) == {rows: "5", insert: "3", dups: "1", rejected: "1"}
    errors = app.dataframe[0].value
    assert len(errors) == 1 and int(errors.iloc[0, 0]) == 3
    message = errors.iloc[0, 3]
    assert ("未知的帮扶举措" in message) if lang == "zh" else ("unknown measure" in message)
    assert activity_count(page_db) == before, "a dry run writes nothing"
    assert not app.button(key="upload_commit").disabled

    app.button(key="upload_commit").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    inserted = "已新增" if lang == "zh" else "Inserted"
    assert metrics(app)[inserted] == "3"
    assert any("#1" in s.value for s in app.success)
    assert activity_count(page_db) == before + 3
    history = app.dataframe[-1].value
    assert len(history) == 1 and history.iloc[0, 1] == "活动记录.csv"

    app.checkbox(key="upload_undo_confirm").check()
    app.run()
    app.button(key="upload_undo").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(("已撤销批次 #1" if lang == "zh" else "Undid batch #1") in s.value for s in app.success)
    assert activity_count(page_db) == before


def test_an_unusable_file_gets_a_clear_message(page_db):
    app = open_upload("en")
    app.file_uploader(key="upload_file").set_value(("photo.csv", bytes(range(256)), "text/csv"))
    app.run()
    app.button(key="upload_check").click()
    app.run()
    assert not app.exception
    assert any("binary" in e.value for e in app.error)
    assert app.button(key="upload_commit").disabled


def test_a_workbook_with_several_sheets_offers_the_choice(page_db):
    from tests.corpus import to_xlsx

    data = to_xlsx({"说明": [["填写说明"]], "活动": [ZH, VALID[3]]})
    app = open_upload("zh")
    app.file_uploader(key="upload_file").set_value(("log.xlsx", data, "application/octet-stream"))
    app.run()
    choice = app.selectbox(key="upload_sheet")
    assert choice.options == ["自动：第一个含表头的工作表", "说明", "活动"]
    choice.select("活动")
    app.run()
    app.button(key="upload_check").click()
    app.run()
    assert metrics(app)["将新增"] == "1"


def test_an_instruction_sheet_in_front_is_skipped_without_choosing(page_db):
    """Issue 13, item 9: the first sheet with a header is read; the report names it."""
    from tests.corpus import to_xlsx

    data = to_xlsx({"填写说明": [["填写说明"], ["请在“活动记录”工作表中填写"]], "活动记录": [ZH, VALID[3]]})
    app = open_upload("zh")
    app.file_uploader(key="upload_file").set_value(("log.xlsx", data, "application/octet-stream"))
    app.run()
    assert app.selectbox(key="upload_sheet").value == ""  # automatic
    app.button(key="upload_check").click()
    app.run()
    assert not app.error, [e.value for e in app.error]
    assert metrics(app)["将新增"] == "1"
    assert any("工作表“活动记录”" in c.value for c in app.caption)
    assert not app.button(key="upload_commit").disabled


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_workbook_without_any_header_points_to_the_sheet_choice(page_db, lang):
    from tests.corpus import to_xlsx

    data = to_xlsx({"填写说明": [["填写说明"]], "选项": [["教师培训"]]})
    app = open_upload(lang)
    app.file_uploader(key="upload_file").set_value(("log.xlsx", data, "application/octet-stream"))
    app.run()
    app.button(key="upload_check").click()
    app.run()
    (error,) = [e.value for e in app.error]
    assert "填写说明" in error and "选项" in error
    assert ("“工作表”" in error) if lang == "zh" else ('"Sheet"' in error)
    assert "的表头（应含" not in error and "no header of" not in error  # not the single-sheet refusal


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_registry_file_is_refused_naming_the_registry_page(page_db, lang):
    """A registry (or plan) file dropped here is refused with one message naming the page it belongs on."""
    registry = "帮扶单位,省份,受援县,受援学校,层级\n北京师范大学,河北,青龙,青龙一中,国家示范\n".encode()
    app = open_upload(lang)
    app.file_uploader(key="upload_file").set_value(("名册.csv", registry, "text/csv"))
    app.run()
    app.button(key="upload_check").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    (error,) = [e.value for e in app.error]
    assert ("“名册管理”" in error) if lang == "zh" else ("Registry page" in error)
    assert "registry import" in error
    assert app.button(key="upload_commit").disabled


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_with_nothing_to_add_cannot_be_committed(page_db, lang):
    """Issue 13, item 9: a header-only file (0 rows to add) disables the commit; no empty batch."""
    app = open_upload(lang)
    app.file_uploader(key="upload_file").set_value(("header_only.csv", to_csv([ZH]).encode(), "text/csv"))
    app.run()
    app.button(key="upload_check").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert metrics(app)["将新增" if lang == "zh" else "Would insert"] == "0"
    assert app.button(key="upload_commit").disabled
    hint = "无需提交" if lang == "zh" else "nothing to commit"
    assert any(hint in c.value for c in app.caption)
    con = duckdb.connect(str(page_db))
    try:
        assert con.execute("SELECT count(*) FROM upload_batches").fetchall()[0][0] == 0
    finally:
        con.close()
