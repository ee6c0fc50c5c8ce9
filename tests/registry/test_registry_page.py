"""AppTest of the Registry page (名册管理): a registry file checked (nothing written), committed, undone, in zh and
en; a bad file's errors by line; a plan file's changes before → after; a file of another kind named to its page;
a file with nothing to add cannot be committed; the export offers the real pairings."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_page
from tests.corpus import VALID, ZH, to_csv

HEADER = "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源"
# Two good rows (a national pairing that replaces the demo national tier, a provincial one with a new party) and
# a county that does not exist.
REGISTRY = "\n".join(
    [
        HEADER,
        "北京师范大学,甘肃,,榆中,榆中县示范高中,,,,,,",
        "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,",
        "北京师范大学,,,不存在县,某中学,,,,,,",
    ]
).encode("utf-8")
PLANS_HEADER = "帮扶高校,受援学校,受援县,学年,帮扶举措,目标次数,备注"


@pytest.fixture
def page_db(demo_db, monkeypatch):
    """A database of this test's own (the app caches one connection per path)."""
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    return demo_db


def open_registry(lang: str) -> AppTest:
    app = open_page("pages/registry.py", lang, account={"username": "名册员"})
    assert not app.exception, [e.value for e in app.exception]
    return app


def check(app: AppTest, prefix: str, name: str, data: bytes) -> None:
    app.file_uploader(key=f"{prefix}_file").set_value((name, data, "text/csv"))
    app.run()
    app.button(key=f"{prefix}_check").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def query(path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path))  # same configuration as the app's connection, so it shares it
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def texts(elements) -> str:
    return " ".join(e.value for e in elements)


WORDS = {
    "zh": {
        "metrics": ("数据行", "将新增", "将更改", "未变", "有错误"),
        "inserted": "已新增",
        "demo": "国家示范、省级层级的示例数据将被移除：示例配对 86 个",
        "unknown_county": "找不到县级单位“不存在县”",
        "committed": "已提交为批次 #1：新增 2，更改 0，未变 0，错误 1。",
        "undone": "已撤销批次 #1（帮扶名册）",
        "new_party": "甘肃农业大学",
    },
    "en": {
        "metrics": ("Rows", "Would insert", "Would change", "Unchanged", "Rejected"),
        "inserted": "Inserted",
        "demo": "demo data of the tiers National, Provincial will be removed: 86 demo pairings",
        "unknown_county": 'no county-level unit "不存在县"',
        "committed": "Committed as batch #1: 2 new, 0 changed, 0 unchanged, 1 rejected.",
        "undone": "Undid batch #1 (a pairing registry)",
        "new_party": "甘肃农业大学",
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_registry_dry_run_then_commit_then_undo(page_db, lang):
    words = WORDS[lang]
    app = open_registry(lang)
    assert (("名册管理",) if lang == "zh" else ("Registry",)) == tuple(t.value for t in app.title)
    before = query(page_db, "SELECT provenance, count(*) FROM pairings GROUP BY ALL ORDER BY 1")
    check(app, "registry", "名册.csv", REGISTRY)

    assert metrics(app) == dict(zip(words["metrics"], ("3", "2", "0", "0", "1"), strict=True))
    assert words["demo"] in texts(app.warning), "the dry run says which demo rows a commit removes"
    frames = [frame.value for frame in app.dataframe]
    parties = next(f for f in frames if words["new_party"] in f.iloc[:, 0].tolist())
    assert parties.iloc[0, -1] == 3, "a new party with the line that names it"
    errors = frames[-1]
    assert errors.iloc[0, 0] == 4 and words["unknown_county"] in errors.iloc[0, 3], "errors by the file's line"
    assert query(page_db, "SELECT provenance, count(*) FROM pairings GROUP BY ALL ORDER BY 1") == before
    assert not app.button(key="registry_commit").disabled

    app.button(key="registry_commit").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert words["committed"] in texts(app.success)
    assert metrics(app)[words["inserted"]] == "2"
    assert query(page_db, "SELECT provenance, count(*) FROM pairings GROUP BY ALL ORDER BY 1") == [
        ("imported", 2), ("verified", 29)]  # fmt: skip
    assert query(page_db, "SELECT kind, inserted, rejected, uploaded_by FROM upload_batches") == [
        ("registry", 2, 1, "名册员")]  # fmt: skip
    history = app.dataframe[-1].value
    assert history.iloc[0, 0] == 1 and history.iloc[0, 1] == ("帮扶名册" if lang == "zh" else "Registry")

    app.checkbox(key="registry_history_undo_confirm").check()
    app.run()
    app.button(key="registry_history_undo").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert words["undone"] in texts(app.success)
    assert words["committed"] not in texts(app.success), "an undone batch's commit report is gone"
    assert query(page_db, "SELECT provenance, count(*) FROM pairings GROUP BY ALL ORDER BY 1") == before


def test_a_blocked_undo_names_the_later_batch(page_db):
    app = open_registry("en")
    first = f"{HEADER}\n甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,\n".encode()
    second = f"{HEADER}\n甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,2026-08-31,,\n".encode()
    for name, data in (("first.csv", first), ("second.csv", second)):
        check(app, "registry", name, data)
        app.button(key="registry_commit").click()
        app.run()
    changes = app.dataframe[0].value
    assert changes.iloc[0].tolist()[2:] == ["协议结束日期", "—", "2026-08-31"], "the change, before → after"
    app.selectbox(key="registry_history_undo_pick").select(1)
    app.run()
    app.checkbox(key="registry_history_undo_confirm").check()
    app.run()
    app.button(key="registry_history_undo").click()
    app.run()
    assert "cannot undo batch #1" in texts(app.warning) and "#2" in texts(app.warning)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_activity_log_dropped_on_the_registry_names_the_upload_page(page_db, lang):
    app = open_registry(lang)
    check(app, "registry", "活动记录.csv", to_csv([ZH, VALID[0]]).encode("utf-8"))
    (error,) = [e.value for e in app.error]
    assert ("“上传活动记录”页面" in error) if lang == "zh" else ("Upload activities page" in error)
    assert app.button(key="registry_commit").disabled


def test_a_plan_file_shows_its_changes_and_a_file_with_nothing_new_cannot_be_committed(page_db):
    app = open_registry("zh")
    first = f"{PLANS_HEADER}\n北师大,青龙一中,,2025,教研,6,\n".encode()
    check(app, "plans", "计划.csv", first)
    assert "这些配对的示例计划" in texts(app.warning)
    app.button(key="plans_commit").click()
    app.run()
    assert "已提交为批次 #1" in texts(app.success)

    check(app, "plans", "计划2.csv", f"{PLANS_HEADER}\n北师大,青龙一中,,2025,教研,8,\n".encode())
    changes = app.dataframe[0].value
    assert changes.iloc[0].tolist() == [2, "配对 #1 · 2025–26 学年 · 教研指导", "目标次数", "6", "8"]

    check(app, "plans", "计划.csv", first)  # the same file again: nothing new
    assert metrics(app)["未变"] == "1"
    assert app.button(key="plans_commit").disabled
    assert any("无需提交" in c.value for c in app.caption)


def test_the_export_offers_the_real_pairings_by_tier(page_db):
    app = open_registry("zh")
    labels = [b.proto.label for b in app.get("download_button")]
    assert "下载 XLSX（29 个配对）" in labels and "下载 CSV（29 个配对）" in labels
    app.selectbox(key="registry_export_tier").select("provincial")
    app.run()
    labels = [b.proto.label for b in app.get("download_button")]
    assert "下载 CSV（0 个配对）" in labels
    assert "这一层级还没有真实配对" in texts(app.caption)
