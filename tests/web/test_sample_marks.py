"""Sample data survives a cropped screenshot (issue 13, item 15): the KPI values and the maps' titles carry their
own 示例 / Sample mark while demo rows are in view, and the links legend gives demo and imported schools each a
colour of their own."""

from __future__ import annotations

import contextlib
import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from assistance.analytics import coverage
from assistance.figures import maps
from assistance.filters import Filters
from tests.conftest import open_page, wait_for_app

OVERVIEW, MAP = "pages/overview.py", "pages/map.py"
BNU_GANSU = {"university": "北京师范大学", "province": "620000"}  # no pairing, so no demo row, in view
SAMPLE = {"zh": "示例数据", "en": "Sample data"}
# The mark drawn after each KPI value (CSS generated content: the value itself stays a plain number).
MARKS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMetricValue"] p')]
  .map(p => getComputedStyle(p, '::after').content)"""


def titles(app) -> list[str]:
    return [
        json.loads(chart.proto.spec)["layout"].get("title", {}).get("text", "") for chart in app.get("plotly_chart")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_kpi_value_carries_the_sample_mark(streamlit_server, offline_page, lang):
    page = offline_page.page
    page.goto(f"{streamlit_server}/?lang={lang}")
    wait_for_app(page, '[data-testid="stMetricValue"]')
    expected = '"示例"' if lang == "zh" else '"Sample"'
    with contextlib.suppress(PlaywrightTimeout):  # a rerun may still be redrawing the page's style element
        page.wait_for_function(f"() => ({MARKS})().every(mark => mark === {expected!r})", timeout=30_000)
    marks = page.evaluate(MARKS)
    assert len(marks) >= 8 and set(marks) == {'"示例"' if lang == "zh" else '"Sample"'}, marks
    assert offline_page.external_requests == []


def test_no_sample_mark_when_no_demo_row_is_in_view(streamlit_server, offline_page):
    page = offline_page.page
    page.goto(f"{streamlit_server}/?university=北京师范大学&province=620000")
    wait_for_app(page, '[data-testid="stMetricValue"]')
    assert set(page.evaluate(MARKS)) == {"none"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_maps_titles_say_sample_data(app_db, lang):
    overview = open_page(OVERVIEW, lang)
    assert SAMPLE[lang] in titles(overview)[0]  # the national map
    drilled = open_page(MAP, lang, province="620000", metric="active_share")
    assert SAMPLE[lang] in titles(drilled)[0]
    links = open_page(MAP, lang, view="links", university="兰州大学")
    assert SAMPLE[lang] in titles(links)[0]
    assert not any(SAMPLE[lang] in title for title in titles(open_page(MAP, lang, **BNU_GANSU)))


def test_the_links_legend_gives_each_provenance_its_own_school_colour(demo_db):
    import duckdb

    con = duckdb.connect(str(demo_db), read_only=True)
    links = coverage.links(con, Filters(universities=("北京大学", "兰州大学")))
    links.loc[links.index[-1], "provenance"] = "imported"  # one pairing as if imported from the official list
    assert set(links["provenance"]) == {"verified", "demo", "imported"}
    figure = maps.links_map(links, "zh", maps.GeoAssets(inline=True))
    schools = {
        t.name: t for t in figure.data if t.type == "scattergeo" and t.mode == "markers" and t.showlegend is not False
    }
    assert {"受援学校（已核实）", "受援学校（示例）", "受援学校（导入）"} <= set(schools)
    colours = {schools[name].marker.color for name in ("受援学校（已核实）", "受援学校（示例）", "受援学校（导入）")}
    assert len(colours) == 3
