"""`python -m assistance problems import | problems export` as a user runs them (issue 10): the JSON object of every
import, exit codes 0, 1 and 2, a dry run that writes nothing, undo of a problem batch, the export that imports again
unchanged, and the database held by another process."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_process, database_held, run_cli, snapshot

IMPORT_KEYS = {"file", "kind", "rows", "inserted", "changed", "unchanged", "rejected", "batch_id", "errors"}
TABLES = ("problems", "problem_history", "upload_batches", "registry_changes")
HEADER = "帮扶高校,受援学校,受援县,省份,提出日期,提出方,类别,问题,问题描述,责任层级,状态,期限,处理结果"


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text(
        f"{HEADER}\n"
        "北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,处理中,2026-12-31,\n"
        ",,,甘肃,2026-10-01,省级,政策协调,全省县中教师编制核定滞后,,省级,,,\n"
        "北京师范大学,,青龙,,2026-10-05,学校,吃饭,未知类别,,高校,,,\n",
        encoding="utf-8-sig",
    )
    return path


def test_import_json_exit_codes_dry_run_and_undo(demo_db, problem_file, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    before = snapshot(demo_db, TABLES)
    status, out, _err = run_cli(capsys, "problems", "import", str(problem_file), "--db", str(demo_db), "--dry-run",
                                "--json")  # fmt: skip
    record = json.loads(out)
    assert status == 1 and set(record) == IMPORT_KEYS and record["kind"] == "problems"
    assert (record["rows"], record["inserted"], record["rejected"], record["batch_id"]) == (3, 2, 1, None)
    assert record["errors"][0]["line"] == 4 and record["errors"][0]["column"] == "类别"
    assert snapshot(demo_db, TABLES) == before

    status, out, _err = run_cli(capsys, "problems", "import", str(problem_file), "--db", str(demo_db))
    assert status == 1 and "2 inserted" in out and "line 4" in out
    batches = json.loads(run_cli(capsys, "batches", "--db", str(demo_db), "--json")[1])
    assert batches[0]["file"] == "台账.csv" and batches[0]["inserted"] == 2
    status, out, _err = run_cli(capsys, "undo", str(batches[0]["batch_id"]), "--db", str(demo_db))
    assert status == 0 and "undid batch" in out.lower()
    assert snapshot(demo_db, ("problems", "problem_history")) == {k: before[k] for k in ("problems", "problem_history")}


def test_a_clean_file_exits_0_and_an_unusable_one_2(demo_db, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(f"{HEADER}\n北京师范大学,,青龙,,2026-09-01,学校,师资,数学教师短缺,,县政府,,,\n", encoding="utf-8")
    assert run_cli(capsys, "problems", "import", str(good), "--db", str(demo_db))[0] == 0
    broken = tmp_path / "broken.csv"
    broken.write_text("这不是台账\n只有一列\n", encoding="utf-8")
    status, out, err = run_cli(capsys, "problems", "import", str(broken), "--db", str(demo_db), "--json")
    assert status == 2 and err.startswith("error:") and json.loads(out)["errors"][0]["line"] is None
    missing = tmp_path / "none.duckdb"
    assert run_cli(capsys, "problems", "import", str(good), "--db", str(missing))[0] == 2


def test_export_then_import_again_changes_nothing_and_a_held_database_is_one_line(demo_db, tmp_path):
    out = tmp_path / "problems.xlsx"
    result = cli_process("problems", "export", "--db", str(demo_db), "-o", str(out))
    assert result.returncode == 0 and "problems" in result.stdout and out.exists()
    result = cli_process("problems", "import", str(out), "--db", str(demo_db), "--dry-run", "--json")
    record = json.loads(result.stdout)
    assert result.returncode == 0 and record["unchanged"] == record["rows"] > 0 and record["rejected"] == 0
    with database_held(demo_db):
        result = cli_process("problems", "import", str(out), "--db", str(demo_db))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
