"""What each role may do, checked on the server side of every write (hiding a button is never the check).

A role may perform an action on its own scope only: the rows of an upload outside the scope are rejected (ingest),
and a batch can be undone only by the ministry or by an account of the same role and scope as the one that
uploaded it ("its own batches": a colleague of the same university may undo it too).
"""

from __future__ import annotations

import duckdb

from assistance.access.accounts import CLI, Account, get_account
from assistance.access.scope import scope_of
from assistance.store.transaction import cursor

ACTIONS = ("upload_activities", "import_plans", "import_registry", "undo", "view_audit", "manage_users")
_ALLOWED = {
    "upload_activities": {"ministry", "university"},
    "import_plans": {"ministry", "university"},
    "import_registry": {"ministry", "province"},
    "undo": {"ministry", "province", "university"},
    "view_audit": {"ministry"},
    "manage_users": {"ministry"},
}
# The action that writes each kind of batch (upload_batches.kind).
BATCH_ACTIONS = {"activities": "upload_activities", "plans": "import_plans", "registry": "import_registry"}


class AccessDenied(PermissionError):
    """A write refused for the account's role or scope; `code` names the reason (strings `access.denied.<code>`)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def may(account: Account | None, action: str) -> bool:
    """Whether `account` may perform `action` at all (no account: nothing; a disabled one: nothing; the command
    line: everything)."""
    if account is CLI:
        return True
    return account is not None and not account.disabled and account.role in _ALLOWED[action]


def require(account: Account | None, action: str) -> None:
    """Raise AccessDenied unless `may(account, action)`."""
    if not may(account, action):
        raise AccessDenied("signed_out" if account is None else "role")


def batch_action(kind: str) -> str:
    """The action that writes a kind of batch (activities, plans, registry)."""
    return BATCH_ACTIONS[kind]


def may_undo(con: duckdb.DuckDBPyConnection, account: Account | None, batch_id: int) -> bool:
    """Whether `account` may undo a batch: the ministry always; otherwise a role that may write that kind of batch,
    for a batch uploaded by an account of the same role and scope."""
    if account is None or account.disabled:
        return False
    if account is CLI or account.role == "ministry":
        return True
    with cursor(con) as cur:
        row = cur.execute("SELECT kind, uploaded_by FROM upload_batches WHERE batch_id = ?", [batch_id]).fetchone()
    if not row or not may(account, BATCH_ACTIONS.get(row[0], "manage_users")):
        return False
    uploader = get_account(con, row[1]) if row[1] else None
    return uploader is not None and uploader.role == account.role and scope_of(uploader) == scope_of(account)
