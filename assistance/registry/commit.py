"""Step 6 of a registry import, commit: the classified rows (registry.importer's reg_final) written in the
caller's transaction, and every change logged for undo.

In order: the demo rows of the tiers the file brings real rows for are archived (archived_*, archived_by = the
batch) and removed; new supporting parties and schools are created with their names and short names as aliases;
new pairings inserted and changed ones updated; schools only the removed demo pairings used are archived too.
Each insert and update goes into registry_changes (entity, key, action, before, after) so that registry.undo
reverses exactly this batch. With no batch (init's reference load) nothing is logged and no demo is removed.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from assistance.registry.common import ImportReport
from assistance.store.sortkeys import fill_sort_keys
from assistance.store.transaction import registered


def apply(cur: duckdb.DuckDBPyConnection, report: ImportReport, provenance: str) -> None:
    """Write the classified rows: demo removal, new parties and schools, new and changed pairings, change log."""
    batch = report.batch_id
    if batch is not None and report.demo_tiers:
        remove_demo(cur, batch)
    _insert_parties(cur, report, batch)
    _insert_schools(cur, batch)
    _insert_pairings(cur, batch, provenance)
    _update_pairings(cur, batch, provenance)
    if batch is not None and report.demo_tiers:
        _remove_orphan_demo_schools(cur, batch)
    fill_sort_keys(cur)  # new schools and parties sort by their pinyin from this commit on


def _log(cur: duckdb.DuckDBPyConnection, batch: int | None, select: str) -> None:
    """Append change-log rows (entity, key, action, before, after) selected by `select`."""
    if batch is not None:
        cur.execute(
            f"INSERT INTO registry_changes (batch_id, entity, key, action, before, after) SELECT {batch}, * "
            f"FROM ({select})"
        )


# The stored columns of the tables a commit archives rows of (archived_<table> holds them, then archived_by) and
# undo restores (registry.undo).
COLUMNS = {
    "schools": "school_id, name_zh, county_adcode",
    "school_aliases": "alias, school_id",
    "pairings": "pairing_id, university_id, school_id, tier, start_date, provenance, confidence, source, end_date, "
    "cycle, batch_id",
    "plan_targets": "pairing_id, school_year, measure, target, provenance, batch_id, notes",
    "activities": "activity_id, pairing_id, date, measure, title, title_key, teachers, students, hours, notes, "
    "provenance, batch_id",
    "outcomes": "school_id, school_year, students, classes, large_classes, teachers, teachers_masters, "
    "teachers_senior, teachers_left, top_intake_local_pct, undergrad_rate_pct, special_line_students, notes, "
    "provenance, batch_id",
}
PLAN_COLUMNS = COLUMNS["plan_targets"]


def archive_demo(cur: duckdb.DuckDBPyConnection, table: str, batch: int, pairings: str) -> None:
    """Archive (archived_by = batch) and delete the demo rows of `table` (activities, plan_targets, pairings) whose
    pairing is among `pairings`, a SELECT of pairing_id."""
    where = f"provenance = 'demo' AND pairing_id IN ({pairings})"
    cur.execute(f"INSERT INTO archived_{table} SELECT {COLUMNS[table]}, {batch} FROM {table} WHERE {where}")
    cur.execute(f"DELETE FROM {table} WHERE {where}")


def remove_demo(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Archive (archived_by = batch) and delete the demo activities and plans of the file's tiers and their demo
    pairings that nothing real refers to."""
    of_tiers = "SELECT pairing_id FROM pairings SEMI JOIN reg_tiers USING (tier)"
    archive_demo(cur, "activities", batch, of_tiers)
    archive_demo(cur, "plan_targets", batch, of_tiers)
    archive_demo(cur, "pairings", batch, "SELECT pairing_id FROM reg_demo")


def _remove_orphan_demo_schools(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """The schools of the removed demo pairings that no pairing refers to any more (archived with their aliases and
    their demo outcomes)."""
    orphans = (
        f"SELECT school_id FROM archived_pairings WHERE archived_by = {batch} "
        "AND school_id NOT IN (SELECT school_id FROM pairings)"
    )
    for table in ("outcomes", "school_aliases", "schools"):
        where = f"school_id IN ({orphans})"
        cur.execute(f"INSERT INTO archived_{table} SELECT {COLUMNS[table]}, {batch} FROM {table} WHERE {where}")
        cur.execute(f"DELETE FROM {table} WHERE {where}")


def _insert_parties(cur: duckdb.DuckDBPyConnection, report: ImportReport, batch: int | None) -> None:
    """New provincial and municipal supporting parties (kind from the name), each with its name as alias."""
    frame = report.new_parties
    table = pa.table(
        {
            "name": pa.array(list(frame["name"]), pa.string()),
            "kind": pa.array(list(frame["kind"]), pa.string()),
            "line": pa.array([int(x) for x in frame["line"]], pa.int64()),
        }
    )
    with registered(cur, "reg_new_party_in", table):
        cur.execute(
            """CREATE TEMP TABLE reg_new_party AS
            SELECT n.name, n.kind, f.skey, (SELECT coalesce(max(university_id), 0) FROM universities)
                + row_number() OVER (ORDER BY n.line) AS party_id
            FROM reg_new_party_in n JOIN reg_final f ON f.line = n.line"""
        )
    cur.execute(
        "INSERT INTO universities (university_id, name_zh, name_en, kind, national) "
        "SELECT party_id, name, name, kind, false FROM reg_new_party"
    )
    cur.execute("INSERT INTO university_aliases SELECT skey, party_id FROM reg_new_party")
    _log(
        cur, batch,
        "SELECT 'party', CAST(party_id AS VARCHAR), 'insert', NULL::JSON, "
        "CAST(to_json({'name': name, 'kind': kind}) AS JSON) FROM reg_new_party",
    )  # fmt: skip


def _insert_schools(cur: duckdb.DuckDBPyConnection, batch: int | None) -> None:
    """New schools (first spelling in the file), their names and short names as aliases; new short names of
    existing schools as aliases too."""
    cur.execute(
        """CREATE TEMP TABLE reg_new_school AS
        SELECT adcode, school_fold, name, (SELECT coalesce(max(school_id), 0) FROM (
                SELECT school_id FROM schools UNION ALL SELECT school_id FROM archived_schools))
            + row_number() OVER (ORDER BY line) AS school_id
        FROM (SELECT adcode, school_fold, arg_min(new_school_name, line) AS name, min(line) AS line
              FROM reg_final WHERE status = 'new' AND school_id IS NULL GROUP BY adcode, school_fold)"""
    )
    cur.execute(
        "INSERT INTO schools (school_id, name_zh, county_adcode) SELECT school_id, name, adcode FROM reg_new_school"
    )
    cur.execute(
        """CREATE TEMP TABLE reg_new_alias AS
        SELECT DISTINCT alias, school_id, fresh FROM (
            SELECT n.school_fold AS alias, n.school_id, true AS fresh FROM reg_new_school n
            UNION ALL
            SELECT f.short_fold, coalesce(f.school_id, n.school_id), f.school_id IS NULL
            FROM reg_final f LEFT JOIN reg_new_school n ON n.adcode = f.adcode AND n.school_fold = f.school_fold
            WHERE f.status IN ('new', 'changed') AND f.short_fold IS NOT NULL)
        ANTI JOIN school_aliases a USING (alias, school_id)"""
    )
    cur.execute("INSERT INTO school_aliases (alias, school_id) SELECT DISTINCT alias, school_id FROM reg_new_alias")
    _log(
        cur, batch,
        "SELECT 'school', CAST(school_id AS VARCHAR), 'insert', NULL::JSON, "
        "CAST(to_json({'name': name, 'county_adcode': adcode}) AS JSON) FROM reg_new_school",
    )  # fmt: skip
    _log(
        cur, batch,
        "SELECT DISTINCT 'school_alias', CAST(school_id AS VARCHAR) || '|' || alias, 'insert', NULL::JSON, "
        "CAST(to_json({'school_id': school_id, 'alias': alias}) AS JSON) FROM reg_new_alias WHERE NOT fresh",
    )  # fmt: skip


def _insert_pairings(cur: duckdb.DuckDBPyConnection, batch: int | None, provenance: str) -> None:
    cur.execute(
        f"""CREATE TEMP TABLE reg_new_pairing AS
        SELECT (SELECT coalesce(max(pairing_id), 0) FROM (
                SELECT pairing_id FROM pairings UNION ALL SELECT pairing_id FROM archived_pairings))
                + row_number() OVER (ORDER BY f.line) AS pairing_id,
            coalesce(f.party_id, np.party_id) AS university_id, coalesce(f.school_id, ns.school_id) AS school_id,
            f.tier, f.eff_start AS start_date, '{provenance}' AS provenance, f.new_confidence AS confidence,
            f.new_source AS source, f.new_end AS end_date, coalesce(f.new_cycle, 1) AS cycle,
            {"NULL" if batch is None else batch}::INTEGER AS batch_id
        FROM reg_final f
        LEFT JOIN reg_new_party np ON np.skey = f.skey
        LEFT JOIN reg_new_school ns ON ns.adcode = f.adcode AND ns.school_fold = f.school_fold
        WHERE f.status = 'new'"""
    )
    cur.execute(f"INSERT INTO pairings ({COLUMNS['pairings']}) SELECT {COLUMNS['pairings']} FROM reg_new_pairing")
    _log(
        cur, batch,
        "SELECT 'pairing', CAST(pairing_id AS VARCHAR), 'insert', NULL::JSON, CAST(to_json({'university_id': "
        "university_id, 'school_id': school_id, 'tier': tier, 'start_date': start_date, 'end_date': end_date, "
        "'cycle': cycle, 'source': source, 'confidence': confidence, 'provenance': provenance}) AS JSON) "
        "FROM reg_new_pairing",
    )  # fmt: skip


_STATE = (
    "{{'start_date': {p}start_date, 'end_date': {p}end_date, 'cycle': {p}cycle, 'source': {p}source, "
    "'confidence': {p}confidence, 'provenance': {p}provenance}}"
)


def _update_pairings(cur: duckdb.DuckDBPyConnection, batch: int | None, provenance: str) -> None:
    """Changed pairings: each field the file gives a new value for; the state before and after logged."""
    cur.execute(
        f"""CREATE TEMP TABLE reg_update AS
        SELECT f.pairing_id, p.start_date AS old_start_date, p.end_date AS old_end_date, p.cycle AS old_cycle,
            p.source AS old_source, p.confidence AS old_confidence, p.provenance AS old_provenance,
            coalesce(f.new_start, p.start_date) AS start_date, coalesce(f.new_end, p.end_date) AS end_date,
            coalesce(f.new_cycle, p.cycle) AS cycle, coalesce(f.new_source, p.source) AS source,
            coalesce(f.new_confidence, p.confidence) AS confidence,
            CASE WHEN f.d_provenance THEN '{provenance}' ELSE p.provenance END AS provenance,
            f.d_start_date OR f.d_end_date OR f.d_cycle OR f.d_source OR f.d_confidence OR f.d_provenance AS touched
        FROM reg_final f JOIN pairings p USING (pairing_id) WHERE f.status = 'changed'"""
    )
    cur.execute(
        "UPDATE pairings p SET start_date = u.start_date, end_date = u.end_date, cycle = u.cycle, source = u.source, "
        "confidence = u.confidence, provenance = u.provenance FROM reg_update u "
        "WHERE p.pairing_id = u.pairing_id AND u.touched"
    )
    _log(
        cur, batch,
        f"SELECT 'pairing', CAST(pairing_id AS VARCHAR), 'update', CAST(to_json({_STATE.format(p='old_')}) AS JSON), "
        f"CAST(to_json({_STATE.format(p='')}) AS JSON) FROM reg_update WHERE touched",
    )  # fmt: skip
