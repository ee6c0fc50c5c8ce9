"""Writes in server mode (issue 15, slice 3): the library's upload and undo, run on a replica's read model, land in
PostgreSQL in one transaction and show on another replica after its refresh; two replicas uploading the same file
leave one set of rows and the second reports duplicates; an edit based on rows another replica changed since is
refused."""

from __future__ import annotations

from datetime import date

import pytest

from assistance.access.accounts import add_account, sign_in
from assistance.access.sessions import start_session
from assistance.guidance.problems import ProblemChange, update_problem
from assistance.ingest.batches import undo_batch
from assistance.ingest.pipeline import Ingest
from assistance.outcomes.importer import OutcomesImport
from assistance.registry.importer import RegistryImport
from assistance.registry.undo import undo
from assistance.store.pg import connection, replica
from assistance.store.transaction import StoreConflict, transaction
from tests.conftest import snapshot
from tests.outcomes.test_outcomes_import import HEADER as OUTCOME_HEADER
from tests.outcomes.test_outcomes_import import QINGLONG
from tests.registry.test_registry_page import REGISTRY
from tests.store.test_summaries import in_step

TODAY = date(2026, 11, 28)
LOG = (
    "日期,帮扶高校,受援学校,帮扶举措,活动名称\n"
    "2026-10-20,北师大,青龙一中,教研,服务器模式一\n2026-11-03,北师大,青龙一中,跟岗,服务器模式二\n"
    "2026-11-04,北师大,青龙一中,跟岗,服务器模式三\n"
)
OTHER_LOG = LOG.replace("服务器模式", "另一份")
OUTCOMES = (
    f"{OUTCOME_HEADER}\n{QINGLONG},青龙满族自治县,2024-2025,3200,60,5,210,30,40,3,55.5,41.25,12,服务器\n".encode()
)


@pytest.fixture
def replicas(pg_demo_url):
    """Two replicas (two read models in this process) of one store, both loaded."""
    models = [replica.ReadModel(pg_demo_url), replica.ReadModel(pg_demo_url)]
    for model in models:
        model.load()
    yield models
    for model in models:
        model.close()


def _stored(url: str, sql: str, params=None):
    with connection.connect(url) as pg:
        return pg.execute(sql, params).fetchall()


def _upload(model, text: str):
    return Ingest(model.cursor(), text.encode(), "a.csv", today=TODAY).run()


def test_an_upload_on_one_replica_is_in_the_store_and_on_the_other_after_its_refresh(replicas, pg_demo_url):
    a, b = replicas
    report = _upload(a, LOG)
    assert report.inserted == 3 and report.batch_id is not None
    stored = _stored(pg_demo_url, "SELECT count(*) FROM activities WHERE batch_id = %s", [report.batch_id])
    assert stored == [(3,)]
    assert _stored(pg_demo_url, "SELECT inserted FROM upload_batches WHERE batch_id = %s", [report.batch_id]) == [(3,)]
    assert _stored(pg_demo_url, "SELECT count(*) FROM audit_log WHERE batch_id = %s", [report.batch_id]) == [(1,)]
    assert a.refresh().total_rows == 0  # its own write is not pulled back

    stats = b.refresh()
    assert stats.rows["activities"] == 3 and stats.rows["upload_batches"] == 1
    assert b.con.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [report.batch_id]).fetchone() == (3,)
    assert in_step(b.con)
    again = _upload(b, LOG)
    assert (again.inserted, again.duplicates, again.batch_id) == (0, 3, None)


def test_the_same_file_on_two_replicas_at_once_leaves_one_set_and_the_second_says_duplicates(replicas, pg_demo_url):
    a, b = replicas  # b has not seen a's upload when it uploads: the store settles it, b runs once more
    first, second = _upload(a, LOG), _upload(b, LOG)
    assert first.inserted == 3 and (second.inserted, second.duplicates) == (0, 3)
    titles = _stored(pg_demo_url, "SELECT count(*) FROM activities WHERE title LIKE '服务器模式%%'")
    assert titles == [(3,)]
    third = _upload(b, OTHER_LOG)  # new ids past the ones a used: no conflict
    assert third.inserted == 3 and third.batch_id not in (first.batch_id, None)
    ids = _stored(pg_demo_url, "SELECT count(DISTINCT activity_id), count(*) FROM activities")
    assert ids[0][0] == ids[0][1]


def test_undo_on_a_replica_removes_the_rows_from_the_store_and_the_other_replica(replicas, pg_demo_url):
    a, b = replicas
    batch = _upload(a, LOG).batch_id
    b.refresh()
    result = undo_batch(a.cursor(), batch)
    assert result.status == "done" and result.removed == 3
    assert _stored(pg_demo_url, "SELECT count(*) FROM activities WHERE batch_id = %s", [batch]) == [(0,)]
    stats = b.refresh()
    assert stats.keys["activities"] == 3 and stats.rows["activities"] == 0
    assert b.con.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [batch]).fetchone() == (0,)
    assert b.con.execute("SELECT undone_at IS NOT NULL FROM upload_batches WHERE batch_id = ?", [batch]).fetchone()[0]
    assert in_step(b.con)


def test_an_edit_of_rows_another_replica_changed_since_is_refused_and_nothing_is_written(replicas, pg_demo_url):
    a, b = replicas
    problem = a.con.execute("SELECT min(problem_id) FROM problems").fetchone()[0]
    with transaction(a.cursor()) as cur:
        cur.execute("UPDATE problems SET version = version + 1, description = 'A' WHERE problem_id = ?", [problem])
    with pytest.raises(StoreConflict), transaction(b.cursor()) as cur:
        cur.execute("UPDATE problems SET version = version + 1, description = 'B' WHERE problem_id = ?", [problem])
    assert _stored(pg_demo_url, "SELECT description FROM problems WHERE problem_id = %s", [problem]) == [("A",)]
    assert b.con.execute("SELECT description FROM problems WHERE problem_id = ?", [problem]).fetchone() != ("B",)
    b.refresh()
    assert b.con.execute("SELECT description FROM problems WHERE problem_id = ?", [problem]).fetchone() == ("A",)


def _everything(con) -> dict:
    tables = [
        row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    ]
    return snapshot(con, sorted(set(tables) - {"schema_version", replica.MARKER}))


def test_every_kind_of_write_leaves_the_store_equal_to_the_replica_that_wrote_it(replicas, pg_demo_url):
    """An account with a session and a sign-in failure, a problem's description, a registry import that archives the
    demo national tier and adds a party, an outcome file, then the registry import's undo: a cold load of the store
    (and the other replica's refresh) holds exactly what the writing replica holds, summaries and sort keys
    included."""
    a, b = replicas
    ministry = add_account(a.cursor(), "moe", "ministry", "password-for-tests")
    start_session(a.cursor(), "moe")
    sign_in(a.cursor(), "moe", "wrong password")
    problem, version = a.con.execute("SELECT problem_id, version FROM problems ORDER BY 1 LIMIT 1").fetchone()
    update_problem(a.cursor(), ministry, problem, version, ProblemChange(description="服务器模式"), TODAY)
    batch = RegistryImport(a.cursor(), REGISTRY, "r.csv").run().batch_id
    assert a.con.execute("SELECT count(*) FROM archived_pairings WHERE archived_by = ?", [batch]).fetchone()[0] > 0
    outcomes = OutcomesImport(a.cursor(), OUTCOMES, "o.csv", today=TODAY).run()
    assert outcomes.inserted + outcomes.changed == 1
    fresh = replica.ReadModel(pg_demo_url)
    fresh.load()
    assert _everything(fresh.con) == _everything(a.con)
    b.refresh()
    assert _everything(b.con) == _everything(a.con)

    undo(a.cursor(), batch, ministry)
    assert a.con.execute("SELECT count(*) FROM archived_pairings WHERE archived_by = ?", [batch]).fetchone()[0] == 0
    b.refresh()
    fresh.load()
    assert _everything(b.con) == _everything(a.con) == _everything(fresh.con)
    fresh.close()


def test_a_write_the_capture_would_miss_is_refused_not_lost(replicas):
    a, _ = replicas
    before = a.con.execute("SELECT count(*) FROM measures").fetchone()
    for statement in (
        "WITH m AS (SELECT 'x' AS code) INSERT INTO measures SELECT code, code, code, 99 FROM m",
        "UPDATE measures SET sort_order = 1 WHERE code = 'x' RETURNING code",
    ):
        with pytest.raises(NotImplementedError), transaction(a.cursor()) as cur:
            cur.execute(statement)
    with pytest.raises(NotImplementedError), transaction(a.cursor()) as cur:
        cur.executemany("INSERT INTO measures VALUES (?, ?, ?, 99)", [["y", "y", "y"]])
    assert a.con.execute("SELECT count(*) FROM measures").fetchone() == before
