"""`registry import | registry export | plans import | undo` as a user runs them, the schema they need (migration
3, the stable views), and `init` loading the verified and demo lists through the registry import."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from assistance.bootstrap import initialise
from assistance.registry.export import export_registry
from assistance.registry.importer import RegistryImport
from assistance.store import db
from tests.conftest import cli_process, database_held, run_cli, snapshot

IMPORT_KEYS = {"file", "kind", "rows", "inserted", "changed", "unchanged", "rejected", "batch_id", "errors"}
ERROR_KEYS = {"line", "column", "value", "message"}
TABLES = ("universities", "university_aliases", "schools", "school_aliases", "pairings", "plan_targets", "activities")


@pytest.fixture
def registry_file(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        "帮扶单位,省份,受援县,受援学校,层级,协议开始日期\n"
        "甘肃农业大学,甘肃,榆中,榆中县第一中学,省级,2023-09-01\n"
        "北京师范大学,,新城区,某中学,,\n",
        encoding="utf-8-sig",
    )
    return path


def test_registry_import_json_exit_codes_and_undo(demo_db, registry_file, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    before = snapshot(demo_db, TABLES)
    status, out, _err = run_cli(capsys, "registry", "import", str(registry_file), "--db", str(demo_db), "--dry-run",
                             "--json")  # fmt: skip
    record = json.loads(out)
    assert status == 1 and set(record) == IMPORT_KEYS and record["kind"] == "registry"
    assert (record["rows"], record["inserted"], record["rejected"], record["batch_id"]) == (2, 1, 1, None)
    assert set(record["errors"][0]) == ERROR_KEYS and record["errors"][0]["line"] == 3
    assert snapshot(demo_db, TABLES) == before

    status, out, _err = run_cli(capsys, "registry", "import", str(registry_file), "--db", str(demo_db))
    assert status == 1 and "1 inserted" in out and "line 3" in out and "new supporting party: 甘肃农业大学" in out
    batches = json.loads(run_cli(capsys, "batches", "--db", str(demo_db), "--json")[1])
    assert batches[0]["file"] == "registry.csv"
    status, out, _err = run_cli(capsys, "undo", str(batches[0]["batch_id"]), "--db", str(demo_db))
    assert status == 0 and "Undid batch" in out
    assert snapshot(demo_db, TABLES) == before


def test_plans_import_from_the_command_line(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    path = tmp_path / "plans.csv"
    path.write_text("帮扶高校,受援学校,学年,帮扶举措,目标次数\n北师大,青龙一中,2023-2024,教研,6\n", encoding="utf-8")
    status, out, _err = run_cli(capsys, "plans", "import", str(path), "--db", str(demo_db), "--json")
    record = json.loads(out)
    assert status == 0 and record["kind"] == "plans" and (record["inserted"], record["rejected"]) == (1, 0)


def test_an_unusable_file_is_one_line_and_exit_2(demo_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    log = tmp_path / "log.csv"
    log.write_text(
        "日期,帮扶高校,受援学校,帮扶举措,活动名称\n2023-09-01,北师大,青龙一中,教研,集体备课\n", encoding="utf-8"
    )
    status, out, err = run_cli(capsys, "registry", "import", str(log), "--db", str(demo_db), "--json")
    assert status == 2 and len(err.strip().splitlines()) == 1 and "Upload activities" in err
    assert json.loads(out)["errors"][0]["line"] is None
    status, _out, err = run_cli(capsys, "registry", "import", str(tmp_path / "missing.csv"), "--db", str(demo_db))
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_a_database_held_by_another_process_gives_exit_2(demo_db, registry_file, tmp_path):
    before = snapshot(demo_db, TABLES)
    with database_held(demo_db):
        for args in (("registry", "import", str(registry_file)), ("plans", "import", str(registry_file)),
                     ("registry", "export", "-o", str(tmp_path / "x.csv")), ("undo", "1")):  # fmt: skip
            done = cli_process(*args, "--db", str(demo_db), timeout=120)
            lines = done.stderr.strip().splitlines()
            assert done.returncode == 2 and len(lines) == 1 and "in use" in lines[0], (args, done.stderr)
    assert snapshot(demo_db, TABLES) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exporting_then_importing_changes_nothing(demo_db, tmp_path, capsys, fmt):
    con = duckdb.connect(str(demo_db))
    try:
        data = (
            "帮扶单位,省份,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源\n"
            "甘肃农业大学,甘肃,榆中,榆中县第一中学（高中部）,榆中一中,省级,2023-09-01,2026-08-31,2,=来源\n"
            "兰州市第一中学,甘肃,城关区,兰州某中学,,市级,2024-09-01,,,\n"
        )
        RegistryImport(con, data.encode(), "r.csv").run()
    finally:
        con.close()
    output = tmp_path / f"registry.{fmt}"
    status, out, _err = run_cli(capsys, "registry", "export", "--db", str(demo_db), "-o", str(output))
    assert status == 0 and "31" in out  # 29 verified + 2 imported; demo pairings are not the registry
    before = snapshot(demo_db, TABLES)
    status, out, _err = run_cli(capsys, "registry", "import", str(output), "--db", str(demo_db), "--json")
    record = json.loads(out)
    assert status == 0 and (record["rows"], record["unchanged"]) == (31, 31), record
    assert snapshot(demo_db, TABLES) == before
    status, out, _err = run_cli(capsys, "registry", "export", "--db", str(demo_db), "--tier", "省级", "-o",
                             str(tmp_path / "p.csv"))  # fmt: skip
    assert status == 0 and (tmp_path / "p.csv").read_text(encoding="utf-8-sig").count("\n") == 2
    assert run_cli(capsys, "registry", "export", "--db", str(demo_db), "--tier", "县级", "-o", str(output))[0] == 2


# ---------------------------------------------------------------------------------------------------------
# Schema and init


def test_a_v2_file_holding_rows_is_migrated_to_v3(tmp_path):
    path = tmp_path / "v2.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con, target=2)
    con.execute("INSERT INTO universities VALUES (1, '北京师范大学', 'BNU', 'university', '北京市', '110108', 1, 2)")
    con.execute("INSERT INTO counties VALUES ('130321', '青龙满族自治县', '秦皇岛市', '130000', 1, 2)")
    con.execute("INSERT INTO schools VALUES (1, '青龙满族自治县第一中学', '130321')")
    con.execute("INSERT INTO pairings VALUES (1, 1, 1, 'national', DATE '2022-09-01', 'verified', 'high', 'src')")
    con.execute("INSERT INTO plan_targets VALUES (1, 2023, 'other', 3, 'demo')")
    con.execute(
        "INSERT INTO upload_batches (batch_id, file_name, sha256, size_bytes, rows, inserted, duplicates, rejected, "
        "uploaded_at) VALUES (1, 'a.csv', 'x', 1, 1, 1, 0, 0, now())"
    )
    con.close()
    report = initialise(path)
    assert report.migrations == [m.version for m in db.MIGRATIONS if m.version > 2]
    con = duckdb.connect(str(path), read_only=True)
    assert con.execute("SELECT pinyin FROM name_keys WHERE name = '北京师范大学'").fetchall() == [
        ("bei3 jing1 shi1 fan4 da4 xue2",)
    ], "v4: the names written before it get their sort keys"
    assert con.execute("SELECT * FROM pairing_overview").fetchall()[0][-4:] == (date(2022, 9, 1), None, 1, "university")
    assert con.execute("SELECT national, kind FROM universities").fetchall() == [(True, "university")]
    assert con.execute("SELECT * FROM plan_overview").fetchall() == [(1, 2023, "other", 3, "demo", None)]
    assert con.execute("SELECT kind, changed, unchanged FROM upload_batches").fetchall() == [("activities", 0, 0)]
    con.close()
    con = duckdb.connect(str(path))
    con.execute(
        "INSERT INTO universities (university_id, name_zh, name_en, kind) VALUES (2, '某中学', '某中学', 'high_school')"
    )
    con.close()


def test_init_loads_the_verified_and_demo_lists_through_the_registry_import(demo_db_template):
    con = duckdb.connect(str(demo_db_template), read_only=True)
    first = con.execute("SELECT pairing_id, university, school, provenance FROM pairing_overview "
                        "WHERE pairing_id IN (1, 29, 30, 38, 115) ORDER BY 1").fetchall()  # fmt: skip
    assert first[0] == (1, "北京师范大学", "青龙满族自治县第一中学", "verified")
    assert first[1][3] == "verified" and first[2][3] == "demo"
    assert first[3] == (38, "北京师范大学", "融安县示例中学", "demo") and first[4][0] == 115
    assert con.execute("SELECT count(*) FROM upload_batches").fetchone()[0] == 0  # part of the build, no batch
    assert con.execute("SELECT count(*) FROM registry_changes").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM school_aliases WHERE alias = '青龙一中'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM pairings WHERE start_date <> DATE '2022-09-01' OR cycle <> 1 "
                       "OR end_date IS NOT NULL").fetchone()[0] == 0  # fmt: skip


def test_registry_export_of_the_verified_list_matches_the_reference_file(demo_db_template):
    con = duckdb.connect(str(demo_db_template), read_only=True)
    data, count = export_registry(con, "csv", lang="en")
    con.close()
    assert count == 29
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1].startswith(
        "北京师范大学,河北省,秦皇岛市,青龙满族自治县,130321,青龙满族自治县第一中学,青龙一中,national"
    )


def test_an_empty_registry_export_still_has_the_header(tmp_path):
    path = tmp_path / "e.duckdb"
    con = duckdb.connect(str(path))
    db.migrate(con)
    data, count = export_registry(con, "csv")
    con.close()
    assert count == 0 and data.decode("utf-8-sig").startswith("帮扶单位,")
