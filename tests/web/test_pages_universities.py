"""AppTest runs of the universities page and the scorecard, opened by their URLs, in zh and en."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from assistance.analytics import scorecard
from assistance.i18n import t
from assistance.web.tables import status_text
from tests.conftest import REPO

BNU = "北京师范大学"
BNU_SCHOOLS = {"青龙满族自治县第一中学", "融安县示例中学"}


@pytest.fixture(scope="module")
def other_schools(demo_db_template) -> set[str]:
    # The template has the same rows as app_db; app_db itself is held read-write by the app under test.
    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        rows = con.execute("SELECT school FROM pairing_overview WHERE university <> ?", [BNU]).fetchall()
    return {school for (school,) in rows} - BNU_SCHOOLS


def open_page(page: str, lang: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    if lang != "zh":
        at.query_params["lang"] = lang
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def url_values(at: AppTest, key: str) -> list[str]:
    value = at.query_params.get(key, [])
    return [value] if isinstance(value, str) else list(value)


def table_cells(at: AppTest) -> set[str]:
    cells: set[str] = set()
    for frame in at.dataframe:
        for column in frame.value.columns:
            cells |= {str(value) for value in frame.value[column].tolist()}
    return cells


def page_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value for e in at.subheader] + [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_university_link_shows_only_its_schools(app_db, other_schools, lang):
    at = open_page("pages/universities.py", lang, university=BNU)
    assert url_values(at, "university") == [BNU]
    pairings = at.dataframe[0].value
    assert set(pairings[t("export.col.school", lang)]) == BNU_SCHOOLS
    # each row links to its scorecard; the link keeps the filters and the language: tests/web/test_links.py
    assert set(pairings[t("export.col.scorecard", lang)]) == {t("attention.open", lang) + " →"}
    cells = table_cells(at)
    assert cells >= BNU_SCHOOLS
    assert not cells & other_schools
    text = page_text(at)
    assert not [school for school in other_schools if school in text]
    assert [m.label for m in at.metric][:1] == [t("univ.metric.pairings", lang)]
    assert at.metric[0].value == "2"
    assert any(t("attention.title", lang) == s.value for s in at.subheader)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_universities_page_without_a_choice_lists_every_university(app_db, lang):
    at = open_page("pages/universities.py", lang)
    first = at.dataframe[0].value
    assert t("export.col.open", lang) in first.columns
    assert len(first) == 25  # one page; 49 universities
    assert t("export.table.rows", lang, total="49", page=1, pages=2) in page_text(at)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_scorecard_by_link_shows_the_rule(app_db, lang):
    at = open_page("pages/schools.py", lang, pairing="1")
    assert at.title[0].value == "青龙满族自治县第一中学"
    words = {f"{code}_label": t(f"school.status.{code}", lang) for code in scorecard.STATUSES}
    rule = t("school.rule", lang, green=scorecard.GREEN_PERCENT, amber=scorecard.AMBER_PERCENT, days=60, **words)
    assert rule in [m.value for m in at.markdown]
    assert "60" in rule and "50%" in rule
    measures = at.dataframe[0].value
    assert len(measures) == 10
    assert set(measures[t("export.col.status", lang)]) <= {status_text(s, lang) for s in scorecard.STATUSES}
    years = at.dataframe[1].value
    assert len(years) == 5  # 2022–23 … 2026–27
    text = page_text(at)
    assert "http://puppychina.com/zx/zhxw/128903.htm" in text  # a verified pairing shows its source


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demo_pairing_is_labelled_demo(app_db, lang):
    at = open_page("pages/schools.py", lang, pairing="30")
    assert t("school.source.demo", lang) in page_text(at)


def test_scorecard_without_pairing_offers_the_picker(app_db):
    at = open_page("pages/schools.py", "zh")
    picker = next(box for box in at.selectbox if box.label == t("school.pick_label", "zh"))
    assert picker.value is None
    assert len(picker.options) == 115
    assert t("school.pick_prompt", "zh") in page_text(at)


@pytest.mark.parametrize("bad", ["9999", "abc"])
def test_scorecard_bad_link_warns_and_offers_the_picker(app_db, bad):
    at = open_page("pages/schools.py", "en", pairing=bad)
    assert at.warning and bad in at.warning[0].value
    assert t("school.pick_label", "en") in [box.label for box in at.selectbox]


def test_scorecard_search_and_sort(app_db):
    """As a user does it: type a search, pick the sort, switch to ascending; each step reruns app.py + page."""
    at = open_page("pages/schools.py", "zh", pairing="1")
    at.text_input(key="school_search").input("集体备课").run()
    at.selectbox(key="school_activities_sort").select("title").run()
    at.toggle(key="school_activities_desc").set_value(False).run()
    assert not at.exception, [e.value for e in at.exception]
    titles = list(at.dataframe[-1].value[t("export.col.title", "zh")])
    assert titles and all("集体备课" in title for title in titles)
    assert titles == sorted(titles)
