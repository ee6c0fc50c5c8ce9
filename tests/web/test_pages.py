"""AppTest: every page renders in Chinese and English with its key elements and the demo badge."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO, open_page

PAGES = [
    "pages/overview.py",
    "pages/map.py",
    "pages/universities.py",
    "pages/schools.py",
    "pages/upload.py",
    "pages/about.py",
]
TITLES = {
    "zh": ["总览", "覆盖地图", "帮扶高校", "受援学校", "上传活动记录", "关于与数据"],
    "en": ["Overview", "Coverage map", "Universities", "Schools", "Upload activities", "About & data"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("index", range(len(PAGES)))
def test_page_renders_without_exception(app_db, lang, index):
    app = open_page(PAGES[index], lang)
    assert not app.exception, [e.value for e in app.exception]
    assert TITLES[lang][index] in [title.value for title in app.title]
    badge = "示例数据" if lang == "zh" else "Sample data"
    assert badge in app_markdown(app), "demo rows are in view, so the sample-data badge must show"


def app_markdown(app: AppTest) -> str:
    return " ".join(str(getattr(node, "proto", "")) for node in app.main)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shell_has_language_switch_and_filters(app_db, lang):
    app = open_page(PAGES[0], lang)
    labels = [w.label for w in app.sidebar.selectbox] + [w.label for w in app.sidebar.multiselect]
    expected = (
        ["省份", "层级", "协议周期", "帮扶举措", "时段", "帮扶高校"]
        if lang == "zh"
        else ["Province", "Tier", "Agreement cycle", "Measure", "Period", "University"]
    )
    assert labels == expected
    assert app.session_state["lang"] == lang


def test_filters_come_from_the_url(app_db):
    """A shared link opens with its filters applied (a widget changing the URL: tests/web/test_apptest_shell.py)."""
    app = open_page(
        PAGES[0], "zh", university="北京师范大学", province="450000", period="2025-autumn", measure="student_camp"
    )
    assert app.sidebar.multiselect[0].value == ["北京师范大学"]
    assert [box.value for box in app.sidebar.selectbox] == ["450000", None, None, "student_camp", "2025-autumn"]
    assert "北京师范大学 · 广西壮族自治区 · 2025–26 学年秋季学期 · 学生营地活动" in [c.value for c in app.caption]


def test_unknown_link_values_are_ignored_not_fatal(app_db):
    app = open_page(PAGES[0], "en", university="No Such University", province="110000", period="1999")
    assert not app.exception
    assert app.sidebar.multiselect[0].value == []
    assert "All universities · All time · All measures" in [c.value for c in app.caption]


def test_first_start_builds_the_database_and_leaves_no_box_behind(tmp_path, monkeypatch):
    """The progress box shows while the database is built and is gone afterwards: a toast says it is ready,
    so no "数据库已就绪" box greets the first visitor (issue 13, item 14)."""
    path = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("ASSISTANCE_DB", str(path))
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.run()
    assert not app.exception
    assert path.exists()
    assert [status.label for status in app.status] == []
    assert "数据库已就绪" not in app_markdown(app)
    assert [toast.value for toast in app.toast] == ["数据库已就绪"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_lists_the_pairings_that_need_attention(app_db, lang):
    from assistance.i18n import t

    app = open_page(PAGES[0], lang)
    assert t("attention.title", lang) in [header.value for header in app.subheader]
    table = next(frame.value for frame in app.dataframe if t("attention.open", lang) in frame.value.columns)
    assert set(table[t("attention.open", lang)]) == {t("attention.open", lang) + " →"}, "each row opens its scorecard"
    assert t("table.link_hint", lang) in [caption.value for caption in app.caption]
