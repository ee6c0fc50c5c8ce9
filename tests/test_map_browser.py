"""The coverage maps as a user sees them in headless Chromium (issue 13): a click that does not drill leaves the
map as it was; a drilled province tells a county at 0 from a county with no school, and its labels read."""

from __future__ import annotations

import contextlib

import pytest

from tests.conftest import wait_for_app
from tests.test_offline_browser import wait_for_map

MAIN = '[data-testid="stMain"] '
# The centre of a unit's drawn path, found by the location plotly bound to it (None if not drawn).
PATH_CENTRE = """code => {
  for (const path of document.querySelectorAll('path.choroplethlocation')) {
    if (path.__data__ && path.__data__.loc === code) {
      const box = path.getBoundingClientRect();
      return [box.x + box.width / 2, box.y + box.height / 2];
    }
  }
  return null;
}"""
PATHS = "[...document.querySelectorAll('path.choroplethlocation')]"
ALL_OPAQUE = f"() => {PATHS}.every(p => getComputedStyle(p).opacity === '1')"
OPACITIES = f"() => [...new Set({PATHS}.map(p => getComputedStyle(p).opacity))]"


def click_unit(page, code: str) -> None:
    """A real mouse click in the middle of a unit's path."""
    page.locator(MAIN + '[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    centre = page.evaluate(PATH_CENTRE, code)
    assert centre, f"{code} is not drawn"
    page.mouse.click(*centre)


def settle(page, count: int) -> None:
    page.wait_for_timeout(1500)
    wait_for_app(page)
    wait_for_map(page, count)
    page.wait_for_timeout(500)


def assert_unfaded(page) -> None:
    with contextlib.suppress(Exception):  # the assertion below says what was drawn
        page.wait_for_function(ALL_OPAQUE, timeout=10_000)
    assert page.evaluate(OPACITIES) == ["1"]


@pytest.mark.parametrize("path", ["", "map"])
def test_a_click_on_a_province_outside_the_programme_leaves_the_map_as_it_was(streamlit_server, offline_page, path):
    """Issue 13, item 2: 广东 answers with a message and every province keeps its full opacity."""
    page = offline_page.page
    page.goto(f"{streamlit_server}/{path}")
    wait_for_app(page)
    wait_for_map(page, 44)
    click_unit(page, "440000")
    page.get_by_text("广东省不在托管帮扶项目范围内").wait_for(timeout=30_000)
    settle(page, 44)
    assert "province=" not in page.url
    assert_unfaded(page)
    assert offline_page.external_requests == []


def test_a_click_on_a_county_of_a_drilled_province_leaves_the_map_as_it_was(streamlit_server, offline_page):
    page = offline_page.page
    page.goto(f"{streamlit_server}/map?province=620000")
    wait_for_app(page)
    wait_for_map(page, 80)
    click_unit(page, "620421")  # 靖远县, a county with a school
    settle(page, 80)
    assert_unfaded(page)
