"""What each role may do, checked on the server side of every write (hiding a button is never the check).

A role may perform an action on its own scope only: the rows of an upload outside the scope are rejected (ingest),
and a batch can be undone only by the ministry or by an account of the same role and scope as the one that
uploaded it ("its own batches": a colleague of the same university may undo it too).
"""

from __future__ import annotations

import duckdb

from assistance.access.accounts import CLI, Account, get_account
from assistance.access.audit import IMPORT_ACTIONS
from assistance.access.scope import scope_of
from assistance.store.transaction import cursor

ACTIONS = (
    "upload_activities", "import_plans", "import_registry", "import_outcomes", "undo", "view_audit", "manage_users",
    "edit_problems", "edit_cases", "review_cases",
)  # fmt: skip
_ALLOWED = {
    "upload_activities": {"ministry", "university"},
    "import_plans": {"ministry", "university"},
    "import_registry": {"ministry", "province"},
    # outcome figures: a university for its pairings' schools, a school for itself (issue 12, "Roles")
    "import_outcomes": {"ministry", "university", "school"},
    "undo": {"ministry", "province", "university", "school"},  # a school: its own outcome batches
    "view_audit": {"ministry"},
    "manage_users": {"ministry"},
    # Issue 10. Problems: raised and updated (and imported as files) within the account's scope; a county's or a
    # province's problem by the ministry and that province only (guidance.problems). Cases: written by a university
    # for its own pairings (and by the ministry); a province recommends its own, the ministry selects
    # (guidance.cases).
    "edit_problems": {"ministry", "province", "university", "school"},
    "edit_cases": {"ministry", "university"},
    "review_cases": {"ministry", "province"},
}
# The action that writes each kind of batch (upload_batches.kind).
BATCH_ACTIONS = {
    "activities": "upload_activities", "plans": "import_plans", "registry": "import_registry",
    "outcomes": "import_outcomes", "problems": "edit_problems",
}  # fmt: skip


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
    for a batch uploaded by an account of the same role and scope. The uploader is the account the batch's import
    audit row names, not the batch's `uploaded_by`, which on the command line is free text (a command-line batch,
    unscoped, is no account's own, whatever name `--uploaded-by` gave it)."""
    if account is None or account.disabled:
        return False
    if account is CLI or account.role == "ministry":
        return True
    with cursor(con) as cur:
        row = cur.execute(
            "SELECT b.kind, (SELECT min_by(a.username, a.event_id) FROM audit_log a WHERE a.batch_id = b.batch_id "
            "AND list_contains($actions, a.action) AND a.role <> 'cli') FROM upload_batches b WHERE b.batch_id = $id",
            {"actions": list(IMPORT_ACTIONS.values()), "id": batch_id},
        ).fetchone()
    if not row or not may(account, BATCH_ACTIONS.get(row[0], "manage_users")):
        return False
    uploader = get_account(con, row[1]) if row[1] else None
    return uploader is not None and uploader.role == account.role and scope_of(uploader) == scope_of(account)
