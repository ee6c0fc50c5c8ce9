"""Writes in server mode (issue 15, slice 3): the library's upload and undo, run on a replica's read model, land in
PostgreSQL in one transaction and show on another replica after its refresh; two replicas uploading the same file
leave one set of rows and the second reports duplicates; an edit based on rows another replica changed since is
refused."""

from __future__ import annotations

from datetime import date

import pytest

from assistance.ingest.batches import undo_batch
from assistance.ingest.pipeline import Ingest
from assistance.store.pg import connection, replica
from assistance.store.transaction import StoreConflict, transaction
from tests.store.test_summaries import in_step

TODAY = date(2026, 11, 28)
LOG = (
    "日期,帮扶高校,受援学校,帮扶举措,活动名称\n"
    "2026-10-20,北师大,青龙一中,教研,服务器模式一\n2026-11-03,北师大,青龙一中,跟岗,服务器模式二\n"
    "2026-11-04,北师大,青龙一中,跟岗,服务器模式三\n"
)
OTHER_LOG = LOG.replace("服务器模式", "另一份")


@pytest.fixture
def replicas(pg_demo_url):
    """Two replicas (two read models in this process) of one store, both loaded."""
    models = [replica.ReadModel(pg_demo_url), replica.ReadModel(pg_demo_url)]
    for model in models:
        model.load()
    yield models
    for model in models:
        model.con.close()


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
