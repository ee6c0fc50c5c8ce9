"""Plan import: 一校一策 yearly targets, pairing × school year × measure → target, in short named steps.

`PlansImport.validate()` is the dry run; `run()` commits in one transaction as one batch (kind 'plans') that
`registry.undo` reverses. The steps follow the registry import (registry.importer):

1. read, decode and stage the cells (registry.common), the plan file's header found (ingest.fields);
2. resolve, over distinct values: the supporter (name or alias), then the one pairing of that supporter its
   school or county (and, when given, tier) names; the school year (2023, 2023-2024, 2023—24, 2023学年 → 2023);
   the measure (code, Chinese or English label, or a synonym the activity upload accepts);
3. classify each row: new, unchanged, changed (target or notes before → after) or rejected;
4. report; 5. commit: the demo targets of every pairing the file plans for are archived and removed (real plans
   never mix with demo ones), new targets inserted, changed ones updated, each change logged for undo.

A target is identified by (pairing, school year, measure). Imported targets carry provenance 'imported' and their
batch. The layout is docs/contracts.md, "Plan file".
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from assistance.access.scope import NATIONAL, SCOPED_PAIRING_IDS, Scope, scope_of
from assistance.ingest.checks import MEASURE_SYNONYMS
from assistance.ingest.fields import PLANS
from assistance.registry import places
from assistance.registry.commit import PLAN_COLUMNS, archive_demo
from assistance.registry.common import (
    FileImport,
    ImportReport,
    Staged,
    collect_errors,
    message_table,
    whole_sql,
    without_nan,
)
from assistance.registry.resolve import county_keys, key_table
from assistance.store.transaction import registered

EARLIEST_YEAR, LATEST_YEAR = 2015, 2100
MAX_NOTES = 500
ERROR_CODES = {
    "supporter": ("required", "supporter_unknown", "outside_scope"),
    "tier": ("tier_invalid",),
    "place": ("place_missing",),
    "school": ("pairing_unknown", "pairing_ambiguous"),
    "county": ("pairing_unknown", "pairing_ambiguous"),
    "school_year": ("required", "school_year_invalid"),
    "measure": ("required", "measure_unknown", "duplicate_in_file"),
    "target": ("required", "target_invalid"),
    "notes": ("too_long",),
}
# 2023, 2023学年, 2023-2024, 2023—24, 2023/24学年, 2023至2024学年度: the year the school year starts in.
_YEAR = "^(\\d{4})\\s*(?:学年度|学年|年度|年)?\\s*(?:[-—–~～/至到]\\s*(\\d{4}|\\d{2})\\s*(?:学年度|学年|年度|年)?)?$"


class PlansImport(FileImport):
    """One plan file's import: `validate()` is the dry run, `run()` commits in one transaction (see
    registry.common.FileImport for the arguments)."""

    kind = PLANS
    final = "plan_final"

    def classify(self, cur: duckdb.DuckDBPyConnection, staged: Staged) -> None:
        classify(cur, staged, scope_of(self.actor))

    def describe(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        describe(cur, report)

    def apply(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        apply(cur, report.batch_id)


# ---------------------------------------------------------------------------------------------------------
# Resolve and classify


def classify(cur: duckdb.DuckDBPyConnection, staged: Staged, scope: Scope = NATIONAL) -> None:
    """plan_final(line, status, …) and plan_problems → reg_errors; a row naming a pairing outside `scope` (the
    importer's, access.scope) is rejected as outside_scope."""
    _keys(cur)
    _pairings(cur)
    if not scope.national:
        cur.execute(
            f"UPDATE plan_d_pairing SET err = 'outside_scope', pairing_id = NULL WHERE pairing_id IS NOT NULL "
            f"AND err IS NULL AND pairing_id NOT IN ({SCOPED_PAIRING_IDS})",
            scope.params(),
        )
    _measures(cur)
    _rows(cur)
    _final(cur)
    _problems(cur)
    collect_errors(cur, message_table("plans.err", ERROR_CODES, PLANS, staged.columns))


def _keys(cur: duckdb.DuckDBPyConnection) -> None:
    """plan_k(line, skey, school_fold, full_key, short_key, code_key, tier_code, tier_bad): every row's keys."""
    key_table(
        cur, "plan_keys",
        "SELECT supporter, school, county, tier FROM reg_cells",
        {
            "supporter": {"skey": places.fold},
            "school": {"fold": places.fold},
            "county": {"full": places.fold, "short": places.county_short},
            "tier": {"code": places.tier_of},
        },
    )  # fmt: skip
    cur.execute(
        """CREATE TEMP TABLE plan_k AS
        SELECT c.line, ks.k1 AS skey, ksc.k1 AS school_fold, kc.k1 AS full_key, kc.k2 AS short_key,
            CASE WHEN regexp_full_match(kc.k1, '\\d{6}') THEN kc.k1 END AS code_key,
            kt.k1 AS tier_code, c.tier IS NOT NULL AND kt.k1 IS NULL AS tier_bad
        FROM reg_cells c
        LEFT JOIN plan_keys ks ON ks.field = 'supporter' AND ks.value = c.supporter
        LEFT JOIN plan_keys ksc ON ksc.field = 'school' AND ksc.value = c.school
        LEFT JOIN plan_keys kc ON kc.field = 'county' AND kc.value = c.county
        LEFT JOIN plan_keys kt ON kt.field = 'tier' AND kt.value = c.tier
        WHERE NOT c.blank AND NOT c.total"""
    )


def _pairings(cur: duckdb.DuckDBPyConnection) -> None:
    """plan_d_pairing(skey, school_fold, full_key, short_key, code_key, tier_code → party_id, pairing_id, err,
    cz, ce): each distinct place resolved to exactly one pairing of its supporter, or why not."""
    county_keys(cur)
    cur.execute(
        """CREATE TEMP TABLE plan_d_pairing AS
        WITH d AS (SELECT DISTINCT skey, school_fold, full_key, short_key, code_key, tier_code FROM plan_k),
        party AS (
            SELECT d.*, a.university_id AS party_id FROM d
            LEFT JOIN (SELECT alias, min(university_id) AS university_id FROM university_aliases GROUP BY alias) a
                ON a.alias = d.skey),
        pairs AS (
            SELECT p.pairing_id, p.university_id, p.school_id, p.tier, s.county_adcode, c.full_key, c.short_key,
                s.name_zh || '（' || coalesce(co.name_zh, s.county_adcode) || '，' || p.tier || '）' AS label_zh,
                s.name_zh || ' (' || coalesce(co.name_zh, s.county_adcode) || ', ' || p.tier || ')' AS label_en
            FROM pairings p JOIN schools s USING (school_id)
            LEFT JOIN counties co ON co.adcode = s.county_adcode
            LEFT JOIN reg_counties c ON c.adcode = s.county_adcode),
        cand AS (
            SELECT y.skey, y.school_fold, y.full_key, y.short_key, y.code_key, y.tier_code, pr.pairing_id,
                pr.label_zh, pr.label_en
            FROM party y JOIN pairs pr ON pr.university_id = y.party_id
            WHERE (y.school_fold IS NULL OR EXISTS (
                      SELECT 1 FROM school_aliases a WHERE a.school_id = pr.school_id AND a.alias = y.school_fold))
              AND (y.full_key IS NULL OR pr.county_adcode = y.code_key OR pr.full_key = y.full_key
                   OR pr.short_key = y.short_key)
              AND (y.tier_code IS NULL OR pr.tier = y.tier_code)),
        found AS (
            SELECT skey, school_fold, full_key, short_key, code_key, tier_code, count(*) AS n,
                min(pairing_id) AS pairing_id, list_sort(list(label_zh)) AS cz, list_sort(list(label_en)) AS ce
            FROM cand GROUP BY ALL),
        own AS (
            SELECT pr.university_id, list_sort(list(pr.label_zh)) AS cz, list_sort(list(pr.label_en)) AS ce
            FROM pairs pr GROUP BY ALL)
        SELECT y.*, CASE WHEN f.n = 1 THEN f.pairing_id END AS pairing_id,
            CASE WHEN y.skey IS NULL THEN NULL
                 WHEN y.party_id IS NULL THEN 'supporter_unknown'
                 WHEN y.school_fold IS NULL AND y.full_key IS NULL THEN 'place_missing'
                 WHEN f.n IS NULL THEN 'pairing_unknown'
                 WHEN f.n > 1 THEN 'pairing_ambiguous' END AS err,
            CASE WHEN f.n > 1 THEN f.cz ELSE coalesce(o.cz, ['-']) END AS cz,
            CASE WHEN f.n > 1 THEN f.ce ELSE coalesce(o.ce, ['-']) END AS ce
        FROM party y
        LEFT JOIN found f ON f.skey IS NOT DISTINCT FROM y.skey AND f.school_fold IS NOT DISTINCT FROM y.school_fold
            AND f.full_key IS NOT DISTINCT FROM y.full_key AND f.tier_code IS NOT DISTINCT FROM y.tier_code
        LEFT JOIN own o ON o.university_id = y.party_id"""
    )


def _measures(cur: duckdb.DuckDBPyConnection) -> None:
    """plan_measures(key, code): every code, label and synonym of a measure, keyed without case, spaces, _ or -."""
    synonyms = pa.table(
        {
            "name": [n for names in MEASURE_SYNONYMS.values() for n in names],
            "code": [c for c, names in MEASURE_SYNONYMS.items() for _ in names],
        }
    )
    with registered(cur, "plan_synonyms", synonyms):
        cur.execute(
            f"""CREATE TEMP TABLE plan_measures AS
            SELECT {_measure_key("name")} AS key, min(code) AS code FROM (
                SELECT code AS name, code FROM measures UNION ALL SELECT label_zh, code FROM measures
                UNION ALL SELECT label_en, code FROM measures UNION ALL SELECT name, code FROM plan_synonyms)
            GROUP BY 1 HAVING min(code) = max(code)"""
        )


def _measure_key(column: str) -> str:
    return f"regexp_replace(lower({column}), '[\\s_\\-]+', '', 'g')"


def school_year_sql(column: str, earliest: int = EARLIEST_YEAR, latest: int = LATEST_YEAR) -> str:
    """The school year a cell names, by the year it starts in (2023, 2023-2024, 2023—24, 2023学年 → 2023); NULL when
    the text is none of those or the year lies outside `earliest`–`latest` (`column` is a name written in code). The
    plan file's and the outcome file's school years are read by this one rule."""
    start = f"TRY_CAST(regexp_extract({column}, '{_YEAR}', 1) AS INTEGER)"
    finish = f"regexp_extract({column}, '{_YEAR}', 2)"
    return (
        f"(CASE WHEN {start} BETWEEN {earliest} AND {latest} AND ({finish} = '' "
        f"OR TRY_CAST({finish} AS INTEGER) IN ({start} + 1, ({start} + 1) % 100)) THEN {start} END)"
    )


_TARGET_SQL = whole_sql("c.target", "^\\+?(\\d{1,9})(?:\\.0*)?\\s*(?:次|项|场|个)?$")


def _rows(cur: duckdb.DuckDBPyConnection) -> None:
    """plan_rows: every row with its pairing, year, measure, target and the errors of its own cells."""
    cur.execute(
        f"""CREATE TEMP TABLE plan_rows AS
        SELECT *,
            CASE WHEN skey IS NULL THEN 'required' WHEN place_err IN ('supporter_unknown', 'outside_scope')
                 THEN place_err END AS supporter_err,
            CASE WHEN tier_bad THEN 'tier_invalid' END AS tier_err,
            CASE WHEN place_err NOT IN ('supporter_unknown', 'outside_scope') THEN place_err END AS pairing_err,
            CASE WHEN year_text IS NULL THEN 'required' WHEN school_year IS NULL THEN 'school_year_invalid' END
                AS year_err,
            CASE WHEN measure_text IS NULL THEN 'required' WHEN measure IS NULL THEN 'measure_unknown' END
                AS measure_err,
            CASE WHEN target_text IS NULL THEN 'required' WHEN target IS NULL THEN 'target_invalid' END
                AS target_err,
            CASE WHEN length(notes) > {MAX_NOTES} THEN 'too_long' END AS notes_err
        FROM (
            SELECT k.line, k.skey, k.tier_bad, k.school_fold, d.pairing_id, d.err AS place_err, d.cz, d.ce,
                c.school_year AS year_text, c.measure AS measure_text, c.target AS target_text, c.notes_raw AS notes,
                {school_year_sql("c.school_year")} AS school_year,
                m.code AS measure,
                {_TARGET_SQL} AS target
            FROM plan_k k JOIN reg_cells c USING (line)
            LEFT JOIN plan_d_pairing d ON d.skey IS NOT DISTINCT FROM k.skey
                AND d.school_fold IS NOT DISTINCT FROM k.school_fold AND d.full_key IS NOT DISTINCT FROM k.full_key
                AND d.tier_code IS NOT DISTINCT FROM k.tier_code
            LEFT JOIN plan_measures m ON m.key = {_measure_key("c.measure")})"""
    )


def _final(cur: duckdb.DuckDBPyConnection) -> None:
    """plan_final: duplicates in the file, the stored target (a demo one is replaced, so it does not count),
    and each row's status."""
    cur.execute(
        """CREATE TEMP TABLE plan_final AS
        WITH x AS (
            SELECT r.*, min(r.line) OVER (PARTITION BY r.pairing_id, r.school_year, r.measure) AS first_line
            FROM plan_rows r
            WHERE coalesce(supporter_err, tier_err, pairing_err, year_err, measure_err, target_err, notes_err) IS NULL
            UNION ALL
            SELECT r.*, NULL FROM plan_rows r
            WHERE coalesce(supporter_err, tier_err, pairing_err, year_err, measure_err, target_err, notes_err)
                  IS NOT NULL),
        y AS (
            SELECT x.*, CASE WHEN first_line <> line THEN 'duplicate_in_file' END AS dup_err,
                t.target AS old_target, t.notes AS old_notes, t.provenance AS old_provenance
            FROM x LEFT JOIN plan_targets t ON t.pairing_id = x.pairing_id AND t.school_year = x.school_year
                AND t.measure = x.measure AND t.provenance <> 'demo')
        SELECT *,
            CASE WHEN coalesce(supporter_err, tier_err, pairing_err, year_err, measure_err, target_err, notes_err,
                               dup_err) IS NOT NULL THEN 'rejected'
                 WHEN old_target IS NULL THEN 'new'
                 WHEN target <> old_target OR (notes IS NOT NULL AND notes IS DISTINCT FROM old_notes)
                      OR old_provenance <> 'imported' THEN 'changed'
                 ELSE 'unchanged' END AS status
        FROM y"""
    )


def _problems(cur: duckdb.DuckDBPyConnection) -> None:
    measures = cur.execute("SELECT code, label_zh FROM measures ORDER BY sort_order").fetchall()
    listing_zh = [f"{label}（{code}）" for code, label in measures]
    listing_en = [f"{code} ({label})" for code, label in measures]
    cur.execute(
        """CREATE TEMP TABLE reg_problems AS
        SELECT f.line, e.field, e.code, e.cz, e.ce, CASE e.field
            WHEN 'supporter' THEN c.supporter_raw WHEN 'tier' THEN c.tier_raw
            WHEN 'school' THEN c.school_raw WHEN 'county' THEN c.county_raw
            WHEN 'place' THEN concat_ws(' / ', c.school_raw, c.county_raw)
            WHEN 'school_year' THEN c.school_year_raw WHEN 'measure' THEN c.measure_raw
            WHEN 'target' THEN c.target_raw WHEN 'notes' THEN left(c.notes_raw, 80) END AS value
        FROM plan_final f JOIN reg_cells c USING (line), LATERAL (
            SELECT * FROM (VALUES
                ('supporter', f.supporter_err, NULL, NULL),
                ('tier', f.tier_err, NULL, NULL),
                (CASE WHEN f.pairing_err = 'place_missing' THEN 'place'
                      WHEN f.school_fold IS NOT NULL THEN 'school' ELSE 'county' END, f.pairing_err, f.cz, f.ce),
                ('school_year', f.year_err, NULL, NULL),
                ('measure', f.measure_err, ?, ?),
                ('measure', f.dup_err, [CAST(f.first_line AS VARCHAR)], [CAST(f.first_line AS VARCHAR)]),
                ('target', f.target_err, NULL, NULL),
                ('notes', f.notes_err, NULL, NULL)
            ) AS v(field, code, cz, ce) WHERE code IS NOT NULL) e
        WHERE f.status = 'rejected'""",
        [listing_zh, listing_en],
    )


# ---------------------------------------------------------------------------------------------------------
# Report and commit


def describe(cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Beyond the counts and errors: the changes (before → after), each line's status, and the demo targets a
    commit would replace."""
    report.changes = without_nan(
        cur.execute(
            """SELECT * FROM (
            SELECT line, 'target' AS field, CAST(old_target AS VARCHAR) AS before, CAST(target AS VARCHAR) AS after
            FROM plan_final WHERE status = 'changed' AND target <> old_target
            UNION ALL SELECT line, 'notes', old_notes, notes FROM plan_final
            WHERE status = 'changed' AND notes IS NOT NULL AND notes IS DISTINCT FROM old_notes
            UNION ALL SELECT line, 'provenance', old_provenance, 'imported' FROM plan_final
            WHERE status = 'changed' AND old_provenance <> 'imported')
        ORDER BY line, field"""
        ).df()
    )
    report.statuses = cur.execute(
        "SELECT line, status, pairing_id, school_year, measure, target FROM plan_final ORDER BY line"
    ).df()
    cur.execute(
        "CREATE TEMP TABLE plan_demo AS SELECT t.pairing_id, t.school_year, t.measure FROM plan_targets t "
        "WHERE t.provenance = 'demo' AND t.pairing_id IN (SELECT pairing_id FROM plan_final WHERE status <> 'rejected')"
    )
    report.demo = {
        "pairings": 0,
        "plans": cur.execute("SELECT count(*) FROM plan_demo").fetchall()[0][0],
        "activities": 0,
        "kept": 0,
    }
    report.new_parties = pd.DataFrame(columns=["name", "kind", "similar", "line"])
    report.new_schools = pd.DataFrame(columns=["school", "county", "county_adcode", "line"])


def apply(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Archive and remove the demo targets of the planned pairings, insert new targets, update changed ones,
    and log each change for undo."""
    archive_demo(cur, "plan_targets", batch, "SELECT pairing_id FROM plan_demo")
    key = "CAST(pairing_id AS VARCHAR) || '|' || school_year || '|' || measure"
    cur.execute(
        f"INSERT INTO plan_targets ({PLAN_COLUMNS}) SELECT pairing_id, school_year, measure, target, 'imported', "
        f"{batch}, notes FROM plan_final WHERE status = 'new' ORDER BY pairing_id, school_year, measure"
    )
    cur.execute(
        f"INSERT INTO registry_changes SELECT {batch}, 'plan_target', {key}, 'insert', NULL, "
        "CAST(to_json({'target': target, 'notes': notes}) AS JSON) FROM plan_final WHERE status = 'new'"
    )
    cur.execute(
        f"INSERT INTO registry_changes SELECT {batch}, 'plan_target', {key.replace('pairing_id', 'f.pairing_id')}, "
        "'update', CAST(to_json({'target': t.target, 'notes': t.notes, 'provenance': t.provenance, "
        "'batch_id': t.batch_id}) AS JSON), CAST(to_json({'target': f.target, 'notes': coalesce(f.notes, t.notes), "
        f"'provenance': 'imported', 'batch_id': {batch}}}) AS JSON) "
        "FROM plan_final f JOIN plan_targets t USING (pairing_id, school_year, measure) WHERE f.status = 'changed'"
    )
    cur.execute(
        f"UPDATE plan_targets t SET target = f.target, notes = coalesce(f.notes, t.notes), provenance = 'imported', "
        f"batch_id = {batch} FROM plan_final f WHERE f.status = 'changed' AND t.pairing_id = f.pairing_id "
        "AND t.school_year = f.school_year AND t.measure = f.measure"
    )
