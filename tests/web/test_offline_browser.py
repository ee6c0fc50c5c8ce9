"""The coverage map in headless Chromium with no network: every request that is not addressed to this
machine is aborted and counted; the maps must still be drawn (issue 3)."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

MAP_PATHS = ["", "map", "map?province=620000"]


def wait_for_map(page, count: int = 1) -> int:
    """Wait until plotly has drawn choropleth paths (after fetching its GeoJSON); return how many."""
    page.wait_for_selector("path.choroplethlocation", state="attached", timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('path.choroplethlocation').length >= {count}")
    return page.locator("path.choroplethlocation").count()


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", MAP_PATHS)
def test_map_is_drawn_with_no_external_request(streamlit_server, offline_page, path, lang):
    page = offline_page.page
    query = ("&" if "?" in path else "?") + "lang=en" if lang == "en" else ""
    page.goto(f"{streamlit_server}/{path}{query}")
    wait_for_app(page)
    drawn = wait_for_map(page, 30)
    # National: 34 provinces + 10 Corps cities + the inset; Gansu: its 87 county-level units.
    assert drawn >= (87 if "province" in path else 44)
    title = {"": ("总览", "Overview"), "map": ("覆盖地图", "Coverage map")}.get(path.split("?")[0], ("", ""))
    if title[0]:
        assert page.get_by_role("heading", name=title[0 if lang == "zh" else 1]).count() >= 1
    assert offline_page.external_requests == []


def hover_a_clickable_province(page, hint: str) -> tuple[float, float]:
    """Move over the national map until a hover label offers the drill-down; return that point."""
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    for fy in (0.5, 0.4, 0.6, 0.3, 0.7):
        for fx in (0.45, 0.55, 0.35, 0.65, 0.25, 0.75):
            x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
            page.mouse.move(x, y)
            page.wait_for_timeout(80)
            if hint in (page.locator("g.hoverlayer").text_content() or ""):
                return x, y
    raise AssertionError("no clickable province found under the pointer")


def test_clicking_a_province_drills_down_and_sets_the_url_then_back(streamlit_server, offline_page):
    page = offline_page.page
    page.goto(f"{streamlit_server}/map")
    wait_for_app(page)
    wait_for_map(page, 30)
    x, y = hover_a_clickable_province(page, "点击查看区县")
    page.mouse.click(x, y)
    page.wait_for_function("location.search.includes('province=')", timeout=60_000)
    page.get_by_text("区县分布").first.wait_for()
    wait_for_app(page)
    wait_for_map(page)
    province = page.evaluate("new URLSearchParams(location.search).get('province')")
    assert province and province.isdigit() and len(province) == 6

    page.get_by_role("button", name="返回全国视图").click()
    page.wait_for_function("!location.search.includes('province=')", timeout=60_000)
    wait_for_app(page)
    assert wait_for_map(page, 44) >= 44
    assert page.get_by_text("区县分布").count() == 0
    assert offline_page.external_requests == []


def test_choosing_a_province_in_the_sidebar_drills_the_map(streamlit_server, offline_page):
    from tests.web.test_navigation_browser import choose  # here: that module imports this one

    page = offline_page.page
    page.goto(f"{streamlit_server}/map?lang=en")
    wait_for_app(page)
    choose(page, "Province", "Xinjiang Production and Construction Corps")  # a rerun can close a list opened early
    page.wait_for_function("location.search.includes('province=660000')", timeout=60_000)
    page.get_by_text("Xinjiang Production and Construction Corps: counties").wait_for()
    wait_for_map(page)
    assert offline_page.external_requests == []
