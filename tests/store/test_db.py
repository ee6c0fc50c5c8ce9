"""Schema, migrations and initialisation."""

import subprocess
import sys

import duckdb
import pytest

from assistance.bootstrap import initialise
from assistance.store import db
from tests.conftest import DEMO_TODAY, REPO

TABLES = {
    "provinces", "counties", "measures", "universities", "university_aliases", "schools", "school_aliases",
    "pairings", "plan_targets", "activities", "upload_batches", "rejected_rows", "schema_version",
}  # fmt: skip


def table_names(con):
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type='BASE TABLE'"
        ).fetchall()
    }


def test_fresh_schema_has_every_table_and_the_latest_version(tmp_path):
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    assert db.migrate(con) == [m.version for m in db.MIGRATIONS]
    assert table_names(con) >= TABLES
    assert db.schema_version(con) == db.SCHEMA_VERSION


def test_views_have_exactly_the_documented_columns(demo_db_template):
    con = duckdb.connect(str(demo_db_template), read_only=True)
    pairing_cols = [r[0] for r in con.execute("DESCRIBE pairing_overview").fetchall()]
    activity_cols = [r[0] for r in con.execute("DESCRIBE activity_overview").fetchall()]
    assert pairing_cols == [
        "pairing_id", "university", "school", "county", "county_adcode", "province", "province_code",
        "tier", "provenance", "confidence", "source", "start_date", "end_date", "cycle", "supporting_kind",
    ]  # fmt: skip
    plan_cols = [r[0] for r in con.execute("DESCRIBE plan_overview").fetchall()]
    assert plan_cols == ["pairing_id", "school_year", "measure", "target", "provenance", "batch_id"]
    assert activity_cols == [
        "activity_id", "pairing_id", "university", "school", "province_code", "date", "measure", "title",
        "teachers", "students", "hours", "provenance", "batch_id",
    ]  # fmt: skip


def test_an_old_file_is_upgraded_in_place_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con, target=1)
    assert db.schema_version(con) == 1
    assert "rejected_rows" not in table_names(con)
    con.execute("INSERT INTO measures VALUES ('other', '其他', 'Other', 1)")
    con.close()

    report = initialise(path)
    assert not report.created
    assert report.migrations == [m.version for m in db.MIGRATIONS if m.version > 1]
    con = duckdb.connect(str(path), read_only=True)
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert "rejected_rows" in table_names(con)
    assert con.execute("SELECT count(*) FROM measures").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM pairing_overview").fetchone()[0] == 0


ACTIVITY_COLUMNS = [
    "activity_id", "pairing_id", "date", "measure", "title", "title_key", "teachers", "students", "hours", "notes",
    "provenance", "batch_id",
]  # fmt: skip


def test_activities_have_no_index_their_ids_come_from_the_sequence(demo_db):
    """Migration 6: no ART index on activities (they cost a bulk insert 1.5-2x), the same columns in the same
    order, ids still drawn from seq_activity."""
    con = duckdb.connect(str(demo_db))
    assert [r[0] for r in con.execute("DESCRIBE activities").fetchall()] == ACTIVITY_COLUMNS
    assert con.execute("SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'activities'").fetchone()[0] == 0
    kinds = {r[0] for r in con.execute(
        "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'activities'"
    ).fetchall()}  # fmt: skip
    assert not kinds & {"PRIMARY KEY", "UNIQUE"} and "CHECK" in kinds and "NOT NULL" in kinds
    top = con.execute("SELECT max(activity_id) FROM activities").fetchone()[0]
    new_id = con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance) "
        "VALUES (1, DATE '2025-01-02', 'other', 'x', 'x', 'imported') RETURNING activity_id"
    ).fetchone()[0]
    assert new_id > top
    with pytest.raises(duckdb.ConstraintException):  # the checks stay
        con.execute(
            "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, provenance) "
            "VALUES (1, DATE '2025-01-02', 'other', 'y', 'y', -1, 'imported')"
        )


def test_migration_6_keeps_every_activity_and_its_id(tmp_path):
    path = tmp_path / "v5.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con, target=5)
    con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, students, hours, notes, "
        "provenance, batch_id) VALUES (1, DATE '2024-03-01', 'other', 'A  b', 'a b', 3, 40, 2.5, '线上', 'imported', "
        "7), (2, DATE '2024-03-02', 'other', 'C', 'c', NULL, NULL, NULL, NULL, 'demo', NULL)"
    )
    before = con.execute("SELECT * FROM activities ORDER BY activity_id").fetchall()
    assert db.migrate(con)[0] == 6
    assert con.execute("SELECT * FROM activities ORDER BY activity_id").fetchall() == before
    assert con.execute("SELECT count(*) FROM activity_overview").fetchone()[0] == 0  # no pairings: the view reads
    added = con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance) "
        "VALUES (3, DATE '2024-03-03', 'other', 'D', 'd', 'imported') RETURNING activity_id"
    ).fetchone()[0]
    assert added == max(r[0] for r in before) + 1


def test_the_natural_key_is_unique_and_new_natural_key_guards_it(demo_db):
    """Without a unique index, every writer adds only rows whose natural key is new (db.new_natural_key)."""
    con = duckdb.connect(str(demo_db))
    total, keys = con.execute(
        "SELECT count(*), count(DISTINCT (pairing_id, date, measure, title_key)) FROM activities"
    ).fetchone()
    assert total == keys > 0
    row = con.execute("SELECT pairing_id, date, measure, title, title_key FROM activities LIMIT 1").fetchone()
    added = con.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance) "
        f"SELECT pairing_id, date, measure, title, title_key, 'imported' FROM (SELECT ?::INTEGER AS pairing_id, "
        f"?::DATE AS date, ?::VARCHAR AS measure, ?::VARCHAR AS title, {db.title_key_sql('?')} AS title_key) n "
        f"WHERE {db.new_natural_key('n')}",
        [*row[:4], "  " + row[4].upper().replace(" ", "  ") + " "],  # the same key, spaced and in capitals
    ).fetchone()[0]
    assert added == 0
    assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == total


def test_title_key_folds_case_and_whitespace():
    con = duckdb.connect()
    key = con.execute(f"SELECT {db.title_key_sql('x')} FROM (SELECT '  Lab  Open\tDay ' AS x)").fetchone()[0]
    assert key == "lab open day"


def test_busy_database_is_reported_not_raised_raw(tmp_path):
    path = tmp_path / "busy.duckdb"
    initialise(path, empty=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); print('ok', flush=True); "
         "time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(db.DatabaseBusy, match="in use by another process"):
            db.connect(path)
    finally:
        holder.kill()
        holder.wait()


def checksum(path):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            table: con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t").fetchone()
            for table in sorted(TABLES - {"schema_version"})
        }
    finally:
        con.close()


def run_cli(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "assistance", *args], cwd=REPO, capture_output=True, text=True, env=env
    )


def test_init_from_the_command_line_gives_the_programme_registry(tmp_path):
    path = tmp_path / "t.duckdb"
    first = run_cli("init", "--db", str(path))
    assert first.returncode == 0, first.stderr
    con = duckdb.connect(str(path), read_only=True)
    national, universities, provinces, verified, sourced = con.execute(
        "SELECT count(*) FILTER (WHERE tier = 'national'), count(DISTINCT university), count(DISTINCT province_code),"
        " count(*) FILTER (WHERE provenance = 'verified'),"
        " count(*) FILTER (WHERE provenance = 'verified' AND trim(coalesce(source, '')) <> '') FROM pairing_overview"
    ).fetchone()
    assert (national, universities, provinces, verified, sourced) == (115, 49, 24, 29, 29)
    real_universities = con.execute(
        "SELECT count(DISTINCT po.university) FROM pairing_overview po "
        "JOIN universities u ON u.name_zh = po.university WHERE u.kind = 'university'"
    ).fetchone()[0]
    assert real_universities == 48
    codes = {r[0] for r in con.execute("SELECT DISTINCT province_code FROM pairing_overview").fetchall()}
    programme = {r[0] for r in con.execute("SELECT code FROM provinces WHERE in_programme").fetchall()}
    assert codes == programme and "660000" in codes and len(programme) == 24
    assert con.execute("SELECT count(*) FROM activities WHERE provenance <> 'demo'").fetchone()[0] == 0
    con.close()

    before = checksum(path)
    second = run_cli("init", "--db", str(path))
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert checksum(path) == before


def test_empty_init_loads_reference_but_no_history(tmp_path):
    report = initialise(tmp_path / "e.duckdb", empty=True, today=DEMO_TODAY)
    assert report.created and "activities" not in report.loaded
    con = duckdb.connect(str(tmp_path / "e.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM pairings").fetchone()[0] == 115
    assert con.execute("SELECT count(*) FROM activities").fetchone()[0] == 0


def test_a_failed_build_leaves_no_database_behind(tmp_path, monkeypatch):
    from assistance.reference import sample

    def broken(*_args, **_kwargs):
        raise RuntimeError("generator failed")

    monkeypatch.setattr(sample, "load_demo", broken)
    with pytest.raises(RuntimeError):
        initialise(tmp_path / "x.duckdb")
    assert not (tmp_path / "x.duckdb").exists()
