"""What each role may do, checked on the server side of every write (hiding a button is never the check).

A role may perform an action on its own scope only: the rows of an upload outside the scope are rejected (ingest),
and a batch can be undone only by the ministry or by an account of the same role and scope as the one that
uploaded it ("its own batches": a colleague of the same university may undo it too).
"""

from __future__ import annotations

import duckdb

from assistance.access.accounts import CLI, Account
from assistance.access.audit import IMPORT_ACTIONS
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


def own_batches(
    con: duckdb.DuckDBPyConnection, account: Account | None, batch_id: int | None = None
) -> set[int] | None:
    """The batches `account` may undo (of one batch, with `batch_id`), in one query; None means every batch (the
    ministry, the command line). Otherwise: batches of a kind the role may write, uploaded by an account of the same
    role and scope. The uploader is the account the batch's import audit row names, not the batch's `uploaded_by`,
    which on the command line is free text (a command-line batch, unscoped, is no account's own, whatever name
    `--uploaded-by` gave it)."""
    if account is None or account.disabled:
        return set()
    if account is CLI or account.role == "ministry":
        return None
    with cursor(con) as cur:
        rows = cur.execute(
            """SELECT b.batch_id, b.kind FROM upload_batches b
            JOIN (SELECT batch_id, min_by(username, event_id) AS uploader FROM audit_log
                  WHERE batch_id IS NOT NULL AND list_contains($actions, action) AND role <> 'cli'
                  GROUP BY batch_id) u ON u.batch_id = b.batch_id
            JOIN accounts them ON them.username = u.uploader
            JOIN accounts me ON me.username = $me
            WHERE them.role = me.role AND them.province_code IS NOT DISTINCT FROM me.province_code
              AND them.university_id IS NOT DISTINCT FROM me.university_id
              AND them.school_id IS NOT DISTINCT FROM me.school_id
              AND (CAST($id AS INTEGER) IS NULL OR b.batch_id = CAST($id AS INTEGER))""",
            {"actions": list(IMPORT_ACTIONS.values()), "me": account.username, "id": batch_id},
        ).fetchall()
    return {batch for batch, kind in rows if may(account, BATCH_ACTIONS.get(kind, "manage_users"))}


def may_undo(con: duckdb.DuckDBPyConnection, account: Account | None, batch_id: int) -> bool:
    """Whether `account` may undo a batch (`own_batches`)."""
    own = own_batches(con, account, batch_id)
    return own is None or batch_id in own
