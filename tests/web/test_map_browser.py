"""The coverage maps as a user sees them in headless Chromium (issue 13): a click that does not drill leaves the
map as it was; a drilled province tells a county at 0 from a county with no school, and its labels read."""

from __future__ import annotations

import contextlib

import pytest

from tests.conftest import wait_for_app
from tests.web.test_offline_browser import wait_for_map

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
    # the message, not the map's hover label under the mouse (广东省<br>不在…, without the full stop)
    page.get_by_text("广东省不在托管帮扶项目范围内。").wait_for(timeout=60_000)
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


# ------------------------------------------------------------------------------ item 8: the drill-down reads

# Per choropleth path: its location and fill.
FILLS = "() => Object.fromEntries(" + PATHS + ".map(p => [p.__data__.loc, getComputedStyle(p).fill]))"
# Per map name: its text, box, fill and the fills under five points along its middle (white off the map).
LABELS = """() => [...document.querySelectorAll('[data-testid="stMain"] g.scattergeo text')]
  .filter(t => t.textContent.trim())
  .map(t => {
    const box = t.getBoundingClientRect();
    const paths = [...document.querySelectorAll('[data-testid="stMain"] path.choroplethlocation')];
    const fillAt = (x, y) => {
      const under = paths.filter(p => {
        const svg = p.ownerSVGElement.getBoundingClientRect();  // getCTM: the path's space within its svg
        return p.isPointInFill(new DOMPoint(x - svg.left, y - svg.top).matrixTransform(p.getCTM().inverse()));
      }).pop();  // the topmost
      return under ? getComputedStyle(under).fill : 'rgb(255, 255, 255)';
    };
    const y = box.y + box.height / 2;
    return {text: t.textContent, box: [box.left, box.top, box.right, box.bottom], fill: getComputedStyle(t).fill,
            under: [0.1, 0.3, 0.5, 0.7, 0.9].map(f => fillAt(box.x + box.width * f, y))};
  })"""
MARKERS = """() => [...document.querySelectorAll('[data-testid="stMain"] path.point')]
  .filter(p => getComputedStyle(p).fillOpacity !== '0' && getComputedStyle(p).fill !== 'rgba(0, 0, 0, 0)')
  .map(p => { const b = p.getBoundingClientRect(); return {box: [b.left, b.top, b.right, b.bottom],
                                                         fill: getComputedStyle(p).fill}; })"""


def rgb(css: str) -> tuple[float, ...]:
    return tuple(float(v) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def luminance(css: str) -> float:
    channels = [c / 255 for c in rgb(css)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def overlap(a, b, slack: float = 1.0) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def open_drilled(page, base: str, query: str) -> None:
    page.goto(f"{base}/map?{query}")
    wait_for_app(page)
    wait_for_map(page, 5)
    page.locator(MAIN + '[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.mouse.move(1, 1)
    page.wait_for_timeout(800)


def test_a_county_with_a_school_at_zero_stands_out_from_a_county_with_none(streamlit_server, offline_page):
    """Issue 13, item 8: 榆中县 at 0% active is not drawn like the grey counties with no school."""
    page = offline_page.page
    open_drilled(page, streamlit_server, "province=620000&metric=active_share")
    fills = page.evaluate(FILLS)
    yuzhong, none = rgb(fills["620123"]), rgb(fills["620102"])  # 榆中县 (a school, 0% active), 城关区 (no school)
    assert sum((a - b) ** 2 for a, b in zip(yuzhong, none, strict=True)) ** 0.5 > 80, (yuzhong, none)
    legend = page.locator(MAIN + "g.legend").first.text_content()
    assert "有受援学校，近 60 天活跃配对占比为 0" in legend and "无受援学校的区县" in legend


@pytest.mark.parametrize("width", [1400, 900])
@pytest.mark.parametrize("province", ["620000", "520000", "510000"])
def test_county_names_are_readable_and_do_not_overlap(streamlit_server, browser, province, width):
    """Light names on dark fills, dark names on light ones (contrast 3:1 or more against the fill under the
    name), no name over another name or over a school's marker."""
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN")
    try:
        page = context.new_page()
        open_drilled(page, streamlit_server, f"province={province}&metric=active_share")
        labels, markers = page.evaluate(LABELS), page.evaluate(MARKERS)
        assert len(labels) >= 5 and len(markers) >= 5
        for label in labels:  # most of the name (a long one may straddle two fills: its halo covers the rest)
            assert sum(contrast(label["fill"], under) >= 3 for under in label["under"]) >= 3, label
        for index, label in enumerate(labels):
            for other in labels[index + 1 :]:
                assert not overlap(label["box"], other["box"]), (label["text"], other["text"])
            for marker in markers:
                assert not overlap(label["box"], marker["box"]), (label["text"], marker)
    finally:
        context.close()


def test_the_corps_markers_follow_the_chosen_metric(streamlit_server, offline_page):
    page = offline_page.page
    page.goto(f"{streamlit_server}/map?metric=active_share")
    wait_for_app(page)
    wait_for_map(page, 44)
    page.wait_for_timeout(800)
    corps_fill = page.evaluate(FILLS)["659002"]  # 阿拉尔市, one of the Corps' cities
    assert corps_fill in {marker["fill"] for marker in page.evaluate(MARKERS)}
    texts = page.locator(MAIN + "g.scattergeo text").all_text_contents()
    assert any(text.startswith("兵团 ") and text.endswith("%") for text in texts), texts
