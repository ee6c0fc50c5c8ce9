"""Connections to the PostgreSQL store with the defaults an app replica needs: a short connect timeout (a page must
not hang on a store that is down), a statement timeout (a stuck query gives up instead of holding a session for
ever), an idle-in-transaction timeout (a replica killed mid-write releases its locks), ISO dates and UTC.

Settings (docs/contracts.md, "Server mode"): ASSISTANCE_PG_CONNECT_TIMEOUT seconds (default 5),
ASSISTANCE_PG_STATEMENT_TIMEOUT milliseconds (default 60000; 0 turns it off).
"""

from __future__ import annotations

import os

import psycopg

CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 60_000
IDLE_IN_TRANSACTION_MS = 60_000


def _setting(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() else default


def connect(url: str, *, autocommit: bool = False, statement_timeout_ms: int | None = None) -> psycopg.Connection:
    """A psycopg connection to `url` with the replica's defaults; `statement_timeout_ms` overrides the setting
    (0: none, for a bulk copy that may take minutes)."""
    timeout = _setting("ASSISTANCE_PG_STATEMENT_TIMEOUT", STATEMENT_TIMEOUT_MS)
    if statement_timeout_ms is not None:
        timeout = statement_timeout_ms
    options = (
        f"-c statement_timeout={timeout} -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS} "
        "-c DateStyle=ISO -c TimeZone=UTC -c extra_float_digits=1"
    )
    return psycopg.connect(
        url,
        autocommit=autocommit,
        connect_timeout=_setting("ASSISTANCE_PG_CONNECT_TIMEOUT", CONNECT_TIMEOUT_S),
        options=options,
        application_name="assistance",
    )
