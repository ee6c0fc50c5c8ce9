"""The Audit log page in a real browser (headless Debian Chromium): the ministry signs in on /audit, finds the page
in the menu, sees its own sign-in in the table and downloads the log as CSV (with a BOM). A screenshot of the
page is kept at /tmp/audit_helper/audit_zh.png for a look at the layout."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from tests.conftest import add_test_account, serve_streamlit, sign_in_browser, wait_for_app

MAIN = '[data-testid="stMain"]'
SCREENSHOT = Path("/tmp/audit_helper/audit_zh.png")


@pytest.fixture(scope="module")
def audit_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("audit_server") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_account(path, "ministry", "ministry")
    yield from serve_streamlit(path)


def test_the_ministry_sees_its_own_sign_in_on_the_audit_log(audit_server, offline_page):
    page = offline_page.page
    page.set_default_timeout(60_000)
    sign_in_browser(page, f"{audit_server}/audit")
    page.get_by_role("heading", name="审计日志").wait_for()
    assert page.locator('[data-testid="stTopNavLink"]').filter(has_text="审计日志").count() == 1
    page.locator(f"{MAIN} [data-testid=stDataFrame] td").first.wait_for(state="attached")
    wait_for_app(page)
    rows = page.locator(f"{MAIN} [data-testid=stDataFrame]").first.locator("tr").all_inner_texts()
    assert any("ministry" in row and "教育部" in row and "登录" in row for row in rows[1:]), rows
    assert "password" in rows[1] and "method" in rows[1], rows

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    with page.expect_download() as download:
        page.locator(MAIN).get_by_test_id("stDownloadButton").get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename.startswith("审计日志_")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and "ministry,教育部,登录" in data.decode("utf-8-sig")
    assert offline_page.external_requests == []
