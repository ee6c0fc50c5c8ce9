"""AppTest: the overview and the coverage map in zh and en, national and drilled (issue 3).

Every AppTest run starts at app.py, as the server's do (tests/conftest.py), so a widget interaction that changes
a filter is seen here; a click on the map itself is a browser test (tests/web/test_offline_browser.py).
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_page as open_app_page

OVERVIEW, MAP = "pages/overview.py", "pages/map.py"
KPI_LABELS = {
    "zh": ["帮扶配对", "帮扶高校", "覆盖省份", "近 60 天有活动的配对", "本学期活动", "活动（所选时段）"],
    "en": [
        "Pairings",
        "Universities",
        "Provinces covered",
        "Pairings active, last 60 days",
        "Activities this semester",
    ],
}


def open_page(page: str, lang: str = "zh", **params) -> AppTest:
    app = open_app_page(page, lang, **params)
    assert not app.exception, [e.value for e in app.exception]
    return app


def plotly_specs(app: AppTest) -> list[dict]:
    return [json.loads(element.proto.spec) for element in app.get("plotly_chart")]


def plotly_configs(app: AppTest) -> list[dict]:
    return [json.loads(element.proto.config) for element in app.get("plotly_chart")]


def geojson_urls(spec: dict) -> set[str]:
    return {trace["geojson"] for trace in spec["data"] if isinstance(trace.get("geojson"), str)}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_shows_kpis_map_and_monthly_chart(app_db, lang):
    app = open_page(OVERVIEW, lang)
    labels = [metric.label for metric in app.metric]
    assert all(label in labels for label in KPI_LABELS[lang]), labels
    values = {metric.label: metric.value for metric in app.metric}
    assert values[KPI_LABELS[lang][0]] == "115" and values[KPI_LABELS[lang][1]] == "48"
    assert values[KPI_LABELS[lang][2]] == ("23/23 + 兵团" if lang == "zh" else "23/23+Corps")
    specs = plotly_specs(app)
    assert len(specs) == 2  # the national map and the monthly chart
    assert "app/static/geo/provinces.geojson" in geojson_urls(specs[0])
    assert all(config["topojsonURL"] == "app/static/" for config in plotly_configs(app))
    assert any(trace.get("type") == "bar" for trace in specs[1]["data"])
    line = "全部高校 · 全部时间 · 全部举措" if lang == "zh" else "All universities · All time · All measures"
    assert line in [caption.value for caption in app.caption]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_map_page_national_view(app_db, lang):
    app = open_page(MAP, lang)
    specs = plotly_specs(app)
    assert len(specs) == 1 and "app/static/geo/corps.geojson" in geojson_urls(specs[0])
    corps = "新疆生产建设兵团（单列）" if lang == "zh" else "Xinjiang Production and Construction Corps (own unit)"
    assert corps in [trace.get("name") for trace in specs[0]["data"]]
    assert not app.main.button, "no back button on the national view"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_province_in_the_url_drills_the_map(app_db, lang):
    app = open_page(MAP, lang, province="620000")
    heading = "甘肃省：区县分布" if lang == "zh" else "Gansu: counties"
    assert heading in [header.value for header in app.subheader]
    specs = plotly_specs(app)
    assert geojson_urls(specs[0]) == {"app/static/geo/counties/620000.geojson"}
    markers = [t for t in specs[0]["data"] if t.get("type") == "scattergeo" and t.get("mode") == "markers+text"]
    assert sum(len(t["lon"]) for t in markers) == 7
    assert app.main.button[0].label == ("返回全国视图" if lang == "zh" else "Back to national view")
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == 7


def test_the_back_button_returns_to_the_national_view_and_clears_the_province(app_db):
    app = open_page(MAP, "en", province="620000")
    app.main.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "province" not in app.query_params and app.sidebar.selectbox(key="f_province").value is None
    assert "Gansu: counties" not in [header.value for header in app.subheader]
    assert "app/static/geo/provinces.geojson" in geojson_urls(plotly_specs(app)[0])


def test_overview_drills_too_and_every_chart_follows_the_province(app_db):
    app = open_page(OVERVIEW, "zh", province="660000")
    assert "新疆生产建设兵团：区县分布" in [header.value for header in app.subheader]
    values = {metric.label: metric.value for metric in app.metric}
    assert values["帮扶配对"] == "2" and values["覆盖省份"] == "0/23 + 兵团"
    specs = plotly_specs(app)
    assert "app/static/geo/counties/660000.geojson" in geojson_urls(specs[0])
    assert sum(sum(trace["y"]) for trace in specs[1]["data"]) < 1000  # the monthly chart is the Corps' only


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_link_view_from_the_url_with_a_university_filter(app_db, lang):
    app = open_page(MAP, lang, view="links", university=["北京大学", "兰州大学"])
    spec = plotly_specs(app)[0]
    lines = [t for t in spec["data"] if t.get("type") == "scattergeo" and "dash" in t.get("line", {})]
    dashes = {t["line"]["dash"] for t in lines}
    assert dashes == {"solid", "dot"}
    count = "6 对配对" if lang == "zh" else "6 pairings"
    assert any(count in caption.value for caption in app.caption)


def test_metric_comes_from_the_url_and_goes_back_to_it(app_db):
    app = open_page(MAP, "en", metric="active_share")
    control = app.button_group(key="map_metric")
    assert control.value == "active_share"
    spec = plotly_specs(app)[0]
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "Share active, last 60 days"
    control.set_value("activities").run()
    assert app.query_params["metric"] in ("activities", ["activities"])
    app.button_group(key="map_metric").set_value("schools").run()
    assert "metric" not in app.query_params  # the default stays out of the link
