"""The audit trail: who did what, when, to which batch or record. Append-only: rows are only ever inserted, in the
same transaction as the write they record, so a write and its audit row land together or not at all.

`actor` is the signed-in account; writes made on the command line (trusted operators on the server, the account
`accounts.CLI`) are recorded as `cli:<operating-system user>` with role `cli`.
"""

from __future__ import annotations

import getpass
import json
from datetime import date, datetime, time

import duckdb
import pandas as pd

from assistance.access.accounts import CLI, Account
from assistance.store.transaction import WRITE_LOCK, cursor, retrying, transaction

AUDIT_ACTIONS = (
    "sign_in", "sign_out", "upload", "undo", "registry_import", "plan_import", "user_add", "user_disable",
    "user_reset", "outcome_import", "problem_add", "problem_update", "problem_import", "case_add", "case_update",
    "case_status",
)  # fmt: skip
# The audit action of each kind of import (upload_batches.kind).
IMPORT_ACTIONS = {
    "activities": "upload", "registry": "registry_import", "plans": "plan_import", "outcomes": "outcome_import",
    "problems": "problem_import",
}  # fmt: skip


def cli_actor() -> tuple[str, str]:
    """The (username, role) the command line records."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}", "cli"


def record(
    cur: duckdb.DuckDBPyConnection,
    actor: Account | None,
    action: str,
    *,
    target: str | None = None,
    batch_id: int | None = None,
    detail: dict | None = None,
) -> None:
    """Append one audit row inside the caller's transaction (`cur`)."""
    username, role = cli_actor() if actor is None or actor is CLI else (actor.username, actor.role)
    cur.execute(
        "INSERT INTO audit_log (occurred_at, username, role, action, target, batch_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [datetime.now().replace(microsecond=0), username, role, action, target, batch_id,
         json.dumps(detail, ensure_ascii=False) if detail else None],
    )  # fmt: skip


@retrying
def record_now(con: duckdb.DuckDBPyConnection, actor: Account | None, action: str, **values) -> None:
    """`record` in a transaction of its own (sign-in and sign-out, which write nothing else)."""
    with WRITE_LOCK, transaction(con) as cur:
        record(cur, actor, action, **values)


# The trail's filters (every value a parameter; no value: no condition).
_WHERE = (
    "WHERE (CAST($username AS VARCHAR) IS NULL OR username = $username) "
    "AND (CAST($action AS VARCHAR) IS NULL OR action = $action) "
    'AND (CAST($start AS TIMESTAMP) IS NULL OR "at" >= $start) '
    'AND (CAST($end AS TIMESTAMP) IS NULL OR "at" <= $end)'
)


def _filters(username: str | None, action: str | None, start: date | None, end: date | None) -> dict:
    """The parameters of `_WHERE`: whole days from `start` to `end`, both included."""
    return {
        "username": username or None,
        "action": action or None,
        "start": datetime.combine(start, time.min) if start else None,
        "end": datetime.combine(end, time.max) if end else None,
    }


def audit_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str | None = None,
    action: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> pd.DataFrame:
    """The trail (the stable view `audit_overview`), newest first (by time, then by order of writing), filtered by
    user, action and days; `limit` rows from `offset` (a page of it)."""
    params = _filters(username, action, start, end) | {"limit": limit, "offset": int(offset)}
    with cursor(con) as cur:
        return cur.execute(
            f'SELECT * FROM audit_overview {_WHERE} ORDER BY "at" DESC, event_id DESC '
            "LIMIT coalesce(CAST($limit AS BIGINT), 9223372036854775807) OFFSET $offset",
            params,
        ).df()


def audit_count(
    con: duckdb.DuckDBPyConnection,
    *,
    username: str | None = None,
    action: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> int:
    """How many events `audit_rows` with the same filters and no limit returns."""
    with cursor(con) as cur:
        sql = f"SELECT count(*) FROM audit_overview {_WHERE}"
        return int(cur.execute(sql, _filters(username, action, start, end)).fetchone()[0])


def audit_users(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The usernames the trail names (accounts, disabled ones too, and `cli:` operators), in order."""
    with cursor(con) as cur:
        return [row[0] for row in cur.execute("SELECT DISTINCT username FROM audit_overview ORDER BY 1").fetchall()]


def audit_first_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The day of the oldest event (None: no event yet)."""
    with cursor(con) as cur:
        first = cur.execute('SELECT min("at") FROM audit_overview').fetchone()[0]
    return first.date() if first is not None else None
