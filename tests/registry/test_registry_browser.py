"""The Registry page in a real browser (headless Debian Chromium): choose a registry file, check it (the demo rows
a commit would remove are named), commit it, undo it. The server runs over a database of this module's own."""

from __future__ import annotations

import shutil

import pytest

from scripts.screenshots import check_registry_file
from tests.conftest import add_test_account, serve_streamlit, sign_in_browser
from tests.ingest.test_ingest_browser import metric, settled
from tests.registry.test_registry_page import REGISTRY


@pytest.fixture(scope="module")
def registry_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("registry_server") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_account(path, "ministry", "ministry")
    yield from serve_streamlit(path)


def test_registry_check_commit_and_undo_in_the_browser(registry_server, offline_page):
    page = offline_page.page
    sign_in_browser(page, f"{registry_server}/registry")
    page.get_by_role("heading", name="名册管理").wait_for()
    check_registry_file(page, "zh", REGISTRY.decode().encode("gbk"), "名册.csv")  # GBK, as Excel saves it
    page.get_by_text("预检结果（尚未写入）").wait_for()
    assert (metric(page, "将新增"), metric(page, "将更改"), metric(page, "有错误")) == ("2", "0", "1")
    assert page.get_by_text("示例配对 86 个", exact=False).count() == 1, "the demo rows a commit removes"
    assert page.get_by_text("新帮扶单位（提交时创建）").count() == 1

    page.get_by_role("button", name="确认提交").first.click()
    page.get_by_text("已提交为批次 #1").wait_for(timeout=60_000)
    settled(page)
    assert metric(page, "已新增") == "2"

    page.get_by_text("确认撤销批次 #1", exact=False).click()
    settled(page)
    page.get_by_role("button", name="撤销所选批次").click()
    page.get_by_text("已撤销批次 #1", exact=False).wait_for(timeout=60_000)
    assert offline_page.external_requests == []
