"""The universities page and a scorecard in a real (offline) browser: a link opens one university and
shows only its schools; the pickers write the URL; no request leaves the machine. A table's scorecard link:
tests/web/test_navigation_browser.py."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlparse

import duckdb
import pytest

from tests.conftest import wait_for_app

BNU = "北京师范大学"
BNU_SCHOOLS = {"青龙满族自治县第一中学", "融安县示例中学"}
GRID_CELLS = '[data-testid="stDataFrame"] td'


@pytest.fixture(scope="module")
def other_schools(demo_db_template) -> set[str]:
    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        rows = con.execute("SELECT school FROM pairing_overview WHERE university <> ?", [BNU]).fetchall()
    return {school for (school,) in rows} - BNU_SCHOOLS


TIMEOUT = 60_000  # the machine may be busy with other test runs


def settle(page) -> None:
    page.wait_for_timeout(300)
    wait_for_app(page, timeout=TIMEOUT)


def test_university_link_shows_only_its_schools(streamlit_server, offline_page, other_schools, demo_db_template):
    page = offline_page.page
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{streamlit_server}/universities?university={quote(BNU)}")
    wait_for_app(page, timeout=TIMEOUT)
    page.wait_for_selector(GRID_CELLS, state="attached")
    page.wait_for_selector("g.heatmaplayer, .hm", state="attached")  # the timeline has drawn
    settle(page)
    cells = set(page.locator(GRID_CELLS).all_inner_texts())
    assert cells >= BNU_SCHOOLS
    assert not cells & other_schools
    text = page.locator('[data-testid="stMain"]').inner_text()
    text += " ".join(page.locator("svg text").all_text_contents())  # chart labels (the timeline's rows)
    assert all(school in text for school in BNU_SCHOOLS)
    assert [school for school in other_schools if school in text] == []
    assert "记分卡 →" in cells  # each row opens its scorecard here: tests/web/test_navigation_browser.py

    # The last CSV button on the page exports the activities in view: BOM, one row per activity.
    with page.expect_download() as download:
        page.locator('[data-testid="stDownloadButton"] button:visible').filter(has_text="CSV").last.click()
    data = download.value.path().read_bytes()
    assert download.value.suggested_filename.startswith(f"{BNU}_活动记录_")
    assert data.startswith(b"\xef\xbb\xbf")
    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        expected = con.execute("SELECT count(*) FROM activity_overview WHERE university = ?", [BNU]).fetchone()[0]
    assert len(data.decode("utf-8-sig").strip().split("\r\n")) - 1 == expected
    assert offline_page.external_requests == []


def test_in_page_picker_writes_the_url(streamlit_server, offline_page):
    page = offline_page.page
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{streamlit_server}/universities")
    wait_for_app(page, timeout=TIMEOUT)
    page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"] input').first.click()
    page.keyboard.type("北京师范")
    page.get_by_role("option", name=BNU, exact=True).click()  # the option itself, not whatever Enter takes
    page.keyboard.press("Escape")
    page.wait_for_url("**/universities?university=*")
    settle(page)
    assert parse_qs(urlparse(page.url).query)["university"] == [BNU]
    page.wait_for_function(
        "names => names.every(n => [...document.querySelectorAll('[data-testid=\"stDataFrame\"] td')]"
        ".some(td => td.innerText === n))",
        arg=sorted(BNU_SCHOOLS),
    )
    assert offline_page.external_requests == []


def test_scorecard_link_picker_and_way_back(streamlit_server, offline_page):
    page = offline_page.page
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{streamlit_server}/schools?pairing=1")
    wait_for_app(page, timeout=TIMEOUT)
    page.wait_for_selector("h1:has-text('青龙满族自治县第一中学')")
    settle(page)  # a worker's first visit reruns at once; the heading can be the first run's
    main = page.locator('[data-testid="stMain"]')
    assert "状态规则" in main.inner_text()
    assert "恰好 50% 为滞后" in main.inner_text()
    assert page.locator("a[href='http://puppychina.com/zx/zhxw/128903.htm']").count() == 1
    settle(page)  # a click during a rerun can land on a picker that is about to be replaced
    main.locator('[data-testid="stSelectbox"]').first.click()
    page.keyboard.type("融安县示例")
    page.get_by_role("option", name="融安县示例中学").first.click()  # the option itself, not whatever Enter takes
    page.wait_for_selector("h1:has-text('融安县示例中学')")
    assert parse_qs(urlparse(page.url).query)["pairing"] == ["38"]
    settle(page)  # the heading comes early in the rerun; the button is clicked once the rerun is over
    page.get_by_role("button", name=f"查看 {BNU} 的全部学校").click()
    page.wait_for_url("**/universities?university=*")
    settle(page)
    assert parse_qs(urlparse(page.url).query)["university"] == [BNU]
    assert offline_page.external_requests == []
