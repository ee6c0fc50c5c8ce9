"""AppTest of sign-in (issue 12), without a browser: the session cookie is written again whenever the server writes
the session's last activity, so that it expires with the session and not a fixed time after the sign-in; a single
sign-on (st.user seeded as Streamlit's identity cookie would) is held to the same idle timeout and signed out of
the provider when it passes; the cookie secret comes from the environment, else from `.streamlit/secrets.toml`."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from assistance.access.accounts import add_account
from assistance.access.sessions import COOKIE_NAME, SECRET_ENV, sign, start_session
from tests.conftest import REPO, TEST_PASSWORD, add_test_account, run_at

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


# ---------------------------------------------------------------------------------------------------------
# Single sign-on: the idle timeout holds too

SSO_SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "an-identity-cookie-secret-for-these-tests-only",
        "client_id": "assistance-test",
        "client_secret": "a-client-secret-for-these-tests-only",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}
# The claims of one sign-in at the provider, as Streamlit's identity cookie carries them into st.user.
CLAIMS = {
    "is_logged_in": True,
    "iss": "http://127.0.0.1:9",
    "sub": "u-1001",
    "email": "coordinator@bnu.example",
    "iat": 1_767_000_000,
    "exp": 1_767_003_600,
    "nonce": "first-sign-in",
}


@pytest.fixture
def sso_db(page_db):
    con = duckdb.connect(str(page_db))
    try:
        add_account(con, "bnu_sso", "university", None, university="北京师范大学", identity=CLAIMS["email"])
    finally:
        con.close()
    return page_db


def sso_app(claims: dict) -> AppTest:
    """A browser whose identity cookie holds `claims`: a new Streamlit session reads them into st.user."""
    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    app.secrets = SSO_SECRETS
    app.user = dict(claims)
    return app


def signed_in(app: AppTest) -> bool:
    return bool([button for button in app.sidebar.button if button.key == "sign_out"])


def on_sign_in_form(app: AppTest) -> bool:
    return "signin_username" in [field.key for field in app.text_input] and not signed_in(app)


def sso_sign_ins(path) -> int:
    con = duckdb.connect(str(path))
    try:
        return con.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'sign_in' AND username = 'bnu_sso' "
            "AND detail->>'method' = 'oidc'"
        ).fetchone()[0]
    finally:
        con.close()


def idle_for(path, delta: timedelta) -> None:
    """Every session of bnu_sso was last active `delta` ago."""
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE sessions SET last_seen = ? WHERE username = 'bnu_sso'", [datetime.now() - delta])
    finally:
        con.close()


@pytest.mark.parametrize(("minutes", "idle"), [(None, timedelta(hours=8, minutes=1)), ("30", timedelta(minutes=31))])
def test_a_single_sign_on_idle_longer_than_the_timeout_signs_in_again(sso_db, monkeypatch, minutes, idle):
    if minutes:
        monkeypatch.setenv("ASSISTANCE_IDLE_MINUTES", minutes)
    app = ok(run_at(sso_app(CLAIMS), ABOUT))
    assert signed_in(app)
    reload = ok(run_at(sso_app(CLAIMS), ABOUT))  # a reload: the same identity cookie, the same app session
    assert signed_in(reload)
    assert sso_sign_ins(sso_db) == 1, "one sign-in at the provider is one sign-in, however many reloads"

    idle_for(sso_db, idle)
    ok(app.run())
    assert on_sign_in_form(app)
    assert app.user == {"is_logged_in": False}, "signed out of Streamlit and the provider (st.logout)"
    stale = ok(run_at(sso_app(CLAIMS), ABOUT))  # the old identity cookie, had the browser kept it
    assert on_sign_in_form(stale) and stale.user == {"is_logged_in": False}

    again = ok(run_at(sso_app(CLAIMS | {"iat": CLAIMS["iat"] + 40_000, "nonce": "second-sign-in"}), ABOUT))
    assert signed_in(again), "a new sign-in at the provider starts a new session"
    assert sso_sign_ins(sso_db) == 2


def test_a_single_sign_on_used_within_the_timeout_stays_signed_in(sso_db, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_IDLE_MINUTES", "30")
    app = ok(run_at(sso_app(CLAIMS), ABOUT))
    idle_for(sso_db, timedelta(minutes=29))
    ok(app.run())
    assert signed_in(app)
    idle_for(sso_db, timedelta(minutes=29))  # the run above was activity: the clock started again
    ok(app.run())
    assert signed_in(app)


def test_signing_out_ends_the_single_sign_on_session(sso_db):
    app = ok(run_at(sso_app(CLAIMS), ABOUT))
    app.sidebar.button(key="sign_out").click()
    ok(app.run())
    assert on_sign_in_form(app) and app.user == {"is_logged_in": False}
    stale = ok(run_at(sso_app(CLAIMS), ABOUT))  # the identity cookie, had the browser kept it, opens nothing
    assert on_sign_in_form(stale)


# ---------------------------------------------------------------------------------------------------------
# The cookie secret: the environment, else .streamlit/secrets.toml


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """write(text) → a `.streamlit/secrets.toml` holding `text`, the one Streamlit reads (st.secrets afresh)."""
    import streamlit as st
    from streamlit.runtime.secrets import Secrets
    from streamlit.testing.v1.util import patch_config_options

    path = tmp_path / ".streamlit" / "secrets.toml"
    path.parent.mkdir()
    monkeypatch.delenv(SECRET_ENV, raising=False)

    def write(text: str | None) -> None:
        if text is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(text, encoding="utf-8")
        monkeypatch.setattr(st, "secrets", Secrets())

    with patch_config_options({"secrets.files": [str(path)]}):
        yield write


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('[assistance]\ncookie_secret = "from-the-assistance-section"\n', "from-the-assistance-section"),
        ('[auth]\ncookie_secret = "from-the-auth-section"\nclient_id = "x"\n', "from-the-auth-section"),
        ('[auth]\ncookie_secret = "auth"\n\n[assistance]\ncookie_secret = "assistance"\n', "assistance"),
        ('[assistance]\nother = "no secret here"\n', None),
        (None, None),
    ],
    ids=["assistance", "auth", "assistance-first", "none-in-file", "no-file"],
)
def test_the_cookie_secret_is_read_from_secrets_toml_when_the_environment_has_none(secrets_file, text, secret):
    from assistance.web.signin import cookie_secret

    secrets_file(text)
    assert cookie_secret() == secret


def test_the_environment_variable_wins_over_secrets_toml(secrets_file, monkeypatch):
    from assistance.web.signin import cookie_secret

    secrets_file('[assistance]\ncookie_secret = "from-the-file"\n')
    monkeypatch.setenv(SECRET_ENV, "from-the-environment")
    assert cookie_secret() == "from-the-environment"


def test_a_secret_from_secrets_toml_signs_the_cookie_written_at_sign_in(page_db, secrets_file):
    """The whole way: no environment variable, the secret in the file, the form's sign-in writes the cookie."""
    secrets_file('[assistance]\ncookie_secret = "from-the-file"\n')  # and no environment variable
    add_test_account(page_db)
    app = ok(run_at(AppTest.from_file(str(REPO / "app.py"), default_timeout=60), ABOUT))
    app.text_input(key="signin_username").input("ministry")
    app.text_input(key="signin_password").input(TEST_PASSWORD)
    app.button[0].click()
    ok(app.run())
    (script,) = cookie_writes(app)
    token = app.session_state["_session_token"]
    assert f"{COOKIE_NAME}={sign(token, 'from-the-file')}" in script
