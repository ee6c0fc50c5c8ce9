"""The leadership brief (issue 11): its figures are the pages' figures (the universities page of 北京师范大学, read
through AppTest, against the PDF's text), A4 with the CJK font embedded and 示例数据 on every page of a brief on demo
rows, an HTML file that asks nothing of the network, a filter with no data giving a short document that says so,
the account's scope held, and a clear refusal without a font."""

from __future__ import annotations

import io
import re
from datetime import date

import duckdb
import pytest
from pypdf import PdfReader

from assistance.access.scope import Scope
from assistance.analytics import attention, universities
from assistance.brief import BriefError, build_brief
from assistance.brief.content import gather
from assistance.filters import Filters
from assistance.i18n import t
from tests.conftest import DEMO_TODAY, open_page

BNU = "北京师范大学"


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


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
    for heading in ("覆盖与活动", "分省情况", "各帮扶举措的活动", "需要关注的配对", "办学成效"):
        assert heading in text
    assert "不用于学校排序或排名" in text
    assert build_brief(demo_con, Filters(), "zh", "pdf", DEMO_TODAY) == data  # the same day gives the same bytes


def test_the_html_brief_is_one_file_that_asks_nothing_of_the_network(demo_con):
    html = build_brief(demo_con, Filters(), "en", "html", DEMO_TODAY).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'lang="en"' in html
    assert not re.search(r"https?:|//[a-z]|<script|<link|<img|src=|@import|url\(", html, re.IGNORECASE)
    assert html.count("示例数据") >= 2  # the fixed mark (printed on every page) and the note
    assert "never used to sort or rank schools" in html


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
