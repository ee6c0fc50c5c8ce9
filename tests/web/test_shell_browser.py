"""The shared shell in a real browser: filters write the URL, a link restores them, language switches,
no request leaves the machine."""

from urllib.parse import parse_qs, urlparse

from tests.conftest import wait_for_app
from tests.web.test_navigation_browser import TIMEOUT, choose, open_at


def test_a_filter_choice_lands_in_the_url_and_survives_navigation(streamlit_server, offline_page):
    page = open_at(offline_page, f"{streamlit_server}/about?lang=en")
    choose(page, "Measure", "Student camp")
    page.wait_for_url("**/about?*measure=student_camp**")
    page.get_by_role("link", name="Overview").click()
    # the overview is the root page: wait for the path to change, not for a query the about page already has
    page.wait_for_url(lambda url: urlparse(url).path == "/" and "measure=student_camp" in url)
    wait_for_app(page, timeout=TIMEOUT)
    query = parse_qs(urlparse(page.url).query)
    assert query["measure"] == ["student_camp"] and query["lang"] == ["en"]
    page.get_by_text("All universities · All time · Student camp").first.wait_for()
    assert offline_page.external_requests == []


def test_a_shared_link_reproduces_the_view_in_chinese(streamlit_server, offline_page):
    page = offline_page.page
    page.goto(f"{streamlit_server}/about?university=%E5%85%B0%E5%B7%9E%E5%A4%A7%E5%AD%A6&period=2025-autumn")
    wait_for_app(page)
    page.get_by_text("兰州大学 · 2025–26 学年秋季学期 · 全部举措").wait_for()
    assert page.get_by_text("示例数据").count() >= 1
    page.locator("[data-testid=stSidebar]").get_by_text("English", exact=True).click()
    page.get_by_text("About & data").first.wait_for()
    assert "lang=en" in page.url
    assert offline_page.external_requests == []


def test_health_endpoint_answers(streamlit_server):
    import urllib.request

    with urllib.request.urlopen(f"{streamlit_server}/_stcore/health", timeout=5) as response:
        assert response.status == 200 and response.read().strip() == b"ok"
