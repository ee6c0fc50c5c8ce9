"""A replica's read model (issue 15, slice 2): a cold load equals the file it came from, summaries included; a
write made in PostgreSQL by another connection shows after a refresh that pulls only the changed rows; LISTEN
brings it without waiting for a poll, and polling alone brings it too."""

from __future__ import annotations

import time

import duckdb
import pytest

from assistance.store import summaries
from assistance.store.pg import connection, replica, schema
from assistance.store.transaction import data_version
from tests.conftest import snapshot


def _all_tables(con) -> list[str]:
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()
    return sorted({row[0] for row in rows} - {"schema_version", replica.MARKER})


@pytest.fixture
def model(pg_demo_url):
    loaded = replica.ReadModel(pg_demo_url)
    loaded.load()
    yield loaded
    loaded.close()


def test_a_cold_load_holds_exactly_the_file_it_was_copied_from(model, demo_db_template):
    file = duckdb.connect(str(demo_db_template), read_only=True)
    try:
        tables = _all_tables(file)
        assert "activity_cells" in tables and "name_keys" in tables
        assert snapshot(model.con, tables) == snapshot(file, tables)
    finally:
        file.close()
    assert model.seen > 0 and model.refresh().total_rows == 0  # nothing changed since: nothing pulled


_STATE = "SELECT activity_id, pairing_id, date, measure, title, teachers, hours FROM activities WHERE activity_id IN "


def _activity_state(cur, ids):
    """The rows of `ids` through a PostgreSQL or a DuckDB connection (each has its own placeholder)."""
    mark = "?" if isinstance(cur, duckdb.DuckDBPyConnection) else "%s"
    return cur.execute(_STATE + "(" + ", ".join([mark] * len(ids)) + ") ORDER BY 1", ids).fetchall()


def test_a_write_made_in_postgresql_shows_after_a_refresh_that_pulls_only_what_changed(model, pg_demo_url):
    version = data_version()
    with connection.connect(pg_demo_url) as pg:
        low, high = pg.execute("SELECT min(activity_id), max(activity_id) FROM activities").fetchone()
        pg.execute(
            "INSERT INTO activities (activity_id, pairing_id, date, measure, title, title_key, teachers, provenance) "
            "SELECT nextval('seq_activity'), 1, DATE '2025-05-01' + g, 'teacher_visit', 'pg ' || g, 'pg ' || g, g, "
            "'imported' FROM generate_series(1, 3) g"
        )
        pg.execute("UPDATE activities SET teachers = 99, hours = 2.5 WHERE activity_id = %s", [low])
        pg.execute("DELETE FROM activities WHERE activity_id = %s", [high])
        pg.execute("UPDATE measures SET label_en = 'Lectures!' WHERE code = 'teacher_visit'")
        pg.commit()
        new_ids = [row[0] for row in pg.execute("SELECT activity_id FROM activities WHERE title LIKE 'pg %'")]
        ids = [low, high, *new_ids]
        expected = _activity_state(pg, ids)
        label = pg.execute("SELECT label_en FROM measures WHERE code = 'teacher_visit'").fetchone()[0]

    stats = model.refresh()
    assert stats.rows == {"activities": 4, "measures": 1}  # 3 new, 1 changed; the deleted one only by its key
    assert stats.keys == {"activities": 5, "measures": 1}
    assert _activity_state(model.con, ids) == expected and len(expected) == 4 and label == "Lectures!"
    assert model.con.execute("SELECT label_en FROM measures WHERE code = 'teacher_visit'").fetchone()[0] == label
    assert summaries.refresh(model.con) == 0  # the summaries were regrouped in the refresh's own transaction
    assert data_version() > version  # the pages' kept figures make way
    assert model.refresh().total_rows == 0


def test_a_key_group_table_is_read_again_whole(model, pg_demo_url):
    with connection.connect(pg_demo_url) as pg:
        pg.execute("INSERT INTO rejected_rows VALUES (7, 2, 'date', 'x', '错', 'bad', 'a'), (7, 3, NULL, NULL, "
                   "'错', 'bad', 'b'), (8, 2, NULL, NULL, '错', 'bad', 'c')")  # fmt: skip
        pg.commit()
        assert model.refresh().rows == {"rejected_rows": 3}
        pg.execute("DELETE FROM rejected_rows WHERE batch_id = 7 AND line = 3")
        pg.commit()
    stats = model.refresh()
    assert stats.rows == {"rejected_rows": 1} and stats.keys == {"rejected_rows": 1}  # batch 7 again, not batch 8
    assert model.con.execute("SELECT batch_id, line FROM rejected_rows ORDER BY 1, 2").fetchall() == [(7, 2), (8, 2)]


def _wait_for(condition, seconds: float) -> float:
    started = time.perf_counter()
    while not condition():
        assert time.perf_counter() - started < seconds, f"not within {seconds} s"
        time.sleep(0.02)
    return time.perf_counter() - started


def _insert_measure(url: str, code: str) -> None:
    with connection.connect(url) as pg:
        pg.execute("INSERT INTO measures VALUES (%s, %s, %s, 99)", [code, code, code])


def _has_measure(model, code: str):
    return lambda: model.con.cursor().execute("SELECT count(*) FROM measures WHERE code = ?", [code]).fetchone()[0]


def test_the_watcher_refreshes_on_notify_without_waiting_for_a_poll(model, pg_demo_url):
    watcher = replica.Watcher(model, poll=30)  # only a notification can bring the change within seconds
    watcher.start()
    try:
        assert watcher.refreshed.wait(10)
        _insert_measure(pg_demo_url, "notified")
        assert _wait_for(_has_measure(model, "notified"), 5) < 5
    finally:
        watcher.stop()


def test_the_watcher_polls_when_no_notification_comes(model, pg_demo_url, monkeypatch):
    monkeypatch.setattr(schema, "CHANNEL", "a_channel_nobody_notifies")
    watcher = replica.Watcher(model, poll=0.2)
    watcher.start()
    try:
        assert watcher.refreshed.wait(10)
        _insert_measure(pg_demo_url, "polled")
        _wait_for(_has_measure(model, "polled"), 5)
    finally:
        watcher.stop()


def test_a_refresh_of_last_seen_times_only_leaves_the_pages_figures_alone(model, pg_demo_url):
    with connection.connect(pg_demo_url) as pg:
        pg.execute("INSERT INTO sessions VALUES ('h', 'moe', now(), now(), NULL)")
    version = data_version()
    assert model.refresh().rows == {"sessions": 1} and data_version() == version
    _insert_measure(pg_demo_url, "shown")
    assert model.refresh().rows == {"measures": 1} and data_version() > version


def _delete_activity(url: str) -> int:
    """Delete the highest activity in the store (a tombstone); return its id."""
    with connection.connect(url) as pg:
        gone = pg.execute("SELECT max(activity_id) FROM activities").fetchone()[0]
        pg.execute("DELETE FROM activities WHERE activity_id = %s", [gone])
        pg.commit()
    return gone


def _holds(model, activity_id: int) -> bool:
    return model.con.execute("SELECT count(*) FROM activities WHERE activity_id = ?", [activity_id]).fetchone()[0] > 0


def test_tombstones_older_than_the_retention_are_pruned_and_a_replica_that_missed_them_loads_again(model, pg_demo_url):
    behind = replica.ReadModel(pg_demo_url)  # loaded before the delete, then cut off until after the prune
    behind.load()
    try:
        gone = _delete_activity(pg_demo_url)
        assert model.refresh().keys == {"activities": 1} and not _holds(model, gone)  # seen: incremental
        with connection.connect(pg_demo_url) as pg:
            assert schema.prune_tombstones(pg, days=1) == 0  # younger than the retention: kept
            pg.execute("UPDATE _tombstones SET made_at = made_at - interval '2 days'")
            pg.commit()
            assert schema.prune_tombstones(pg, days=1) == 1
            left, pruned_through, seq = pg.execute(
                "SELECT (SELECT count(*) FROM _tombstones), pruned_through, seq FROM _data_version"
            ).fetchone()
        assert left == 0 and 0 < pruned_through <= seq

        assert model.refresh().cold is False  # it had seen the pruned tombstones: nothing to do
        stats = behind.refresh()
        assert stats.cold and not _holds(behind, gone)  # without its tombstone, the delete comes by a cold load
        assert stats.rows["activities"] == model.con.execute("SELECT count(*) FROM activities").fetchone()[0]
        assert behind.refresh().total_rows == 0 and behind.refresh().cold is False
    finally:
        behind.close()


def test_a_write_from_a_replica_older_than_the_pruned_tombstones_loads_first_then_goes_through(model, pg_demo_url):
    from assistance.ingest.pipeline import Ingest

    gone = _delete_activity(pg_demo_url)
    with connection.connect(pg_demo_url) as pg:
        pg.execute("UPDATE _tombstones SET made_at = made_at - interval '30 days'")
        pg.commit()
        assert schema.prune_tombstones(pg) == 1  # the default retention (7 days)
    log = "日期,帮扶高校,受援学校,帮扶举措,活动名称\n2026-10-21,北师大,青龙一中,教研,剪枝之后\n"
    assert Ingest(model.cursor(), log.encode(), "after-prune.csv").run().inserted == 1
    assert not _holds(model, gone)  # the write's retry loaded the store again first
    with connection.connect(pg_demo_url) as pg:
        assert pg.execute("SELECT count(*) FROM activities WHERE title = '剪枝之后'").fetchone()[0] == 1


def test_the_retention_setting(monkeypatch):
    monkeypatch.setenv("ASSISTANCE_TOMBSTONE_DAYS", "0.5")
    assert schema.tombstone_days() == 0.5
    monkeypatch.setenv("ASSISTANCE_TOMBSTONE_DAYS", "soon")
    assert schema.tombstone_days() == schema.TOMBSTONE_DAYS
    monkeypatch.delenv("ASSISTANCE_TOMBSTONE_DAYS")
    assert schema.tombstone_days() == 7
