"""AppTest of the outcome panels (issue 11), zh and en: the scorecard's panel (baseline → latest with the change, a
trend line per indicator, the large-class threshold, a missing year as —, 示例 on demo figures, no ranking, and a
real school without figures saying so), the scorecard's brief buttons (its pairing's brief), the overview's counts
per indicator with the brief's download buttons, the Registry page's outcome tab (a school account checks and
commits its own figures; another school's row is outside its scope), and a university account's overview counting
its own schools only."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from assistance.i18n import t
from tests.conftest import open_page

DEMO_SCHOOL = "策勒县示例中学"  # a demo school with a school year missing and large classes left


@pytest.fixture
def page_db(demo_db, monkeypatch):
    """A database of this test's own (the app caches one connection per path)."""
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    return demo_db


def query(path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path))  # same configuration as the app's connection, so it shares it
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def badges(app: AppTest) -> str:
    """The badges' markdown (st.badge is `:colour-badge[icon text]`)."""
    return " ".join(m.value for m in app.markdown if "-badge[" in m.value)


def frame_with(app: AppTest, column: str):
    frames = [d.value for d in app.dataframe if column in d.value.columns]
    assert frames, [list(d.value.columns) for d in app.dataframe]
    return frames[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scorecard_shows_a_schools_outcomes_from_baseline_to_latest(page_db, lang):
    pairing = query(page_db, "SELECT pairing_id FROM pairing_overview WHERE school = ?", [DEMO_SCHOOL])[0][0]
    app = ok(open_page("pages/schools.py", lang, pairing=str(pairing)))
    assert t("outcomes.panel.title", lang) in texts(app.subheader)
    table = frame_with(app, t("outcomes.col.trend", lang))
    name = t("outcomes.col.indicator", lang)
    assert list(table[name]) == [t(f"outcomes.indicator.{i}", lang) for i in (
        "students", "classes", "large_classes", "teachers", "teachers_masters", "teachers_senior", "teachers_left",
        "top_intake_local_pct", "undergrad_rate_pct", "special_line_students")]  # fmt: skip
    large = table[table[name] == t("outcomes.indicator.large_classes", lang)].iloc[0]
    assert large[t("outcomes.col.threshold", lang)].endswith(("未达到（4）", "not met (4)"))
    assert large[t("outcomes.col.change", lang)].startswith("−18")
    assert all(str(cell).startswith("data:image/svg+xml;base64,") for cell in table[t("outcomes.col.trend", lang)])
    years = frame_with(app, "2023–24")  # the year the school did not report: missing, not zero
    assert set(years["2023–24"]) == {"—"}
    assert t("outcomes.no_ranking", lang) in texts(app.caption)
    assert f"{t('outcomes.demo_badge', lang)}]" in badges(app)


def test_the_scorecard_offers_its_pairings_brief(page_db):
    pairing = query(page_db, "SELECT pairing_id FROM pairing_overview WHERE school = ?", [DEMO_SCHOOL])[0][0]
    app = ok(open_page("pages/schools.py", "en", pairing=str(pairing)))
    labels = [b.proto.label for b in app.get("download_button")]
    assert t("brief.button.pdf", "en") in labels and t("brief.button.html", "en") in labels
    assert t("brief.button.caption_pairing", "en") in texts(app.caption)


def test_a_real_school_without_figures_says_how_to_add_them(page_db):
    app = ok(open_page("pages/schools.py", "zh", pairing="1"))
    assert t("outcomes.panel.none", "zh") in texts(app.info)
    assert f" {t('outcomes.demo_badge', 'zh')}]" not in badges(app)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_counts_schools_per_indicator_and_offers_the_brief(page_db, lang):
    app = ok(open_page("pages/overview.py", lang))
    assert t("outcomes.overview.title", lang) in texts(app.subheader)
    table = frame_with(app, t("outcomes.overview.col.improved", lang))
    counts = table.set_index(t("outcomes.overview.col.indicator", lang))
    columns = [t(f"outcomes.overview.col.{key}", lang) for key in ("improved", "same", "declined")]
    compared = t("outcomes.overview.col.compared", lang)
    assert (counts[columns].sum(axis=1) == counts[compared]).all()
    assert (counts[compared] + counts[t("outcomes.overview.col.missing", lang)] == 115).all()
    assert counts.index[1] == t("outcomes.overview.neutral", lang, name=t("outcomes.indicator.classes", lang))
    assert t("outcomes.no_ranking", lang) in texts(app.caption)
    labels = [b.proto.label for b in app.get("download_button")]
    assert t("brief.button.pdf", lang) in labels and t("brief.button.html", lang) in labels


def test_a_universitys_overview_counts_its_own_schools(page_db):
    app = ok(open_page("pages/overview.py", "en", account={"username": "bnu", "role": "university",
                                                             "university": "北京师范大学"}))  # fmt: skip
    schools = query(page_db, "SELECT count(DISTINCT school) FROM pairing_overview WHERE university = '北京师范大学'")
    table = frame_with(app, t("outcomes.overview.col.improved", "en"))
    compared = table[t("outcomes.overview.col.compared", "en")] + table[t("outcomes.overview.col.missing", "en")]
    assert set(compared) == {schools[0][0]}


def test_a_school_imports_its_own_figures_on_the_registry_page(page_db):
    app = ok(open_page("pages/registry.py", "zh", account={"username": "qinglong", "role": "school",
                                                             "school": "青龙一中"}))  # fmt: skip
    assert t("registry.page.tab_outcomes", "zh") in [tab.label for tab in app.tabs]
    data = "受援学校,学年,在校生数,本科上线率\n青龙一中,2021,3200,35%\n奉节中学,2021,3000,30\n".encode()
    app.file_uploader(key="outcomes_file").set_value(("成效.csv", data, "text/csv"))
    app.run()
    app.button(key="outcomes_check").click()
    app.run()
    ok(app)
    assert "不在您的范围内" in " ".join(str(d.value.to_string()) for d in app.dataframe)
    app.button(key="outcomes_commit").click()
    app.run()
    ok(app)
    rows = query(page_db, "SELECT school, school_year, indicator, value, provenance FROM outcome_overview "
                          "WHERE batch_id IS NOT NULL ORDER BY indicator")  # fmt: skip
    assert rows == [("青龙满族自治县第一中学", 2021, "students", 3200.0, "imported"),
                    ("青龙满族自治县第一中学", 2021, "undergrad_rate_pct", 35.0, "imported")]  # fmt: skip
    assert query(page_db, "SELECT username, action FROM audit_log WHERE action = 'outcome_import'") == [
        ("qinglong", "outcome_import")]  # fmt: skip
