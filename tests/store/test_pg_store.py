"""Server mode's store (issue 15, slice 1): the mode a setting names, the PostgreSQL schema against DuckDB's,
its constraints and change capture, and `store copy` both ways."""

from __future__ import annotations

import shutil

import duckdb
import psycopg
import pytest

from assistance.store import db, mode
from assistance.store.pg import connection, schema
from tests.conftest import run_cli, snapshot


def test_a_postgresql_url_is_server_mode_and_anything_else_a_file(monkeypatch):
    assert mode.is_server("postgresql://u@h/db") and mode.is_server(" Postgres://h/db")
    assert not mode.is_server("data/assistance.duckdb") and not mode.is_server(None)
    monkeypatch.setenv("ASSISTANCE_DB", "postgresql://app:secret@db.example/county")
    assert mode.server_url() == "postgresql://app:secret@db.example/county"
    assert mode.server_url("x.duckdb") is None
    assert mode.redacted(mode.server_url()) == "postgresql://app:***@db.example/county"
    monkeypatch.setenv("ASSISTANCE_DB", "/srv/county.duckdb")
    assert mode.server_url() is None and db.default_db_path().name == "county.duckdb"


def _pg_columns(pg, table: str) -> list[str]:
    return [
        row[0]
        for row in pg.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def test_every_table_and_view_has_duckdbs_columns_in_postgresql(pg_url):
    duck = duckdb.connect()
    db.migrate(duck)
    with connection.connect(pg_url) as pg:
        assert schema.migrate(pg) == []  # the template is migrated: a second run applies nothing
        for table in schema.replicated_tables(duck):
            assert _pg_columns(pg, table.name) == [*table.column_names, "_seq"], table.name
        for view in ("pairing_overview", "activity_overview", "plan_overview", "outcome_overview",
                     "problem_overview", "case_overview", "audit_overview"):  # fmt: skip
            expected = [row[0] for row in duck.execute(f"DESCRIBE {view}").fetchall()]
            assert _pg_columns(pg, view) == expected, view


def test_postgresql_holds_the_natural_key_and_the_checks(pg_demo_url, demo_db_template):
    with connection.connect(pg_demo_url) as pg:
        row = pg.execute(
            "SELECT pairing_id, date, measure, title, title_key, provenance FROM activities LIMIT 1"
        ).fetchone()
        with pytest.raises(psycopg.errors.UniqueViolation):
            pg.execute(
                "INSERT INTO activities (activity_id, pairing_id, date, measure, title, title_key, provenance) "
                "VALUES (nextval('seq_activity'), %s, %s, %s, %s, %s, %s)",
                row,
            )
        pg.rollback()
        with pytest.raises(psycopg.errors.CheckViolation):
            pg.execute("UPDATE pairings SET tier = 'galactic' WHERE pairing_id = 1")
        pg.rollback()
        query = "SELECT school_id, school_year, indicator, value, province_code FROM outcome_overview ORDER BY 1, 2, 3"
        in_pg = pg.execute(query).fetchall()
    duck = duckdb.connect(str(demo_db_template), read_only=True)
    try:
        assert in_pg == duck.execute(query).fetchall() and in_pg  # UNPIVOT there, LATERAL VALUES here
    finally:
        duck.close()


def test_changes_carry_a_sequence_deletes_leave_tombstones_and_the_version_covers_both(pg_url):
    with connection.connect(pg_url) as pg:
        pg.execute("INSERT INTO measures VALUES ('a', '甲', 'A', 1), ('b', '乙', 'B', 2)")
        pg.commit()
        version, seq = pg.execute("SELECT version, seq FROM _data_version").fetchone()
        assert version >= 1 and seq == pg.execute("SELECT max(_seq) FROM measures").fetchone()[0]
        pg.execute("UPDATE measures SET code = 'c' WHERE code = 'a'")  # a changed key: the old one is gone
        pg.execute("DELETE FROM measures WHERE code = 'b'")
        pg.commit()
        tombstones = pg.execute(
            "SELECT key, seq FROM _tombstones WHERE table_name = 'measures' ORDER BY seq"
        ).fetchall()
        assert [key for key, _ in tombstones] == [["a"], ["b"]]
        new_version, new_seq = pg.execute("SELECT version, seq FROM _data_version").fetchone()
        assert new_version > version and new_seq >= max(s for _, s in tombstones) > seq
        assert pg.execute("SELECT _seq FROM measures").fetchone()[0] > seq


def _with_every_kind_of_value(path):
    """Rows the demo lacks: an account, an audit event and a change log row with JSON, a rejected row with a line
    break, an empty text beside a NULL, a sequence moved on."""
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO accounts VALUES ('prov', 'province', '620000', NULL, NULL, 'a@b.cn', NULL, false, "
        "TIMESTAMP '2025-03-01 08:00:00.123456')"
    )
    con.execute(
        "INSERT INTO audit_log VALUES (nextval('seq_audit_event'), TIMESTAMP '2025-03-01 09:00:00', 'prov', "
        """'province', 'upload', '', NULL, '{"rows": 3, "名": "值"}')"""
    )
    con.execute("INSERT INTO upload_batches (batch_id, file_name, sha256, size_bytes, rows, inserted, duplicates, "
                "rejected, uploaded_at) VALUES (nextval('seq_batch'), 'a.csv', 'x', 1, 1, 0, 0, 1, now())")  # fmt: skip
    con.execute("INSERT INTO rejected_rows VALUES (1, 2, 'date', '', '日期错误', 'bad date', 'line one\nline \"two\"')")
    con.execute("""INSERT INTO registry_changes VALUES (1, 'pairing', '7', 'update', '{"tier": "national"}', NULL)""")
    con.execute("SELECT nextval('seq_case') FROM range(5)")
    con.close()


def _sequences(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT sequence_name, last_value FROM duckdb_sequences() ORDER BY 1").fetchall()
    finally:
        con.close()


def test_store_copy_there_and_back_changes_nothing(demo_db, pg_url, tmp_path, capsys):
    _with_every_kind_of_value(demo_db)
    status, out, _ = run_cli(capsys, "store", "copy", "--from", str(demo_db), "--to", pg_url)
    assert status == 0, out
    lines = {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:-1]}
    assert lines["activities"][0] == lines["activities"][1] != "0"
    assert all(source == target for source, target in lines.values()) and "accounts" in lines

    back = tmp_path / "back.duckdb"
    status, out, err = run_cli(capsys, "store", "copy", "--from", pg_url, "--to", str(back))
    assert status == 0, err
    con = duckdb.connect(str(demo_db), read_only=True)
    tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name <> "
                                            "'schema_version'").fetchall()]  # fmt: skip
    before = snapshot(con, tables)
    con.close()
    assert snapshot(back, tables) == before  # the summaries too: rebuilt from the same log
    assert _sequences(back) == _sequences(demo_db)


def test_store_copy_refuses_a_store_with_data_and_an_existing_file(demo_db, pg_demo_url, tmp_path, capsys):
    status, _, err = run_cli(capsys, "store", "copy", "--from", str(demo_db), "--to", pg_demo_url)
    assert status == 2 and "已有数据" in err
    existing = tmp_path / "there.duckdb"
    shutil.copy(demo_db, existing)
    status, _, err = run_cli(capsys, "store", "copy", "--from", pg_demo_url, "--to", str(existing))
    assert status == 2 and str(existing) in err
    status, _, err = run_cli(capsys, "store", "copy", "--from", str(demo_db), "--to", str(existing))
    assert status == 2


def test_an_unreachable_store_is_one_line_with_the_password_hidden(demo_db, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_PG_CONNECT_TIMEOUT", "1")
    url = "postgresql://app:secret@127.0.0.1:1/none"
    status, out, err = run_cli(capsys, "store", "copy", "--from", str(demo_db), "--to", url)
    assert status == 2 and out == "" and "secret" not in err and "app:***@127.0.0.1:1" in err
    assert len(err.strip().splitlines()) == 1
