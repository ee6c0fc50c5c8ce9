"""AppTest of the Audit log page (审计日志, issue 12): the ministry sees the events (an account created on the command
line, an upload by a university account, its undo, an older sign-in) in zh and en, newest first, with role and
action labels; the filters (user, action, days) narrow the rows; the CSV holds exactly the filtered rows, with a
BOM and formula-like cells made inert. A university account has no menu entry and is refused on the page itself;
so is everyone in read-only mode (no account yet)."""

from __future__ import annotations

import codecs
import csv
import io
import sys
from datetime import date, datetime

import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from assistance.access.accounts import get_account
from assistance.access.audit import audit_rows
from assistance.ingest.batches import undo_batch
from assistance.ingest.pipeline import Ingest
from assistance.store import db
from tests.conftest import open_page, run_cli
from tests.corpus import VALID, ZH, to_csv

PAGE = "pages/audit.py"
BOSS = {"username": "boss", "role": "ministry"}
COORD = {"username": "coord", "role": "university", "university": "北京师范大学"}
FILE_NAME = "=1+2.csv"  # a file name a spreadsheet would run as a formula
OLD_DAY = date(2026, 1, 5)
WORDS = {
    "zh": {
        "title": "审计日志",
        "actions": {"upload": "上传活动记录", "undo": "撤销批次", "user_add": "创建账户", "sign_in": "登录"},
        "roles": {"university": "帮扶高校", "cli": "命令行", "ministry": "教育部"},
        "headers": ["时间", "用户", "角色", "操作", "对象", "批次", "详情"],
        "refused": "只有教育部账户可以查看审计日志。",
        "total": "共 4 行 · 第 1 / 1 页",
    },
    "en": {
        "title": "Audit log",
        "actions": {
            "upload": "Activity upload",
            "undo": "Batch undone",
            "user_add": "Account created",
            "sign_in": "Sign-in",
        },
        "roles": {"university": "University", "cli": "Command line", "ministry": "Ministry"},
        "headers": ["Time", "User", "Role", "Action", "Target", "Batch", "Detail"],
        "refused": "Only ministry accounts can see the audit log.",
        "total": "4 rows · page 1 of 1",
    },
}


@pytest.fixture
def page_db(demo_db, monkeypatch):
    """A database of this test's own (the app caches one connection per path)."""
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    return demo_db


@pytest.fixture
def events(page_db, monkeypatch, capsys):
    """The trail of a working day: `users add coord` on the command line, coord's upload (two rows of its own
    university) and its undo, and a sign-in of `old` in January."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("coord-password-1\n"))
    status, _, err = run_cli(capsys, "users", "add", "coord", "--role", "university", "--university", "北京师范大学",
                             "--password-stdin")  # fmt: skip
    assert status == 0, err
    con = db.connect(page_db)
    try:
        coord = get_account(con, "coord")
        data = to_csv([ZH, VALID[0], VALID[1]]).encode()
        report = Ingest(con, data, FILE_NAME, actor=coord).run()
        assert report.committed and report.batch_id
        assert undo_batch(con, report.batch_id, actor=coord).status == "done"
        con.execute(  # an older event, as the log held it then (the app itself only ever appends today's)
            "INSERT INTO audit_log (occurred_at, username, role, action, detail) VALUES (?, 'old', 'ministry', "
            "'sign_in', '{\"method\": \"password\"}')",
            [datetime.combine(OLD_DAY, datetime.min.time()).replace(hour=9)],
        )
        yield report.batch_id
    finally:
        con.close()


@pytest.fixture
def menu(monkeypatch) -> list[tuple[str, str]]:
    """(url path, visibility) of every page app.py hands to st.navigation, as of the last run."""
    seen: list[tuple[str, str]] = []
    original = st.navigation

    def spy(pages, **options):
        sections = pages.values() if isinstance(pages, dict) else [pages]
        seen[:] = [(page.url_path, page.visibility) for section in sections for page in section]
        return original(pages, **options)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file name → the callable a download button builds its file with (AppTest never clicks one)."""
    captured: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **options):
        captured[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return captured


def open_audit(lang: str = "zh", account: dict | None = BOSS) -> AppTest:
    app = open_page(PAGE, lang, account=account)
    assert not app.exception, [e.value for e in app.exception]
    return app


def table(app: AppTest):
    assert len(app.dataframe) == 1
    return app.dataframe[0].value


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode("utf-8"))))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ministry_sees_every_event_newest_first(events, menu, lang):
    words = WORDS[lang]
    app = open_audit(lang)
    assert app.title[0].value == words["title"]
    assert ("audit", "visible") in menu
    frame = table(app)
    assert list(frame.columns) == words["headers"]
    user, role, action, target, batch = words["headers"][1:6]
    actions = words["actions"]
    assert list(zip(frame[user], frame[role], frame[action], strict=True)) == [
        ("coord", words["roles"]["university"], actions["undo"]),
        ("coord", words["roles"]["university"], actions["upload"]),
        (frame[user][2], words["roles"]["cli"], actions["user_add"]),
        ("old", words["roles"]["ministry"], actions["sign_in"]),
    ]
    assert frame[user][2].startswith("cli:")
    assert list(frame[batch][:2]) == [events, events]
    assert frame[target][1] == FILE_NAME and frame[target][2] == "coord"
    assert "rows: 2" in frame[words["headers"][6]][1]
    assert app.main.caption[-1].value == words["total"]
    assert [b.proto.label for b in app.get("download_button")] == ["CSV"]


def test_the_filters_narrow_the_rows_and_the_csv_holds_exactly_them(events, downloads):
    app = open_audit()
    app.selectbox(key="audit_user").set_value("coord").run()
    assert list(table(app)["操作"]) == ["撤销批次", "上传活动记录"]
    app.selectbox(key="audit_action").set_value("undo").run()
    assert list(table(app)["操作"]) == ["撤销批次"]
    assert app.main.markdown[-1].value == "下载筛选后的 1 条记录"

    (name,) = [name for name in downloads if name.startswith("审计日志_coord_撤销批次_")]
    assert name == f"审计日志_coord_撤销批次_{date.today().isoformat()}.csv"
    rows = csv_rows(downloads[name]())
    assert rows[0] == ["时间", "用户", "角色", "操作", "对象", "批次", "详情"]
    assert [row[1:4] + row[5:6] for row in rows[1:]] == [["coord", "帮扶高校", "撤销批次", str(events)]]

    app.selectbox(key="audit_action").set_value("upload").run()
    upload = csv_rows(downloads[f"审计日志_coord_上传活动记录_{date.today().isoformat()}.csv"]())
    assert len(upload) == 2 and upload[1][4] == "'" + FILE_NAME  # the formula guard
    assert upload[1][6].startswith("{") and '"rows": 2' in upload[1][6]  # the detail as stored (JSON)

    app.selectbox(key="audit_user").set_value(None)
    app.selectbox(key="audit_action").set_value(None)
    app.date_input(key="audit_days").set_value((OLD_DAY, OLD_DAY)).run()
    assert list(table(app)["用户"]) == ["old"]
    assert str(table(app)["时间"][0]).startswith("2026-01-05 09:00")
    everything = f"审计日志_{date.today().isoformat()}.csv"
    assert [row[1] for row in csv_rows(downloads[everything]())[1:]] == ["old"]

    app.date_input(key="audit_days").set_value((date.today(), date.today())).run()
    assert "old" not in list(table(app)["用户"]) and len(table(app)) == 3


def test_no_event_matches(events):
    app = open_audit("en")
    app.selectbox(key="audit_user").set_value("old")
    app.selectbox(key="audit_action").set_value("undo").run()
    assert not app.dataframe and not app.get("download_button")
    assert app.main.info[0].value == "No event matches these filters."


def test_the_rows_come_a_page_at_a_time(page_db):
    con = db.connect(page_db)
    try:
        con.executemany(
            "INSERT INTO audit_log (occurred_at, username, role, action) VALUES (?, ?, 'ministry', 'sign_in')",
            [[datetime(2026, 2, 1, 8, 0, n % 60), f"u{n:03d}"] for n in range(120)],
        )
        assert len(audit_rows(con, limit=50, offset=100)) == 20
    finally:
        con.close()
    app = open_audit("en")
    assert len(table(app)) == 50 and table(app)["User"][0] == "u119"
    assert app.main.caption[-1].value == "120 rows · page 1 of 3"
    app.number_input(key="audit_page").set_value(3).run()
    assert len(table(app)) == 20 and table(app)["User"][19] == "u000"
    app.selectbox(key="audit_user").set_value("u005").run()  # a new filter starts at page 1 again
    assert list(table(app)["User"]) == ["u005"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_university_account_has_no_menu_entry_and_is_refused(events, menu, lang):
    app = open_audit(lang, COORD)
    assert ("audit", "hidden") in menu
    assert app.main.error[0].value == WORDS[lang]["refused"]
    assert not app.dataframe and not app.get("download_button")
    assert all(widget.key != "audit_user" for widget in app.selectbox)


@pytest.mark.parametrize(
    "account",
    [
        {"username": "hebei", "role": "province", "province": "130000"},
        {"username": "qinglong", "role": "school", "school": "青龙满族自治县第一中学"},
        {"username": "watcher", "role": "viewer"},
    ],
    ids=["province", "school", "viewer"],
)
def test_every_role_but_the_ministry_is_refused(events, menu, account):
    app = open_audit("zh", account)
    assert ("audit", "hidden") in menu
    assert app.main.error[0].value == WORDS["zh"]["refused"]
    assert not app.dataframe and not app.get("download_button")


def test_read_only_mode_refuses_too(page_db, menu):
    app = open_audit("zh", account=None)
    assert ("audit", "hidden") in menu
    assert app.main.error[0].value == WORDS["zh"]["refused"]
    assert not app.dataframe
