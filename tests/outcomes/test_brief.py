"""The leadership brief (issue 11): its figures are the pages' figures (the universities page of 北京师范大学, read
through AppTest, against the PDF's text; the page offers the brief), A4 with the CJK font embedded and 示例数据 on
every page of a brief on demo rows, the coverage map drawn as SVG (one path per unit of the scope, coloured as the
map page colours them, its legend in the PDF's text, inline in the HTML), the newest selected good-practice cases (or
a line saying there are none), an HTML file that asks nothing of the network, a filter with no data giving a short
document that says so, the account's scope held, a scorecard's brief being its pairing's, and a clear refusal
without a font."""

from __future__ import annotations

import io
import re
from datetime import date

import duckdb
import pytest
from pypdf import PdfReader

from assistance.access.scope import Scope
from assistance.analytics import attention, coverage, universities
from assistance.brief import BriefError, build_brief
from assistance.brief.content import gather
from assistance.brief.svgmap import coverage_map
from assistance.figures import maps
from assistance.filters import Filters
from assistance.geo.boundaries import counties_geojson, provinces_geojson
from assistance.guidance.cases import newest_selected
from assistance.i18n import t
from tests.conftest import DEMO_TODAY, open_page

BNU = "北京师范大学"
GANSU = "620000"


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def unit_fills(svg: str) -> dict[str, list[str]]:
    """Each unit's fills, by the code its path carries (a list, so that a unit drawn twice shows)."""
    fills: dict[str, list[str]] = {}
    for code, fill in re.findall(r'<path data-code="(\d{6})" d="[^"]*" fill="(#[0-9a-f]{6})"', svg):
        fills.setdefault(code, []).append(fill)
    return fills


def legend_title(lang: str, drilled: bool = False) -> str:
    key = "brief.map.title_counties" if drilled else "brief.map.title_national"
    return t(key, lang, metric=maps.metric_label(coverage.METRICS[0], lang))


def test_the_brief_of_a_university_shows_the_universities_pages_numbers(app_db):
    """The page runs as of today, so the brief is made as of today too, from the same database."""
    at = open_page("pages/universities.py", university=BNU)
    shown = {m.label: m.value for m in at.metric}
    keys = ("pairings", "activities", "teachers", "students", "attention")
    page = {key: shown[t(f"univ.metric.{key}", "zh")] for key in keys}
    con = duckdb.connect(str(app_db))  # the app holds the file open in this process: the same configuration
    try:
        filters = Filters(universities=(BNU,))
        brief = gather(con, filters, "zh", date.today())
        text = "\n".join(pdf_pages(build_brief(con, filters, "zh", "pdf", date.today())))
    finally:
        con.close()
    reach = brief.reach
    assert {k: f"{v:,}" for k, v in (("pairings", reach["pairings"]), ("activities", reach["activities"]),
            ("teachers", reach["teachers"]), ("students", reach["students"]),
            ("attention", brief.attention["pairings"]))} == page  # fmt: skip
    assert t("brief.button.pdf", "zh") in [b.proto.label for b in at.get("download_button")]  # the page offers it
    flat = re.sub(r"\s+", " ", text)
    assert f"帮扶配对 {page['pairings']}" in flat
    assert f"帮扶活动 {page['activities']}" in flat
    assert f"教师参与人次 {page['teachers']}" in flat
    assert f"学生参与人次 {page['students']}" in flat
    assert f"{page['attention']} 所学校需要关注" in flat


def test_the_brief_gathers_the_library_functions_figures(demo_con):
    filters = Filters(universities=(BNU,))
    brief = gather(demo_con, filters, "en", DEMO_TODAY)
    assert brief.reach == universities.reach_totals(demo_con, filters)
    assert brief.attention == attention.attention_summary(demo_con, filters, DEMO_TODAY)
    assert brief.kpis.pairings == brief.reach["pairings"]
    assert brief.filters_text.startswith("Beijing Normal University")


def test_a_national_pdf_is_a4_with_the_cjk_font_and_says_sample_data_on_every_page(demo_con):
    data = build_brief(demo_con, Filters(), "zh", "pdf", DEMO_TODAY)
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
        assert "示例数据" in page.extract_text()
        fonts = {str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()}
        assert any("WenQuanYi" in name or "wqy" in name.lower() for name in fonts), fonts
    text = "".join(page.extract_text() for page in reader.pages)
    for heading in ("覆盖与活动", "分省情况", "各帮扶举措的活动", "需要关注的配对", "办学成效", "最新部级遴选典型经验"):
        assert heading in text
    assert "不用于学校排序或排名" in text
    assert legend_title("zh") in text  # the map's legend, written in the brief's font
    cases = newest_selected(demo_con, Filters())
    assert len(cases) == 5 and all(title in text for title in cases["title"])  # the five newest selected
    assert build_brief(demo_con, Filters(), "zh", "pdf", DEMO_TODAY) == data  # the same day gives the same bytes


def test_the_html_brief_is_one_file_that_asks_nothing_of_the_network(demo_con):
    html = build_brief(demo_con, Filters(), "en", "html", DEMO_TODAY).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="en"' in html
    assert not re.search(r"https?:|//[a-z]|<script|<link|<img|src=|@import|url\(", html, re.IGNORECASE)
    assert html.count("示例数据") >= 2  # the fixed mark (printed on every page) and the note
    assert "never used to sort or rank schools" in html
    assert '<figure class="map"><svg viewBox=' in html  # the map's drawing itself, inline
    assert 'data-code="620000"' in html and legend_title("en") in html


def test_a_filter_with_no_data_gives_a_short_document_that_says_so(demo_con):
    filters = Filters(province="110000")  # Beijing: no pairing
    pages = pdf_pages(build_brief(demo_con, filters, "zh", "pdf", DEMO_TODAY))
    assert len(pages) == 1 and "所选范围内没有帮扶配对" in pages[0] and "示例数据" not in pages[0]
    html = build_brief(demo_con, filters, "en", "html", DEMO_TODAY).decode("utf-8")
    assert "There is no pairing in the chosen scope" in html and "<table" not in html


def test_the_brief_is_held_to_the_accounts_scope(demo_con):
    school_id = demo_con.execute("SELECT school_id FROM schools WHERE name_zh = '青龙满族自治县第一中学'").fetchone()[0]
    filters = Filters(scope=Scope(school_id=school_id, school="青龙满族自治县第一中学"))
    brief = gather(demo_con, filters, "zh", DEMO_TODAY)
    assert brief.kpis.pairings == 1 and brief.filters_text.startswith("您的范围")
    assert list(brief.provinces["code"]) == ["130000"]
    assert brief.outcomes.schools == 1 and brief.outcomes.reporting == 0  # a real school: no demo outcomes


def test_without_a_cjk_font_the_pdf_is_refused_with_what_to_install(demo_con, monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANCE_BRIEF_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(BriefError) as refused:
        build_brief(demo_con, Filters(), "zh", "pdf", DEMO_TODAY)
    assert "ASSISTANCE_BRIEF_FONT" in refused.value.message("en")
    from assistance.brief import fonts

    monkeypatch.delenv("ASSISTANCE_BRIEF_FONT")
    monkeypatch.setattr(fonts, "KNOWN_FONTS", ())
    monkeypatch.setattr(fonts, "_fontconfig", list)
    with pytest.raises(BriefError) as refused:
        build_brief(demo_con, Filters(), "zh", "pdf", DEMO_TODAY)
    assert "fonts-wqy-microhei" in refused.value.message("en")


def test_the_national_map_draws_every_unit_once_coloured_by_the_map_pages_metric(demo_con):
    metrics = coverage.province_metrics(demo_con, Filters(), DEMO_TODAY)
    figure = coverage_map(metrics, None, coverage.METRICS[0], "zh")
    fills = unit_fills(figure.svg)
    units = {f["id"] for f in provinces_geojson()["features"]} | {"660000"}  # 34 units and the Corps
    assert set(fills) == units and all(len(f) == 1 for f in fills.values())
    paired = metrics[metrics["in_programme"] & (metrics["code"] != "660000")]
    top = paired.loc[paired["schools"].idxmax(), "code"]
    assert fills[top][0] == maps.SCALE[-1][1]  # the most schools: the top of the map page's scale
    assert fills[top][0] != fills["110000"][0]  # against none (Beijing, outside the programme)
    assert len({fills[code][0] for code in paired["code"]}) > 2  # not flooded with one colour
    assert figure.title == legend_title("zh") and figure.title in figure.text and "南海诸岛" in figure.text


def test_a_provinces_map_draws_its_counties(demo_con):
    counties = coverage.county_metrics(demo_con, Filters(province=GANSU), DEMO_TODAY, GANSU)
    figure = coverage_map(counties, GANSU, coverage.METRICS[0], "en")
    fills = unit_fills(figure.svg)
    assert set(fills) == {f["id"] for f in counties_geojson(GANSU)["features"]}
    assert all(len(f) == 1 for f in fills.values())
    with_school = counties.loc[counties["schools"].idxmax(), "adcode"]
    without = counties.loc[counties["schools"] == 0, "adcode"].iloc[0]
    assert fills[with_school][0] != fills[without][0]
    assert figure.title == legend_title("en", drilled=True)


def test_a_brief_without_selected_cases_says_so_and_a_province_gets_its_county_map(demo_con):
    html = build_brief(demo_con, Filters(province=GANSU), "zh", "html", DEMO_TODAY).decode("utf-8")
    assert newest_selected(demo_con, Filters(province=GANSU)).empty
    assert t("brief.cases.none", "zh") in html
    assert legend_title("zh", drilled=True) in html and 'data-code="620102"' in html  # 兰州市城关区, a county


def test_a_scorecards_brief_is_its_pairings(demo_con):
    pairing, school, province = demo_con.execute(
        "SELECT pairing_id, school, province_code FROM pairing_overview WHERE school = '策勒县示例中学'"
    ).fetchone()
    brief = gather(demo_con, Filters(tier="provincial"), "zh", DEMO_TODAY, pairing=pairing)  # the tier is its own
    assert brief.kpis.pairings == 1 and brief.filters_text.startswith(f"{school} · ")
    assert brief.map_province == province and list(brief.provinces["code"]) == [province]
    outside = Filters(scope=Scope(university=BNU))  # a coordinator of another university: nothing to show
    assert gather(demo_con, outside, "zh", DEMO_TODAY, pairing=pairing).empty
