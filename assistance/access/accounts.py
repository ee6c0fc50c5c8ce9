"""Accounts, their roles and passwords, and signing in.

Roles (issue 12): `ministry` (everything), `province` (one province code, 660000 for the Corps), `university` (one
supporting party), `school` (one school), `viewer` (read-only: the whole programme, a province or a party).
Passwords are hashed with argon2 and never kept or logged in clear. A refused sign-in never says which part was
wrong (unknown name, wrong password, disabled account, empty field: one answer), and repeated failures for a name
are slowed down: after `FREE_FAILURES` failures each further attempt must wait twice as long as the last, up to
`MAX_WAIT` seconds, whether or not the name exists.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assistance.reference.loader import normalise_name
from assistance.store.transaction import WRITE_LOCK, cursor, retrying, transaction

ROLES = ("ministry", "province", "university", "school", "viewer")
MAX_USERNAME = 64
MIN_PASSWORD = 8
FREE_FAILURES = 3
MAX_WAIT = 60.0
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """A hash verified against when the name is unknown, so that a refusal takes as long either way; made on the
    first such sign-in, not at import (every command line and server start would pay for it)."""
    return _HASHER.hash("not a password anyone has")


class AccountError(ValueError):
    """A refused account change: `code` names the reason (strings `users.err.<code>`), `value` what was given."""

    def __init__(self, code: str, value: str = ""):
        super().__init__(f"{code}: {value}" if value else code)
        self.code = code
        self.value = value


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    province_code: str | None = None
    university: str | None = None  # the supporting party's Chinese name
    school_id: int | None = None
    school: str | None = None
    identity: str | None = None  # the OIDC email or subject this account signs in as
    disabled: bool = False

    def to_dict(self) -> dict:
        return {
            "username": self.username, "role": self.role, "province": self.province_code,
            "university": self.university, "school": self.school, "identity": self.identity,
            "disabled": self.disabled,
        }  # fmt: skip


# The command line: trusted operators on the server, who may do everything; recorded as `cli:<os user>`. Never stored
# (its role is not one of ROLES), so no one can sign in as it.
CLI = Account("cli", "cli")


@dataclass(frozen=True)
class SignIn:
    """A sign-in's answer: the account, or refused (`wait` > 0: try again after that many seconds)."""

    account: Account | None
    wait: float = 0.0


_SELECT = """SELECT a.username, a.role, a.province_code, u.name_zh, a.school_id, s.name_zh, a.identity, a.disabled
    FROM accounts a LEFT JOIN universities u ON u.university_id = a.university_id
    LEFT JOIN schools s ON s.school_id = a.school_id"""


def has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any account exists: without one the app is read-only for everyone (a fresh install, the demo)."""
    with cursor(con) as cur:
        return bool(cur.execute("SELECT count(*) FROM accounts").fetchone()[0])


def get_account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    with cursor(con) as cur:
        row = cur.execute(f"{_SELECT} WHERE a.username = ?", [username]).fetchone()
    return Account(*row) if row else None


def account_by_identity(con: duckdb.DuckDBPyConnection, identity: str) -> Account | None:
    """The account an identity provider's email or subject maps to (OIDC sign-in)."""
    with cursor(con) as cur:
        row = cur.execute(f"{_SELECT} WHERE lower(a.identity) = lower(?)", [identity]).fetchone()
    return Account(*row) if row else None


def list_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    with cursor(con) as cur:
        return [Account(*row) for row in cur.execute(f"{_SELECT} ORDER BY a.username").fetchall()]


def _check_username(username: str) -> str:
    name = (username or "").strip()
    if not name or len(name) > MAX_USERNAME or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise AccountError("username_invalid", name[:MAX_USERNAME])
    return name


def _check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError("password_short", str(MIN_PASSWORD))
    return password


def _scope_columns(cur, role: str, university: str | None, province: str | None, school: str | None) -> tuple:
    """(province_code, university_id, school_id) of a role's scope, each resolved against the registry."""
    if role not in ROLES:
        raise AccountError("role_unknown", role)
    needed = {"province": "province", "university": "university", "school": "school"}.get(role)
    given = {"province": province, "university": university, "school": school}
    extra = [key for key, value in given.items() if value and key != needed and role != "viewer"]
    if extra or (role == "viewer" and sum(bool(v) for v in given.values()) > 1) or (role == "viewer" and school):
        raise AccountError("scope_mismatch", role)
    if needed and not given[needed]:
        raise AccountError(f"{needed}_required", role)
    province_code = university_id = school_id = None
    if province:
        row = cur.execute(
            "SELECT code FROM provinces WHERE in_programme AND (code = ? OR name_zh = ? OR short_zh = ? "
            "OR lower(name_en) = lower(?))", [province.strip()] * 4,
        ).fetchone()  # fmt: skip
        if not row:
            raise AccountError("province_unknown", province)
        province_code = row[0]
    if university:
        row = cur.execute(
            "SELECT university_id FROM university_aliases WHERE alias = ?", [normalise_name(university)]
        ).fetchone()
        if not row:
            raise AccountError("university_unknown", university)
        university_id = row[0]
    if school:
        rows = cur.execute(
            "SELECT DISTINCT s.school_id FROM schools s LEFT JOIN school_aliases a ON a.school_id = s.school_id "
            "WHERE s.name_zh = ? OR a.alias = ?", [school.strip(), normalise_name(school)],
        ).fetchall()  # fmt: skip
        if len(rows) != 1:
            raise AccountError("school_unknown" if not rows else "school_ambiguous", school)
        school_id = rows[0][0]
    return province_code, university_id, school_id


@retrying
def add_account(
    con: duckdb.DuckDBPyConnection,
    username: str,
    role: str,
    password: str | None,
    *,
    university: str | None = None,
    province: str | None = None,
    school: str | None = None,
    identity: str | None = None,
    audit_as: Account | None = None,
) -> Account:
    """Create an account (a password, an OIDC identity, or both); refused with AccountError, nothing written.
    With `audit_as` (the command line: CLI) its audit row `user_add` is written in the same transaction."""
    name = _check_username(username)
    if password is None and not identity:
        raise AccountError("password_short", str(MIN_PASSWORD))
    hashed = _HASHER.hash(_check_password(password)) if password is not None else None
    with WRITE_LOCK, transaction(con) as cur:
        if cur.execute("SELECT count(*) FROM accounts WHERE lower(username) = lower(?)", [name]).fetchone()[0]:
            raise AccountError("username_taken", name)
        if (
            identity
            and cur.execute("SELECT count(*) FROM accounts WHERE lower(identity) = lower(?)", [identity]).fetchone()[0]
        ):
            raise AccountError("identity_taken", identity)
        columns = _scope_columns(cur, role, university, province, school)
        cur.execute(
            "INSERT INTO accounts (username, role, province_code, university_id, school_id, identity, password_hash,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [name, role, *columns, identity or None, hashed, datetime.now().replace(microsecond=0)],
        )
        account = Account(*cur.execute(f"{_SELECT} WHERE a.username = ?", [name]).fetchone())
        _audit(cur, audit_as, "user_add", name, account.to_dict())
    return account


def _audit(cur, actor: Account | None, action: str, username: str, detail: dict | None = None) -> None:
    """The audit row of an account change, in the change's own transaction (`cur`): a change and its row land
    together or not at all. No actor: not recorded (a test's or a builder's own accounts)."""
    if actor is not None:
        from assistance.access import audit  # audit imports this module

        audit.record(cur, actor, action, target=username, detail=detail)


def _existing(cur, username: str) -> str:
    row = cur.execute("SELECT username FROM accounts WHERE username = ?", [username]).fetchone()
    if not row:
        raise AccountError("user_unknown", username[:MAX_USERNAME])
    return row[0]


@retrying
def disable_account(con: duckdb.DuckDBPyConnection, username: str, audit_as: Account | None = None) -> None:
    """Disable an account and end its sessions at once (a disabled account cannot sign in; it is kept for the
    audit trail). With `audit_as`, its audit row `user_disable` is written in the same transaction."""
    with WRITE_LOCK, transaction(con) as cur:
        name = _existing(cur, username)
        cur.execute("UPDATE accounts SET disabled = true WHERE username = ?", [name])
        cur.execute("UPDATE sessions SET ended_at = ? WHERE username = ? AND ended_at IS NULL", [datetime.now(), name])
        _audit(cur, audit_as, "user_disable", name)


@retrying
def reset_password(
    con: duckdb.DuckDBPyConnection, username: str, password: str, audit_as: Account | None = None
) -> None:
    """Set a new password (and end the account's sessions: whoever held the old one is signed out). With
    `audit_as`, its audit row `user_reset` is written in the same transaction."""
    hashed = _HASHER.hash(_check_password(password))
    with WRITE_LOCK, transaction(con) as cur:
        name = _existing(cur, username)
        cur.execute("UPDATE accounts SET password_hash = ? WHERE username = ?", [hashed, name])
        cur.execute("UPDATE sessions SET ended_at = ? WHERE username = ? AND ended_at IS NULL", [datetime.now(), name])
        _audit(cur, audit_as, "user_reset", name)


def _name_key(username: str) -> str:
    """What failures are counted under: the folded name, hashed (a 10,000-character name is stored as 64)."""
    return hashlib.sha256(normalise_name(username or "").encode()).hexdigest()


def wait_seconds(failures: int) -> float:
    """How long after the last failure the next attempt must wait."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - FREE_FAILURES), MAX_WAIT)


@retrying
def sign_in(con: duckdb.DuckDBPyConnection, username: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a name and password. The answer is the account, or a refusal that does not say why; a name that failed
    `FREE_FAILURES` times must wait (`SignIn.wait`) before it is checked again."""
    now = now or datetime.now()
    key = _name_key(username)
    with WRITE_LOCK, transaction(con) as cur:
        row = cur.execute("SELECT failures, last_failure FROM sign_in_failures WHERE name_key = ?", [key]).fetchone()
        failures, last = row if row else (0, None)
        if last is not None:
            remaining = wait_seconds(failures) - (now - last).total_seconds()
            if remaining > 0:
                return SignIn(None, remaining)
        found = cur.execute(
            "SELECT username, password_hash, disabled FROM accounts WHERE username = ?", [(username or "").strip()]
        ).fetchone()
        stored = found[1] if found and found[1] else _dummy_hash()
        try:
            ok = bool(password) and _HASHER.verify(stored, password) and found is not None and not found[2]
        except (VerificationError, InvalidHashError):
            ok = False
        if ok:
            cur.execute("DELETE FROM sign_in_failures WHERE name_key = ?", [key])
        else:
            cur.execute("INSERT OR REPLACE INTO sign_in_failures VALUES (?, ?, ?)", [key, failures + 1, now])
    if not ok:
        return SignIn(None, wait_seconds(failures + 1))
    return SignIn(get_account(con, found[0]))
