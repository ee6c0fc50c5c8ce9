"""The app under a path prefix, as behind an intranet reverse proxy (`server.baseUrlPath`, issue 12), in headless
Chromium with no network: sign in through the form at /county/, every page loads under the prefix, the map is
drawn with no request leaving the machine, and the signed cookie keeps the sign-in across a reload and a pasted
link in the same browser until sign-out."""

from __future__ import annotations

import shutil
from urllib.parse import quote

import pytest

from assistance.access.sessions import SECRET_ENV
from assistance.i18n import t
from tests.conftest import OfflinePage, add_test_account, serve_streamlit, sign_in_browser, wait_for_app
from tests.web.test_offline_browser import wait_for_map

PREFIX = "county"
USERNAME = "bnu_coordinator"
SIGNED_IN = f"已登录：{USERNAME}"
SIDEBAR = '[data-testid="stSidebar"]'
# Each page's address under the prefix and a heading it shows.
PAGES = {
    "map": t("nav.map", "zh"),
    "universities": t("nav.universities", "zh"),
    "schools": t("nav.schools", "zh"),
    "about": t("nav.about", "zh"),
}
LINK = f"universities?university={quote('北京师范大学')}"


@pytest.fixture(scope="module")
def county_server(demo_db_template, tmp_path_factory) -> str:
    """`streamlit run app.py --server.baseUrlPath county` with a cookie secret, over a demo database with one
    university account; yields http://127.0.0.1:PORT/county."""
    path = tmp_path_factory.mktemp("baseurl") / "county.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_account(path, USERNAME, "university", university="北京师范大学")
    yield from serve_streamlit(
        path, env={SECRET_ENV: "a-cookie-secret-for-these-tests-only"}, options=("--server.baseUrlPath", PREFIX)
    )


@pytest.fixture
def offline(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    wrapper = OfflinePage(context)
    yield wrapper
    context.close()


def signed_in(page) -> None:
    page.locator(SIDEBAR).get_by_text(SIGNED_IN).wait_for(timeout=60_000)


def assert_sign_in_form(page) -> None:
    page.get_by_label("用户名").wait_for(timeout=60_000)
    wait_for_app(page, timeout=60_000)  # the form comes early in the sign-out run; what it hides goes at its end
    assert page.get_by_text(SIGNED_IN).count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 0


def test_sign_in_pages_and_map_under_the_base_path(county_server, offline):
    assert county_server.endswith(f"/{PREFIX}")
    page = offline.page
    sign_in_browser(page, f"{county_server}/", USERNAME)
    signed_in(page)
    assert page.url.startswith(f"{county_server}/")
    wait_for_map(page, 30)  # the overview's map: its shapes come from the app's own static files

    page.get_by_role("link", name=PAGES["map"]).first.click()  # the page menu stays under the prefix
    page.wait_for_url(f"{county_server}/map**", timeout=60_000)
    wait_for_app(page, timeout=60_000)
    wait_for_map(page, 30)
    for path, heading in PAGES.items():
        page.goto(f"{county_server}/{path}")
        wait_for_app(page, timeout=60_000)
        signed_in(page)
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0, path
    assert offline.external_requests == []


def test_the_sign_in_survives_a_reload_and_a_pasted_link_until_sign_out(county_server, offline):
    page = offline.page
    sign_in_browser(page, f"{county_server}/", USERNAME)
    signed_in(page)
    page.reload()
    wait_for_app(page, timeout=60_000)
    signed_in(page)

    pasted = offline.context.new_page()  # a link pasted into another tab of the same browser
    pasted.goto(f"{county_server}/{LINK}")
    wait_for_app(pasted, timeout=60_000)
    signed_in(pasted)
    assert "university=" in pasted.url
    pasted.get_by_text("您的范围：北京师范大学").first.wait_for(timeout=60_000)
    pasted.close()

    page.locator(SIDEBAR).get_by_role("button", name=t("signin.sign_out", "zh")).click()
    assert_sign_in_form(page)
    page.reload()
    wait_for_app(page, timeout=60_000)
    assert_sign_in_form(page)
    page.goto(f"{county_server}/{LINK}")  # the cookie the browser may still hold opens nothing
    wait_for_app(page, timeout=60_000)
    assert_sign_in_form(page)
    assert offline.external_requests == []


def test_a_pasted_link_opens_its_view_after_the_sign_in_form(county_server, offline):
    """Opened while signed out, a pasted link shows the form; once signed in, the page and filters it named."""
    page = offline.page
    sign_in_browser(page, f"{county_server}/{LINK}", USERNAME)
    signed_in(page)
    assert page.url.startswith(f"{county_server}/universities")
    assert "university=" in page.url
    assert offline.external_requests == []
