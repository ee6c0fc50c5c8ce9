"""Two app replicas on one PostgreSQL store, in a real browser (issue 15, "Tests"): `streamlit run app.py` twice, on
two ports, over the same store URL and cookie secret, as behind a proxy with sticky sessions.

The module has a cluster of its own (its last test stops it) holding the demo store. The tests run in order: an
upload on replica A shows on replica B's next rerun 2 s later; the same file committed on A and on B at once leaves
one set of rows, and the second report says duplicates; replica A killed (-9) in the middle of pushing an upload
to the store leaves none of its rows there; the store stopped, replica B shows the data it had loaded under the
banner, with no traceback."""

from __future__ import annotations

import os
import signal
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from assistance.access.accounts import add_account
from assistance.access.sessions import SECRET_ENV
from assistance.store.pg import connection, copy, replica
from scripts.devserver import descendants
from scripts.pgcluster import cluster, database_url, stop
from tests.conftest import TEST_PASSWORD, OfflinePage, serve_streamlit, sign_in_browser, wait_for_app
from tests.ingest.test_ingest_browser import check_file, metric, settled

HEADER = "日期,帮扶高校,受援学校,帮扶举措,活动名称,参与教师人数\n"
FIRST_DAY = date(2025, 9, 1)
SECRET = "one-cookie-secret-for-every-replica"
# What PostgreSQL runs while a replica pushes an upload's rows: after these, more statements follow before COMMIT.
PUSHING = "query LIKE 'COPY \"_rows_activities\"%%' OR query LIKE 'INSERT INTO \"activities\"%%'"


def activity_file(tag: str, rows: int) -> bytes:
    """A valid log of `rows` new activities of one demo pairing, titled `tag` and a number."""
    lines = (f"{FIRST_DAY + timedelta(days=i % 400)},北师大,青龙一中,教研,{tag} {i},{i % 7}" for i in range(rows))
    return (HEADER + "\n".join(lines) + "\n").encode()


def stored(url: str, tag: str) -> int:
    """How many activities titled `tag …` the store holds."""
    with psycopg.connect(url) as pg:
        return pg.execute("SELECT count(*) FROM activities WHERE title LIKE %s", [f"{tag} %"]).fetchone()[0]


class Replicas:
    def __init__(self, url: str, a: str, b: str):
        self.url, self.a, self.b = url, a, b


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, demo_db_template):
    """The demo store with a ministry account, and two replicas over it: (store URL, base URL of A, of B)."""
    folder: Path = tmp_path_factory.mktemp("replicas")
    with cluster() as server:
        with connection.connect(server, autocommit=True) as admin:
            admin.execute("CREATE DATABASE replicas")
        url = database_url(server, "replicas")
        copy.file_to_pg(demo_db_template, url)
        model = replica.ReadModel(url)
        model.load()
        add_account(model.cursor(), "副本测试", "ministry", TEST_PASSWORD)
        model.close()
        env = {SECRET_ENV: SECRET}
        a = serve_streamlit(url, log=folder / "a.log", env=env)
        b = serve_streamlit(url, log=folder / "b.log", env=env)
        yield Replicas(url, next(a), next(b))
        for started in (a, b):
            started.close()


@pytest.fixture(scope="module")
def context(browser, replicas):
    """One browser for both replicas, signed in on A: a cookie belongs to the host, not the port, so it is signed in
    on B too (the replicas share the cookie secret, and B learns of the session from the store)."""
    opened = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    opened.set_default_timeout(60_000)  # two servers, Chromium and PostgreSQL share the test's cores
    wrapper = OfflinePage(opened)
    sign_in_browser(wrapper.page, f"{replicas.a}/", "副本测试")
    yield wrapper
    opened.close()


def activities_shown(page, base: str) -> int:
    """The overview's activity total with no filter, in a fresh session (a reload: the replica's next rerun)."""
    page.goto(f"{base}/")
    wait_for_app(page, '[data-testid="stMetric"]')
    return int(metric(page, "活动（所选时段）").replace(",", ""))


def check(page, base: str, name: str, content: bytes) -> None:
    """Choose the file on the Upload page of `base` and check it (the dry run), up to the commit button."""
    page.goto(f"{base}/upload")
    wait_for_app(page)
    check_file(page, name, content, timeout=120_000)


def test_an_upload_on_one_replica_shows_on_the_other_within_two_seconds(replicas, context):
    page_a, page_b = context.page, context.context.new_page()
    before = activities_shown(page_b, replicas.b)

    check(page_a, replicas.a, "同步.csv", activity_file("副本同步", 20))
    page_a.get_by_role("button", name="确认提交").click()
    page_a.get_by_text("已提交为批次").wait_for(timeout=60_000)
    committed = time.monotonic()
    time.sleep(max(0.0, 2 - (time.monotonic() - committed)))
    assert activities_shown(page_b, replicas.b) == before + 20
    page_b.close()
    assert context.external_requests == []


def test_the_same_file_committed_on_both_replicas_at_once_is_stored_once(replicas, context):
    page_a, page_b = context.page, context.context.new_page()
    content = activity_file("同时上传", 30)
    check(page_a, replicas.a, "同时.csv", content)
    check(page_b, replicas.b, "同时.csv", content)
    page_a.get_by_role("button", name="确认提交").click()
    page_b.get_by_role("button", name="确认提交").click()
    for page in (page_a, page_b):
        page.get_by_text("已提交为批次").or_(page.get_by_text("没有新增任何记录")).first.wait_for(timeout=120_000)
        settled(page)
    assert stored(replicas.url, "同时上传") == 30
    winners = [page for page in (page_a, page_b) if page.get_by_text("已提交为批次").count()]
    assert len(winners) == 1, "exactly one replica commits the rows"
    loser = page_b if winners[0] is page_a else page_a
    assert (metric(winners[0], "已新增"), metric(winners[0], "重复")) == ("30", "0")
    assert (metric(loser, "将新增"), metric(loser, "重复")) == ("0", "30")  # the second report: duplicates
    assert loser.get_by_text("没有新增任何记录，因此未提交，也没有产生批次。").count() == 1
    page_b.close()


def _server_pid(base: str) -> int:
    port = base.rsplit(":", 1)[1].split("/")[0]
    for pid in descendants(os.getpid()):
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"streamlit" in b" ".join(arguments) and port.encode() in arguments:
            return pid
    raise AssertionError(f"no server process on port {port}")


def test_a_replica_killed_while_it_pushes_an_upload_leaves_nothing_of_it(replicas, context):
    page = context.page
    check(page, replicas.a, "断电.csv", activity_file("断电测试", 60_000))
    pid = _server_pid(replicas.a)
    with psycopg.connect(replicas.url, autocommit=True) as watch:
        page.get_by_role("button", name="确认提交").click()
        deadline = time.monotonic() + 120
        while not watch.execute(f"SELECT count(*) FROM pg_stat_activity WHERE {PUSHING}").fetchone()[0]:
            assert time.monotonic() < deadline, "the upload never reached the store"
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while watch.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL").fetchone()[0]:
            assert time.monotonic() < deadline, "the killed replica's transaction is still open"
            time.sleep(0.05)
        assert stored(replicas.url, "断电测试") == 0
        batches = watch.execute("SELECT count(*) FROM upload_batches WHERE file_name = '断电.csv'").fetchone()[0]
        assert batches == 0


def test_with_the_store_stopped_a_replica_shows_its_data_under_a_banner(replicas, context):
    page = context.page
    before = activities_shown(page, replicas.b)
    stop(replicas.url)
    deadline = time.monotonic() + 60
    while True:  # the replica learns it at once (its LISTEN connection drops) or at its next poll
        page.goto(f"{replicas.b}/")
        wait_for_app(page, '[data-testid="stMetric"]')
        if page.get_by_text("起无法连接数据库服务器").count():
            break
        assert time.monotonic() < deadline, "no banner"
        time.sleep(0.5)
    assert int(metric(page, "活动（所选时段）").replace(",", "")) == before
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()
