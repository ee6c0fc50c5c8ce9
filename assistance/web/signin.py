"""Sign-in for the shell (issue 12): who is signed in, the sign-in form, single sign-on, sign-out.

With no account in the database (a fresh install, the embedded demo) nobody signs in: the app is browsable
read-only and every write is switched off (`read_only`). Once an account exists every page needs a signed-in
account: by name and password (access.accounts), or through the deployment's identity provider (`st.login`,
Streamlit's `[auth]` secrets), whose e-mail or subject must be an account's `identity`.

A password sign-in starts a server-side session (access.sessions). Its token is kept in this browser tab's
session and, when the deployment has a cookie secret, in a signed cookie, so a reload or a pasted link in the same
browser stays signed in until sign-out or the idle timeout. Streamlit cannot set a cookie from the server, so the
cookie is written by a one-line script in the page; it holds only the signed random token (the database keeps
its hash), and the server checks the session on every run. A single sign-on starts a server-side session too,
keyed by the provider's sign-in (Streamlit's identity cookie carries it), so that the same idle timeout applies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

import duckdb
import streamlit as st

from assistance.access import audit
from assistance.access.accounts import Account, account_by_identity, has_accounts, sign_in
from assistance.access.sessions import (
    COOKIE_NAME,
    SECRET_ENV,
    end_session,
    identity_session,
    idle_timeout,
    resume,
    sign,
    start_session,
    unsign,
)
from assistance.i18n import t

_TOKEN = "_session_token"  # this tab's session token
_COOKIE = "_cookie_write"  # a cookie value to write on the next run ("" clears it)
_SSO_REFUSED = "_sso_refused"  # an identity the provider signed in that has no account here
_COOKIE_CLASS = "assistance-session-cookie"  # the element of the script that writes the cookie (hidden)


def cookie_secret() -> str | None:
    """The secret that signs the session cookie: `ASSISTANCE_COOKIE_SECRET`, else `cookie_secret` of the
    `[assistance]` or `[auth]` section of `.streamlit/secrets.toml`. Never in the repository."""
    secret = os.environ.get(SECRET_ENV, "").strip()
    if secret:
        return secret
    if not st.secrets.load_if_toml_exists():
        return None
    for section in ("assistance", "auth"):
        value = (st.secrets.get(section) or {}).get("cookie_secret")
        if value:
            return str(value)
    return None


def sso_configured() -> bool:
    """Whether the deployment has an identity provider (`[auth]` with a client in secrets.toml)."""
    if not st.secrets.load_if_toml_exists():
        return False
    section = st.secrets.get("auth") or {}
    return bool(section.get("client_id") or any(isinstance(value, dict) for value in section.values()))


def _sso_token() -> str:
    """The key of the app session of this browser's sign-in at the identity provider: an HMAC of the claims the
    provider signed (the ID token's: subject, e-mail, issued-at time, nonce …), which Streamlit's identity cookie
    carries unchanged until sign-out. A new sign-in at the provider has new claims, so a new key."""
    claims = {key: value for key, value in st.user.to_dict().items() if key not in ("is_logged_in", "tokens")}
    text = json.dumps(claims, sort_keys=True, ensure_ascii=False, default=str)
    return hmac.new((cookie_secret() or "").encode(), text.encode(), hashlib.sha256).hexdigest()


def _sso_account(con: duckdb.DuckDBPyConnection) -> Account | None:
    """The account of the identity the provider signed in (st.user), if there is one and it is enabled, while the
    app session of that sign-in lives. The session starts at the first run after the provider signed the person in
    and ends as a password's does: at sign-out, or idle longer than the idle timeout; then the person is signed
    out of Streamlit and the provider (st.logout) and must sign in again."""
    if not sso_configured() or not st.user.is_logged_in:
        return None
    # The account's identity may be the e-mail or the subject: try each the provider gave, e-mail first.
    identities = [str(value) for value in (st.user.get("email"), st.user.get("sub")) if value]
    identity = identities[0] if identities else ""
    account = next(filter(None, (account_by_identity(con, value) for value in identities)), None)
    if account is None or account.disabled:
        st.session_state[_SSO_REFUSED] = identity
        return None
    resumed = identity_session(con, _sso_token(), account.username)
    if resumed.account is None:  # idle too long (or ended): the provider's cookie no longer signs anyone in
        st.logout()
        return None
    if resumed.started:
        audit.record_now(con, resumed.account, "sign_in", detail={"method": "oidc"})
    return resumed.account


def current_account(con: duckdb.DuckDBPyConnection) -> Account | None:
    """The signed-in account of this run: this tab's session, else the browser's cookie, else single sign-on.
    When the session's last activity is written (at most once a minute) the cookie is written again with a full
    idle timeout ahead, so that a reload or a pasted link works as long as the session does."""
    secret = cookie_secret()
    token = st.session_state.get(_TOKEN) or unsign(st.context.cookies.get(COOKIE_NAME), secret)
    resumed = resume(con, token)
    if resumed.account is not None:
        st.session_state[_TOKEN] = token
        if resumed.renewed and secret:
            st.session_state[_COOKIE] = sign(token, secret)
        return resumed.account
    if token:  # ended, idle too long, or the account disabled: forget it here and in the browser
        st.session_state.pop(_TOKEN, None)
        st.session_state[_COOKIE] = ""
    return _sso_account(con)


def _write_cookie() -> None:
    """Write (or clear) the session cookie in the browser, once: at sign-in, at sign-out, and when the session's
    last activity is written (a renewal, at most once a minute). The script's element is hidden and takes no room
    (the rule is in the same element), so a renewal moves nothing on the page; it causes no rerun."""
    value = st.session_state.pop(_COOKIE, None)
    if value is None:
        return
    max_age = int(idle_timeout().total_seconds()) if value else 0
    script = (
        f"document.cookie = {json.dumps(COOKIE_NAME + '=' + value)} + '; path=/; SameSite=Strict; max-age={max_age}'"
        " + (location.protocol === 'https:' ? '; Secure' : '');"
    )
    hide = f"<style>[data-testid='stElementContainer']:has(.{_COOKIE_CLASS}) {{display: none;}}</style>"
    st.html(f"<div class='{_COOKIE_CLASS}'>{hide}<script>{script}</script></div>", unsafe_allow_javascript=True)


class SignInRequired(Exception):
    """Accounts exist and no one is signed in: the sign-in form is drawn and nothing else may be."""


def gate(con: duckdb.DuckDBPyConnection, lang: str) -> tuple[Account | None, bool]:
    """(the signed-in account, whether the app is read-only because no account exists). With accounts and no one
    signed in, draw the sign-in form and raise SignInRequired: app.py then routes the address without running its
    page, so that the page a pasted link names opens once signed in."""
    if not has_accounts(con):
        _write_cookie()
        return None, True
    account = current_account(con)
    _write_cookie()  # a sign-in's, a sign-out's or a renewal's cookie; cleared when the session is over
    if account is not None:
        return account, False
    _sign_in_form(con, lang)
    raise SignInRequired


def _sign_in_form(con: duckdb.DuckDBPyConnection, lang: str) -> None:
    """用户名 / 密码 / 登录, and the single sign-on button where the deployment has an identity provider. A refusal
    never says which part was wrong. The sidebar (the pages, the filters) waits until someone is signed in; the
    address stays as it was, so a pasted link opens its view once signed in."""
    st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none;}</style>")
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(t("signin.title", lang))
        st.caption(t("app.subtitle", lang))
        with st.form("signin", enter_to_submit=True):
            username = st.text_input(t("signin.username", lang), key="signin_username")
            password = st.text_input(t("signin.password", lang), type="password", key="signin_password")
            submitted = st.form_submit_button(t("signin.submit", lang), type="primary", width="stretch")
        if submitted:
            result = sign_in(con, username, password)
            if result.account is not None:
                token = start_session(con, result.account.username)
                st.session_state[_TOKEN] = token
                secret = cookie_secret()
                if secret:
                    st.session_state[_COOKIE] = sign(token, secret)
                audit.record_now(con, result.account, "sign_in", detail={"method": "password"})
                st.rerun()
            message = t("signin.refused", lang)
            if result.wait > 0:
                message += " " + t("signin.wait", lang, seconds=max(1, round(result.wait)))
            st.error(message, icon=":material/lock:")
        if sso_configured():
            refused = st.session_state.get(_SSO_REFUSED)
            if refused and st.user.is_logged_in:
                st.warning(t("signin.sso_unknown", lang, identity=refused))
                st.button(t("signin.sign_out", lang), on_click=st.logout, key="sso_sign_out")
            else:
                st.button(t("signin.sso", lang), on_click=st.login, key="sso_sign_in", width="stretch")
        if not cookie_secret():
            st.caption(t("signin.no_cookie", lang))


def sign_out(con: duckdb.DuckDBPyConnection, account: Account) -> None:
    """End the session on the server, clear the cookie, and leave the identity provider's session too."""
    end_session(con, st.session_state.pop(_TOKEN, None))
    st.session_state[_COOKIE] = ""
    audit.record_now(con, account, "sign_out")
    if sso_configured() and st.user.is_logged_in:
        end_session(con, _sso_token())
        st.logout()
