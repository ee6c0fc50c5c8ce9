"""`python -m assistance users add|list|disable|reset` (issue 12): the password read from standard input and never
shown again (not on stdout or stderr, not in the audit trail), each refusal one line on stderr with exit status 2
and nothing written, each change recorded as `cli:<operating-system user>`; a command-line import is recorded the
same way."""

from __future__ import annotations

import getpass
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from assistance.access.accounts import add_account, sign_in
from tests.conftest import REPO, database_held, run_cli, snapshot
from tests.corpus import VALID, ZH, to_csv

PASSWORD = "Sesame-open-7731"
NEW_PASSWORD = "Another-secret-9902"
CLI_USER = f"cli:{getpass.getuser()}"


@pytest.fixture
def db(demo_db, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    return str(demo_db)


class Users:
    """`users …` in this process, with a line on standard input; every output kept to search for the password."""

    def __init__(self, capsys, monkeypatch, db: str):
        self.capsys, self.monkeypatch, self.db = capsys, monkeypatch, db
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status, out, err = run_cli(self.capsys, "users", *args, "--db", self.db)
        self.outputs += [out, err]
        return status, out, err


@pytest.fixture
def users(capsys, monkeypatch, db) -> Users:
    return Users(capsys, monkeypatch, db)


def read(db: str, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def audit(db: str) -> list[tuple]:
    return read(db, "SELECT username, role, action, target, batch_id FROM audit_overview ORDER BY event_id")


def test_add_list_disable_reset_and_the_password_is_never_shown(users, db):
    status, out, err = users("add", "bnu1", "--role", "university", "--university", "北师大", "--password-stdin",
                             stdin=PASSWORD + "\n")  # fmt: skip
    assert (status, err) == (0, "") and "bnu1" in out and "university" in out
    assert users("add", "guangxi1", "--role", "province", "--province", "广西", "--password-stdin",
                 stdin=PASSWORD + "\r\n")[0] == 0  # fmt: skip
    assert users("add", "corps1", "--role", "province", "--province", "660000", "--password-stdin",
                 stdin=PASSWORD + "\n")[0] == 0  # fmt: skip
    assert users("add", "qinglong", "--role", "school", "--school", "青龙一中", "--password-stdin",
                 stdin=PASSWORD + "\n")[0] == 0  # fmt: skip
    assert users("add", "boss", "--role", "ministry", "--password-stdin", stdin=PASSWORD + "\nsecond line\n")[0] == 0

    status, out, err = users("list")
    assert (status, err) == (0, "")
    listed = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()}
    assert set(listed) == {"bnu1", "guangxi1", "corps1", "qinglong", "boss"}
    assert listed["bnu1"][1:3] == ["university", "北京师范大学"]
    assert listed["guangxi1"][1:3] == ["province", "450000"]
    assert listed["corps1"][1:3] == ["province", "660000"]
    assert listed["qinglong"][1:3] == ["school", "青龙满族自治县第一中学"]
    assert listed["boss"][1] == "ministry"
    assert not any("disabled" in line for line in out.splitlines())

    status, out, err = users("disable", "bnu1")
    assert status == 0 and "bnu1" in out and not err
    status, out, err = users("reset", "guangxi1", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert status == 0 and "guangxi1" in out and not err

    status, out, _err = users("list", "--json")
    assert status == 0
    records = {record["username"]: record for record in json.loads(out)}
    assert set(records["bnu1"]) == {"username", "role", "province", "university", "school", "identity", "disabled"}
    assert (records["bnu1"]["university"], records["bnu1"]["disabled"]) == ("北京师范大学", True)
    assert (records["guangxi1"]["province"], records["guangxi1"]["disabled"]) == ("450000", False)
    assert records["qinglong"]["school"] == "青龙满族自治县第一中学"
    text = {line.split("\t")[0]: line for line in users("list")[1].splitlines()}
    assert text["bnu1"].endswith("disabled") and "disabled" not in text["guangxi1"]

    con = duckdb.connect(db)
    try:
        assert sign_in(con, "bnu1", PASSWORD).account is None  # disabled
        assert sign_in(con, "guangxi1", PASSWORD).account is None  # reset
        assert sign_in(con, "guangxi1", NEW_PASSWORD).account.province_code == "450000"
        assert sign_in(con, "boss", PASSWORD).account.role == "ministry"  # the first line of stdin only
    finally:
        con.close()

    hashes = read(db, "SELECT password_hash FROM accounts")
    assert len(hashes) == 5 and all(row[0].startswith("$argon2") for row in hashes)
    trail = audit(db)
    assert [row[:4] for row in trail] == [
        (CLI_USER, "cli", "user_add", "bnu1"),
        (CLI_USER, "cli", "user_add", "guangxi1"),
        (CLI_USER, "cli", "user_add", "corps1"),
        (CLI_USER, "cli", "user_add", "qinglong"),
        (CLI_USER, "cli", "user_add", "boss"),
        (CLI_USER, "cli", "user_disable", "bnu1"),
        (CLI_USER, "cli", "user_reset", "guangxi1"),
    ]
    everything = (
        "\n".join(users.outputs)
        + repr(read(db, "SELECT * FROM audit_overview"))
        + repr(read(db, "SELECT * FROM accounts"))
    )
    for secret in (PASSWORD, NEW_PASSWORD, "second line"):
        assert secret not in everything


REFUSALS = [
    (["add", "x1", "--role", "boss", "--password-stdin"], PASSWORD, "boss"),
    (["add", "x1", "--role", "university", "--password-stdin"], PASSWORD, "--university"),
    (["add", "x1", "--role", "province", "--password-stdin"], PASSWORD, "--province"),
    (["add", "x1", "--role", "school", "--password-stdin"], PASSWORD, "--school"),
    (["add", "x1", "--role", "ministry", "--university", "北师大", "--password-stdin"], PASSWORD, "ministry"),
    (["add", "x1", "--role", "university", "--university", "北师大", "--province", "广西", "--password-stdin"],
     PASSWORD, "university"),
    (["add", "x1", "--role", "university", "--university", "不存在大学", "--password-stdin"], PASSWORD, "不存在大学"),
    (["add", "x1", "--role", "province", "--province", "北京", "--password-stdin"], PASSWORD, "北京"),
    (["add", "x1", "--role", "province", "--province", "999999", "--password-stdin"], PASSWORD, "999999"),
    (["add", "x1", "--role", "school", "--school", "无此中学", "--password-stdin"], PASSWORD, "无此中学"),
    (["add", "taken", "--role", "ministry", "--password-stdin"], PASSWORD, "taken"),
    (["add", "x1", "--role", "ministry", "--password-stdin"], "short", "8"),
    (["add", "x1", "--role", "ministry", "--password-stdin"], "", "8"),
    (["add", "x1", "--role", "ministry"], PASSWORD, "--password-stdin"),
    (["add", "x" * 10_000, "--role", "ministry", "--password-stdin"], PASSWORD, "64"),
    (["add", "two words", "--role", "ministry", "--password-stdin"], PASSWORD, "64"),
    (["disable", "nobody"], "", "nobody"),
    (["reset", "nobody", "--password-stdin"], NEW_PASSWORD, "nobody"),
    (["reset", "taken", "--password-stdin"], "short", "8"),
]  # fmt: skip


@pytest.fixture(scope="module")
def refusals_db(demo_db_template, tmp_path_factory) -> str:
    """One database for the refusals (each must leave it as it was), holding the account `taken`."""
    path = tmp_path_factory.mktemp("users_refused") / "refused.duckdb"
    shutil.copy(demo_db_template, path)
    con = duckdb.connect(str(path))
    try:
        add_account(con, "taken", "ministry", PASSWORD)
    finally:
        con.close()
    return str(path)


@pytest.mark.parametrize(("args", "stdin", "named"), REFUSALS, ids=[f"{i}-{r[0][0]}" for i, r in enumerate(REFUSALS)])
def test_each_refusal_is_one_line_on_stderr_with_status_2_and_writes_nothing(
    capsys, monkeypatch, refusals_db, args, stdin, named
):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    users = Users(capsys, monkeypatch, refusals_db)
    db = refusals_db
    before = snapshot(Path(db), ("accounts", "audit_log", "sessions"))
    status, out, err = users(*args, stdin=stdin + "\n" if stdin else "")
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:"), err
    assert named in err and len(err) < 400 and "Traceback" not in err
    assert snapshot(Path(db), ("accounts", "audit_log", "sessions")) == before
    for secret in (PASSWORD, NEW_PASSWORD):
        assert secret not in out + err


def test_a_command_line_import_is_recorded_as_the_operating_system_user(db, tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text(to_csv([ZH, *VALID]), encoding="utf-8")
    status, _out, _err = run_cli(capsys, "ingest", str(log), "--db", db, "--uploaded-by", "bnu1")
    assert status == 0
    ((batch_id, uploaded_by),) = read(db, "SELECT batch_id, uploaded_by FROM upload_batches")
    assert uploaded_by == "bnu1"  # the name given, as before
    assert audit(db) == [(CLI_USER, "cli", "upload", "log.csv", batch_id)]  # but the trail names who ran it
    status, _out, _err = run_cli(capsys, "undo", str(batch_id), "--db", db)
    assert status == 0
    assert audit(db)[-1] == (CLI_USER, "cli", "undo", None, batch_id)


def test_a_real_process_reads_the_password_from_standard_input(db):
    env = {**os.environ, "ASSISTANCE_LANG": "en"}
    env.pop("ASSISTANCE_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "assistance", "users", "add", "first", "--role", "ministry", "--password-stdin",
         "--db", db],
        cwd=REPO, env=env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    con = duckdb.connect(db)
    try:
        assert sign_in(con, "first", PASSWORD).account.role == "ministry"
    finally:
        con.close()


class Crash(RuntimeError):
    """The process dies while the audit row is being written."""


def crash(*_args, **_kwargs):
    raise Crash("killed while writing the audit row")


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("add", "newcomer", "--role", "ministry", "--password-stdin"), PASSWORD),
        (("disable", "taken"), ""),
        (("reset", "taken", "--password-stdin"), NEW_PASSWORD),
    ],
    ids=["add", "disable", "reset"],
)
def test_an_account_change_and_its_audit_row_are_one_transaction(users, db, monkeypatch, args, stdin):
    """A crash while the audit row is written leaves no unaudited change: the change is rolled back with it."""
    from assistance.access import audit as audit_module

    con = duckdb.connect(db)
    try:
        add_account(con, "taken", "ministry", PASSWORD)
    finally:
        con.close()
    before = snapshot(Path(db), ("accounts", "audit_log", "sessions"))
    with monkeypatch.context() as patched:
        patched.setattr(audit_module, "record", crash)
        with pytest.raises(Crash):
            users(*args, stdin=stdin + "\n" if stdin else "")
    assert snapshot(Path(db), ("accounts", "audit_log", "sessions")) == before
    status, _out, err = users(*args, stdin=stdin + "\n" if stdin else "")  # again, to the end: changed and recorded
    assert status == 0, err
    assert audit(db) == [(CLI_USER, "cli", f"user_{args[0]}", args[1], None)]


def test_while_the_app_holds_the_database_a_users_command_says_to_stop_the_app(users, db, monkeypatch):
    """File mode: the running app holds the file and has no page for accounts, so the way is to stop it."""
    commands = [("add", "x1", "--role", "ministry", "--password-stdin"), ("disable", "x1"),
                ("reset", "x1", "--password-stdin"), ("list",)]  # fmt: skip
    with database_held(Path(db)):
        for args in commands:
            status, out, err = users(*args, stdin=PASSWORD + "\n")
            assert (status, out) == (2, ""), args
            assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
            assert "stop the app" in err and db in err, err
            assert "Upload" not in err, "accounts have no page in the app"
        monkeypatch.setenv("ASSISTANCE_LANG", "zh")
        status, _out, err = users("disable", "x1")
        assert status == 2 and "先停止使用这个数据库文件的应用" in err
