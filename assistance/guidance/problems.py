"""Raising and changing problems (困难问题台账), one problem at a time, as the Problems page and the scorecard do.

The rules every save follows (a refused save writes nothing and says why: `ProblemRefused.message(lang)`):

* the account may edit problems (access.permissions `edit_problems`) and the problem lies in its scope: a pairing
  inside the account's scope (access.scope), or a county or a province for the ministry and that province's
  account only (AccessDenied otherwise);
* a title is required, texts have a length limit, the codes are the tracker's (analytics.problems), the due date is
  not before the day it was raised, and that day is not in the future;
* resolved and discontinued need a resolution text; reopening a resolved or discontinued problem, and marking one
  constrained, need a comment that says why;
* a save names the version it was based on: if the problem changed since (another session saved first) the save is
  refused with who changed it and when, never a silent overwrite;
* every status change (and the raising itself) is kept in the problem's history with who, when, from, to and the
  comment; every save writes its audit row in the same transaction.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import BinaryIO

import duckdb

from assistance.access import audit
from assistance.access.accounts import CLI, Account
from assistance.access.permissions import AccessDenied, require
from assistance.access.scope import pairing_in_scope, scope_of
from assistance.analytics.problems import (
    CATEGORIES,
    CLOSED,
    OWNER_LEVELS,
    RAISED_BY,
    SCOPES,
    STATUSES,
    list_query,
)
from assistance.export.columns import EXPORT_LANGUAGE, PROBLEM_COLUMNS
from assistance.export.writers import write_table
from assistance.filters import Filters
from assistance.guidance.refused import Refused
from assistance.i18n import t
from assistance.store.db import title_key_sql
from assistance.store.transaction import WRITE_LOCK, retrying, transaction

MAX_TITLE = 200
MAX_TEXT = 20_000  # a description or resolution (10,000 characters and more stay readable)
MAX_COMMENT = 2_000
EARLIEST = date(2022, 6, 1)  # the programme's announcement: an earlier day is a typo
EDITABLE = ("category", "description", "owner_level", "status", "due_date", "resolution")


class ProblemRefused(Refused):
    """A save the rules refuse: `code` names the rule (strings `problem.err.<code>`), `values` fill its message."""

    prefix = "problem"


@dataclass(frozen=True)
class ProblemDraft:
    """A new problem as a form or a file gives it. `scope` is pairing (with `pairing_id`), county (`county_adcode`)
    or province (`province_code`)."""

    scope: str
    raised_by: str
    raised_on: date
    category: str
    title: str
    owner_level: str
    pairing_id: int | None = None
    county_adcode: str | None = None
    province_code: str | None = None
    description: str | None = None
    status: str = "open"
    due_date: date | None = None
    resolution: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class ProblemChange:
    """What a save changes (None: unchanged) and the comment that goes into the history."""

    category: str | None = None
    description: str | None = None
    owner_level: str | None = None
    status: str | None = None
    due_date: date | None = None
    clear_due_date: bool = False
    resolution: str | None = None
    comment: str | None = None


def actor_name(actor: Account | None) -> str:
    """The name a history row and a record carry: the signed-in account, or `cli:<user>` on the command line."""
    return audit.cli_actor()[0] if actor is None or actor is CLI else actor.username


def _text(value: str | None) -> str | None:
    """Trimmed text; blank → None. Kept exactly as typed otherwise (markup, links and all: it is shown as text)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _check_codes(category: str | None, owner_level: str | None, status: str | None, raised_by: str | None) -> None:
    for value, allowed, code in (
        (category, CATEGORIES, "category_unknown"),
        (owner_level, OWNER_LEVELS, "owner_unknown"),
        (status, STATUSES, "status_unknown"),
        (raised_by, RAISED_BY, "raised_by_unknown"),
    ):
        if value is not None and value not in allowed:
            raise ProblemRefused(code, value=str(value)[:40])


def _check_lengths(**texts: str | None) -> None:
    limits = {"title": MAX_TITLE, "comment": MAX_COMMENT}
    for name, value in texts.items():
        limit = limits.get(name, MAX_TEXT)
        if value is not None and len(value) > limit:
            raise ProblemRefused("too_long", field=name, limit=f"{limit:,}")


def _check_transition(old: str | None, new: str, resolution: str | None, comment: str | None) -> None:
    """The status rules: closing needs a resolution text; reopening and marking constrained need a comment."""
    if new in CLOSED and not resolution:
        raise ProblemRefused("resolution_required", to_status=new)
    if old in CLOSED and new not in CLOSED and not comment:
        raise ProblemRefused("reopen_comment", from_status=old, to_status=new)
    if new == "constrained" and old != "constrained" and not comment:
        raise ProblemRefused("constrained_comment")


def check_draft(draft: ProblemDraft, today: date) -> ProblemDraft:
    """The draft cleaned (texts trimmed) if it follows the rules; ProblemRefused otherwise."""
    draft = replace(
        draft,
        title=_text(draft.title) or "",
        description=_text(draft.description),
        resolution=_text(draft.resolution),
        comment=_text(draft.comment),
    )
    if draft.scope not in SCOPES:
        raise ProblemRefused("scope_unknown", value=str(draft.scope)[:40])
    if not draft.title:
        raise ProblemRefused("title_required")
    _check_lengths(title=draft.title, description=draft.description, resolution=draft.resolution,
                   comment=draft.comment)  # fmt: skip
    _check_codes(draft.category, draft.owner_level, draft.status, draft.raised_by)
    if draft.raised_on is None or draft.raised_on > today or draft.raised_on < EARLIEST:
        raise ProblemRefused("raised_on_invalid", earliest=EARLIEST.isoformat(), today=today.isoformat())
    if draft.due_date is not None and draft.due_date < draft.raised_on:
        raise ProblemRefused("due_before_raised", due=draft.due_date.isoformat(), raised=draft.raised_on.isoformat())
    _check_transition(None, draft.status, draft.resolution, draft.comment)
    return draft


def _place(cur: duckdb.DuckDBPyConnection, actor: Account | None, scope: str, pairing_id, county, province) -> str:
    """The problem's scope key ('pairing:12', 'county:620102', 'province:620000') once the place is known and inside
    the actor's scope; AccessDenied('scope') or ProblemRefused('place_unknown') otherwise."""
    own = scope_of(None if actor is CLI else actor)
    if scope == "pairing":
        if (
            pairing_id is None
            or not cur.execute("SELECT count(*) FROM pairings WHERE pairing_id = ?", [int(pairing_id)]).fetchone()[0]
        ):
            raise ProblemRefused("place_unknown")
        if actor is not CLI and not pairing_in_scope(cur, int(pairing_id), own):
            raise AccessDenied("scope")
        return f"pairing:{int(pairing_id)}"
    if scope == "county":
        row = cur.execute("SELECT province_code FROM counties WHERE adcode = ?", [county]).fetchone()
        key, area = f"county:{county}", row[0] if row else None
    else:
        row = cur.execute("SELECT code FROM provinces WHERE code = ? AND in_programme", [province]).fetchone()
        key, area = f"province:{province}", row[0] if row else None
    if area is None:
        raise ProblemRefused("place_unknown")
    if actor is not CLI and not ((own.national and actor.role == "ministry") or own.province == area):
        raise AccessDenied("scope")  # a county's or a province's problem: the ministry and that province only
    return key


def _history(cur, problem_id: int, actor, old: str | None, new: str, comment, version: int, batch=None) -> None:
    cur.execute(
        "INSERT INTO problem_history (problem_id, occurred_at, username, from_status, to_status, comment, version, "
        "batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [problem_id, datetime.now().replace(microsecond=0), actor_name(actor), old, new, comment, version, batch],
    )


@retrying
def create_problem(
    con: duckdb.DuckDBPyConnection, actor: Account | None, draft: ProblemDraft, today: date | None = None
) -> int:
    """Raise a problem for `actor`; returns its id. AccessDenied or ProblemRefused (nothing written) when the
    rules say no. A problem with the same place, day and title (ignoring case and spacing) is refused as a
    duplicate, naming it."""
    require(actor, "edit_problems")
    today = today or date.today()
    draft = check_draft(draft, today)
    now = datetime.now().replace(microsecond=0)
    with WRITE_LOCK, transaction(con) as cur:
        key = _place(cur, actor, draft.scope, draft.pairing_id, draft.county_adcode, draft.province_code)
        title_key = cur.execute(f"SELECT {title_key_sql('?')}", [normalise_text(draft.title)]).fetchone()[0]
        same = cur.execute(
            "SELECT problem_id FROM problems WHERE scope_key = ? AND raised_on = ? AND title_key = ?",
            [key, draft.raised_on, title_key],
        ).fetchone()
        if same:
            raise ProblemRefused("duplicate", problem=same[0])
        problem_id = cur.execute("SELECT nextval('seq_problem')").fetchone()[0]
        cur.execute(
            "INSERT INTO problems (problem_id, scope, pairing_id, county_adcode, province_code, scope_key, raised_by, "
            "raised_on, category, title, title_key, description, owner_level, status, due_date, resolution, "
            "resolved_on, version, provenance, created_by, created_at, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'entered', ?, ?, ?, ?)",
            [
                problem_id, draft.scope, draft.pairing_id if draft.scope == "pairing" else None,
                draft.county_adcode if draft.scope == "county" else None,
                draft.province_code if draft.scope == "province" else None, key, draft.raised_by, draft.raised_on,
                draft.category, draft.title, title_key, draft.description, draft.owner_level, draft.status,
                draft.due_date, draft.resolution if draft.status in CLOSED else None,
                today if draft.status in CLOSED else None, actor_name(actor), now, actor_name(actor), now,
            ],
        )  # fmt: skip
        _history(cur, problem_id, actor, None, draft.status, draft.comment, 1)
        audit.record(cur, actor, "problem_add", target=f"problem:{problem_id}",
                     detail={"scope": key, "status": draft.status, "category": draft.category})  # fmt: skip
    return problem_id


def normalise_text(text: str) -> str:
    """NFKC and trimmed, as the natural key reads a title (full-width forms folded; store.db.title_key_sql does
    the rest)."""
    return unicodedata.normalize("NFKC", text).strip()


_COLUMNS = "problem_id, scope, pairing_id, county_adcode, province_code, raised_on, status, version, updated_by, " + (
    "updated_at, category, description, owner_level, due_date, resolution"
)


@retrying
def update_problem(
    con: duckdb.DuckDBPyConnection,
    actor: Account | None,
    problem_id: int,
    version: int,
    change: ProblemChange,
    today: date | None = None,
) -> int:
    """Save `change` to a problem the actor saw at `version`; returns the new version. Refused (nothing written)
    when the problem changed since (`stale`, naming who and when), when the rules say no, or when nothing changes."""
    require(actor, "edit_problems")
    today = today or date.today()
    comment = _text(change.comment)
    description, resolution = _text(change.description), _text(change.resolution)
    _check_lengths(description=description, resolution=resolution, comment=comment)
    _check_codes(change.category, change.owner_level, change.status, None)
    now = datetime.now().replace(microsecond=0)
    with WRITE_LOCK, transaction(con) as cur:
        row = cur.execute(f"SELECT {_COLUMNS} FROM problems WHERE problem_id = ?", [int(problem_id)]).fetchone()
        if row is None:
            raise ProblemRefused("unknown", problem=problem_id)
        old = dict(zip(_COLUMNS.split(", "), row, strict=True))
        _place(cur, actor, old["scope"], old["pairing_id"], old["county_adcode"], old["province_code"])
        if old["version"] != int(version):
            raise ProblemRefused(
                "stale", by=old["updated_by"] or "—", at=old["updated_at"].strftime("%Y-%m-%d %H:%M"),
                status=old["status"], version=old["version"],
            )  # fmt: skip
        new = {
            "category": change.category or old["category"],
            "description": description if change.description is not None else old["description"],
            "owner_level": change.owner_level or old["owner_level"],
            "status": change.status or old["status"],
            "due_date": None if change.clear_due_date else (change.due_date or old["due_date"]),
            "resolution": resolution if change.resolution is not None else old["resolution"],
        }
        if new["due_date"] is not None and new["due_date"] < old["raised_on"]:
            raise ProblemRefused("due_before_raised", due=new["due_date"].isoformat(),
                                 raised=old["raised_on"].isoformat())  # fmt: skip
        moved = new["status"] != old["status"]
        if moved:
            _check_transition(old["status"], new["status"], new["resolution"], comment)
        changed = [name for name in EDITABLE if new[name] != old[name]]
        if not changed and not comment:
            raise ProblemRefused("nothing_changed")
        closing = new["status"] in CLOSED
        resolved_on = today if closing and moved else None  # staying closed keeps its day; reopening clears it
        cur.execute(
            "UPDATE problems SET category = ?, description = ?, owner_level = ?, status = ?, due_date = ?, "
            "resolution = ?, resolved_on = coalesce(?, CASE WHEN ? THEN resolved_on END), version = version + 1, "
            "updated_by = ?, updated_at = ? WHERE problem_id = ? AND version = ?",
            [
                new["category"], new["description"], new["owner_level"], new["status"], new["due_date"],
                new["resolution"], resolved_on, closing, actor_name(actor), now, int(problem_id), int(version),
            ],
        )  # fmt: skip
        if moved or comment:
            _history(cur, int(problem_id), actor, old["status"], new["status"], comment, int(version) + 1)
        audit.record(cur, actor, "problem_update", target=f"problem:{int(problem_id)}",
                     detail={"from": old["status"], "to": new["status"], "fields": changed,
                             "version": int(version) + 1})  # fmt: skip
    return int(version) + 1


def write_problems(
    con: duckdb.DuckDBPyConnection,
    out: BinaryIO,
    fmt: str,
    filters: Filters | None = None,
    today: date | None = None,
    lang: str = EXPORT_LANGUAGE,
) -> int:
    """Every problem in view of `filters` (default: the whole programme) as CSV or XLSX in the problem file's
    columns (the Chinese file imports again, every row unchanged); returns the number of rows."""
    query = list_query(filters or Filters(), today or date.today())
    return write_table(con, query, PROBLEM_COLUMNS, fmt, out, t("export.file.problems", lang)[:31], lang=lang)
