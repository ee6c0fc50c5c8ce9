"""`python -m assistance ingest | batches | undo` as a user runs them: exit codes, JSON shapes, one-line
errors, and a database held by another process (exit 2, nothing changed).

Exit codes and the lock are checked in real subprocesses; the output details run `cli.main` in-process
(same code, no interpreter start-up) to keep the suite fast."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_process, database_held, run_cli, snapshot
from tests.corpus import VALID, ZH, to_csv

INGEST_KEYS = {"file", "rows", "inserted", "duplicates", "rejected", "batch_id", "errors"}
ERROR_KEYS = {"line", "column", "value", "message"}
BATCH_KEYS = {"batch_id", "file", "sha256", "rows", "inserted", "duplicates", "rejected", "uploaded_by",
              "uploaded_at", "undone"}  # fmt: skip


TABLES = ("activities", "upload_batches", "rejected_rows")


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(to_csv([ZH, *VALID]), encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad_row = ["2023-09-01", "北师大", "青龙一中", "", "吃饭", "命令行坏行", "1", "1", "1", ""]
    bad.write_bytes(to_csv([ZH, VALID[0], bad_row]).encode("gbk"))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)))
    return good, bad, junk


def test_ingest_exit_codes_in_a_subprocess(demo_db, files):
    good, bad, junk = files
    done = cli_process("ingest", str(good), "--db", str(demo_db))
    assert done.returncode == 0, done.stderr
    assert f"{len(VALID)} inserted" in done.stdout
    done = cli_process("ingest", str(bad), "--db", str(demo_db))
    assert done.returncode == 1 and "line 3" in done.stdout
    done = cli_process("ingest", str(junk), "--db", str(demo_db))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "junk.csv" in done.stderr
    assert "Traceback" not in done.stderr


def test_ingest_json_one_object_per_file(demo_db, files, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    good, bad, junk = files
    status, out, _err = run_cli(capsys, "ingest", str(good), "--db", str(demo_db), "--json")
    assert status == 0
    (report,) = [json.loads(line) for line in out.splitlines()]
    assert set(report) == INGEST_KEYS
    assert (report["rows"], report["inserted"], report["rejected"], report["errors"]) == (len(VALID), len(VALID), 0, [])

    status, out, err = run_cli(capsys, "ingest", str(good), str(bad), str(junk), "--db", str(demo_db), "--json")
    assert status == 2
    reports = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in reports] == ["good.csv", "bad.csv", "junk.csv"]
    again, partial, unusable = reports
    assert all(set(r) == INGEST_KEYS for r in reports)
    assert (again["inserted"], again["duplicates"]) == (0, len(VALID))
    assert (partial["rows"], partial["inserted"], partial["duplicates"], partial["rejected"]) == (2, 0, 1, 1)
    (error,) = partial["errors"]
    assert set(error) == ERROR_KEYS and (error["line"], error["column"], error["value"]) == (3, "帮扶举措", "吃饭")
    assert "unknown measure" in error["message"]
    assert unusable["batch_id"] is None
    assert len(err.strip().splitlines()) == 1 and "junk.csv" in err

    status, _out, err = run_cli(capsys, "ingest", str(good.with_name("missing.csv")), "--db", str(demo_db))
    assert status == 2 and len(err.strip().splitlines()) == 1


def test_dry_run_and_strict_write_nothing(demo_db, files, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    good, bad, _junk = files
    before = snapshot(demo_db, TABLES)
    status, out, _err = run_cli(capsys, "ingest", str(good), str(bad), "--db", str(demo_db), "--dry-run", "--json")
    assert status == 1
    assert [json.loads(line)["inserted"] for line in out.splitlines()] == [len(VALID), 1]
    status, out, _err = run_cli(capsys, "ingest", str(bad), "--db", str(demo_db), "--strict")
    assert status == 1 and "nothing was committed" in out
    assert snapshot(demo_db, TABLES) == before


def test_batches_and_undo(demo_db, files, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    good, bad, _junk = files
    assert run_cli(capsys, "ingest", str(good), str(bad), "--db", str(demo_db), "--uploaded-by", "张老师")[0] == 1
    status, out, _err = run_cli(capsys, "batches", "--db", str(demo_db), "--json")
    assert status == 0
    batches = json.loads(out)
    # bad.csv's one valid row is also in good.csv: nothing to add, so no (empty) batch for it.
    assert [b["file"] for b in batches] == ["good.csv"]
    assert all(set(b) == BATCH_KEYS for b in batches)
    assert batches[0]["uploaded_by"] == "张老师" and batches[0]["undone"] is False
    good_batch = batches[0]["batch_id"]
    before = snapshot(demo_db, TABLES)
    status, out, _err = run_cli(capsys, "undo", str(good_batch), "--db", str(demo_db))
    assert status == 0 and f"removed {len(VALID)}" in out
    assert snapshot(demo_db, TABLES)["activities"][0] == before["activities"][0] - len(VALID)
    status, out, err = run_cli(capsys, "undo", str(good_batch), "--db", str(demo_db))
    assert status == 0 and "already undone" in out and not err
    status, _out, err = run_cli(capsys, "undo", "99999", "--db", str(demo_db))
    assert status == 1 and len(err.strip().splitlines()) == 1
    status, out, _err = run_cli(capsys, "batches", "--db", str(demo_db))
    assert status == 0 and "Undone" in out and "张老师" in out
    assert json.loads(run_cli(capsys, "batches", "--db", str(demo_db), "--json")[1])[0]["undone"] is True


def test_a_database_held_by_another_process_gives_exit_2_and_changes_nothing(demo_db, files):
    good, _bad, _junk = files
    before = snapshot(demo_db, TABLES)
    with database_held(demo_db):
        for args in (("ingest", str(good)), ("ingest", str(good), "--dry-run"), ("undo", "1")):
            done = cli_process(*args, "--db", str(demo_db))
            assert done.returncode == 2, (args, done.stdout, done.stderr)
            lines = done.stderr.strip().splitlines()
            assert len(lines) == 1 and "in use" in lines[0], lines
            assert "Traceback" not in done.stderr
    assert snapshot(demo_db, TABLES) == before


def test_a_missing_database_is_not_created(tmp_path, files, capsys):
    good, _bad, _junk = files
    target = tmp_path / "nowhere.duckdb"
    status, _out, err = run_cli(capsys, "ingest", str(good), "--db", str(target))
    assert status == 2 and "init" in err
    assert not target.exists()
