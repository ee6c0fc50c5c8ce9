"""Issue 10's "Done when", in a real browser (headless Debian Chromium) over a server with a database of this
module's own: a problem raised on a scorecard, moved through in progress → resolved, and the overview's counts and
needs-attention list following it; two browser sessions saving the same problem (the second is told, nothing is
overwritten); the library searched for 跟岗 and a selected case opened on its own page."""

from __future__ import annotations

import re
import secrets
import shutil
from datetime import date, timedelta

import duckdb
import pytest

from assistance.access.accounts import CLI
from assistance.access.sessions import SECRET_ENV
from assistance.analytics.problems import summary
from assistance.filters import Filters
from assistance.guidance.problems import ProblemDraft, create_problem
from tests.conftest import OfflinePage, add_test_account, serve_streamlit, sign_in_browser
from tests.ingest.test_ingest_browser import metric, settled

RONGAN = 38  # 北京师范大学 → 融安县示例中学 (demo)
TITLE = "实验室仪器短缺（浏览器测试）"


@pytest.fixture(scope="module")
def server(demo_db_template, tmp_path_factory):
    """(a problem the two sessions edit, the open and overdue problems before the tests, the base URL) of a server
    over a database of this module's own, with a ministry and a BNU account."""
    path = tmp_path_factory.mktemp("guidance_server") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_account(path, "ministry", "ministry")
    add_test_account(path, "bnu", "university", university="北京师范大学")
    con = duckdb.connect(str(path))
    shared = create_problem(con, CLI, ProblemDraft(
        scope="pairing", pairing_id=RONGAN, raised_by="school", raised_on=date.today() - timedelta(days=3),
        category="teachers", title="两个会话同时编辑（浏览器测试）", owner_level="county"))  # fmt: skip
    before = summary(con, Filters(), date.today())
    con.close()
    runner = serve_streamlit(path, env={SECRET_ENV: secrets.token_hex(32)})  # the session survives page loads
    yield shared, (str(before["open"]), str(before["overdue"])), next(runner)
    next(runner, None)  # stops the server


def session(browser, base: str, username: str, url: str) -> OfflinePage:
    wrapper = OfflinePage(browser.new_context(viewport={"width": 1400, "height": 1100}, locale="zh-CN"))
    wrapper.context.set_default_timeout(60_000)  # every tab of it: parallel test workers share the two cores
    sign_in_browser(wrapper.page, url, username)
    return wrapper


@pytest.fixture(scope="module")
def ministry(server, browser):
    """A browser context signed in as the ministry (its cookie serves every tab: each tab is a session of its own)."""
    _shared, _before, base = server
    wrapper = session(browser, base, "ministry", f"{base}/cases")
    yield wrapper
    wrapper.context.close()


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `label`."""
    page.get_by_label(label, exact=True).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    settled(page)


def type_date(page, field, day: date) -> None:
    """Type a day into a date input (year, month and day segments, as a keyboard user does)."""
    segments = field.locator('[role="spinbutton"]')
    for index, value in enumerate((f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}")):
        segments.nth(index).click()
        page.keyboard.type(value)
    page.keyboard.press("Tab")


def save(page, button: str = "保存") -> None:
    page.get_by_role("button", name=button).click()
    settled(page)


def overview(page, base: str) -> tuple[str, str]:
    """The overview's open and overdue problems (its problems panel), once needs attention is drawn."""
    page.goto(base)
    page.get_by_role("heading", name="需要关注").wait_for(timeout=60_000)
    settled(page)
    return metric(page, "未解决"), metric(page, "逾期")


def test_a_problem_from_scorecard_to_resolved_and_the_overview_follows(server, ministry):
    _shared, (open_before, overdue_before), base = server
    page = ministry.page

    page.goto(f"{base}/schools?pairing={RONGAN}")
    page.get_by_role("heading", name="困难问题").wait_for(timeout=60_000)
    settled(page)
    page.get_by_text("提出困难问题").first.click()
    form = page.locator('[data-testid="stForm"]').filter(has_text="登记问题")
    form.get_by_label("问题", exact=True).fill(TITLE)
    type_date(page, form.get_by_label("提出日期", exact=True), date.today() - timedelta(days=75))  # overdue at once
    form.get_by_label("问题描述", exact=True).fill("物理、化学分组实验的仪器不够用。")
    form.get_by_role("button", name="登记问题").click()
    page.get_by_text(re.compile(r"已登记问题 #\d+")).wait_for(timeout=60_000)
    settled(page)
    problem_id = int(re.search(r"problem=(\d+)", page.url).group(1))
    assert page.get_by_role("heading", name=TITLE).count() == 1

    open_now, overdue_now = overview(page, base)
    assert (int(open_now), int(overdue_now)) == (int(open_before) + 1, int(overdue_before) + 1)
    page.get_by_text(re.compile(r"其中 \d+ 个困难问题逾期")).wait_for()

    page.goto(f"{base}/problems?problem={problem_id}")
    page.get_by_role("heading", name="更新进展").wait_for(timeout=60_000)
    settled(page)
    choose(page, "状态", "处理中")
    page.get_by_label("说明", exact=True).fill("已向县教育局报告")
    save(page)
    page.get_by_text("已保存（第 2 版）").wait_for(timeout=60_000)
    settled(page)
    choose(page, "状态", "已解决")
    save(page)
    page.get_by_text("需要填写处理结果", exact=False).wait_for(timeout=60_000)  # the rule, said plainly
    page.get_by_label("处理结果", exact=True).fill("县里调拨了一批仪器")
    save(page)
    page.get_by_text("已保存（第 3 版）").wait_for(timeout=60_000)
    page.get_by_text("县里调拨了一批仪器").first.wait_for()
    assert (
        page.locator('[data-testid="stBadge"], [data-testid="stMarkdownBadge"]').filter(has_text="已解决").count()
        or page.get_by_text("已解决").count()
    )

    assert overview(page, base) == (open_before, overdue_before)
    assert page.get_by_text(re.compile(r"其中 \d+ 个困难问题逾期")).count() == (1 if int(overdue_before) else 0)
    assert ministry.external_requests == []


def test_two_sessions_save_the_same_problem_and_the_second_is_told(server, ministry):
    problem_id, _before, base = server
    url = f"{base}/problems?problem={problem_id}"
    first, second = ministry.context.new_page(), ministry.context.new_page()  # two tabs: two sessions
    for page in (first, second):
        page.goto(url)
        page.get_by_role("heading", name="更新进展").wait_for(timeout=60_000)
        settled(page)
    choose(first, "责任层级", "教育部")
    save(first)
    first.get_by_text("已保存（第 2 版）").wait_for(timeout=60_000)
    settled(first)
    choose(second, "类别", "其他")
    save(second)
    second.get_by_text("未保存：", exact=False).wait_for(timeout=60_000)  # told, with who changed it
    settled(second)  # the message opens the rerun; the facts line is drawn after it
    assert second.get_by_text("责任层级：教育部", exact=False).count() == 1, "and shown the latest"
    first.reload()
    first.get_by_role("heading", name="更新进展").wait_for(timeout=60_000)
    settled(first)
    assert first.get_by_text("类别：师资", exact=False).count() == 1, "the second save overwrote nothing"
    assert first.get_by_text("第 2 版", exact=False).count() == 1
    assert ministry.external_requests == []


def test_search_the_library_for_gengang_and_open_a_selected_case(server, browser):
    _shared, _before, base = server
    wrapper = session(browser, base, "bnu", f"{base}/cases")
    page = wrapper.page
    page.get_by_role("heading", name="典型经验").wait_for(timeout=60_000)
    settled(page)
    box = page.get_by_label("搜索", exact=True)
    box.fill("跟岗")
    box.press("Enter")
    page.wait_for_function("location.search.includes('q=')")
    settled(page)
    page.get_by_text(re.compile(r"找到 \d+ 个案例")).wait_for()
    page.get_by_role("link", name="查看案例").first.click()  # selected cases come first
    page.wait_for_function("location.search.includes('case=')")
    page.get_by_role("heading", name="怎么做的").wait_for(timeout=60_000)
    settled(page)
    assert "跟岗" in page.locator('[data-testid="stMain"]').inner_text()
    assert page.get_by_text("部级遴选").count() >= 1 and wrapper.external_requests == []
