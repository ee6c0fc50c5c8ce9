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


def test_the_natural_key_rejects_a_second_copy_of_an_activity(demo_db):
    con = duckdb.connect(str(demo_db))
    row = con.execute("SELECT pairing_id, date, measure, title FROM activities LIMIT 1").fetchone()
    with pytest.raises(duckdb.ConstraintException):
        con.execute(
            f"INSERT INTO activities (pairing_id, date, measure, title, title_key, provenance) "
            f"VALUES (?, ?, ?, ?, {db.title_key_sql('?')}, 'imported')",
            [*row, "  " + row[3].upper() + " "],
        )


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
