"""The command line's store behaviours in both modes (issue 15): the same upload, re-upload, dry run, batch list
and undo through `--db FILE` and `--db postgresql://…` give the same counts; in server mode each change is in
PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from assistance.store.pg import connection, replica
from tests.conftest import REPO, run_cli

LOG = (
    "日期,帮扶高校,受援学校,帮扶举措,活动名称,参与教师人数\n"
    "2026-10-20,北师大,青龙一中,教研,两种模式一,3\n2026-11-03,北师大,青龙一中,跟岗,两种模式二,\n"
    "2026-11-04,北师大,不存在的学校,跟岗,两种模式三,1\n"
)


@pytest.fixture(params=["file", "server"])
def store(request, demo_db):
    """A `--db` value of each mode holding the demo data: the file, or a PostgreSQL store copied from it."""
    if request.param == "file":
        yield str(demo_db)
        return
    url = request.getfixturevalue("pg_demo_url")
    yield url
    replica.forget(url)


def cli_process_async(*args: str) -> subprocess.Popen:
    """`python -m assistance ARGS` started in its own process (English messages), not waited for."""
    env = {**os.environ, "ASSISTANCE_LANG": "en"}
    env.pop("ASSISTANCE_DB", None)
    return subprocess.Popen(
        [sys.executable, "-m", "assistance", *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_upload_reupload_dry_run_and_undo_give_the_same_counts_in_both_modes(store, tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    status, out, _ = run_cli(capsys, "ingest", str(log), "--db", store, "--dry-run", "--json")
    assert status == 1 and _json(out)["inserted"] == 2 and _json(out)["batch_id"] is None
    status, out, _ = run_cli(capsys, "ingest", str(log), "--db", store, "--json")
    first = _json(out)
    assert status == 1 and (first["inserted"], first["duplicates"], first["rejected"]) == (2, 0, 1)
    status, out, _ = run_cli(capsys, "ingest", str(log), "--db", store, "--json")
    assert (_json(out)["inserted"], _json(out)["duplicates"]) == (0, 2)
    status, out, _ = run_cli(capsys, "batches", "--db", store, "--json")
    listed = json.loads(out)
    assert listed[0]["batch_id"] == first["batch_id"] and listed[0]["inserted"] == 2
    if store.startswith("postgresql://"):
        with connection.connect(store) as pg:
            stored = pg.execute("SELECT count(*) FROM activities WHERE batch_id = %s", [first["batch_id"]])
            assert stored.fetchone()[0] == 2
            assert (
                pg.execute("SELECT count(*) FROM rejected_rows WHERE batch_id = %s", [first["batch_id"]]).fetchone()[0]
                == 1
            )
    status, out, _ = run_cli(capsys, "undo", str(first["batch_id"]), "--db", store)
    assert status == 0
    status, out, _ = run_cli(capsys, "ingest", str(log), "--db", store, "--json")
    assert _json(out)["inserted"] == 2  # undone rows may be added again


def test_init_builds_an_empty_store_once_and_then_changes_nothing(pg_url, capsys):
    status, out, _ = run_cli(capsys, "init", "--db", pg_url, "--empty")
    assert status == 0 and out.startswith(f"created {pg_url}") and "pairings 115" in out
    with connection.connect(pg_url) as pg:
        counts = pg.execute("SELECT (SELECT count(*) FROM pairings), (SELECT count(*) FROM activities)").fetchone()
        version = pg.execute("SELECT seq FROM _data_version").fetchone()[0]
    assert counts == (115, 0)
    status, out, _ = run_cli(capsys, "init", "--db", pg_url)
    assert status == 0 and "up to date" in out
    with connection.connect(pg_url) as pg:
        assert pg.execute("SELECT seq FROM _data_version").fetchone()[0] == version


def test_export_gives_the_same_file_from_a_file_and_from_its_store(demo_db, pg_demo_url, tmp_path, capsys):
    files = []
    for name, store in (("file.csv", str(demo_db)), ("server.csv", pg_demo_url)):
        status, _, err = run_cli(
            capsys, "export", "--db", store, "--university", "北京师范大学", "-o", str(tmp_path / name)
        )
        assert status == 0, err
        files.append((tmp_path / name).read_bytes())
    replica.forget(pg_demo_url)
    assert files[0] == files[1] and files[0].count(b"\n") > 10


def test_demo_refuses_a_store_and_names_the_way(pg_url, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    status, out, err = run_cli(capsys, "demo", "--db", pg_url, "--pairings", "200", "--activities", "1000")
    assert status == 2 and "store copy" in err and out == ""


def test_in_server_mode_commands_write_while_replicas_run_and_no_write_lock_refuses_them(pg_demo_url, tmp_path):
    """The file's one-writer rule (exit 2, "in use") is file mode's only: here a replica of this process holds
    the store open and watches it while two commands, each its own process, write to it at once."""
    from assistance.store.pg import replica as replicas

    model = replicas.shared(pg_demo_url)
    try:
        logs = []
        for n in (1, 2):
            log = tmp_path / f"log{n}.csv"
            log.write_text(LOG.replace("两种模式", f"多个写入者{n}-"), encoding="utf-8")
            logs.append(log)
        runs = [cli_process_async("ingest", str(log), "--db", pg_demo_url, "--json") for log in logs]
        results = [run.communicate(timeout=180) for run in runs]
        assert [run.returncode for run in runs] == [1, 1], results  # 1: a row was rejected, the rest went in
        assert [_json(out)["inserted"] for out, _ in results] == [2, 2]
        titles = "SELECT count(*) FROM activities WHERE title LIKE '多个写入者%'"
        deadline = time.monotonic() + 20
        while model.cursor().execute(titles).fetchone()[0] != 4:  # and this replica follows
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        replicas.forget(pg_demo_url)
