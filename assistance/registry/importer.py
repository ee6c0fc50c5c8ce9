"""Registry import: pairings of any tier from a CSV or XLSX file, in short named steps.

`RegistryImport.validate()` is the dry run (the full report, nothing written); `run()` repeats the steps in one
transaction and commits them as one batch (who, when, sha256, kind 'registry') that `registry.undo` reverses.

1. read and decode (ingest.decode), stage the cells under the file's own line numbers (registry.common);
2. header: the registry's columns found (ingest.fields), a file of another kind refused naming its page;
3. resolve names over the file's distinct values (registry.resolve): county, supporting party, school;
4. classify every row: new, unchanged, changed (each field before → after) or rejected (line, column, reason);
5. report (registry.common.ImportReport: counts and errors as for every registry or plan file, then `describe`);
6. commit (registry.commit): demo rows of the tiers the file brings new real rows for archived and removed, new
   parties and schools created, pairings inserted and updated, every change logged for undo; the batch recorded.

A pairing is (supporter, school, tier). An empty cell, or a column the file lacks, leaves a field as it is; an
import never deletes a pairing the file does not name. The layout is docs/contracts.md, "Registry file".
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from assistance.access.scope import NATIONAL, Scope, scope_of
from assistance.i18n import t
from assistance.ingest.fields import REGISTRY
from assistance.reference.codes import PROGRAMME_START
from assistance.registry import places, resolve
from assistance.registry.commit import apply
from assistance.registry.common import (
    FileImport,
    ImportReport,
    Staged,
    collect_errors,
    date_sql,
    message_table,
    whole_sql,
    without_nan,
)
from assistance.store.transaction import registered

NATIONAL_START = PROGRAMME_START  # a national pairing without a start date started with the programme
MAX_NAME = 100
MAX_SOURCE = 1000
CONFIDENCE = {"high": "high", "高": "high", "medium": "medium", "中": "medium", "low": "low", "低": "low"}

# Error codes by the field (column) they are reported on, in report order.
ERROR_CODES = {
    "supporter": ("required", "supporter_not_national", "too_long"),
    "tier": ("tier_invalid", "outside_scope"),
    "province": ("province_unknown", "outside_scope"),
    "county": ("required", "county_unknown", "county_not_in_province", "county_ambiguous", "county_code_unknown"),
    "county_code": ("county_code_unknown", "county_code_mismatch"),
    "school": ("required", "school_near_duplicate", "too_long", "duplicate_in_file"),
    "school_short": ("too_long",),
    "start_date": ("date_invalid", "start_required", "start_after_end"),
    "end_date": ("date_invalid", "end_before_start"),
    "cycle": ("cycle_invalid",),
    "confidence": ("confidence_invalid",),
    "source": ("too_long",),
}


@dataclass
class Options:
    provenance: str = "imported"  # verified / demo for the reference files init loads
    record: bool = True  # record a batch and its change log (False only for init's reference load)


class RegistryImport(FileImport):
    """One registry file's import: `validate()` is the dry run, `run()` commits in one transaction (see
    registry.common.FileImport for the arguments). `provenance` is 'imported' for users' files; init loads the
    reference files with 'verified' and 'demo' and `record=False`: no batch, nothing to undo."""

    kind = REGISTRY
    final = "reg_final"

    def __init__(self, *args, provenance: str = "imported", record: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = Options(provenance, record)
        self.records = record

    def classify(self, cur: duckdb.DuckDBPyConnection, staged: Staged) -> None:
        classify(cur, staged, self.options, scope_of(self.actor))

    def describe(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        describe(cur, report, self.options)

    def apply(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        apply(cur, report, self.options.provenance)


# ---------------------------------------------------------------------------------------------------------
# Steps 3–4: resolve and classify


def classify(cur: duckdb.DuckDBPyConnection, staged: Staged, options: Options, scope: Scope = NATIONAL) -> None:
    """reg_final(line, status, …): every non-blank row resolved and classified; reg_problems its errors. A province
    account (`scope`, access.scope) manages the provincial and municipal rows of its own province: a national row
    or a row in another province is rejected as outside_scope."""
    resolve.row_keys(cur, staged.header.fields)
    resolve.resolve_places(cur)
    resolve.resolve_parties(cur)
    resolve.resolve_schools(cur)
    _national_hints(cur)
    _rows(cur)
    if scope.province is not None:
        _outside_province(cur, scope.province)
    _identity(cur)
    _final(cur, options)
    _demo_candidates(cur, options)
    _problems(cur)
    collect_errors(cur, message_table("registry.err", ERROR_CODES, REGISTRY, staged.columns))


def _national_hints(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_hints(skey, hint): for a supporter that is not a national party, the national names close to it."""
    national = [r[0] for r in cur.execute("SELECT name_zh FROM universities WHERE national").fetchall()]
    unknown = cur.execute(
        "SELECT DISTINCT k.skey, c.supporter FROM reg_k k JOIN reg_cells c USING (line) "
        "JOIN reg_d_party p USING (skey) WHERE p.national IS NOT true AND k.tier_code = 'national'"
    ).fetchall()
    hints: dict[str, list[str]] = {}
    for skey, name in unknown:
        hints.setdefault(skey, resolve.similar_names(name, national))
    keys = list(hints)
    table = pa.table(
        {
            "skey": pa.array(keys, pa.string()),
            "hint_zh": pa.array([[t("registry.similar", "zh", names="、".join(hints[k]))] if hints[k] else []
                                 for k in keys], pa.list_(pa.string())),
            "hint_en": pa.array([[t("registry.similar", "en", names=", ".join(hints[k]))] if hints[k] else []
                                 for k in keys], pa.list_(pa.string())),
        }
    )  # fmt: skip
    with registered(cur, "reg_hints_in", table):
        cur.execute("CREATE TEMP TABLE reg_hints AS SELECT * FROM reg_hints_in")


def _rows(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_rows: every row with its resolved ids, parsed values and the errors of its own cells."""
    confidence = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CONFIDENCE.items())
    cycle = whole_sql("c.cycle", "^第?\\s*(\\d{1,3})\\s*(?:轮|期|周期|个周期)?$")
    cur.execute(
        f"""CREATE TEMP TABLE reg_rows AS
        SELECT *,
            CASE WHEN skey IS NULL THEN 'required'
                 WHEN length(supporter_raw) > {MAX_NAME} THEN 'too_long'
                 WHEN tier = 'national' AND national IS NOT true THEN 'supporter_not_national' END AS supporter_err,
            CASE WHEN tier_bad THEN 'tier_invalid' END AS tier_err,
            CASE WHEN school_fold IS NULL THEN 'required'
                 WHEN length(school_raw) > {MAX_NAME} THEN 'too_long'
                 WHEN near_zh IS NOT NULL THEN 'school_near_duplicate' END AS school_err,
            CASE WHEN length(school_short_raw) > {MAX_NAME} THEN 'too_long' END AS short_err,
            CASE WHEN start_text IS NOT NULL AND new_start IS NULL THEN 'date_invalid' END AS start_err,
            CASE WHEN end_text IS NOT NULL AND new_end IS NULL THEN 'date_invalid' END AS end_err,
            CASE WHEN cycle_text IS NOT NULL AND coalesce(new_cycle, 0) < 1 THEN 'cycle_invalid' END AS cycle_err,
            CASE WHEN confidence_text IS NOT NULL AND new_confidence IS NULL THEN 'confidence_invalid'
                 END AS confidence_err,
            CASE WHEN length(new_source) > {MAX_SOURCE} THEN 'too_long' END AS source_err
        FROM (
            SELECT k.line, k.skey, k.tier_code AS tier, k.tier_bad, k.school_fold, k.short_fold,
                c.supporter_raw, c.school_raw, c.school_short_raw, c.supporter AS supporter_text,
                p.party_id, p.national, p.name AS party_name, h.hint_zh, h.hint_en,
                d.adcode, d.err AS place_err, d.err_field AS place_field, d.cz AS place_cz, d.ce AS place_ce,
                s.school_id, s.first_name AS new_school_name, s.near_zh, s.near_en,
                c.start_date AS start_text, {date_sql("c.start_date")} AS new_start,
                c.end_date AS end_text, {date_sql("c.end_date")} AS new_end,
                c.cycle AS cycle_text, {cycle} AS new_cycle,
                c.confidence AS confidence_text,
                CASE lower(c.confidence) {confidence} END AS new_confidence,
                c.source_raw AS new_source
            FROM reg_k k JOIN reg_cells c USING (line)
            LEFT JOIN reg_d_party p USING (skey)
            LEFT JOIN reg_hints h USING (skey)
            LEFT JOIN reg_d_place d USING (place_id)
            LEFT JOIN reg_d_school s ON s.adcode = d.adcode AND s.school_fold = k.school_fold)"""
    )


def _outside_province(cur: duckdb.DuckDBPyConnection, province: str) -> None:
    """A province's import: national rows (the tier column) and rows in another province (the province column)
    are outside its scope."""
    cur.execute("UPDATE reg_rows SET tier_err = 'outside_scope' WHERE tier_err IS NULL AND tier = 'national'")
    cur.execute(
        "UPDATE reg_rows SET place_err = 'outside_scope', place_field = 'province' WHERE place_err IS NULL "
        "AND tier_err IS NULL AND adcode NOT IN (SELECT adcode FROM counties WHERE province_code = ?)",
        [province],
    )


def _identity(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_ident(line, party_ref, school_ref, first_line): the pairing each clean row names; a row naming the same
    pairing as an earlier line is a duplicate of that line."""
    cur.execute(
        """CREATE TEMP TABLE reg_ident AS
        SELECT line, party_ref, school_ref, min(line) OVER (PARTITION BY party_ref, school_ref, tier) AS first_line
        FROM (
            SELECT line, tier, coalesce(CAST(party_id AS VARCHAR), 'new:' || skey) AS party_ref,
                coalesce(CAST(school_id AS VARCHAR), 'new:' || adcode || ':' || school_fold) AS school_ref
            FROM reg_rows
            WHERE coalesce(supporter_err, tier_err, place_err, school_err, short_err, start_err, end_err, cycle_err,
                           confidence_err, source_err) IS NULL)"""
    )


def _final(cur: duckdb.DuckDBPyConnection, options: Options) -> None:
    """reg_final: each row matched to its stored pairing, its effective values, the checks across fields
    (end ≥ start), what changed, and its status: new, changed, unchanged or rejected. A real row naming a demo
    pairing makes it real (a change of provenance)."""
    provenance = options.provenance
    cur.execute(
        f"""CREATE TEMP TABLE reg_final AS
        WITH m AS (
            SELECT r.*, i.first_line, p.pairing_id, p.start_date AS old_start, p.end_date AS old_end,
                p.cycle AS old_cycle, p.source AS old_source, p.confidence AS old_confidence,
                p.provenance AS old_provenance,
                coalesce(r.new_start, p.start_date,
                         CASE WHEN r.tier = 'national' THEN DATE '{NATIONAL_START.isoformat()}' END) AS eff_start,
                coalesce(r.new_end, p.end_date) AS eff_end
            FROM reg_rows r LEFT JOIN reg_ident i USING (line)
            LEFT JOIN pairings p ON p.university_id = r.party_id AND p.school_id = r.school_id AND p.tier = r.tier),
        x AS (
            SELECT *,
                CASE WHEN first_line IS NOT NULL AND first_line <> line THEN 'duplicate_in_file' END AS dup_err,
                CASE WHEN first_line IS DISTINCT FROM line THEN NULL
                     WHEN eff_start IS NULL THEN 'start_required'
                     WHEN eff_end < eff_start AND new_end IS NULL THEN 'start_after_end' END AS start_cross_err,
                CASE WHEN first_line = line AND eff_end < eff_start AND new_end IS NOT NULL
                     THEN 'end_before_start' END AS end_cross_err,
                pairing_id IS NOT NULL AND new_start IS NOT NULL AND new_start <> old_start AS d_start_date,
                pairing_id IS NOT NULL AND new_end IS NOT NULL AND new_end IS DISTINCT FROM old_end AS d_end_date,
                pairing_id IS NOT NULL AND new_cycle IS NOT NULL AND new_cycle <> old_cycle AS d_cycle,
                pairing_id IS NOT NULL AND new_source IS NOT NULL AND new_source IS DISTINCT FROM old_source
                    AS d_source,
                pairing_id IS NOT NULL AND new_confidence IS NOT NULL
                    AND new_confidence IS DISTINCT FROM old_confidence AS d_confidence,
                pairing_id IS NOT NULL AND old_provenance = 'demo' AND '{provenance}' <> 'demo' AS d_provenance,
                pairing_id IS NOT NULL AND short_fold IS NOT NULL AND NOT EXISTS (
                    SELECT 1 FROM school_aliases a WHERE a.school_id = m.school_id AND a.alias = m.short_fold)
                    AS d_school_short
            FROM m)
        SELECT *,
            CASE WHEN coalesce(supporter_err, tier_err, place_err, school_err, short_err, start_err, end_err,
                               cycle_err, confidence_err, source_err, dup_err, start_cross_err, end_cross_err)
                      IS NOT NULL THEN 'rejected'
                 WHEN pairing_id IS NULL THEN 'new'
                 WHEN d_start_date OR d_end_date OR d_cycle OR d_source OR d_confidence OR d_provenance
                      OR d_school_short THEN 'changed'
                 ELSE 'unchanged' END AS status
        FROM x"""
    )


def _demo_candidates(cur: duckdb.DuckDBPyConnection, options: Options) -> None:
    """reg_tiers(tier) and reg_demo(pairing_id, tier): the tiers this file brings new or changed real pairings for,
    and their demo pairings a commit removes: those the file does not name itself (a row naming a demo pairing
    makes it real) and that no uploaded activity or imported plan refers to (uploads are never removed)."""
    if options.provenance == "demo" or not options.record:
        cur.execute("CREATE TEMP TABLE reg_tiers (tier VARCHAR)")
        cur.execute("CREATE TEMP TABLE reg_demo (pairing_id INTEGER, tier VARCHAR)")
        return
    cur.execute("CREATE TEMP TABLE reg_tiers AS SELECT DISTINCT tier FROM reg_final WHERE status IN ('new', 'changed')")
    cur.execute(
        """CREATE TEMP TABLE reg_demo AS
        SELECT p.pairing_id, p.tier FROM pairings p SEMI JOIN reg_tiers t ON t.tier = p.tier
        WHERE p.provenance = 'demo'
          AND p.pairing_id NOT IN (SELECT pairing_id FROM reg_final WHERE pairing_id IS NOT NULL)
          AND p.pairing_id NOT IN (SELECT pairing_id FROM activities WHERE provenance <> 'demo')
          AND p.pairing_id NOT IN (SELECT pairing_id FROM plan_targets WHERE provenance <> 'demo')"""
    )


def _problems(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_problems(line, field, code, value, cz, ce): one row per problem, with the cell and the candidates."""
    cur.execute(
        """CREATE TEMP TABLE reg_problems AS
        SELECT f.line, e.field, e.code, e.cz, e.ce, CASE e.field
            WHEN 'supporter' THEN c.supporter_raw WHEN 'tier' THEN c.tier_raw
            WHEN 'province' THEN coalesce(c.province_code_raw, c.province_raw) WHEN 'county' THEN c.county_raw
            WHEN 'county_code' THEN c.county_code_raw WHEN 'school' THEN c.school_raw
            WHEN 'school_short' THEN c.school_short_raw WHEN 'start_date' THEN c.start_date_raw
            WHEN 'end_date' THEN c.end_date_raw WHEN 'cycle' THEN c.cycle_raw
            WHEN 'confidence' THEN c.confidence_raw WHEN 'source' THEN left(c.source_raw, 80) END AS value
        FROM reg_final f JOIN reg_cells c USING (line), LATERAL (
            SELECT * FROM (VALUES
                ('supporter', f.supporter_err, f.hint_zh, f.hint_en),
                ('tier', f.tier_err, NULL, NULL),
                (f.place_field, f.place_err, f.place_cz, f.place_ce),
                ('school', f.school_err, f.near_zh, f.near_en),
                ('school', f.dup_err, [CAST(f.first_line AS VARCHAR)], [CAST(f.first_line AS VARCHAR)]),
                ('school_short', f.short_err, NULL, NULL),
                ('start_date', f.start_err, NULL, NULL),
                ('start_date', f.start_cross_err, [CAST(f.eff_end AS VARCHAR)], [CAST(f.eff_end AS VARCHAR)]),
                ('end_date', f.end_err, NULL, NULL),
                ('end_date', f.end_cross_err, [CAST(f.eff_start AS VARCHAR)], [CAST(f.eff_start AS VARCHAR)]),
                ('cycle', f.cycle_err, NULL, NULL),
                ('confidence', f.confidence_err, NULL, NULL),
                ('source', f.source_err, NULL, NULL)
            ) AS v(field, code, cz, ce) WHERE code IS NOT NULL) e
        WHERE f.status = 'rejected'"""
    )


# ---------------------------------------------------------------------------------------------------------
# Step 5: report


_CHANGE_VALUES = {
    "start_date": ("CAST(old_start AS VARCHAR)", "CAST(new_start AS VARCHAR)"),
    "end_date": ("CAST(old_end AS VARCHAR)", "CAST(new_end AS VARCHAR)"),
    "cycle": ("CAST(old_cycle AS VARCHAR)", "CAST(new_cycle AS VARCHAR)"),
    "source": ("old_source", "new_source"),
    "confidence": ("old_confidence", "new_confidence"),
    "provenance": ("old_provenance", "'{provenance}'"),
    "school_short": ("NULL", "school_short_raw"),
}


def describe(cur: duckdb.DuckDBPyConnection, report: ImportReport, options: Options) -> None:
    """Beyond the counts and errors: the changes (before → after), each line's status, new parties and schools,
    and the demo rows a commit would remove."""
    provenance = options.provenance
    selects = " UNION ALL ".join(
        f"SELECT line, '{name}' AS field, {before.format(provenance=provenance)} AS before, "
        f"{after.format(provenance=provenance)} AS after FROM reg_final WHERE status = 'changed' AND d_{name}"
        for name, (before, after) in _CHANGE_VALUES.items()
    )
    report.changes = without_nan(cur.execute(f"SELECT * FROM ({selects}) ORDER BY line, field").df())
    report.statuses = cur.execute(
        "SELECT f.line, f.status, f.supporter_raw AS supporter, f.school_raw AS school, f.adcode AS county_adcode, "
        "f.tier, f.pairing_id FROM reg_final f ORDER BY f.line"
    ).df()
    new_parties = cur.execute(
        "SELECT skey, arg_min(supporter_raw, line) AS name, min(line) AS line FROM reg_final "
        "WHERE status <> 'rejected' AND party_id IS NULL GROUP BY skey ORDER BY line"
    ).fetchall()
    existing = [r[0] for r in cur.execute("SELECT name_zh FROM universities").fetchall()]
    report.new_parties = pd.DataFrame(
        [
            (name, places.party_kind(name), resolve.similar_names(name, existing), line)
            for _k, name, line in new_parties
        ],
        columns=["name", "kind", "similar", "line"],
    )
    report.new_schools = cur.execute(
        "SELECT arg_min(f.new_school_name, f.line) AS school, co.name_zh AS county, f.adcode AS county_adcode, "
        "min(f.line) AS line FROM reg_final f LEFT JOIN counties co ON co.adcode = f.adcode "
        "WHERE f.status <> 'rejected' AND f.school_id IS NULL GROUP BY f.adcode, f.school_fold, co.name_zh "
        "ORDER BY line"
    ).df()
    _demo_counts(cur, report)


def _demo_counts(cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """What a commit removes as demo data: the demo pairings of the tiers the file brings new or changed real rows
    for (those kept for uploaded activities counted apart), and the demo plans and activities of the tier."""
    pairings, kept, plans, activities = cur.execute(
        """SELECT
            (SELECT count(*) FROM reg_demo),
            (SELECT count(*) FROM pairings p SEMI JOIN reg_tiers USING (tier) WHERE p.provenance = 'demo'
                AND p.pairing_id NOT IN (SELECT pairing_id FROM reg_demo)
                AND p.pairing_id NOT IN (SELECT pairing_id FROM reg_final WHERE pairing_id IS NOT NULL)),
            (SELECT count(*) FROM plan_targets t JOIN pairings p USING (pairing_id) SEMI JOIN reg_tiers USING (tier)
                WHERE t.provenance = 'demo'),
            (SELECT count(*) FROM activities a JOIN pairings p USING (pairing_id) SEMI JOIN reg_tiers USING (tier)
                WHERE a.provenance = 'demo')"""
    ).fetchall()[0]
    report.demo = {"pairings": pairings, "plans": plans, "activities": activities, "kept": kept}
    report.demo_tiers = [r[0] for r in cur.execute("SELECT tier FROM reg_tiers ORDER BY tier").fetchall()]
