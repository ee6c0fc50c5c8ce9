"""Issue 13, items 4 and 7 in headless Chromium: at 800 px and at 1280 px wide, in Chinese and English, no headline
figure, card label, button label, chosen option or page name is cut to "23…", "C.." or "2 more"; the charts'
month labels follow the page's language. Each page is saved as a screenshot (under pytest's tmp_path)."""

from __future__ import annotations

import json
import re
import shutil
from urllib.parse import quote

import pytest

from assistance.export.columns import PAIRING_COLUMNS
from tests.conftest import add_test_account, serve_streamlit, sign_in_browser, wait_for_app

TIMEOUT = 60_000  # the machine may be busy with other test runs
UNIVERSITIES = "&".join(f"university={quote(name)}" for name in ("北京大学", "清华大学", "兰州大学", "北京师范大学"))
# Page → the element that shows it has drawn its figures.
PAGES = {
    "": '[data-testid="stMetric"]',
    f"universities?{UNIVERSITIES}": '[data-testid="stDownloadButton"]',
    "schools?pairing=1": '[data-testid="stDownloadButton"]',
    "map?province=620000": "path.choroplethlocation",
    "map": "path.choroplethlocation",
}
MENU_ENTRIES = '[data-testid="stTopNavLink"], [data-testid="stTopNavSection"]'  # shown ones have a width
# Every element whose text Streamlit may cut with an ellipsis (or hide behind "N more"), as [kind, text] pairs.
CUT_TEXT = """() => {
  const cut = (e) => e.scrollWidth > e.clientWidth + 1;
  const found = [];
  const texts = '[data-testid="stMetric"], button, [data-tag] > span[title]';  // a card: its label, value, delta…
  for (const element of document.querySelectorAll(texts)) {
    if (!element.getBoundingClientRect().width) continue;
    if (cut(element) || [...element.querySelectorAll('*')].some(cut))
      found.push([element.getAttribute('data-testid') || element.tagName, element.innerText]);
  }
  for (const group of document.querySelectorAll('[data-testid="stButtonGroup"] div:has(> button)'))
    if (cut(group)) found.push(['segmented control', group.innerText]);
  for (const item of document.querySelectorAll('[data-testid="stTopNav"] .rc-overflow-item'))
    if (item.style.opacity !== '0' && / more$/.test(item.innerText)) found.push(['page menu', item.innerText]);
  const entries = [...document.querySelectorAll(MENU_ENTRIES)].filter((e) => e.getBoundingClientRect().width);
  const lowest = Math.min(...entries.map((e) => e.getBoundingClientRect().height));
  for (const entry of entries)  // a name wrapped onto a second line ("Guid" over "ance")
    if (entry.getBoundingClientRect().height > 1.5 * lowest) found.push(['page menu, wrapped', entry.innerText]);
  return found;
}""".replace("MENU_ENTRIES", json.dumps(MENU_ENTRIES))


@pytest.fixture(scope="module")
def ministry_server(demo_db_template, tmp_path_factory):
    """The demo with a ministry account, whose menu is the longest (upload, registry and audit log included)."""
    path = tmp_path_factory.mktemp("ministry") / "ministry.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_account(path)
    yield from serve_streamlit(path, env={"ASSISTANCE_COOKIE_SECRET": "layout-tests-cookie-secret"})


@pytest.fixture
def sized_page(browser, request):
    """A browser page `request.param` pixels wide (1000 high), on which every request not addressed to this machine
    is aborted."""
    context = browser.new_context(viewport={"width": request.param, "height": 1000}, locale="zh-CN")
    context.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url else route.continue_())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    yield page
    context.close()


def open_settled(page, url: str, selector: str) -> None:
    page.goto(url)
    wait_for_app(page, timeout=TIMEOUT)
    page.wait_for_selector(selector, state="attached", timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # the page menu measures its items; fonts settle
    wait_for_app(page, timeout=TIMEOUT)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("sized_page", [800, 1280], indirect=True, ids=["800px", "1280px"])
def test_nothing_is_cut_at_800_and_1280_px(streamlit_server, sized_page, lang, tmp_path):
    page = sized_page
    problems = {}
    for path, selector in PAGES.items():
        query = ("&" if "?" in path else "?") + "lang=en" if lang == "en" else ""
        open_settled(page, f"{streamlit_server}/{path}{query}", selector)
        name = re.sub(r"\W+", "_", path.split("&")[0]) or "overview"
        page.screenshot(path=tmp_path / f"{name}_{lang}_{page.viewport_size['width']}.png")
        if found := page.evaluate(CUT_TEXT):
            problems[path or "overview"] = found
        if path == "":
            values = page.locator('[data-testid="stMain"] [data-testid="stMetricValue"]').all_inner_texts()
            # the eight headline figures whole (the problems and outcomes panels below add their own cards)
            assert len(values) >= 8 and "115" in values[:8], values
    assert problems == {}, f"cut or hidden text (screenshots in {tmp_path})"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("sized_page", [800, 1100, 1280], indirect=True, ids=["800px", "1100px", "1280px"])
def test_the_ministrys_whole_menu_fits_on_one_line(ministry_server, sized_page, lang, tmp_path):
    """Nine entries, the longest menu: none folded into "N more", none wrapped onto a second line (seen in English
    with the pages' full titles: "2 more" at 1280 px, "3 more" at 800 px, "Guidance" one letter a line)."""
    page = sized_page
    sign_in_browser(page, f"{ministry_server}/?lang={lang}")
    for path, selector in (("registry", "[data-testid=stTabs]"), ("problems", "[data-testid=stTabs]")):
        open_settled(page, f"{ministry_server}/{path}?lang={lang}", selector)
        page.screenshot(path=tmp_path / f"menu_{path}_{lang}_{page.viewport_size['width']}.png")
        shown = page.eval_on_selector_all(MENU_ENTRIES, "es => es.filter((e) => e.getBoundingClientRect().width)")
        menu = [found for found in page.evaluate(CUT_TEXT) if found[0].startswith("page menu")]
        assert len(shown) == 9 and menu == [], (path, shown, menu, tmp_path)  # none folded into "N more", none wrapped


@pytest.mark.parametrize(("lang", "month"), [("zh", r"^\d{4}年\d{1,2}月$"), ("en", r"^[A-Z][a-z]{2} \d{4}$")])
def test_chart_months_are_labelled_in_the_page_language(streamlit_server, offline_page, lang, month):
    page = offline_page.page
    page.set_default_timeout(TIMEOUT)
    open_settled(page, f"{streamlit_server}/universities{'?lang=en' if lang == 'en' else ''}", "g.xtick text")
    ticks = [text.strip() for text in page.eval_on_selector_all("g.xtick text", "ts => ts.map(t => t.textContent)")]
    assert ticks and all(re.match(month, text) for text in ticks), ticks


def test_dates_in_tables_get_room_for_a_whole_date():
    """The grid draws on a canvas (no text to measure): every date column is given the width of a whole date."""
    from types import SimpleNamespace

    import pandas as pd

    from assistance.web.tables import DATE_WIDTH, present

    names = {"measure_names": dict, "university_names": dict, "province_names": dict}
    ctx = SimpleNamespace(lang="zh", t=lambda key, **_: key, **{name: (lambda: {}) for name in names})
    frame = pd.DataFrame({column.name: [None] for column in PAIRING_COLUMNS})
    _shown, config = present(frame, PAIRING_COLUMNS, ctx)
    dates = [column for column in PAIRING_COLUMNS if column.kind == "date"]
    assert dates and all(config[column.key]["width"] >= DATE_WIDTH for column in dates)
