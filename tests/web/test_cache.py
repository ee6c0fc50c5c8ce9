"""The pages' cache (issue 14, web.cache): figures are kept between reruns, yet no figure survives a write. Each
write goes through the library as the app's own pages and the command line write (an upload, its undo, a plan, a
problem raised and moved on, a case written and selected, outcome figures, a registry import and its undo); the
page open before it is run again and must show exactly what a session opened afresh (every cache emptied) shows,
and differ from what it showed before: the overview and a scorecard through every kind of write, and every page of
the menu through the writes its figures follow. And scope is part of every key: a university account never reads
what a national session computed."""

from __future__ import annotations

import functools
from datetime import date

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistance.access.accounts import CLI
from assistance.access.scope import Scope
from assistance.analytics import coverage
from assistance.filters import Filters
from assistance.guidance.cases import CaseDraft, create_case, review_case
from assistance.guidance.problems import ProblemChange, ProblemDraft, create_problem, update_problem
from assistance.ingest.pipeline import Ingest
from assistance.outcomes.importer import OutcomesImport
from assistance.registry.importer import RegistryImport
from assistance.registry.plans import PlansImport
from assistance.registry.undo import undo
from assistance.store import db
from assistance.store.transaction import transaction
from assistance.web import cache
from tests.conftest import menu_pages, open_page

QINGLONG = 1  # 北京师范大学 – 青龙满族自治县第一中学, a verified pairing of the demo
MINISTRY = {"username": "ministry", "role": "ministry"}  # signed in: every page of the menu, the audit log too


@pytest.fixture
def page_db(demo_db, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    return demo_db


@pytest.fixture
def con(page_db):
    connection = db.connect(page_db)  # the app's configuration: the same database instance as its connection
    yield connection
    connection.close()


def shown(app: AppTest) -> list:
    """What the page shows: its metrics, texts and tables, the data of its charts, and the labels of its download
    buttons (which count the rows they hold)."""
    assert not app.exception, [e.value for e in app.exception]
    charts = [element.proto.spec for element in app.get("plotly_chart")]
    tables = [frame.value.to_csv() for frame in app.dataframe]
    texts = [element.value for element in (*app.markdown, *app.caption, *app.subheader)]
    downloads = [element.proto.label for element in app.get("download_button")]
    return [[(m.label, m.value) for m in app.metric], texts, tables, charts, downloads]


def fresh(page: str, **params) -> list:
    """The page as a new session sees it with every cache emptied."""
    st.cache_data.clear()
    st.cache_resource.clear()
    return shown(open_page(page, **params))


def csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def test_no_figure_of_the_overview_survives_a_write(page_db, con):
    app = open_page("pages/overview.py")
    before = shown(app)
    app.run()
    assert shown(app) == before  # a rerun reads the kept figures
    names = ("upload", "undo_upload", "problem", "resolve_problem", "outcomes", "registry")
    follows(app, "pages/overview.py", Writes(con), names, before)


class Writes:
    """Writes through the library, as the pages and the command line make them, each after the one it follows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con, self.today = con, date.today()
        self.batches: dict[str, int] = {}
        self.problem_id = self.case_id = 0

    def upload(self) -> None:
        log = csv("日期,帮扶高校,受援学校,帮扶举措,活动名称", "2026-11-20,北师大,青龙一中,教研,缓存测试集体备课",
                  "2026-11-21,北师大,青龙一中,跟岗,缓存测试跟岗研修")  # fmt: skip
        self.batches["upload"] = Ingest(self.con, log, "a.csv", today=self.today).run().batch_id

    def undo_upload(self) -> None:
        assert undo(self.con, self.batches["upload"]).status == "done"

    def registry(self) -> None:
        header = "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源"
        data = csv(header, "甘肃农业大学,甘肃,,榆中,榆中县第一中学,,省级,2023-09-01,,,")
        self.batches["registry"] = RegistryImport(self.con, data, "r.csv").run().batch_id

    def undo_registry(self) -> None:
        assert undo(self.con, self.batches["registry"]).status == "done"

    def problem(self) -> None:
        draft = ProblemDraft("pairing", "school", date(2026, 6, 1), "teachers", "缓存测试：缺物理教师", "county",
                             pairing_id=QINGLONG)  # fmt: skip
        self.problem_id = create_problem(self.con, CLI, draft, self.today)

    def resolve_problem(self) -> None:
        change = ProblemChange(status="resolved", resolution="县里调入两名物理教师")
        update_problem(self.con, CLI, self.problem_id, 1, change, self.today)

    def outcomes(self) -> None:
        header = "受援学校,受援县,学年,在校生数,班级数,56人及以上班级数,专任教师数,研究生学历教师数,高级职称教师数,流失教师数,优质生源本地就读率,本科上线率,特控线上线人数,备注"  # noqa: E501
        OutcomesImport(self.con, csv(header, "青龙一中,,2021,2100,40,12,150,10,30,6,40,55,12,", "青龙一中,,2025,2300,44,0,170,25,40,2,60,75,30,"), "o.csv", today=self.today).run()  # fmt: skip  # noqa: E501

    def case(self) -> None:
        draft = CaseDraft("缓存测试：双导师跟岗", (QINGLONG,), ("shadowing",), ("teachers",), action_text="跟岗研修")
        self.case_id = create_case(self.con, CLI, draft)

    def select_case(self) -> None:  # recommended, then selected: the list shows it first
        review_case(self.con, CLI, self.case_id, review_case(self.con, CLI, self.case_id, 1, "recommended"), "selected")


# Every page of the menu, its address's parameters and the writes its figures follow (each must move them).
PAGES = {
    "pages/overview.py": ({}, ("upload", "undo_upload", "problem")),
    "pages/map.py": ({}, ("upload", "undo_upload", "registry")),
    "pages/universities.py": ({}, ("upload", "undo_upload", "registry")),
    "pages/schools.py": ({"pairing": str(QINGLONG)}, ("upload", "undo_upload", "problem")),
    "pages/upload.py": ({}, ("upload", "undo_upload", "registry")),
    "pages/registry.py": ({}, ("registry", "undo_registry")),
    "pages/audit.py": ({}, ("upload", "undo_upload", "case")),
    "pages/about.py": ({}, ("upload", "undo_upload", "registry")),
    "pages/problems.py": ({}, ("problem", "resolve_problem")),
    "pages/cases.py": ({}, ("case", "select_case")),
}


def test_every_page_of_the_menu_is_listed():
    assert sorted(menu_pages()) == sorted(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_no_figure_of_any_page_survives_a_write(page_db, con, page):
    """The page open in a signed-in ministry session, then after each write its figures follow: they moved, and
    they are what a new session (every cache emptied) shows."""
    params, names = PAGES[page]
    app = open_page(page, account=MINISTRY, **params)
    follows(app, page, Writes(con), names, shown(app), account=MINISTRY, **params)


def follows(app: AppTest, page: str, writes: Writes, names: tuple[str, ...], before: list, **params) -> None:
    """After each write named, `app` run again shows something else than `before` it, and what a new session with
    `params` (open_page's) shows."""
    for name in names:
        getattr(writes, name)()
        app.run()
        after = shown(app)
        assert after != before, f"{page}: nothing moved after {name}"
        assert after == fresh(page, **params), f"{page}: a stale figure after {name}"
        before = after


def test_a_plan_shows_on_the_open_scorecard(page_db, con):
    app = open_page("pages/schools.py", pairing=str(QINGLONG))
    before = shown(app)
    plan = csv("帮扶高校,受援学校,受援县,学年,帮扶举措,目标次数,备注", "北师大,青龙一中,,2026,教研,40,")
    PlansImport(con, plan, "p.csv").run()
    app.run()
    after = shown(app)
    assert after != before
    assert after == fresh("pages/schools.py", pairing=str(QINGLONG))


def test_scope_is_part_of_every_key(page_db):
    """A national session fills the cache first; a university account's session then shows its own pairings."""
    national = open_page("pages/overview.py", account={"username": "ministry", "role": "ministry"})
    university = open_page(
        "pages/overview.py",
        account={"username": "bnu", "role": "university", "university": "北京师范大学"},
    )
    pairings = {m.label: m.value for m in university.metric}["帮扶配对"]
    con = duckdb.connect(str(page_db))
    try:
        own = coverage.kpis(con, Filters(scope=Scope(university="北京师范大学")), date.today()).pairings
        every = coverage.kpis(con, Filters(), date.today()).pairings
    finally:
        con.close()
    assert pairings == f"{own:,}" != f"{every:,}" == {m.label: m.value for m in national.metric}["帮扶配对"]
    assert shown(university) == fresh(
        "pages/overview.py", account={"username": "bnu", "role": "university", "university": "北京师范大学"}
    )


def test_a_kept_figure_is_per_scope_and_per_data_version(page_db, con):
    calls = []

    def figure(_con, value):
        calls.append(value)
        return value

    for scope in (Scope(), Scope(university="北京师范大学"), Scope(), Scope(province="130000")):
        assert cache.remember(con, scope, figure, "x") == "x"
    assert len(calls) == 3  # national twice: once
    with transaction(con) as cur:  # any write
        cur.execute("UPDATE measures SET sort_order = sort_order")
    cache.remember(con, Scope(), figure, "x")
    assert len(calls) == 4
    with pytest.raises(TypeError):
        cache.remember(con, Scope(), figure, pd.DataFrame())


def test_the_upload_templates_follow_a_registry_write(page_db, con, monkeypatch):
    """The templates' drop-down lists the registry's universities: built once, kept between reruns, built again after
    a write (they were kept for ten minutes whatever happened)."""
    from assistance.ingest import templates

    built = []
    build = templates.all_templates

    @functools.wraps(build)
    def counted(connection):
        built.append(1)
        return build(connection)

    monkeypatch.setattr(templates, "all_templates", counted)
    app = open_page("pages/upload.py", account=MINISTRY)
    app.run()
    assert len(built) == 1
    Writes(con).registry()
    app.run()
    assert len(built) == 2
