"""Coverage SQL and map figures (issue 3), checked against independent pandas on the demo database."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from assistance.analytics import coverage
from assistance.figures import activity, labels, maps
from assistance.filters import Filters, Period
from assistance.geo import boundaries
from assistance.web.map_sections import _clicked_unit
from tests.conftest import DEMO_TODAY

TODAY = DEMO_TODAY
CORPS = "660000"
XINJIANG = "650000"
FILTER_CASES = {
    "none": Filters(),
    "university": Filters(universities=("北京师范大学", "兰州大学")),
    "province": Filters(province="620000"),
    "corps": Filters(province=CORPS),
    "measure": Filters(measure="student_camp"),
    "period": Filters(period=Period(2025, "autumn")),
    "combined": Filters(universities=("清华大学",), measure="teacher_training", period=Period(2024)),
}


@pytest.fixture(scope="module")
def con(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("coverage") / "coverage.duckdb"
    shutil.copy(demo_db_template, path)
    connection = duckdb.connect(str(path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def tables(con):
    """The raw rows, read once, to recompute every figure with plain pandas."""
    pairings = con.execute("SELECT * FROM pairing_overview").df()
    activities = con.execute("SELECT * FROM activity_overview").df()
    activities["date"] = pd.to_datetime(activities["date"]).dt.date
    universities = con.execute("SELECT name_zh, kind FROM universities").df()
    provinces = con.execute("SELECT code, in_programme FROM provinces").df()
    return pairings, activities, universities, provinces


def scoped(tables, filters: Filters, period: bool = True):
    pairings, activities, _, _ = tables
    p = pairings
    if filters.universities:
        p = p[p["university"].isin(filters.universities)]
    if filters.province:
        p = p[p["province_code"] == filters.province]
    a = activities[activities["pairing_id"].isin(p["pairing_id"])]
    if filters.measure:
        a = a[a["measure"] == filters.measure]
    if period:
        start, end = filters.period.bounds()
        if start:
            a = a[(a["date"] >= start) & (a["date"] <= end)]
    return p, a


# ------------------------------------------------------------------------------ KPIs


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_kpis_match_pandas(con, tables, case):
    filters = FILTER_CASES[case]
    k = coverage.kpis(con, filters, TODAY)
    p, a = scoped(tables, filters)
    _, a_any = scoped(tables, filters, period=False)
    _, _, universities, provinces = tables
    kinds = dict(zip(universities["name_zh"], universities["kind"], strict=True))
    programme = set(provinces.loc[provinces["in_programme"], "code"]) - {CORPS}

    assert k.pairings == len(p)
    assert k.universities == len({u for u in p["university"] if kinds[u] == "university"})
    assert k.provinces == len(set(p["province_code"]) & programme)
    assert k.province_total == 23
    assert k.corps == (CORPS in set(p["province_code"]))
    assert k.activities == len(a)
    assert k.teachers == int(a["teachers"].fillna(0).sum())
    assert k.students == int(a["students"].fillna(0).sum())
    this = a_any[(a_any["date"] >= date(2026, 9, 1)) & (a_any["date"] <= TODAY)]
    last_same = a_any[(a_any["date"] >= date(2026, 2, 1)) & (a_any["date"] <= date(2026, 4, 30))]
    last_all = a_any[(a_any["date"] >= date(2026, 2, 1)) & (a_any["date"] <= date(2026, 8, 31))]
    assert (k.this_semester, k.last_semester_to_date, k.last_semester) == (len(this), len(last_same), len(last_all))
    recent = a_any[(a_any["date"] > TODAY - timedelta(days=60)) & (a_any["date"] <= TODAY)]
    assert k.active_pairings == recent["pairing_id"].nunique()
    if len(p):
        assert k.active_share == pytest.approx(recent["pairing_id"].nunique() / len(p))


def test_headline_numbers_on_the_demo_data(con):
    k = coverage.kpis(con, Filters(), TODAY)
    assert (k.pairings, k.universities, k.provinces, k.province_total, k.corps) == (115, 48, 23, 23, True)
    assert 0 < k.active_share < 1
    assert k.this_semester > 0 and k.last_semester > k.last_semester_to_date


def test_institution_is_not_a_university(con):
    k = coverage.kpis(con, Filters(universities=("创新人才教育研究会",)), TODAY)
    assert k.pairings == 3 and k.universities == 0


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 28), (date(2026, 9, 1), date(2026, 2, 1), date(2026, 4, 30), date(2026, 8, 31))),
        (date(2027, 1, 31), (date(2026, 9, 1), date(2026, 2, 1), date(2026, 7, 3), date(2026, 8, 31))),
        (date(2027, 3, 15), (date(2027, 2, 1), date(2026, 9, 1), date(2026, 10, 13), date(2027, 1, 31))),
        (date(2027, 8, 31), (date(2027, 2, 1), date(2026, 9, 1), date(2027, 1, 31), date(2027, 1, 31))),
    ],
)
def test_semester_windows_compare_the_same_stretch(today, expected):
    assert coverage.semester_windows(today) == expected


# ------------------------------------------------------------------------------ map metrics


@pytest.mark.parametrize("case", ["none", "university", "measure", "period", "combined"])
def test_province_metrics_match_pandas(con, tables, case):
    filters = FILTER_CASES[case]
    metrics = coverage.province_metrics(con, filters, TODAY).set_index("code")
    p, a = scoped(tables, filters)
    _, a_any = scoped(tables, filters, period=False)
    assert len(metrics) == 35 and metrics.loc[CORPS, "in_programme"]
    recent = set(a_any.loc[a_any["date"] > TODAY - timedelta(days=60), "pairing_id"])
    for code, row in metrics.iterrows():
        pp = p[p["province_code"] == code]
        aa = a[a["province_code"] == code]
        assert row["pairings"] == len(pp), code
        assert row["schools"] == len(pp[["school", "county_adcode"]].drop_duplicates()), code
        assert row["activities"] == len(aa), code
        assert row["participants"] == int(aa["teachers"].fillna(0).sum() + aa["students"].fillna(0).sum()), code
        if len(pp):
            assert row["per_school"] == pytest.approx(len(aa) / row["schools"])
            assert row["active_share"] == pytest.approx(pp["pairing_id"].isin(recent).mean())
            top = pp.groupby("university").size().sort_values(ascending=False)
            assert top.index[0] in list(row["top_universities_zh"]) or top.iloc[0] == 1
            assert 1 <= len(row["top_universities_zh"]) <= 3
        else:
            assert pd.isna(row["per_school"]) and pd.isna(row["active_share"])
            assert list(row["top_universities_zh"]) == []
    assert metrics["schools"].sum() == len(p[["school", "county_adcode"]].drop_duplicates())


def test_corps_is_its_own_unit_not_inside_xinjiang(con, tables):
    pairings = tables[0]
    metrics = coverage.province_metrics(con, Filters(), TODAY).set_index("code")
    in_corps_cities = pairings[pairings["county_adcode"].str.startswith("6590")]
    in_xinjiang = pairings[
        pairings["county_adcode"].str.startswith("65") & ~pairings["county_adcode"].str.startswith("6590")
    ]
    assert len(in_corps_cities) >= 2 and "塔里木高级中学" in set(in_corps_cities["school"])
    assert metrics.loc[CORPS, "schools"] == len(in_corps_cities)
    assert metrics.loc[XINJIANG, "schools"] == len(in_xinjiang)
    corps_counties = coverage.county_metrics(con, Filters(province=CORPS), TODAY, CORPS)
    assert sorted(corps_counties["adcode"]) == [f"6590{i:02d}" for i in range(1, 11)]
    assert corps_counties["schools"].sum() == len(in_corps_cities)
    xinjiang_counties = coverage.county_metrics(con, Filters(province=XINJIANG), TODAY, XINJIANG)
    assert not xinjiang_counties["adcode"].str.startswith("6590").any()
    assert xinjiang_counties["schools"].sum() == len(in_xinjiang)


def test_filters_narrow_every_result(con):
    everything = coverage.province_metrics(con, Filters(), TODAY)
    one = coverage.province_metrics(con, Filters(universities=("兰州大学",)), TODAY)
    assert one["schools"].sum() == 3 and set(one.loc[one["schools"] > 0, "code"]) == {"620000", CORPS}
    assert one["activities"].sum() < everything["activities"].sum()
    gansu = coverage.province_metrics(con, Filters(province="620000"), TODAY)
    assert set(gansu.loc[gansu["pairings"] > 0, "code"]) == {"620000"}
    camps = coverage.province_metrics(con, Filters(measure="student_camp"), TODAY)
    assert 0 < camps["activities"].sum() < everything["activities"].sum()
    assert (camps["schools"] == everything["schools"]).all()  # a measure filter keeps the pairings
    autumn = coverage.monthly_by_measure(con, Filters(period=Period(2025, "autumn")))
    assert autumn["month"].min() == pd.Timestamp("2025-09-01") and autumn["month"].max() == pd.Timestamp("2026-01-01")
    assert len(coverage.links(con, Filters(universities=("兰州大学",)))) == 3
    assert set(coverage.school_markers(con, Filters(province="620000"), TODAY)["province_code"]) == {"620000"}


def test_county_markers_links_and_months_add_up(con, tables):
    p, a = scoped(tables, Filters(province="620000"))
    counties = coverage.county_metrics(con, Filters(province="620000"), TODAY, "620000")
    assert set(counties.loc[counties["schools"] > 0, "adcode"]) == set(p["county_adcode"])
    assert counties["activities"].sum() == len(a)
    schools = coverage.school_markers(con, Filters(province="620000"), TODAY)
    assert len(schools) == len(p[["school", "county_adcode"]].drop_duplicates())
    assert schools["lon"].notna().all() and schools["activities"].sum() == len(a)
    links = coverage.links(con, Filters())
    assert len(links) == 115 and links[["university_lon", "school_lon"]].notna().all().all()
    assert (links["provenance"] == "verified").sum() == 29
    monthly = coverage.monthly_by_measure(con, Filters())
    assert monthly["activities"].sum() == len(tables[1])


def test_sql_takes_values_only_as_parameters(con):
    hostile = Filters(universities=("x'); DROP TABLE pairings; --",), province="620000' OR '1'='1")
    assert coverage.kpis(con, hostile, TODAY).pairings == 0
    assert con.execute("SELECT count(*) FROM pairings").fetchone()[0] == 115


# ------------------------------------------------------------------------------ figures


@pytest.fixture(scope="module")
def national(con):
    metrics = coverage.province_metrics(con, Filters(), TODAY)
    return metrics, maps.national_map(metrics, "schools", "zh", maps.GeoAssets(inline=True))


def test_national_figure_json_fits_the_budget(con, national):
    metrics, inline = national
    assert len(inline.to_json()) <= 600 * 1024  # geometry inline: the worst case
    served = maps.national_map(metrics, "activities", "en", maps.GeoAssets())
    assert len(served.to_json()) <= 60 * 1024  # the app's figure: geometry by URL, fetched once
    assert "app/static/geo/provinces.geojson" in {trace.geojson for trace in served.data if trace.type == "choropleth"}
    assert (boundaries.static_geo_dir() / "provinces.geojson").read_bytes() == (
        boundaries.data_dir() / "geo" / "provinces.geojson"
    ).read_bytes()


def _trace_names(figure):
    return [trace.name for trace in figure.data]


def test_national_figure_has_neutral_provinces_the_corps_and_the_maritime_line(national):
    metrics, figure = national
    layout = figure.layout
    assert layout.geo.visible is False and layout.geo.projection.type == "conic equal area"
    assert layout.geo2.visible is False and min(layout.geo2.lataxis.range) < 5  # the South China Sea inset

    outside = [t for t in figure.data if t.name == "非项目省份"]
    assert len(outside) == 1
    expected_outside = set(metrics.loc[~metrics["in_programme"], "code"])
    assert set(outside[0].locations) == expected_outside and len(expected_outside) == 11
    assert all("不在托管帮扶项目范围内" in text for text in outside[0].text)

    main = next(t for t in figure.data if t.type == "choropleth" and t.coloraxis and t.geo in (None, "geo"))
    assert XINJIANG in main.locations and CORPS not in main.locations
    assert not any(str(code).startswith("6590") for code in main.locations)

    corps_polygons = [t for t in figure.data if t.type == "choropleth" and list(t.locations)[:1] == ["659001"]]
    assert len(corps_polygons) == 1 and corps_polygons[0].marker.line.color == maps.CORPS_LINE
    assert {c[0] for c in corps_polygons[0].customdata} == {CORPS}
    corps_legend = [t for t in figure.data if t.name == "新疆生产建设兵团（单列）"]
    assert len(corps_legend) == 1 and corps_legend[0].showlegend and corps_legend[0].marker.symbol == "diamond"
    corps_names = [text for t in figure.data if t.type == "scattergeo" and t.mode == "text" for text in t.text]
    assert any(text.startswith("兵团 ") for text in corps_names)  # with the Corps' value beside it

    maritime = [t for t in figure.data if t.type == "scattergeo" and t.mode == "lines"]
    assert {t.geo or "geo" for t in maritime} == {"geo", "geo2"}
    lines = boundaries.geojson_lines(boundaries.maritime_geojson())
    assert len([x for x in maritime[0].lon if x is not None]) == len([x for x in lines[0] if x is not None])
    assert any(t.type == "scattergeo" and t.geo == "geo2" and t.mode == "markers" for t in figure.data)


def test_national_figure_hover_names_values_and_top_universities(national):
    _, figure = national
    main = next(t for t in figure.data if t.type == "choropleth" and t.coloraxis and t.geo in (None, "geo"))
    gansu = main.text[list(main.locations).index("620000")]
    assert "甘肃省" in gansu and "受援学校" in gansu and "主要帮扶高校" in gansu and "兰州大学" in gansu


def test_national_figure_with_a_filter_marks_provinces_without_pairings(con):
    metrics = coverage.province_metrics(con, Filters(universities=("兰州大学",)), TODAY)
    figure = maps.national_map(metrics, "per_school", "en", maps.GeoAssets(inline=True))
    empty = next(t for t in figure.data if t.name == "No pairings in view")
    assert "620000" not in empty.locations and "510000" in empty.locations
    assert "Outside the programme" in _trace_names(figure)
    assert "Xinjiang Production and Construction Corps (own unit)" in _trace_names(figure)


@pytest.mark.parametrize("province", ["620000", CORPS, XINJIANG, "460000"])
def test_province_figure_fills_assisted_counties_and_marks_schools(con, province):
    filters = Filters(province=province)
    counties = coverage.county_metrics(con, filters, TODAY, province)
    schools = coverage.school_markers(con, filters, TODAY)
    figure = maps.province_map(counties, schools, province, "activities", "zh", maps.GeoAssets(inline=True))
    filled = [t for t in figure.data if t.type == "choropleth" and t.coloraxis]
    at_zero = [t for t in figure.data if t.name == "有受援学校，活动数为 0"]  # drawn apart (issue 13, item 8)
    assert len(filled) == 1 and len(at_zero) <= 1
    drawn = [code for t in filled + at_zero for code in t.locations]
    assert sorted(drawn) == sorted(counties.loc[counties["pairings"] > 0, "adcode"])
    assert all(counties.set_index("adcode").loc[list(t.locations), "activities"].eq(0).all() for t in at_zero)
    markers = [t for t in figure.data if t.type == "scattergeo" and "受援学校" in (t.name or "")]
    assert sum(len(t.lon) for t in markers) == len(schools)
    if province == XINJIANG:
        assert "兵团城市（单列，不属新疆统计）" in _trace_names(figure)
    lon_range = figure.layout.geo.lonaxis.range
    assert all(lon_range[0] <= x <= lon_range[1] for t in markers for x in t.lon)


@pytest.mark.parametrize("metric", ["active_share", "activities"])
def test_county_names_in_every_drill_down_stay_apart(con, metric):
    """Issue 13, item 8, for every unit in the programme (the browser checks three of them as drawn, colours too):
    on a map 700 px wide no county name overlaps another name or a school's marker."""
    provinces = con.execute("SELECT code FROM provinces WHERE in_programme ORDER BY code").fetchall()
    for (province,) in provinces:
        filters = Filters(province=province)
        counties = coverage.county_metrics(con, filters, TODAY, province)
        schools = coverage.school_markers(con, filters, TODAY)
        figure = maps.province_map(counties, schools, province, metric, "zh", maps.GeoAssets(inline=True))
        lon_range, lat_range = figure.layout.geo.lonaxis.range, figure.layout.geo.lataxis.range
        names = [t for t in figure.data if t.type == "scattergeo" and t.mode == "markers+text"]
        markers = [t for t in figure.data if t.type == "scattergeo" and t.mode == "markers"]
        points = labels.mercator_pixels(
            [x for t in markers for x in t.lon], [y for t in markers for y in t.lat], lon_range, lat_range, 700, 600
        )
        boxes = [(x - 5, y - 5, x + 5, y + 5) for x, y in points]
        for trace in names:
            assert trace.textfont.color in (maps.INK, "#ffffff")
            pixels = labels.mercator_pixels(trace.lon, trace.lat, lon_range, lat_range, 700, 600)
            for (x, y), text, position in zip(pixels, trace.text, trace.textposition, strict=True):
                dx, dy = next((dx, dy) for place, dx, dy in labels.LABEL_PLACES if place == position)
                box = labels.label_box(x, y, len(text) * labels.LABEL_FONT_PX, dx, dy)
                clash = [b for b in boxes if labels.overlap(box, b) > 1]
                assert not clash, (province, text, position)
                boxes.append(box)


def test_links_figure_tells_verified_from_demo(con):
    links = coverage.links(con, Filters(universities=("北京大学", "清华大学")))
    figure = maps.links_map(links, "en", maps.GeoAssets(inline=True))
    lines = {t.name: t for t in figure.data if t.type == "scattergeo" and t.mode == "lines" and t.name}
    verified, demo = lines["Verified pairing (solid)"], lines["Demo pairing (dotted)"]
    assert verified.line.dash == "solid" and demo.line.dash == "dot" and verified.line.color != demo.line.color
    n_verified = int((links["provenance"] == "verified").sum())
    assert len([x for x in verified.lon if x is None]) == n_verified
    university = next(t for t in figure.data if t.name == "University city")
    assert len(university.lon) == 1 and "Peking University" in university.text[0]  # same campus city


def test_monthly_chart_stacks_measures_in_both_languages(con):
    monthly = coverage.monthly_by_measure(con, Filters())
    rows = con.execute("SELECT code, label_zh, label_en FROM measures ORDER BY sort_order").fetchall()
    for lang, label in (("zh", "学生营地活动"), ("en", "Student camp")):
        labels = {code: zh if lang == "zh" else en for code, zh, en in rows}
        figure = activity.monthly_chart(monthly, labels, lang)
        assert figure.layout.barmode == "stack" and label in _trace_names(figure)
        assert sum(sum(t.y) for t in figure.data) == monthly["activities"].sum()


def test_a_click_on_a_corps_city_means_the_corps():
    assert _clicked_unit({"selection": {"points": [{"location": "659002"}]}}) == CORPS
    assert _clicked_unit({"selection": {"points": [{"customdata": ["620000"], "location": "x"}]}}) == "620000"
    assert _clicked_unit({"selection": {"points": []}}) is None
    assert _clicked_unit(None) is None


def test_served_geometry_mirrors_data_geo():
    served = boundaries.publish_static()
    assert served is not None
    for path in (boundaries.data_dir() / "geo").rglob("*.geojson"):
        copy = served / path.relative_to(boundaries.data_dir() / "geo")
        assert copy.read_bytes() == path.read_bytes()
    for path in served.rglob("*.geojson"):
        assert json.loads(path.read_text(encoding="utf-8"))["type"] == "FeatureCollection"
