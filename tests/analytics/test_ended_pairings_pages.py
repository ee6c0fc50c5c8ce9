"""Ended pairings and plan sources on the pages (issue 9): a pairing whose agreement ended keeps its history and
shows as ended, with its end date, in the universities' pairings table, the scorecard's header, the school picker
and the school list, and never in needs attention; the scorecard says where a year's plan targets came from."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from assistance.analytics import scorecard
from assistance.registry.importer import RegistryImport
from assistance.registry.plans import PlansImport
from assistance.web.scorecard_sections import plan_source_text
from tests.conftest import open_page

# 北京师范大学 → 青龙满族自治县第一中学 (pairing 1, verified) ended with the first cycle.
ENDED = "帮扶单位,受援县,受援学校,协议结束日期\n北京师范大学,青龙,青龙满族自治县第一中学,2025-08-31\n"
PLAN = "帮扶高校,受援学校,学年,帮扶举措,目标次数\n北师大,青龙一中,2024,教研,6\n"


def database_after(template: Path, folder: Path, *imports) -> Path:
    """A copy of `template` in `folder` after each import (an unrun job factory: con → RegistryImport or
    PlansImport); returns its path."""
    path = folder / "case.duckdb"
    shutil.copy(template, path)
    con = duckdb.connect(str(path))
    try:
        for make in imports:
            make(con).run()
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def ended_db(demo_db_template, tmp_path_factory):
    path = database_after(
        demo_db_template,
        tmp_path_factory.mktemp("ended"),
        lambda con: RegistryImport(con, ENDED.encode(), "ended.csv", uploaded_by="t"),
        lambda con: PlansImport(con, PLAN.encode(), "plan.csv", uploaded_by="t"),
    )
    con = duckdb.connect(str(path))
    try:
        assert con.execute("SELECT end_date FROM pairings WHERE pairing_id = 1").fetchone()[0].isoformat() == (
            "2025-08-31"
        )
        assert con.execute("SELECT count(*) FROM plan_overview WHERE batch_id IS NOT NULL").fetchone()[0] == 1
    finally:
        con.close()
    return path


@pytest.fixture
def on_ended_db(ended_db, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_DB", str(ended_db))


def frame_texts(app) -> str:
    return " ".join(frame.value.astype(str).to_string() for frame in app.dataframe)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_universities_table_shows_the_pairing_as_ended_with_its_end_date(on_ended_db, lang):
    app = open_page("pages/universities.py", lang, university="北京师范大学")
    assert not app.exception, [e.value for e in app.exception]
    table = app.dataframe[0].value
    status, end = ("状态", "结束日期") if lang == "zh" else ("Status", "End date")
    row = table[table.iloc[:, 0].astype(str).str.contains("青龙满族自治县第一中学")].iloc[0]
    assert row[status].endswith("已结束" if lang == "zh" else "Ended")
    assert str(row[end]).startswith("2025-08-31")
    attention = " ".join(str(frame.value.to_dict()) for frame in app.dataframe[1:])
    assert "青龙满族自治县第一中学" not in attention, "an ended pairing is not in needs attention"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scorecard_header_and_picker_say_ended(on_ended_db, lang):
    app = open_page("pages/schools.py", lang, pairing="1")
    assert not app.exception, [e.value for e in app.exception]
    markdown = " ".join(m.value for m in app.markdown)
    assert ("2025-08-31 已结束" if lang == "zh" else "ended on 2025-08-31") in markdown
    assert app.main.selectbox[1].value == 2024, "an ended pairing opens on its last school year"
    picker = next(box for box in app.main.selectbox if box.value == 1)
    assert ("（2025-08-31 已结束）" if lang == "zh" else "(ended on 2025-08-31)") in picker.format_func(1)
    captions = " ".join(c.value for c in app.caption)
    # The plan file (batch 2) replaced the pairing's demo targets of its last year, 2024–25.
    assert ("计划来源：导入（批次 2）" if lang == "zh" else "Plan source: imported (batch 2)") in captions


def test_the_scorecard_names_the_plan_batch(on_ended_db, ended_db, demo_db):
    con = duckdb.connect(str(ended_db))  # the app's configuration: it may share the app's connection
    try:
        sources = scorecard.plan_sources(con, 1, 2024)
        batch = con.execute("SELECT max(batch_id) FROM upload_batches WHERE kind = 'plans'").fetchone()[0]
        assert sources == [("imported", batch)]
        assert scorecard.plan_sources(con, 1, 2019) == []
    finally:
        con.close()
    demo = duckdb.connect(str(demo_db))
    try:
        assert scorecard.plan_sources(demo, 38, 2024) == [("demo", None)]
    finally:
        demo.close()
    assert plan_source_text(sources, "zh") == f"计划来源：导入（批次 {batch}）"
    assert plan_source_text([], "en") == "Plan source: none (no targets for this school year)"
    assert plan_source_text([("demo", None)], "en") == "Plan source: demo data"
