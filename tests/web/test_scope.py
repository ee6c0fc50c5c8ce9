"""A view the filters leave empty says so and offers to clear the filter that empties it (issue 13, item 5):
北京师范大学 + 甘肃 has no pairing, which is neither a blank map nor good news."""

from __future__ import annotations

import json

import duckdb
import pytest

from assistance.analytics import coverage
from assistance.filters import Filters
from tests.conftest import open_page

OVERVIEW, MAP = "pages/overview.py", "pages/map.py"
BNU_GANSU = {"university": "北京师范大学", "province": "620000"}
NOTICE = {"zh": "没有符合筛选条件的帮扶配对", "en": "No pairing matches the filters"}
CLEAR_PROVINCE = {"zh": "清除省份筛选（甘肃省）", "en": "Clear the province filter (Gansu)"}
CLEAR_UNIVERSITY = {
    "zh": "清除高校筛选（北京师范大学）",
    "en": "Clear the university filter (Beijing Normal University)",
}
EMPTY_MAP = {"zh": "当前筛选下没有受援学校", "en": "No school in the current filters"}


def warnings(app) -> list[str]:
    return [element.value for element in app.warning]


def annotations(app) -> list[str]:
    return [
        a["text"]
        for chart in app.get("plotly_chart")
        for a in json.loads(chart.proto.spec)["layout"].get("annotations", [])
    ]


def test_widening_filters_names_each_filter_whose_clearing_brings_pairings_back(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    bnu_gansu = Filters(universities=("北京师范大学",), province="620000")
    assert coverage.pairing_count(con, bnu_gansu) == 0
    assert coverage.widening_filters(con, bnu_gansu) == ("province", "universities")
    assert coverage.pairing_count(con, Filters(province="620000")) == 7
    assert coverage.widening_filters(con, Filters()) == ()  # no filter to clear


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_map_says_no_pairing_matches_and_offers_to_clear_each_filter(app_db, lang):
    app = open_page(MAP, lang, **BNU_GANSU)
    assert not app.exception, [e.value for e in app.exception]
    assert any(NOTICE[lang] in text for text in warnings(app)), warnings(app)
    labels = [button.label for button in app.main.button]
    assert CLEAR_PROVINCE[lang] in labels and CLEAR_UNIVERSITY[lang] in labels, labels
    assert EMPTY_MAP[lang] in annotations(app)  # the blank province says why, even cropped


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_overview_does_not_report_an_empty_view_as_all_clear(app_db, lang):
    app = open_page(OVERVIEW, lang, **BNU_GANSU)
    assert not app.exception, [e.value for e in app.exception]
    assert [text for text in warnings(app) if NOTICE[lang] in text], "the notice is shown once, above the figures"
    assert len([text for text in warnings(app) if NOTICE[lang] in text]) == 1
    all_clear = "当前范围内没有需要关注的学校" if lang == "zh" else "Nothing needs attention in this view"
    assert not [element.value for element in app.success if all_clear in element.value]
    scope = "没有符合筛选条件的帮扶配对，因此没有可检查的学校" if lang == "zh" else "so there is no school to check"
    assert any(scope in element.value for element in app.info)


def test_one_click_clears_the_filter_that_empties_the_view(app_db):
    app = open_page(MAP, "zh", **BNU_GANSU)
    next(button for button in app.main.button if button.label == CLEAR_PROVINCE["zh"]).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.sidebar.selectbox(key="f_province").value is None
    assert app.sidebar.multiselect(key="f_university").value == ["北京师范大学"]
    assert "province" not in app.query_params
    assert not [text for text in warnings(app) if NOTICE["zh"] in text]
    assert EMPTY_MAP["zh"] not in annotations(app)


def test_the_link_view_says_the_same(app_db):
    app = open_page(MAP, "en", view="links", **BNU_GANSU)
    assert not app.exception, [e.value for e in app.exception]
    assert any(NOTICE["en"] in text for text in warnings(app))
    assert CLEAR_PROVINCE["en"] in [button.label for button in app.main.button]
