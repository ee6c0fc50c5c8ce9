"""AppTest of the Problems and Good practice pages, a problem's and a case's own pages and the scorecard's problems
and linked cases (issue 10), in zh and en: signed in and read-only; a problem raised on a scorecard, moved on with
the rules enforced (a refusal says why), two sessions saving the same problem (the second is told, nothing
overwritten), user text shown as text (a script tag, a markdown link, 10,000 characters), the search, the print
rules of a case page."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from assistance.access.accounts import CLI
from assistance.guidance.problems import ProblemDraft, create_problem
from assistance.i18n import t
from assistance.web.text import plain
from tests.conftest import open_page

MINISTRY = {"username": "ministry", "role": "ministry"}
BNU = {"username": "bnu", "role": "university", "university": "北京师范大学"}
RONGAN = 38  # 北京师范大学 → 融安县示例中学 (demo)


@pytest.fixture
def page_db(demo_db, monkeypatch):
    """A database of this test's own (the app caches one connection per path)."""
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    return demo_db


def query(path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(path))  # the app's configuration: it shares the app's open database
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    assert not [e.value for e in app.error if "unexpected" in e.value or "意外" in e.value]
    return app


def texts(app: AppTest) -> list[str]:
    return [element.value for element in app.text]


def everything(app: AppTest) -> str:
    return " ".join(str(getattr(node, "proto", "")) for node in app.main)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("page", "params", "title"),
    [
        ("pages/problems.py", {}, "problems.nav"),
        ("pages/cases.py", {}, "cases.nav"),
        ("pages/problems.py", {"problem": "3"}, None),
        ("pages/cases.py", {"case": "1"}, None),
    ],
)
def test_the_pages_render_signed_in_and_read_only(page_db, lang, page, params, title):
    read_only = ok(open_page(page, lang, **params))
    if title:
        assert t(title, lang) in [element.value for element in read_only.title]
    assert t("signin.read_only", lang) in everything(read_only) or params, "no account: the forms say why"
    signed_in = ok(open_page(page, lang, account=MINISTRY, **params))
    assert signed_in.title, "a title"
    assert t("badge.demo", lang) in everything(signed_in), "demo rows are labelled"


def test_english_pages_name_the_demo_author_and_a_cards_measures_and_categories_in_english(page_db):
    problem_id = query(page_db, "SELECT min(problem_id) FROM problems WHERE provenance = 'demo'")[0][0]
    page = ok(open_page("pages/problems.py", "en", account=MINISTRY, problem=str(problem_id)))
    assert set(page.dataframe[0].value["Who"]) == {"Sample data"}, "not 示例数据 in an English table"
    library = ok(open_page("pages/cases.py", "en", account=MINISTRY))
    cards = [caption.value for caption in library.caption if "Addresses" in caption.value]
    assert cards and all("Measures" in card for card in cards), "a measure and a category both called Other: named"


def test_the_problems_page_shows_the_counts_the_list_and_its_downloads(page_db):
    app = ok(open_page("pages/problems.py", "zh", account=MINISTRY))
    labels = {metric.label: metric.value for metric in app.metric}
    total_open = query(page_db, "SELECT count(*) FROM problems WHERE status NOT IN ('resolved', 'discontinued')")
    assert labels["未解决"] == str(total_open[0][0])
    table = app.dataframe[1].value
    assert "查看" in table.columns and len(table) == min(25, query(page_db, "SELECT count(*) FROM problems")[0][0])
    assert any(button.label == "CSV" for button in app.get("download_button"))


def test_a_problem_raised_on_a_scorecard_then_moved_on(page_db):
    app = ok(open_page("pages/schools.py", "zh", account=BNU, pairing=str(RONGAN)))
    assert "困难问题" in [header.value for header in app.subheader]
    app.text_input(key="scorecard_raise_title").set_value("实验室仪器短缺")
    app.selectbox(key="scorecard_raise_category").set_value("facilities")
    app.text_area(key="scorecard_raise_description").set_value("物理分组实验开不出来")
    app.button(key="FormSubmitter:scorecard_raise_form-登记问题").click()
    app.run()
    ok(app)
    (problem_id, pairing, status, by) = query(
        page_db, "SELECT problem_id, pairing_id, status, created_by FROM problems WHERE title = '实验室仪器短缺'"
    )[0]
    assert (pairing, status, by) == (RONGAN, "open", "bnu")
    page = ok(open_page("pages/problems.py", "zh", account=BNU, problem=str(problem_id)))
    key = f"problem_{problem_id}_v1"
    page.selectbox(key=f"{key}_status").set_value("resolved")
    page.button(key=f"FormSubmitter:{key}-保存").click()
    page.run()
    assert any("需要填写处理结果" in error.value for error in page.error), "the rule says why"
    assert query(page_db, "SELECT status FROM problems WHERE problem_id = ?", [problem_id]) == [("open",)]
    page.selectbox(key=f"{key}_status").set_value("in_progress")
    page.text_area(key=f"{key}_comment").set_value("已向县教育局报告")
    page.button(key=f"FormSubmitter:{key}-保存").click()
    page.run()
    ok(page)
    key = f"problem_{problem_id}_v2"
    page.selectbox(key=f"{key}_status").set_value("resolved")
    page.text_area(key=f"{key}_resolution").set_value("县里调拨了一批仪器")
    page.button(key=f"FormSubmitter:{key}-保存").click()
    page.run()
    ok(page)
    history = query(page_db, "SELECT username, from_status, to_status FROM problem_history WHERE problem_id = ? "
                             "ORDER BY event_id", [problem_id])  # fmt: skip
    assert history == [("bnu", None, "open"), ("bnu", "open", "in_progress"), ("bnu", "in_progress", "resolved")]
    shown = page.dataframe[0].value
    assert list(shown["新状态"]) == ["待处理", "处理中", "已解决"] and list(shown["操作人"]) == ["bnu"] * 3
    for again in (open_page("pages/schools.py", "en", account=BNU, pairing=str(RONGAN)),
                  open_page("pages/problems.py", "en", account=BNU)):  # fmt: skip
        cells = " ".join(str(v) for frame in ok(again).dataframe for v in frame.value.to_numpy().ravel())
        assert "实验室仪器短缺" in cells and "Entered in the app" in cells, "listed, its provenance in words"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_scorecard_with_an_open_problem_shows_up_to_three_selected_cases_of_its_category(page_db, lang):
    pairing_id, categories = query(
        page_db, "SELECT pairing_id, list(DISTINCT category) FROM problems WHERE pairing_id IS NOT NULL "
        "AND status NOT IN ('resolved', 'discontinued') GROUP BY 1 ORDER BY 1 LIMIT 1"
    )[0]  # fmt: skip
    app = ok(open_page("pages/schools.py", lang, account=MINISTRY, pairing=str(pairing_id)))
    assert t("cases.linked.title", lang) in [header.value for header in app.subheader]
    links = [link.proto for link in app.get("page_link") if link.proto.label == t("cases.open", lang)]
    shown = [int(re.search(r"case=(\d+)", link.query_string).group(1)) for link in links]
    assert 1 <= len(shown) <= 3, shown
    for case_id in shown:
        status, addressed = query(page_db, "SELECT status, categories FROM cases WHERE case_id = ?", [case_id])[0]
        assert status == "selected" and set(addressed) & set(categories), (case_id, addressed, categories)


def test_two_sessions_saving_the_same_problem(page_db):
    con = duckdb.connect(str(page_db))
    problem_id = create_problem(con, CLI, ProblemDraft(
        scope="pairing", pairing_id=RONGAN, raised_by="school", raised_on=date(2026, 11, 1), category="teachers",
        title="英语教师缺编", owner_level="county"), date(2026, 11, 28))  # fmt: skip
    con.close()
    first = ok(open_page("pages/problems.py", "zh", account=MINISTRY, problem=str(problem_id)))
    second = ok(open_page("pages/problems.py", "zh", account=BNU, problem=str(problem_id)))
    key = f"problem_{problem_id}_v1"
    first.selectbox(key=f"{key}_status").set_value("in_progress")
    first.text_area(key=f"{key}_comment").set_value("教育部已督办")
    first.button(key=f"FormSubmitter:{key}-保存").click()
    first.run()
    ok(first)
    second.selectbox(key=f"{key}_owner").set_value("university")
    second.button(key=f"FormSubmitter:{key}-保存").click()
    second.run()
    ok(second)
    assert any("未保存" in error.value and "ministry" in error.value for error in second.error)
    stored = query(page_db, "SELECT status, owner_level, version FROM problems WHERE problem_id = ?", [problem_id])
    assert stored == [("in_progress", "county", 2)], "the second save did not overwrite the first"
    assert f"problem_{problem_id}_v2_status" in [box.key for box in second.selectbox], "the form now shows v2"


def test_user_text_stays_text(page_db):
    hostile = "<script>alert('x')</script>\n[点我](http://example.com) **粗体** <img src=x onerror=alert(1)>\n"
    long = hostile + "很长的描述" * 2_000
    con = duckdb.connect(str(page_db))
    problem_id = create_problem(con, CLI, ProblemDraft(
        scope="pairing", pairing_id=RONGAN, raised_by="school", raised_on=date(2026, 11, 1), category="other",
        title="<b>标题</b> [链接](http://example.com)", owner_level="county", description=long,
    ), date(2026, 11, 28))  # fmt: skip
    con.close()
    app = ok(open_page("pages/problems.py", "en", account=MINISTRY, problem=str(problem_id)))
    assert long.strip() in texts(app), "the description is one st.text, exactly as typed"
    assert app.title[0].value == plain("<b>标题</b> [链接](http://example.com)"), "the title is escaped markdown"
    for element in app.markdown:
        assert "<script>" not in element.value and "](http://example.com)" not in element.value


def test_a_cases_text_stays_text_on_its_page_and_in_the_library(page_db):
    from assistance.guidance import cases as library

    hostile = "<script>alert('x')</script> [点我](http://example.com) **粗体** <img src=x onerror=alert(1)>"
    long = hostile + "\n" + "很长的做法" * 2_000
    con = duckdb.connect(str(page_db))
    draft = library.CaseDraft(
        title="<b>案例</b> [链接](http://example.com) 独有标记", pairing_ids=(RONGAN,), measures=("other",),
        categories=("other",), tags=("[标签](http://example.com)", "<i>斜体</i>"), before_text=hostile,
        action_text=long, after_text=hostile,
    )  # fmt: skip
    case_id = library.create_case(con, CLI, draft)
    library.review_case(con, CLI, case_id, library.review_case(con, CLI, case_id, 1, "recommended"), "selected")
    con.close()
    page = ok(open_page("pages/cases.py", "en", account=MINISTRY, case=str(case_id)))
    assert page.title[0].value == plain(draft.title), "the title is escaped markdown"
    assert long.strip() in texts(page) and hostile in texts(page), "the texts are st.text, exactly as typed"
    for element in [*page.markdown, *page.caption]:
        assert "<script>" not in element.value and "](http://example.com)" not in element.value, element.value
    found = ok(open_page("pages/cases.py", "en", account=MINISTRY, q="独有标记"))
    assert any(caption.value.startswith(t("cases.found", "en", count="1")) for caption in found.caption)
    assert f"**{plain(draft.title)}**" in [element.value for element in found.markdown]
    for element in [*found.markdown, *found.caption]:
        assert "<script>" not in element.value and "](http://example.com)" not in element.value, element.value


def test_the_case_library_searches_chinese_and_a_case_page_prints_cleanly(page_db):
    app = ok(open_page("pages/cases.py", "zh", account=MINISTRY))
    app.text_input(key="cases_q").set_value("跟岗").run()
    ok(app)
    assert app.query_params["q"] in ("跟岗", ["跟岗"]), "the search is in the address"
    found = [caption.value for caption in app.caption if caption.value.startswith("找到")]
    expected = query(page_db, "SELECT count(*) FROM cases WHERE contains(concat_ws(' ', title, before_text, "
                              "action_text, after_text, array_to_string(tags, ' ')), '跟岗')")[0][0]  # fmt: skip
    assert found and found[0].startswith(f"找到 {expected} 个案例")
    case_id = query(page_db, "SELECT min(case_id) FROM cases WHERE status = 'selected' AND title LIKE '%跟岗%'")[0][0]
    school = {"username": "qinglong", "role": "school", "school": "青龙满族自治县第一中学"}
    page = ok(open_page("pages/cases.py", "zh", account=school, case=str(case_id)))  # a selected case is public
    styles = " ".join(element.proto.body for element in page.get("html"))
    assert "@media print" in styles and "stSidebar" in styles, "printing leaves out the sidebar"
    cited = query(page_db, "SELECT count(*) FROM case_evidence WHERE case_id = ?", [case_id])[0][0]
    evidence = [table.value for table in page.table if "活动名称" in table.value.columns]
    assert cited and len(evidence) == 1 and len(evidence[0]) == cited, "the evidence prints whole: a static table"
    in_expanders = sum(len(expander.dataframe) for expander in page.expander)
    assert len(page.dataframe) == in_expanders, "no canvas table (cut off on paper) outside what printing hides"
    assert [h.value for h in page.subheader][:3] == ["之前的情况", "怎么做的", "取得的成效"]
    assert not page.get("form"), "a school neither reviews nor edits cases"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_case_page_shows_the_outcome_figures_it_cites(page_db, lang):
    case_id, school, count = query(
        page_db, "SELECT co.case_id, any_value(s.name_zh), count(*) FROM case_outcomes co "
        "JOIN schools s USING (school_id) GROUP BY 1 ORDER BY 1 LIMIT 1"
    )[0]  # fmt: skip
    app = ok(open_page("pages/cases.py", lang, account=MINISTRY, case=str(case_id)))
    assert t("cases.page.outcomes", lang) in [header.value for header in app.subheader]
    tables = [table.value for table in app.table]
    cited = [frame for frame in tables if t("cases.page.col.value", lang) in frame.columns]
    assert len(cited) == 1 and len(cited[0]) == count and set(cited[0][t("export.col.school", lang)]) == {school}


def test_a_draft_is_not_shown_outside_its_scope(page_db):
    case_id, university = query(
        page_db, "SELECT c.case_id, po.university FROM cases c JOIN case_pairings USING (case_id) "
        "JOIN pairing_overview po USING (pairing_id) WHERE c.status = 'draft' ORDER BY 1 LIMIT 1"
    )[0]  # fmt: skip
    other = "复旦大学" if university != "复旦大学" else "北京师范大学"
    app = ok(open_page("pages/cases.py", "en", account={"username": "other", "role": "university",
                                                        "university": other}, case=str(case_id)))  # fmt: skip
    assert any(f"Case #{case_id} was not found" in warning.value for warning in app.warning)


def test_the_overview_and_needs_attention_name_overdue_problems(page_db):
    app = ok(open_page("pages/overview.py", "en", account=MINISTRY))
    assert "Problems" in [header.value for header in app.subheader]
    table = next(frame.value for frame in app.dataframe if "Reason" in frame.value.columns)
    assert "Problem overdue" in set(table["Reason"]), "an overdue problem is as serious as a silent pairing"
    late = table[table["Reason"] == "Problem overdue"]
    assert late["Problem"].str.len().min() > 0, "the problem is named"
    why = {t(f"problem.overdue.{code}", "en") for code in ("past_due", "open_long")}
    assert set(late["Why overdue"]) <= why and len(set(late["Why overdue"])) == 2, "and why it is overdue"
    columns = list(table.columns)
    assert columns.index("Problem") < columns.index("Target"), "beside the measure, before the plan's figures"


def test_the_map_has_a_metric_of_open_problems(page_db):
    from tests.web.test_pages_map import plotly_specs

    app = ok(open_page("pages/map.py", "en", account=MINISTRY, metric="open_problems"))
    assert app.button_group(key="map_metric").value == "open_problems"
    spec = plotly_specs(app)[0]
    assert spec["layout"]["coloraxis"]["colorbar"]["title"]["text"] == "Open problems"
    per_province = dict(query(page_db, "SELECT province_code, count(*) FROM problem_overview "
                                       "WHERE status NOT IN ('resolved', 'discontinued') GROUP BY 1"))  # fmt: skip
    shaded = [value for trace in spec["data"] if trace.get("coloraxis") for value in trace.get("z", [])]
    assert max(shaded) == max(per_province.values()), "each province by its open problems"


@pytest.mark.parametrize(
    ("page", "param", "value", "warned"),
    [
        ("pages/problems.py", "problem", "abc", False),  # not an id: the list
        ("pages/problems.py", "problem", "-1", False),
        ("pages/problems.py", "problem", "99999999", True),  # no such problem: said so
        ("pages/cases.py", "case", "<script>alert(1)</script>", False),
        ("pages/cases.py", "case", "1.5", False),
        ("pages/cases.py", "case", "999", True),
        ("pages/cases.py", "q", "%' OR 1=1 --", False),
    ],
)
def test_no_link_value_raises(page_db, page, param, value, warned):
    app = ok(open_page(page, "zh", account=MINISTRY, **{param: value}))
    assert any("没有找到" in warning.value for warning in app.warning) is warned


def test_a_problem_file_checked_committed_and_undone_on_the_problems_page(page_db):
    header = "帮扶高校,受援学校,受援县,省份,提出日期,提出方,类别,问题,问题描述,责任层级,状态,期限,处理结果"
    data = "\n".join([
        header,
        "北京师范大学,,融安,,2026-09-01,学校,师资,英语教师短缺（页面导入）,,县政府,处理中,,",
        ",,,甘肃,2026-10-01,省级,政策协调,全省编制核定滞后（页面导入）,,省级,,,",
        "北京师范大学,,融安,,2026-09-02,学校,吃饭,坏的一行,,县政府,,,",
    ]).encode("utf-8")  # fmt: skip
    app = ok(open_page("pages/problems.py", "zh", account=MINISTRY))
    app.file_uploader(key="problems_file").set_value(("台账.csv", data, "text/csv"))
    app.run()
    app.button(key="problems_check").click()
    app.run()
    metrics = {m.label: m.value for m in ok(app).metric}
    assert (metrics["将新增"], metrics["有错误"]) == ("2", "1")
    assert query(page_db, "SELECT count(*) FROM problems WHERE title LIKE '%页面导入%'") == [(0,)], "a dry run"
    app.button(key="problems_commit").click()
    app.run()
    ok(app)
    assert query(page_db, "SELECT count(*) FROM problems WHERE title LIKE '%页面导入%'") == [(2,)]
    batch = query(page_db, "SELECT batch_id, uploaded_by, kind FROM upload_batches ORDER BY batch_id DESC LIMIT 1")[0]
    assert batch[1:] == ("ministry", "problems")
    app.checkbox(key="problems_history_undo_confirm").check()
    app.run()
    app.button(key="problems_history_undo").click()
    app.run()
    ok(app)
    assert query(page_db, "SELECT count(*) FROM problems WHERE title LIKE '%页面导入%'") == [(0,)], "undone"
