"""Issue 13, item 11: English mode is English throughout where the app decides.

* An English page offers English files (headers, labels, university, province and measure names) and, labelled
  as such, the Chinese files that can be uploaded again.
* File names are whole and safe, in the page's language (no "Lanzhou Unive_schools").
* The chart toolbar speaks Chinese on a Chinese page (plotly's zh-CN locale handed over in the chart config).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from types import SimpleNamespace
from urllib.parse import quote

import duckdb
import pytest

from assistance.analytics import attention, universities
from assistance.export.columns import ACTIVITY_COLUMNS, ATTENTION_COLUMNS, PAIRING_COLUMNS
from assistance.export.filenames import safe_stem
from assistance.export.writers import table_bytes
from assistance.figures.locale import chart_locale
from assistance.filters import Filters
from assistance.i18n import t
from assistance.ingest.pipeline import Ingest
from assistance.ingest.templates import reuploadable
from tests.conftest import DEMO_TODAY, open_page, wait_for_app

CJK = re.compile(r"[\u4e00-\u9fff]")
LZU = "兰州大学"


@pytest.fixture
def con(demo_db):
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_an_english_export_has_english_headers_labels_and_names(con):
    query = attention.attention_query(Filters(universities=(LZU,)), DEMO_TODAY, "en")
    english = rows(table_bytes(con, query, ATTENTION_COLUMNS, "csv", "needs_attention", lang="en"))
    header, body = english[0], english[1:]
    assert not [cell for cell in header if CJK.search(cell)], header
    assert "Reason" in header and "University" in header
    reasons = {row[header.index("Reason")] for row in body}
    assert reasons and not [r for r in reasons if CJK.search(r)], reasons  # not "60 天及以上无活动"
    assert {row[header.index("University")] for row in body} == {"Lanzhou University"}
    measures = {row[header.index("Measure")] for row in body} - {""}
    assert measures and not [m for m in measures if CJK.search(m)]
    chinese = rows(table_bytes(con, query, ATTENTION_COLUMNS, "csv", "需关注"))
    assert chinese[0][0] == "原因" and {row[chinese[0].index("帮扶高校")] for row in chinese[1:]} == {LZU}


def test_the_chinese_activity_export_is_the_one_that_uploads_again(con):
    query = universities.activity_export_query(Filters(universities=(LZU,)), "en")
    assert reuploadable(ACTIVITY_COLUMNS) and not reuploadable(PAIRING_COLUMNS)
    chinese = table_bytes(con, query, ACTIVITY_COLUMNS, "csv", "活动记录")
    report = Ingest(con, chinese, "again.csv", today=date(2026, 11, 28)).validate()
    assert report.rows > 0 and report.duplicates == report.rows and report.rejected == 0
    english = rows(table_bytes(con, query, ACTIVITY_COLUMNS, "csv", "activities", lang="en"))
    assert english[0][:3] == ["Date", "University", "School"]
    assert english[1][1] == "Lanzhou University"


@pytest.mark.parametrize(
    "stem,lang,expected",
    [
        ("Lanzhou University_schools_2026-12-02", "en", "Lanzhou-University_schools_2026-12-02"),
        ("恩玲中学_scorecard_2025_2026-12-02", "en", "Enlingzhongxue_scorecard_2025_2026-12-02"),
        ("兰州大学、北京大学_帮扶学校_2026-12-02", "zh", "兰州大学-北京大学_帮扶学校_2026-12-02"),
        ('a/b: "c" <d>|e?_2026-12-02', "zh", "ab-c-de_2026-12-02"),
        ("Beijing Normal University_activities_2026-12-02", "en", "Beijing-Normal-University_activities_2026-12-02"),
    ],
)
def test_file_names_are_whole_and_safe_in_the_page_language(stem, lang, expected):
    assert safe_stem(stem, lang) == expected


def test_a_long_file_name_loses_whole_words_and_keeps_its_date():
    name = safe_stem("Beijing University of Chemical Technology " * 6 + "_schools_2026-12-02", "en")
    assert len(name) <= 120 and name.endswith("_2026-12-02")
    assert name.split("_")[0].endswith(("Technology", "Chemical", "Beijing", "University", "of"))


def test_several_universities_are_named_as_the_first_and_how_many_more():
    from assistance.i18n import t
    from assistance.web.university_sections import scope_label

    def ctx(lang: str, chosen: tuple[str, ...]) -> SimpleNamespace:
        names = {"兰州大学": "Lanzhou University", "北京大学": "Peking University", "清华大学": "Tsinghua University"}
        return SimpleNamespace(
            filters=Filters(universities=chosen),
            university_names=lambda: names if lang == "en" else {n: n for n in names},
            t=lambda key, **values: t(key, lang, **values),
        )

    three = ("兰州大学", "北京大学", "清华大学")
    assert scope_label(ctx("en", three)) == "Lanzhou University and 2 more"
    assert scope_label(ctx("zh", three)) == "兰州大学及另外2所高校"
    assert safe_stem(scope_label(ctx("en", three[:2])) + "_schools_2026-12-02", "en") == (
        "Lanzhou-University-Peking-University_schools_2026-12-02"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_buttons_say_which_file_is_which(app_db, lang):
    app = open_page("pages/universities.py", lang, university=LZU)
    assert not app.exception, [e.value for e in app.exception]
    briefs = {t(f"brief.button.{fmt}", lang) for fmt in ("pdf", "html")}  # the brief's own pair (tests/outcomes)
    labels = [button.proto.label for button in app.get("download_button") if button.proto.label not in briefs]
    if lang == "zh":
        assert set(labels) == {"CSV", "Excel"}
    else:
        assert {"CSV (English)", "Excel (English)", "CSV (中文)", "CSV (中文, re-uploadable)"} <= set(labels)
        assert labels.count("CSV (中文, re-uploadable)") == 1, "only the activity table uploads again"


def test_the_chart_toolbar_locale_follows_the_language():
    zh = chart_locale("zh")
    assert zh["locale"] == "zh-CN" and zh["locales"]["zh-CN"]["dictionary"]["Zoom in"] == "放大"
    assert chart_locale("en") == {}


# ---------------------------------------------------------------------------------------------------------
# In the browser

TIMEOUT = 60_000


def test_an_english_page_downloads_english_and_reuploadable_chinese_files(streamlit_server, offline_page):
    page = offline_page.page
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{streamlit_server}/universities?lang=en&university={quote(LZU)}")
    wait_for_app(page, timeout=TIMEOUT)
    buttons = page.locator('[data-testid="stDownloadButton"] button:visible')
    buttons.filter(has_text="CSV (English)").last.wait_for()
    with page.expect_download() as english:
        buttons.filter(has_text="CSV (English)").last.click()
    name = english.value.suggested_filename
    assert re.fullmatch(r"Lanzhou-University_activities_\d{4}-\d{2}-\d{2}\.csv", name), name
    table = rows(english.value.path().read_bytes())
    assert table[0][:5] == ["Date", "University", "School", "County", "Measure"]
    assert {row[1] for row in table[1:]} == {"Lanzhou University"}
    with page.expect_download() as chinese:
        buttons.filter(has_text="CSV (中文, re-uploadable)").last.click()
    assert re.fullmatch(r"Lanzhou-University_activities_\d{4}-\d{2}-\d{2}_zh\.csv", chinese.value.suggested_filename)
    assert rows(chinese.value.path().read_bytes())[0][:2] == ["日期", "帮扶高校"]
    assert offline_page.external_requests == []


def toolbar_titles(page, url: str) -> list[str]:
    """The tooltips of the first chart's toolbar buttons on the page at `url`."""
    page.goto(url)
    wait_for_app(page, timeout=TIMEOUT)
    buttons = page.locator('[data-testid="stPlotlyChart"]').first.locator(".modebar-btn")
    buttons.first.wait_for(state="attached")
    return buttons.evaluate_all("nodes => nodes.map(n => n.getAttribute('data-title'))")


def test_the_chart_toolbar_speaks_chinese_on_a_chinese_page(streamlit_server, offline_page):
    page = offline_page.page
    page.set_default_timeout(TIMEOUT)
    titles = toolbar_titles(page, f"{streamlit_server}/universities?university={quote(LZU)}")
    assert "下载图表（PNG 图片）" in titles and "放大" in titles, titles
    # Every plotly button speaks Chinese; "Fullscreen" is Streamlit's own button, English only in 1.67.
    english = [title for title in titles if title and re.search("[A-Za-z]{3}", title.replace("PNG", ""))]
    assert english == ["Fullscreen"], titles
    assert "Download plot as a PNG" in toolbar_titles(
        page, f"{streamlit_server}/universities?lang=en&university={quote(LZU)}"
    )
    assert offline_page.external_requests == []
