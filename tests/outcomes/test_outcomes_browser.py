"""The scorecard's outcome panel in a real browser (headless Debian Chromium, offline): a university coordinator
signs in, opens one of its demo schools and sees the panel: 示例, each indicator's baseline → latest with the
change, a trend line per row, the large-class threshold, the figures by year, no ranking; then downloads the
brief of the overview as a PDF. No request leaves the machine."""

from __future__ import annotations

import secrets
import shutil

import duckdb
import pytest

from assistance.access.sessions import SECRET_ENV
from assistance.i18n import t
from tests.conftest import add_test_account, serve_streamlit, sign_in_browser, wait_for_app

MAIN = '[data-testid="stMain"]'
BNU_DEMO_SCHOOL = "融安县示例中学"


@pytest.fixture(scope="module")
def outcome_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("outcome_server") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_account(path, "bnu", "university", university="北京师范大学")
    yield from serve_streamlit(path, env={SECRET_ENV: secrets.token_hex(32)})  # the session survives page loads


def test_a_coordinator_sees_the_outcome_panel_of_a_school_and_downloads_the_brief(
    outcome_server, offline_page, demo_db_template
):
    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        pairing = con.execute("SELECT pairing_id FROM pairing_overview WHERE school = ?", [BNU_DEMO_SCHOOL]).fetchone()
    page = offline_page.page
    page.set_default_timeout(60_000)
    sign_in_browser(page, f"{outcome_server}/schools?pairing={pairing[0]}", username="bnu")
    panel = page.locator(f"{MAIN} #outcomes")
    panel.wait_for()
    wait_for_app(page)
    panel.scroll_into_view_if_needed()
    grid = page.locator(f"{MAIN} [data-testid=stDataFrame]").filter(has_text=t("outcomes.col.trend", "zh")).first
    grid.locator("td").first.wait_for(state="attached")
    rows = grid.locator("tr").all_inner_texts()
    assert any(t("outcomes.indicator.large_classes", "zh") in row and "目标 0：" in row for row in rows), rows
    assert any(t("outcomes.indicator.undergrad_rate_pct", "zh") in row and "个百分点" in row for row in rows), rows
    text = page.locator(MAIN).inner_text()
    assert t("outcomes.no_ranking", "zh") in text and "示例" in text
    expander = page.locator(f"{MAIN} [data-testid=stExpander]").filter(has_text=t("outcomes.years_title", "zh"))
    expander.get_by_text(t("outcomes.years_title", "zh")).click()
    years = expander.locator("[data-testid=stDataFrame]")
    years.locator("td").first.wait_for(state="attached")
    header = years.locator("tr").first.inner_text()
    assert "2021–22" in header and "2025–26" in header, header

    page.goto(outcome_server)
    wait_for_app(page)
    with page.expect_download() as download:
        page.locator(MAIN).get_by_role("button", name=t("brief.button.pdf", "zh")).click()
    assert download.value.suggested_filename.startswith("工作简报_")
    assert download.value.path().read_bytes().startswith(b"%PDF-")
    assert offline_page.external_requests == []
