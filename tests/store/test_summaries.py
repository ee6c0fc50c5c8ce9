"""The activity summaries (store.summaries, schema 10) and the data version (store.transaction): after every kind of
write the summaries hold exactly the groups of the log, inside the writer's transaction; a write that bypassed the
discipline is mended when the file is next opened; a commit moves the data version on, a rollback does not."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from assistance.ingest.pipeline import Ingest
from assistance.registry.importer import RegistryImport
from assistance.registry.undo import undo
from assistance.store import db
from assistance.store.transaction import Rollback, data_version, transaction

LOG = (
    "日期,帮扶高校,受援学校,帮扶举措,活动名称\n"
    "2026-10-20,北师大,青龙一中,教研,摘要测试一\n2026-11-03,北师大,青龙一中,跟岗,摘要测试二\n"
)
REGISTRY = (
    "帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源\n"
    "北京师范大学,甘肃,,榆中,榆中县示范高中,,,,,,\n"
)
_CELLS = """SELECT pairing_id, CAST(date_trunc('month', date) AS DATE), measure, count(*),
       count(*) FILTER (WHERE provenance = 'demo'), coalesce(sum(teachers), 0), coalesce(sum(students), 0),
       coalesce(sum(hours), 0), max(date)
FROM activities GROUP BY ALL ORDER BY ALL"""


def in_step(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the summaries hold exactly the groups of the log."""
    cells = con.execute("SELECT * FROM activity_cells ORDER BY ALL").fetchall()
    pairings = con.execute(
        "SELECT pairing_id, activities, first_date, last_date FROM pairing_activity ORDER BY 1"
    ).fetchall()
    regrouped = con.execute(
        "SELECT pairing_id, count(*), min(date), max(date) FROM activities GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return cells == con.execute(_CELLS).fetchall() and pairings == regrouped


def test_the_summaries_follow_every_kind_of_write(demo_con):
    con = demo_con
    assert in_step(con) and con.execute("SELECT count(*) FROM activity_cells").fetchone()[0] > 0
    batch = Ingest(con, LOG.encode(), "a.csv", today=date(2026, 11, 28)).run().batch_id
    assert in_step(con)
    assert undo(con, batch).status == "done"
    assert in_step(con)
    registry = RegistryImport(con, REGISTRY.encode(), "r.csv").run()  # demo pairings and activities archived
    assert in_step(con) and con.execute("SELECT count(*) FROM activity_cells WHERE demo > 0").fetchone()[0] == 0
    assert undo(con, registry.batch_id).status == "done"  # and put back
    assert in_step(con) and con.execute("SELECT count(*) FROM activity_cells WHERE demo > 0").fetchone()[0] > 0


def test_a_write_that_bypassed_the_transaction_is_mended_when_the_file_is_opened(demo_db):
    con = duckdb.connect(str(demo_db))
    con.execute(  # autocommit: no store.transaction, so no refresh
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, provenance) "
        "VALUES (1, DATE '2026-10-01', 'other', '绕过', '绕过', 7, 'imported')"
    )
    con.execute("DELETE FROM activities WHERE pairing_id = 2")
    con.execute("UPDATE activities SET teachers = 99 WHERE activity_id = (SELECT min(activity_id) FROM activities)")
    assert not in_step(con)
    db.migrate(con)
    assert in_step(con)
    con.close()


def test_migration_10_summarises_an_existing_log(tmp_path):
    con = duckdb.connect(str(tmp_path / "v9.duckdb"))
    db.migrate(con, target=9)
    con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, students, hours, provenance) "
        "VALUES (1, DATE '2024-03-01', 'other', 'a', 'a', 3, NULL, 2.5, 'imported'), "
        "(1, DATE '2024-03-20', 'other', 'b', 'b', NULL, 4, NULL, 'demo'), "
        "(2, DATE '2024-04-01', 'teacher_visit', 'c', 'c', NULL, NULL, NULL, 'demo')"
    )
    assert db.migrate(con) == [10]
    assert in_step(con)
    cell = con.execute("SELECT activities, demo, teachers, students, hours FROM activity_cells WHERE pairing_id = 1")
    assert cell.fetchall() == [(2, 1, 3, 4, 2.5)]
    con.close()


def test_a_commit_moves_the_data_version_on_and_a_rollback_does_not(demo_con):
    before = data_version()
    with transaction(demo_con) as cur:
        cur.execute("UPDATE measures SET sort_order = sort_order")
    assert data_version() > before
    before = data_version()
    with transaction(demo_con) as cur:
        cur.execute("UPDATE measures SET sort_order = sort_order")
        raise Rollback
    with pytest.raises(ValueError), transaction(demo_con) as cur:
        cur.execute("UPDATE measures SET sort_order = sort_order")
        raise ValueError("refused")
    with transaction(demo_con, figures=False) as cur:  # a session's last-seen time: no page shows it
        cur.execute("UPDATE measures SET sort_order = sort_order")
    assert data_version() == before


def test_a_failed_write_leaves_the_summaries_as_they_were(demo_con):
    cells = demo_con.execute("SELECT * FROM activity_cells ORDER BY ALL").fetchall()
    with pytest.raises(ValueError), transaction(demo_con) as cur:
        cur.execute("DELETE FROM activities WHERE pairing_id = 1")
        raise ValueError("refused")
    assert demo_con.execute("SELECT * FROM activity_cells ORDER BY ALL").fetchall() == cells and in_step(demo_con)
