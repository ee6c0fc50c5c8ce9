"""AppTest of sign-in (issue 12), without a browser: the session cookie is written again whenever the server writes
the session's last activity, so that it expires with the session and not a fixed time after the sign-in."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from assistance.access.sessions import COOKIE_NAME, SECRET_ENV, sign, start_session
from tests.conftest import REPO, add_test_account, run_at

ABOUT = "pages/about.py"
SECRET = "a-cookie-secret-for-these-tests-only"


@pytest.fixture
def page_db(demo_db, monkeypatch):
    """A database of this test's own (the app caches one connection per path), with a cookie secret."""
    monkeypatch.setenv("ASSISTANCE_DB", str(demo_db))
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.delenv("ASSISTANCE_IDLE_MINUTES", raising=False)
    return demo_db


def ok(app: AppTest) -> AppTest:
    assert not app.exception, [e.value for e in app.exception]
    return app


def session_started(path, ago: timedelta, username: str = "ministry", role: str = "ministry", **scope) -> str:
    """The token of a session of `username` (created if missing) whose last activity was `ago`."""
    add_test_account(path, username, role, **scope)
    con = duckdb.connect(str(path))
    try:
        return start_session(con, username, now=datetime.now() - ago)
    finally:
        con.close()


def cookie_writes(app: AppTest) -> list[str]:
    """The bodies of the scripts this run drew that write the session cookie."""
    return [element.body for element in app.get("html") if f"{COOKIE_NAME}=" in element.body]


def app_with_session(token: str) -> AppTest:
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.session_state["_session_token"] = token
    return app


# ---------------------------------------------------------------------------------------------------------
# The cookie is renewed with the session


@pytest.mark.parametrize(("minutes", "max_age"), [(None, 8 * 3600), ("30", 1800)])
def test_the_cookie_is_written_again_with_a_full_idle_timeout_when_the_session_is_renewed(
    page_db, monkeypatch, minutes, max_age
):
    if minutes:
        monkeypatch.setenv("ASSISTANCE_IDLE_MINUTES", minutes)
    token = session_started(page_db, ago=timedelta(minutes=5))  # signed in a while ago, active since
    app = ok(run_at(app_with_session(token), ABOUT))
    (script,) = cookie_writes(app)
    assert f"{COOKIE_NAME}={sign(token, SECRET)}" in script
    assert f"max-age={max_age}" in script
    assert "display: none" in script, "the script's element takes no room: a renewal moves nothing on the page"
    ok(app.run())
    assert cookie_writes(app) == [], "renewed at most once a minute, not on every rerun"


def test_a_session_active_all_day_keeps_a_cookie_that_outlives_the_sign_in(page_db):
    """Signed in 7 h 59 min ago and active until now: the cookie written now holds for another 8 hours."""
    token = session_started(page_db, ago=timedelta(hours=7, minutes=59))
    con = duckdb.connect(str(page_db))
    try:  # the last activity, a minute ago; the sign-in itself nearly 8 hours ago
        con.execute(
            "UPDATE sessions SET last_seen = ? WHERE username = 'ministry'", [datetime.now() - timedelta(minutes=1)]
        )
    finally:
        con.close()
    (script,) = cookie_writes(ok(run_at(app_with_session(token), ABOUT)))
    assert f"max-age={8 * 3600}" in script


def test_no_cookie_is_written_without_a_secret(page_db, monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    token = session_started(page_db, ago=timedelta(minutes=5))
    app = ok(run_at(app_with_session(token), ABOUT))
    assert cookie_writes(app) == []
    assert app.sidebar.button(key="sign_out"), "still signed in: the tab keeps its session"
