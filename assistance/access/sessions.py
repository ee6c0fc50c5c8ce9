"""Signed-in browser sessions that survive a reload and a pasted link, until sign-out or idle timeout.

The browser keeps a cookie `COOKIE_NAME` whose value is a random token and its HMAC under the deployment's cookie
secret (the environment variable `ASSISTANCE_COOKIE_SECRET`, or `cookie_secret` under `[assistance]` or `[auth]`
in `.streamlit/secrets.toml`; never in the repository). The database keeps only the token's SHA-256 with the
session's last activity: a forged cookie fails the HMAC, a stolen database holds no usable token, and sign-out or
disabling the account ends the session on the server, whatever the browser still holds. A session idle longer
than `idle_timeout()` (default 8 hours; `ASSISTANCE_IDLE_MINUTES`) needs a new sign-in. The cookie lives as long
as the session may stay idle, and is renewed whenever the session's last activity is written (`Resumed.renewed`,
at most once a minute), so that it expires with the session, not so many hours after the sign-in.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from assistance.access.accounts import Account, get_account
from assistance.store.transaction import WRITE_LOCK, cursor, retrying, transaction

COOKIE_NAME = "assistance_session"
SECRET_ENV = "ASSISTANCE_COOKIE_SECRET"
IDLE_ENV = "ASSISTANCE_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 8 * 60
_TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often (reruns are frequent)


def idle_timeout() -> timedelta:
    """How long a session may stay unused: `ASSISTANCE_IDLE_MINUTES`, 8 hours by default."""
    try:
        minutes = float(os.environ.get(IDLE_ENV, "") or DEFAULT_IDLE_MINUTES)
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return timedelta(minutes=max(minutes, 1 / 60))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign(token: str, secret: str) -> str:
    """The cookie value of a token: `token.signature`."""
    signature = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{signature}"


def unsign(value: str | None, secret: str | None) -> str | None:
    """The token of a cookie value, or None if the value was not signed with `secret`."""
    if not value or not secret or "." not in value:
        return None
    token, _, signature = value.rpartition(".")
    expected = hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(signature, expected) else None


@retrying
def start_session(con: duckdb.DuckDBPyConnection, username: str, now: datetime | None = None) -> str:
    """A new session for a signed-in account; returns its token (to sign into the cookie and keep in memory)."""
    token = secrets.token_urlsafe(32)
    now = now or datetime.now()
    with WRITE_LOCK, transaction(con) as cur:
        cur.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, NULL)", [_digest(token), username, now, now])
    return token


@dataclass(frozen=True)
class Resumed:
    """A session looked up by its token: its account (None: no live session), and whether its last activity was
    written just now (`renewed`: then the browser's cookie is renewed too, so that it expires with the session)."""

    account: Account | None
    renewed: bool = False
    started: bool = False  # a single sign-on's session, started by this run (identity_session)


def resume_session(con: duckdb.DuckDBPyConnection, token: str | None, now: datetime | None = None) -> Account | None:
    """The account of a live session, or None: unknown or ended session, idle too long, or an account disabled
    since. A live session's last activity is brought up to `now`."""
    return resume(con, token, now).account


@retrying
def resume(con: duckdb.DuckDBPyConnection, token: str | None, now: datetime | None = None) -> Resumed:
    """`resume_session`, saying also whether the session's last activity was written (at most once a minute)."""
    if not token:
        return Resumed(None)
    now = now or datetime.now()
    with cursor(con) as cur:
        row = cur.execute(
            "SELECT username, last_seen, ended_at FROM sessions WHERE token_hash = ?", [_digest(token)]
        ).fetchone()
    if not row or row[2] is not None:
        return Resumed(None)
    username, last_seen, _ = row
    if now - last_seen > idle_timeout():
        end_session(con, token, now)
        return Resumed(None)
    account = get_account(con, username)
    if account is None or account.disabled:
        return Resumed(None)
    if now - last_seen < _TOUCH_EVERY:
        return Resumed(account)
    with WRITE_LOCK, transaction(con, figures=False) as cur:  # no page shows it: the cached figures stay
        cur.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", [now, _digest(token)])
    return Resumed(account, renewed=True)


@retrying
def identity_session(con: duckdb.DuckDBPyConnection, token: str, username: str, now: datetime | None = None) -> Resumed:
    """Single sign-on: the app session of one sign-in at the identity provider, so that the idle timeout holds for
    it as for a password's (the provider's own cookie would keep the person signed in for weeks). `token` is
    derived on the server from that sign-in's claims (web.signin) and never sent to a browser. The first run of a
    sign-in starts the session (`Resumed.started`); later runs resume it as `resume` does; once it went idle or
    was ended (sign-out, the account disabled) it stays over, and only a new sign-in at the provider (new claims,
    a new token) starts another."""
    now = now or datetime.now()
    with cursor(con) as cur:
        row = cur.execute("SELECT username FROM sessions WHERE token_hash = ?", [_digest(token)]).fetchone()
    if row is not None:
        return resume(con, token, now) if row[0] == username else Resumed(None)
    account = get_account(con, username)
    if account is None or account.disabled:
        return Resumed(None)
    with WRITE_LOCK, transaction(con, figures=False) as cur:  # no page shows it: the cached figures stay
        taken = cur.execute("SELECT count(*) FROM sessions WHERE token_hash = ?", [_digest(token)]).fetchone()[0]
        if not taken:
            cur.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, NULL)", [_digest(token), username, now, now])
    if taken:  # another tab of the same sign-in started it a moment ago
        return resume(con, token, now)
    return Resumed(account, started=True)


@retrying
def end_session(con: duckdb.DuckDBPyConnection, token: str | None, now: datetime | None = None) -> None:
    """Sign out: the session ends on the server, so the cookie is worthless even if the browser kept it."""
    if not token:
        return
    with WRITE_LOCK, transaction(con) as cur:
        cur.execute(
            "UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL",
            [now or datetime.now(), _digest(token)],
        )
