"""The Upload page in a real browser (headless Debian Chromium): choose a file, check it, commit it.

The server runs over a database of this module's own, so the commit does not change what the other
browser tests see."""

from __future__ import annotations

import pytest

from tests.conftest import OfflinePage, add_test_account, serve_streamlit, sign_in_browser
from tests.corpus import VALID, ZH, build_corpus_database, to_csv

BAD = ["2023-09-01", "北师大", "青龙一中", "", "吃饭", "浏览器坏行（测试）", "1", "1", "1", ""]
FILE = to_csv([ZH, VALID[0], BAD, VALID[1], VALID[0], VALID[2]]).encode("gbk")  # as Excel on Chinese Windows


@pytest.fixture(scope="module")
def upload_server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("upload_server") / "server.duckdb"
    build_corpus_database(demo_db_template, path)
    add_test_account(path, "浏览器测试", "ministry")  # the corpus names several universities
    yield from serve_streamlit(path)


def settled(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-test-script-state]')?.dataset.testScriptState === 'notRunning'"
    )


def check_file(page, name: str, content: bytes, timeout: float = 60_000) -> None:
    """Choose a CSV file on the open Upload page and check it (the dry run), up to its report."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    check = page.get_by_role("button", name="预检（不写入）")
    check.wait_for(timeout=60_000)
    settled(page)
    check.click()
    page.get_by_text("预检结果（尚未写入）").wait_for(timeout=timeout)
    settled(page)


def metric(page, label: str) -> str:
    """The value of the metric card labelled exactly `label` (逾期 is not 困难问题逾期)."""
    label_box = page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True)
    box = page.locator('[data-testid="stMetric"]').filter(has=label_box)
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_upload_check_and_commit_in_the_browser(upload_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    wrapper = OfflinePage(context)
    page = wrapper.page
    try:
        sign_in_browser(page, f"{upload_server}/upload", "浏览器测试")
        page.get_by_text("上传活动记录").first.wait_for()
        page.get_by_text("以 浏览器测试 的身份上传").wait_for()
        check_file(page, "活动记录.csv", FILE)
        assert (metric(page, "数据行"), metric(page, "将新增"), metric(page, "重复"), metric(page, "有错误")) == (
            "5", "3", "1", "1")  # fmt: skip
        assert page.get_by_text("下载错误行（CSV，含错误原因列）").count() == 1

        page.get_by_role("button", name="确认提交").click()
        page.get_by_text("已提交为批次 #1").wait_for(timeout=60_000)
        settled(page)
        assert metric(page, "已新增") == "3"
        assert wrapper.external_requests == []
    finally:
        context.close()
