"""Bad input and attacks on sign-in and scope (issue 12), in headless Chromium against one real server over this
module's own database: every wrong sign-in gets one and the same refusal (HTML in a name stays text, a name that
keeps failing is slowed down); a link naming another university on every page shows the coordinator's own data
and says the link was outside the scope; an upload mixing in-scope and out-of-scope rows takes the first and rejects
the others; undo offers a party only its own batches; a viewer and a school see refusals instead of the uploaders;
a province's overview counts its own pairings only.

The accounts sign in through the form once each; the signed session cookie (ASSISTANCE_COOKIE_SECRET) carries the
sign-in to the other addresses opened in the same browser context."""

from __future__ import annotations

import json
import shutil
from urllib.parse import quote

import duckdb
import pytest

from assistance.access.accounts import disable_account, get_account
from assistance.i18n import t
from assistance.ingest.pipeline import Ingest
from tests.conftest import (
    TEST_PASSWORD,
    OfflinePage,
    add_test_account,
    serve_streamlit,
    sign_in_browser,
    wait_for_app,
)
from tests.corpus import TODAY, VALID, ZH, to_csv
from tests.ingest.test_ingest_browser import metric, settled

SHOTS = "/tmp/attack_helper"
TIMEOUT = 60_000
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
BNU, FUDAN, QINGLONG = "北京师范大学", "复旦大学", "青龙满族自治县第一中学"
ACCOUNTS = {
    "boss": ("ministry", {}),
    "bnu": ("university", {"university": BNU}),
    "fudan": ("university", {"university": FUDAN}),
    "hebei": ("province", {"province": "130000"}),
    "view": ("viewer", {}),
    "qinglong": ("school", {"school": QINGLONG}),
    "gone": ("university", {"university": BNU}),  # disabled below
}
REFUSED = t("signin.refused", "zh")
WAIT_START = t("signin.wait", "zh", seconds=0).split("0")[0]  # 尝试次数过多，请
HTML_NAME = "<img src=x onerror=alert(1)>"
# Batches uploaded before the server starts: #1 by bnu, #2 by fudan (each is its own party's batch).
PRESET = {
    "bnu": ["2024-04-01", BNU, QINGLONG, "", "教师培训", "北师大预置批次（测试）", "3", "0", "2", ""],
    "fudan": ["2024-04-02", FUDAN, "奉节中学", "", "教师培训", "复旦预置批次（测试）", "3", "0", "2", ""],
}
# VALID rows 0, 1 and 5 are 北京师范大学's (青龙一中 twice, 融安); 2 and 3 are 兰州大学's and 复旦大学's.
MIXED = to_csv([ZH, VALID[0], VALID[1], VALID[2], VALID[3], VALID[5]]).encode("utf-8")


@pytest.fixture(scope="module")
def db_facts(demo_db_template) -> dict:
    """What the demo database says, read before any write: 复旦大学's pairings and schools, 河北's pairing count,
    a province where 北京师范大学 has no pairing."""
    with duckdb.connect(str(demo_db_template), read_only=True) as con:
        fudan = con.execute("SELECT pairing_id, school FROM pairing_overview WHERE university = ?", [FUDAN]).fetchall()
        hebei = con.execute("SELECT count(*) FROM pairing_overview WHERE province_code = '130000'").fetchone()[0]
        province = con.execute(
            "SELECT min(province_code) FROM pairing_overview WHERE university = ? AND province_code NOT IN "
            "(SELECT province_code FROM pairing_overview WHERE university = ?)",
            [FUDAN, BNU],
        ).fetchone()[0]
        problem, problem_title = con.execute(
            "SELECT problem_id, title FROM problem_overview WHERE university <> ? AND scope = 'pairing' "
            "ORDER BY problem_id LIMIT 1",
            [BNU],
        ).fetchone()
        case, case_title = con.execute(
            "SELECT case_id, title FROM case_overview WHERE university <> ? AND status = 'draft' ORDER BY case_id "
            "LIMIT 1",
            [BNU],
        ).fetchone()
    return {
        "fudan_pairing": fudan[0][0], "fudan_schools": {s for _, s in fudan}, "hebei": hebei, "province": province,
        "other_problem": (problem, problem_title), "other_draft": (case, case_title),
    }  # fmt: skip


@pytest.fixture(scope="module")
def server(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("access_attacks") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    for username, (role, scope) in ACCOUNTS.items():
        add_test_account(path, username, role, **scope)
    con = duckdb.connect(str(path))
    try:
        disable_account(con, "gone")
        for username, row in PRESET.items():
            data = to_csv([ZH, row]).encode("utf-8")
            report = Ingest(con, data, f"{username}.csv", today=TODAY, actor=get_account(con, username)).run()
            assert report.committed and report.inserted == 1
        con.execute("CHECKPOINT")
    finally:
        con.close()
    yield from serve_streamlit(path, env={"ASSISTANCE_COOKIE_SECRET": "attack-tests-cookie-secret"})


@pytest.fixture(scope="module")
def visit(server, browser):
    """visit(username, path) → (page, the main area's text) once the page at `path` is drawn, signed in as that
    account: through the form on its first visit (the form keeps the address, so it lands on `path`), then by the
    signed session cookie (one browser context per account, kept for the module)."""
    wrappers: dict[str, OfflinePage] = {}

    def open_as(username: str, path: str):
        url = f"{server}/{path}"
        if username in wrappers:
            page = wrappers[username].page
            page.goto(url)
            wait_for_app(page, timeout=TIMEOUT)
        else:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            wrappers[username] = OfflinePage(context)
            page = wrappers[username].page
            page.set_default_timeout(TIMEOUT)
            sign_in_browser(page, url, username)
            page.wait_for_function("() => document.cookie.includes('assistance_session=')")
        page.wait_for_selector(f"{MAIN} h1")
        settled(page)
        main = page.locator(MAIN).inner_text()
        assert t("app.error", "zh") not in main, url
        return page, main

    yield open_as
    for wrapper in wrappers.values():
        assert wrapper.external_requests == []
        wrapper.context.close()


# ---------------------------------------------------------------------------------------------------------------
# 1. Sign-in refusals


# Counts the runs that finished since the counter was last reset (a MutationObserver never misses a short run).
COUNT_RUNS = """() => {
  window.__runs = 0;
  if (window.__observed) return;
  window.__observed = true;
  const app = document.querySelector('[data-test-script-state]');
  new MutationObserver(() => { if (app.dataset.testScriptState === 'notRunning') window.__runs += 1; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


ALERT = f'{MAIN} [data-testid="stAlertContentError"] [data-testid="stMarkdownContainer"]'


def attempt(page, username: str, password: str) -> str:
    """One sign-in attempt on the form; the refusal's text once the run it started has finished."""
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.evaluate(COUNT_RUNS)
    page.get_by_role("button", name="登录").click()
    # a run has finished since the click and a refusal is shown (a late run of the page's opening, counted by
    # mistake, shows none)
    page.wait_for_function(f"() => window.__runs > 0 && document.querySelector({json.dumps(ALERT)})")
    settled(page)
    alerts = page.locator(ALERT)
    assert alerts.count() == 1
    return alerts.inner_text().strip()


def test_every_wrong_sign_in_gets_the_same_refusal_and_repeats_are_slowed(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    wrapper = OfflinePage(context)
    page = wrapper.page
    page.set_default_timeout(TIMEOUT)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    cases = {
        "wrong password": ("bnu", "not-the-password"),
        "unknown user": ("nobody-here", TEST_PASSWORD),
        "disabled user": ("gone", TEST_PASSWORD),
        "empty password": ("view", ""),
        "10,000-character name": ("x" * 10_000, TEST_PASSWORD),
        "SQL in the name": ("' OR 1=1 --", "' OR 1=1 --"),
        "HTML in the name": (HTML_NAME, TEST_PASSWORD),
    }
    try:
        page.goto(server)
        wait_for_app(page, timeout=TIMEOUT)
        page.wait_for_timeout(800)  # the bare address's second run (see sign_in_browser) must not count as an attempt's
        wait_for_app(page, timeout=TIMEOUT)
        for case, (username, password) in cases.items():
            assert attempt(page, username, password) == REFUSED, case
            assert not page.locator(SIDEBAR).is_visible(), case
            main = page.locator(MAIN).inner_text()
            for leak in ("帮扶配对", "您的范围", "已登录", "Traceback", "duckdb", BNU):
                assert leak not in main, (case, leak)
        assert page.locator("img[src='x']").count() == 0  # the name stayed text
        assert page.get_by_label("用户名").input_value() == HTML_NAME
        page.screenshot(path=f"{SHOTS}/signin_refused.png")

        # One name failing again: its own counter (the other names' single failures never slowed it down), and
        # after three failures the refusal says to wait.
        answers = [attempt(page, "nobody-here", TEST_PASSWORD) for _ in range(3)]
        assert answers[0] == REFUSED  # its 2nd failure
        assert answers[2].startswith(REFUSED + " " + WAIT_START), answers  # its 4th
        assert dialogs == [] and wrapper.external_requests == []
    finally:
        context.close()


# ---------------------------------------------------------------------------------------------------------------
# 2. URL tampering across scopes


def test_links_outside_a_coordinators_scope_show_only_its_own_data_on_every_page(visit, db_facts):
    fudan_data = {FUDAN, *db_facts["fudan_schools"]}
    warning = t(
        "scope.outside_link", "zh", parts=t("link.part", "zh", label=t("filters.university", "zh"), value=FUDAN)
    )
    yours = t("scope.yours", "zh", scope=BNU)
    # Each page with the other university in the link; the overview adds a province where 北京师范大学 has no
    # pairing (an empty view of its own data, not 复旦大学's), the scorecard 复旦大学's pairing (not found).
    pairing = db_facts["fudan_pairing"]
    extra = {"": f"&province={db_facts['province']}", "schools": f"&pairing={pairing}"}
    for path in ("", "map", "universities", "schools", "upload", "registry", "about", "problems", "cases"):
        page, main = visit("bnu", f"{path}?university={quote(FUDAN)}{extra.get(path, '')}")
        assert warning in main, path
        assert yours in main, path
        leaked = [name for name in fudan_data if name in main.replace(warning, "")]
        assert leaked == [], (path, leaked)
        assert page.locator(SIDEBAR).get_by_text(FUDAN).count() == 0, path  # not chosen in the filter
        if path == "":
            assert metric(page, t("kpi.pairings", "zh")) == "0"
        if path == "schools":
            assert t("school.not_found", "zh", pairing=pairing) in main
        if path == "universities":  # one row per university in view: its own
            grid = page.locator(f"{MAIN} [data-testid=stDataFrame]").first
            grid.locator("td").first.wait_for(state="attached")
            rows = grid.locator("tr").all_inner_texts()  # the header, then the rows
            assert len(rows) == 2 and rows[1].startswith(BNU), rows
            page.screenshot(path=f"{SHOTS}/outside_link_warning.png")


def test_a_coordinator_cannot_open_another_partys_problem_draft_case_or_the_audit_log(visit, db_facts):
    problem, problem_title = db_facts["other_problem"]
    page, main = visit("bnu", f"problems?problem={problem}")
    assert t("problems.not_found", "zh", problem=problem) in main and problem_title not in main
    case, case_title = db_facts["other_draft"]
    page, main = visit("bnu", f"cases?case={case}")
    assert t("cases.not_found", "zh", case=case) in main and case_title not in main
    page.goto(page.url.split("/cases")[0] + "/audit")  # refused before any heading: no visit()
    wait_for_app(page, timeout=TIMEOUT)
    page.locator(MAIN).get_by_text(t("audit.refused", "zh")).wait_for()
    settled(page)
    assert page.locator(f"{MAIN} [data-testid=stDataFrame]").count() == 0
    assert "sign_in" not in page.locator(MAIN).inner_text()


# ---------------------------------------------------------------------------------------------------------------
# 3. An upload mixing in-scope and out-of-scope rows


def test_an_upload_takes_the_rows_in_scope_and_rejects_the_others(visit):
    page, _ = visit("bnu", "upload")
    page.get_by_text("以 bnu 的身份上传").wait_for()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        files=[{"name": "混合范围.csv", "mimeType": "text/csv", "buffer": MIXED}]
    )
    check = page.get_by_role("button", name=t("upload.check", "zh"))
    check.wait_for()
    settled(page)
    check.click()
    page.get_by_text("预检结果（尚未写入）").wait_for()
    settled(page)
    assert (metric(page, "数据行"), metric(page, "将新增"), metric(page, "有错误")) == ("5", "3", "2")
    outside = page.locator(f"{MAIN} [data-testid=stDataFrame] td").filter(has_text="outside your scope")
    outside.first.wait_for(state="attached")
    assert outside.count() == 2

    page.get_by_role("button", name=t("upload.commit", "zh")).click()
    page.get_by_text("已提交为批次 #3").wait_for()
    settled(page)
    assert (metric(page, "已新增"), metric(page, "有错误")) == ("3", "2")
    outside.first.wait_for(state="attached")
    assert outside.count() == 2


# ---------------------------------------------------------------------------------------------------------------
# 4. Undo of another party's batch


def undo_choices(page) -> list[str]:
    """The options of the undo picker (opened and closed again)."""
    picker = page.locator(f"{MAIN} [data-testid=stSelectbox]").filter(has_text=t("upload.undo_pick", "zh"))
    picker.locator("input").click()
    page.get_by_role("option").first.wait_for()  # the list opens after the click returns
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return sorted(option.strip() for option in options)


def test_the_undo_picker_offers_a_party_only_its_own_batches(visit):
    page, _ = visit("fudan", "upload")
    assert undo_choices(page) == ["#2"]  # not #1, 北京师范大学's
    grid = page.locator(f"{MAIN} [data-testid=stDataFrame]").first
    grid.locator("td").first.wait_for(state="attached")
    history = grid.locator("tr").all_inner_texts()
    assert len(history) == 2 and "北师大预置" not in "".join(history), history


# ---------------------------------------------------------------------------------------------------------------
# 5. A viewer (and a school) trying each write


@pytest.mark.parametrize(
    ("username", "pages"), [("view", ("upload", "registry")), ("qinglong", ("upload",))], ids=["viewer", "school"]
)
def test_accounts_that_may_not_write_see_refusals_instead_of_uploaders(visit, username, pages):
    role = t(f"role.{ACCOUNTS[username][0]}", "zh")
    refusal = t("access.denied.role", "zh", role=role)
    for path in pages:
        page, main = visit(username, path)
        refusals = page.locator(f"{MAIN} [data-testid=stAlertContentInfo]").filter(has_text=refusal).count()
        assert refusals == max(1, page.locator(f"{MAIN} [role=tab]").count()), path  # one per tab of files
        assert page.locator('[data-testid="stFileUploader"]').count() == 0, path
        assert page.get_by_role("button", name=t("upload.undo_button", "zh")).count() == 0, path
        assert t("upload.undo_pick", "zh") not in main, path
        assert "北师大预置" not in main and "复旦预置" not in main, path  # no batch of another account listed


def test_a_viewer_finds_only_refusals_where_problems_and_cases_are_written(visit):
    refusal = t("access.denied.role", "zh", role=t("role.viewer", "zh"))
    page, _ = visit("view", "problems")
    for tab in ("problems.tab.raise", "problems.tab.import"):
        page.get_by_role("tab", name=t(tab, "zh")).click()
        panel = page.locator(f"{MAIN} [role=tabpanel]:visible")
        panel.get_by_text(refusal).wait_for()
        assert panel.locator("[data-testid=stFileUploader], textarea, input[type=text]").count() == 0, tab
    page, _ = visit("view", "cases")
    page.get_by_text(t("cases.new", "zh")).click()
    page.locator(MAIN).get_by_text(refusal).wait_for()
    assert page.locator(f"{MAIN} textarea").count() == 0
    page.screenshot(path=f"{SHOTS}/viewer_cases.png")


# ---------------------------------------------------------------------------------------------------------------
# 6. A province sees its own province


def test_a_province_overview_counts_only_its_own_pairings(visit, db_facts):
    page, main = visit("hebei", "")
    assert t("scope.yours", "zh", scope="河北省") in main
    assert metric(page, t("kpi.pairings", "zh")) == str(db_facts["hebei"])

    page, main = visit("hebei", "?province=620000")  # a link naming 甘肃省: ignored, said, its own data shown
    assert "不在您的权限范围内，已忽略" in main and t("scope.yours", "zh", scope="河北省") in main
    assert metric(page, t("kpi.pairings", "zh")) == str(db_facts["hebei"])
