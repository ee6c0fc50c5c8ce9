"""Undo of any upload batch: activities through ingest.batches, registry, plan and outcome batches from their change
log.

A registry or plan batch logged every row it inserted or updated (registry_changes: entity, key, action, the
state before and after) and archived the demo rows it removed (archived_*, archived_by = the batch). Undo applies
that log backwards in one transaction and puts the archived rows back, so exactly that batch is reversed. An outcome
batch archived every row it replaced (a school's demo outcomes, the stored version of a row it changed): its rows
are deleted and the archived ones put back.

Undo is refused, with the batches to undo first, when later batches built on this one: a later registry or plan
batch changed the same rows, uploaded activities or plans refer to a pairing this batch created, a later batch
paired with a school or party this batch created, or (for a batch that replaced demo rows) real pairings of the
same tier from a later batch would end up beside the restored demo ones; likewise real outcomes of a school created
by this batch, or real outcomes from a later batch beside a school's restored demo outcomes. A problem file's batch
(issue 10) logged the problems it inserted and changed likewise; it cannot be undone once the app saved one of them
since (an undo would silently lose that edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from assistance.access import audit
from assistance.access.accounts import CLI, Account
from assistance.access.permissions import may_undo
from assistance.i18n import t
from assistance.ingest.batches import UndoResult, undo_batch
from assistance.registry.commit import COLUMNS
from assistance.store.db import new_natural_key
from assistance.store.transaction import WRITE_LOCK, Rollback, cursor, retrying, transaction

REGISTRY_KINDS = ("registry", "plans", "outcomes", "problems")


@dataclass
class RegistryUndo:
    """The outcome of undoing a registry or plan batch (status done | blocked)."""

    batch_id: int
    kind: str
    status: str
    changes: int = 0
    restored: int = 0
    blockers: tuple[int, ...] = ()
    reason: str = ""  # later_batch | in_use

    def message(self, lang: str) -> str:
        if self.status == "done":
            kind = t(f"fields.kind.{self.kind}", lang)
            if self.kind == "outcomes":  # what comes back is the rows the batch replaced, demo or earlier versions
                return t("outcomes.undo.done", lang, batch=self.batch_id, changes=self.changes, restored=self.restored)
            return t("registry.undo.done", lang, batch=self.batch_id, kind=kind, changes=self.changes,
                     restored=self.restored)  # fmt: skip
        batches = ", ".join(f"#{b}" for b in self.blockers)
        reason = t(f"registry.undo.{self.reason}", lang, batches=batches)
        return t("registry.undo.blocked", lang, batch=self.batch_id, reason=reason)


def batch_kind(con: duckdb.DuckDBPyConnection, batch_id: int) -> str | None:
    """The kind of a batch (activities, registry, plans), None if there is no such batch."""
    with cursor(con) as cur:
        found = cur.execute("SELECT kind FROM upload_batches WHERE batch_id = ?", [batch_id]).fetchall()
    return found[0][0] if found else None


@retrying
def undo(con: duckdb.DuckDBPyConnection, batch_id: int, actor: Account | None = CLI) -> UndoResult | RegistryUndo:
    """Undo one batch of any kind for `actor` (the command line by default); `.status` is done, already, unknown,
    blocked or refused (access.permissions.may_undo: not the actor's own batch) and `.message(lang)` says so. A
    done undo is written to the audit trail in the same transaction."""
    kind = batch_kind(con, batch_id)
    if kind is not None and not may_undo(con, actor, batch_id):
        return UndoResult(batch_id, "refused")
    if kind not in REGISTRY_KINDS:
        return undo_batch(con, batch_id, actor)  # activities (and unknown batches)
    result: UndoResult | RegistryUndo = UndoResult(batch_id, "unknown")
    with WRITE_LOCK, transaction(con) as cur:
        undone_at = cur.execute("SELECT undone_at FROM upload_batches WHERE batch_id = ?", [batch_id]).fetchall()
        if not undone_at:
            raise Rollback
        if undone_at[0][0] is not None:
            result = UndoResult(batch_id, "already", undone_at=undone_at[0][0])
            raise Rollback
        blocked = _blockers(cur, batch_id) or _problems_edited(cur, batch_id)
        if blocked is not None:
            result = RegistryUndo(batch_id, kind, "blocked", blockers=blocked[1], reason=blocked[0])
            raise Rollback
        changes = cur.execute("SELECT count(*) FROM registry_changes WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
        _reverse(cur, batch_id)
        _reverse_problems(cur, batch_id, actor)
        restored = _restore(cur, batch_id)
        cur.execute(
            "UPDATE upload_batches SET undone_at = ? WHERE batch_id = ?",
            [datetime.now().replace(microsecond=0), batch_id],
        )
        result = RegistryUndo(batch_id, kind, "done", changes=changes, restored=restored)
        audit.record(cur, actor, "undo", batch_id=batch_id, detail={"kind": kind, "changes": changes})
    return result


def _ids(entity: str, action: str = "insert") -> str:
    """The integer keys of a batch's logged `entity` rows (the batch id is the statement's parameter)."""
    return (
        f"SELECT CAST(key AS INTEGER) FROM registry_changes WHERE batch_id = $batch AND entity = '{entity}' "
        f"AND action = '{action}'"
    )


def _blockers(cur: duckdb.DuckDBPyConnection, batch: int) -> tuple[str, tuple[int, ...]] | None:
    """Why this batch cannot be undone yet, and the batches to undo first; None when it can."""
    later = cur.execute(
        """SELECT DISTINCT l.batch_id FROM registry_changes c
        JOIN registry_changes l ON l.entity = c.entity AND l.key = c.key AND l.batch_id > c.batch_id
        JOIN upload_batches b ON b.batch_id = l.batch_id AND b.undone_at IS NULL
        WHERE c.batch_id = $batch
        UNION
        SELECT DISTINCT p.batch_id FROM pairings p
        WHERE p.batch_id IS DISTINCT FROM $batch AND p.batch_id IS NOT NULL
          AND (p.school_id IN ("""
        + _ids("school")
        + """) OR p.university_id IN ("""
        + _ids("party")
        + """))
        UNION
        SELECT DISTINCT p.batch_id FROM pairings p
        WHERE p.provenance <> 'demo' AND p.batch_id > $batch
          AND p.tier IN (SELECT tier FROM archived_pairings WHERE archived_by = $batch)
        UNION
        SELECT DISTINCT o.batch_id FROM outcomes o
        WHERE o.provenance <> 'demo' AND o.batch_id > $batch
          AND o.school_id IN (
              SELECT school_id FROM archived_outcomes WHERE archived_by = $batch AND provenance = 'demo')
        ORDER BY 1""",
        {"batch": batch},
    ).fetchall()
    if later:
        return "later_batch", tuple(r[0] for r in later)
    in_use = cur.execute(
        """SELECT DISTINCT coalesce(batch_id, 0) FROM activities
        WHERE provenance <> 'demo' AND pairing_id IN ("""
        + _ids("pairing")
        + """)
        UNION
        SELECT DISTINCT coalesce(batch_id, 0) FROM plan_targets
        WHERE provenance <> 'demo' AND pairing_id IN ("""
        + _ids("pairing")
        + """)
        UNION
        SELECT DISTINCT coalesce(batch_id, 0) FROM outcomes
        WHERE provenance <> 'demo' AND school_id IN ("""
        + _ids("school")
        + """)
        ORDER BY 1""",
        {"batch": batch},
    ).fetchall()
    if in_use:
        return "in_use", tuple(r[0] for r in in_use)
    return None


def _reverse(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """The change log backwards: updates restored to their state before, inserts deleted (plans, pairings,
    aliases, schools, parties, in dependency order)."""
    params = {"batch": batch}
    cur.execute(  # an outcome batch's rows; the rows they replaced come back from the archive (_restore)
        """DELETE FROM outcomes o USING (
            SELECT CAST(split_part(key, '|', 1) AS INTEGER) AS school_id,
                   CAST(split_part(key, '|', 2) AS INTEGER) AS school_year
            FROM registry_changes WHERE batch_id = $batch AND entity = 'outcome') c
        WHERE o.school_id = c.school_id AND o.school_year = c.school_year""",
        params,
    )
    plan_key = (
        "CAST(split_part(key, '|', 1) AS INTEGER) AS pairing_id, CAST(split_part(key, '|', 2) AS INTEGER) AS "
        "school_year, split_part(key, '|', 3) AS measure"
    )
    cur.execute(
        f"""UPDATE plan_targets t SET target = CAST(c.before->>'target' AS INTEGER), notes = c.before->>'notes',
            provenance = c.before->>'provenance', batch_id = CAST(c.before->>'batch_id' AS INTEGER)
        FROM (SELECT {plan_key}, before FROM registry_changes
              WHERE batch_id = $batch AND entity = 'plan_target' AND action = 'update') c
        WHERE t.pairing_id = c.pairing_id AND t.school_year = c.school_year AND t.measure = c.measure""",
        params,
    )
    cur.execute(
        f"""DELETE FROM plan_targets t USING (
            SELECT {plan_key} FROM registry_changes
            WHERE batch_id = $batch AND entity = 'plan_target' AND action = 'insert') c
        WHERE t.pairing_id = c.pairing_id AND t.school_year = c.school_year AND t.measure = c.measure""",
        params,
    )
    cur.execute(
        """UPDATE pairings p SET start_date = CAST(c.before->>'start_date' AS DATE),
            end_date = CAST(c.before->>'end_date' AS DATE), cycle = CAST(c.before->>'cycle' AS INTEGER),
            source = c.before->>'source', confidence = c.before->>'confidence',
            provenance = c.before->>'provenance'
        FROM (SELECT CAST(key AS INTEGER) AS pairing_id, before FROM registry_changes
              WHERE batch_id = $batch AND entity = 'pairing' AND action = 'update') c
        WHERE p.pairing_id = c.pairing_id""",
        params,
    )
    cur.execute(f"DELETE FROM pairings WHERE pairing_id IN ({_ids('pairing')})", params)
    cur.execute(
        """DELETE FROM school_aliases a USING (
            SELECT CAST(after->>'school_id' AS INTEGER) AS school_id, after->>'alias' AS alias FROM registry_changes
            WHERE batch_id = $batch AND entity = 'school_alias' AND action = 'insert') c
        WHERE a.school_id = c.school_id AND a.alias = c.alias""",
        params,
    )
    cur.execute(f"DELETE FROM school_aliases WHERE school_id IN ({_ids('school')})", params)
    cur.execute(f"DELETE FROM schools WHERE school_id IN ({_ids('school')})", params)
    cur.execute(f"DELETE FROM university_aliases WHERE university_id IN ({_ids('party')})", params)
    cur.execute(f"DELETE FROM universities WHERE university_id IN ({_ids('party')})", params)


def _problems_edited(cur: duckdb.DuckDBPyConnection, batch: int) -> tuple[str, tuple[int, ...]] | None:
    """A problem file's batch cannot be undone once a problem it inserted or changed was saved again in the app
    after the import (an audited `problem_update`): ('edited', those problems' ids)."""
    edited = cur.execute(
        """SELECT DISTINCT CAST(c.key AS INTEGER) FROM registry_changes c
        JOIN audit_log a ON a.action = 'problem_update' AND a.target = 'problem:' || c.key
        WHERE c.batch_id = $batch AND c.entity = 'problem'
          AND a.event_id > coalesce((SELECT min(event_id) FROM audit_log WHERE batch_id = $batch
                                     AND action = 'problem_import'), 0)
        ORDER BY 1""",
        {"batch": batch},
    ).fetchall()
    return ("edited", tuple(r[0] for r in edited)) if edited else None


def _reverse_problems(cur: duckdb.DuckDBPyConnection, batch: int, actor: Account | None) -> None:
    """A problem file's batch backwards: the problems it changed get their state before (their version raised, so
    that a form opened on the batch's version is refused; a status put back is a history row), the problems it
    inserted are deleted with their history."""
    username = audit.cli_actor()[0] if actor is None or actor is CLI else actor.username
    params = {"batch": batch, "by": username, "now": datetime.now().replace(microsecond=0)}
    cur.execute(
        """INSERT INTO problem_history (problem_id, occurred_at, username, from_status, to_status, comment, version,
            batch_id)
        SELECT p.problem_id, $now, $by, p.status, c.before->>'status', NULL, p.version + 1, $batch
        FROM registry_changes c JOIN problems p ON p.problem_id = CAST(c.key AS INTEGER)
        WHERE c.batch_id = $batch AND c.entity = 'problem' AND c.action = 'update'
          AND p.status <> c.before->>'status'""",
        params,
    )
    cur.execute(
        """UPDATE problems p SET category = c.before->>'category', raised_by = c.before->>'raised_by',
            description = c.before->>'description', owner_level = c.before->>'owner_level',
            status = c.before->>'status', due_date = CAST(c.before->>'due_date' AS DATE),
            resolution = c.before->>'resolution', resolved_on = CAST(c.before->>'resolved_on' AS DATE),
            provenance = c.before->>'provenance', version = p.version + 1, updated_by = $by, updated_at = $now
        FROM (SELECT CAST(key AS INTEGER) AS problem_id, before FROM registry_changes
              WHERE batch_id = $batch AND entity = 'problem' AND action = 'update') c
        WHERE p.problem_id = c.problem_id""",
        params,
    )
    for table in ("problem_history", "problems"):
        cur.execute(f"DELETE FROM {table} WHERE problem_id IN ({_ids('problem')})", {"batch": batch})


# Restored in this order (schools before the pairings that name them); a demo plan or activity that a real row has
# taken the place of stays out: a plan by its primary key, an activity by its natural key (activities has no unique
# index, store.db.new_natural_key).
_RESTORE = (
    ("schools", ""),
    ("school_aliases", ""),
    ("pairings", ""),
    ("plan_targets", " ON CONFLICT DO NOTHING"),
    ("activities", ""),
    ("outcomes", " ON CONFLICT DO NOTHING"),
)


def _restore(cur: duckdb.DuckDBPyConnection, batch: int) -> int:
    """Put back the demo rows this batch archived (a demo plan or activity that a real row has taken the place of
    stays out); returns how many rows came back."""
    restored = 0
    for table, conflict in _RESTORE:
        columns = COLUMNS[table]
        where = f"archived_by = ? AND {new_natural_key('r')}" if table == "activities" else "archived_by = ?"
        restored += cur.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM archived_{table} r WHERE {where} "
            f"ORDER BY 1{conflict}",
            [batch],
        ).fetchall()[0][0]
        cur.execute(f"DELETE FROM archived_{table} WHERE archived_by = ?", [batch])
    return restored
