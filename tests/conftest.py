"""Shared fixtures: a demo database and an `init --empty` one built once per run (and connections to private
copies), one throwaway PostgreSQL cluster per session with a fresh database per test (server mode), AppTest runs
that start at app.py as the server's do, a live Streamlit server, a Playwright page that aborts and counts every
request not addressed to this machine; the command line run in-process; table snapshots for "nothing changed"
checks."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.bootstrap import initialise  # noqa: E402
from scripts.devserver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_TODAY,
    apptest_runs_like_the_server,
    block_external,
    serve,
    wait_for_app,
)

__all__ = [
    "DEMO_TODAY", "REPO", "TEST_PASSWORD", "OfflinePage", "add_test_account", "cli_process", "database_held",
    "menu_pages", "open_page", "run_at", "run_cli", "serve_streamlit", "sign_in_app", "sign_in_browser", "snapshot",
    "wait_for_app",
]  # fmt: skip
TEST_PASSWORD = "password-for-tests"
OVERVIEW = "pages/overview.py"


@pytest.fixture(scope="session", autouse=True)
def _apptest_runs_app_py():
    """Every AppTest run of every test executes app.py's shell and then the page, as `streamlit run` does
    (see `apptest_runs_like_the_server`); a rerun or a widget interaction no longer runs the page file alone."""
    with apptest_runs_like_the_server():
        yield


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes_in_process():
    """Accounts created and signed in inside the test process hash with argon2's cheapest parameters: the same
    code path and an argon2id hash (the parameters travel in the hash), at a thousandth of the CPU. The servers
    and command lines that tests start as processes keep the real cost."""
    from argon2 import PasswordHasher, profiles

    from assistance.access import accounts

    real = accounts._HASHER
    accounts._HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    yield
    accounts._HASHER = real


def open_page(page: str, lang: str = "zh", *, account: dict | None = None, **params):
    """AppTest of `app.py` with URL params, run once, then switched to `page` (the overview is the default).
    `account` (sign_in_app's arguments, e.g. {"username": "ministry", "role": "ministry"}) signs in an account of
    the database ASSISTANCE_DB names first."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    if account is not None:
        sign_in_app(app, Path(os.environ["ASSISTANCE_DB"]), **account)
    if lang == "en":
        app.query_params["lang"] = "en"
    for key, value in params.items():
        app.query_params[key] = value
    return run_at(app, page)


def menu_pages() -> list[str]:
    """Every page of app.py's menu (st.navigation), by file, in menu order."""
    return re.findall(r'st\.Page\(\s*"(pages/[^"]+\.py)"', (REPO / "app.py").read_text(encoding="utf-8"))


def run_at(app, page: str):
    """The first run of `app` straight on `page`, as a browser's first visit to its address (/universities): app.py
    runs once and st.navigation picks the page (AppTest hashes the file's name, which is each page's url_path)."""
    if page != OVERVIEW:
        app.switch_page(page)
    app.run()
    if page != OVERVIEW and not _ran(app, page):  # a page whose url_path is not its file name: go through the menu
        app.switch_page(page)
        app.run()
    return app


def _ran(app, page: str) -> bool:
    """Whether the last run of `app` ended on `page` (AppTest keeps no public record of the page it ran)."""
    ran = app._registered_pages.get(app._finished_page_script_hash, {}).get("script_path")
    return ran is not None and Path(str(ran)).resolve() == (REPO / page).resolve()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """A demo database built once per test session; copy it, never write to it."""
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    initialise(path, today=DEMO_TODAY)
    return path


@pytest.fixture
def demo_db(demo_db_template, tmp_path) -> Path:
    """A private, writable copy of the demo database for one test."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture
def demo_con(demo_db) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to this test's private copy of the demo database."""
    connection = duckdb.connect(str(demo_db))
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def empty_db_template(tmp_path_factory) -> Path:
    """`init --empty`, built once per test session: reference data and the 115 national pairings (29 verified,
    86 demo), no plans, no activities. Copy it, never write to it."""
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    initialise(path, empty=True)
    return path


@pytest.fixture
def empty_con(empty_db_template, tmp_path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a private, writable copy of the `init --empty` database for one test."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(empty_db_template, path)
    connection = duckdb.connect(str(path))
    yield connection
    connection.close()


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """`python -m assistance ARGS` through `cli.main` in this process (the same code without an interpreter
    start-up): (exit status, stdout, stderr)."""
    from assistance.cli.main import main

    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def cli_process(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m assistance ARGS` in a real subprocess, as a user runs it: English messages, and the database
    only as `--db` names it (not this test run's ASSISTANCE_DB)."""
    env = {**os.environ, "ASSISTANCE_LANG": "en"}
    env.pop("ASSISTANCE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "assistance", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


@contextlib.contextmanager
def database_held(path: Path) -> Iterator[None]:
    """Another process holds the database at `path` open (DuckDB's file lock) for the block."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def snapshot(target: duckdb.DuckDBPyConnection | Path, tables: Sequence[str]) -> dict[str, tuple]:
    """Each table's (row count, hash of its rows), read through a connection or from a database file (opened
    read-only), so that a test can say "nothing changed"."""
    con = target if isinstance(target, duckdb.DuckDBPyConnection) else duckdb.connect(str(target), read_only=True)
    try:
        return {table: con.execute(f"SELECT count(*), sum(hash(x)) FROM {table} x").fetchone() for table in tables}
    finally:
        if con is not target:
            con.close()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One throwaway PostgreSQL cluster per test session (scripts/pgcluster.py; scripts/test.sh installs Debian's
    postgresql), with the migrated, empty store as the database `store_template`; yields the server's URL."""
    from assistance.store.pg import connection, schema
    from scripts.pgcluster import cluster, database_url, pg_bin

    assert pg_bin() is not None, "PostgreSQL is not installed: apt-get install postgresql (scripts/test.sh does)"
    with cluster() as url:
        with connection.connect(url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE store_template")
        with connection.connect(database_url(url, "store_template")) as template:
            schema.migrate(template)
        yield url


@pytest.fixture(scope="session")
def pg_demo_template(pg_server, demo_db_template) -> str:
    """The demo database copied into PostgreSQL once per session (`store copy`): the database `demo_template`."""
    from assistance.store.pg import connection, copy
    from scripts.pgcluster import database_url

    with connection.connect(pg_server, autocommit=True) as admin:
        admin.execute("CREATE DATABASE demo_template TEMPLATE store_template")
    copy.file_to_pg(demo_db_template, database_url(pg_server, "demo_template"))
    return "demo_template"


_pg_databases = iter(range(1, 1_000_000))


def fresh_pg_database(server: str, template: str) -> Iterator[str]:
    """A new database cloned from `template` for one test (a file copy: no migration, no load), dropped after it;
    for a fixture to `yield from`."""
    from assistance.store.pg import connection
    from scripts.pgcluster import database_url

    name = f"test_{next(_pg_databases)}"
    with connection.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield database_url(server, name)
    with connection.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_server) -> Iterator[str]:
    """The URL of a fresh PostgreSQL store for this test: migrated, no rows."""
    yield from fresh_pg_database(pg_server, "store_template")


@pytest.fixture
def pg_demo_url(pg_server, pg_demo_template) -> Iterator[str]:
    """The URL of a fresh PostgreSQL store holding the demo database, for this test."""
    yield from fresh_pg_database(pg_server, pg_demo_template)


@pytest.fixture(scope="session")
def app_db(demo_db_template, tmp_path_factory) -> Path:
    """The database AppTest runs use (one per session: the app caches its connection by path)."""
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copy(demo_db_template, path)
    os.environ["ASSISTANCE_DB"] = str(path)
    return path


def serve_streamlit(path: Path, **options) -> Iterator[str]:
    """`streamlit run app.py` over the database at `path`, for a fixture to `yield from` (stops at teardown);
    `options` go to scripts.devserver.serve (env, options)."""
    with serve(path, **options) as base:
        yield base


def add_test_account(db_path: Path, username: str = "ministry", role: str = "ministry", **scope: str) -> None:
    """Create an account (password TEST_PASSWORD) in the database file at `db_path`, as `users add` would."""
    from assistance.access.accounts import add_account, get_account

    con = duckdb.connect(str(db_path))
    try:
        if get_account(con, username) is None:
            add_account(con, username, role, TEST_PASSWORD, **scope)
    finally:
        con.close()


def sign_in_app(app, db_path: Path, username: str = "ministry", role: str = "ministry", **scope: str) -> None:
    """Give an AppTest a signed-in session of an account (created if missing): the session the sign-in form starts
    (the form itself is tested in tests/access and in the browser)."""
    from assistance.access.sessions import start_session

    add_test_account(db_path, username, role, **scope)
    con = duckdb.connect(str(db_path))
    try:
        app.session_state["_session_token"] = start_session(con, username)
    finally:
        con.close()


def sign_in_browser(page, url: str, username: str = "ministry", password: str = TEST_PASSWORD) -> None:
    """Open `url` in a real browser and sign in through the form (用户名 / 密码 / 登录); wait for the app."""
    page.goto(url)
    wait_for_app(page, timeout=60_000)
    # A bare address reruns once at once (web.shell.route_while_signing_in) and the form's fields get new ids:
    # wait_for_app can return between the two runs, and what is typed into the first run's form is dropped.
    page.wait_for_timeout(800)
    wait_for_app(page, timeout=60_000)
    page.get_by_label("用户名").or_(page.get_by_label("Username")).first.fill(username)
    page.get_by_label("密码", exact=True).or_(page.get_by_label("Password", exact=True)).first.fill(password)
    page.get_by_role("button", name="登录").or_(page.get_by_role("button", name="Sign in")).first.click()
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
    wait_for_app(page, timeout=60_000)


@pytest.fixture(scope="session")
def streamlit_server(demo_db_template, tmp_path_factory):
    """A real `streamlit run app.py` on a free local port, over its own copy of the demo database."""
    path = tmp_path_factory.mktemp("server") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    yield from serve_streamlit(path)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class OfflinePage:
    """A browser page on which every request not addressed to this machine is aborted and counted."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.external_requests: list[str] = []
        block_external(context, self.external_requests)


@pytest.fixture
def offline_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    wrapper = OfflinePage(context)
    yield wrapper
    context.close()
