"""Outcome import: one row per school and school year, wide as schools keep it (docs/contracts.md, "Outcome file").

`OutcomesImport.validate()` is the dry run; `run()` commits in one transaction as one batch (kind 'outcomes') that
`registry.undo` reverses. The steps are the plan import's (registry.plans), over the same staged cells
(registry.common: read, decode, header found, `reg_cells`):

1. resolve, over distinct values, the school (name or short name, narrowed by the county when one is given) to one
   school of the registry, inside the importer's scope (access.scope: the schools of its pairings); the school year
   by the plan file's rule (registry.plans.school_year_sql: 2023, 2023-2024, 2023—24, 2023学年 → 2023), from the
   2021–22 baseline to the current school year;
2. read each figure: a count is a whole number ≥ 0; a rate a percentage from 0 to 100, where `85%` means 85 and an
   Excel percent cell means what it shows: the spreadsheet reader hands over the cell's value (85% is 0.85), so in
   a workbook a rate column whose plain numbers all lie between 0 and 1, some strictly, holds fractions and is read
   × 100; then the checks between figures (large classes ≤ classes, master's and senior teachers ≤ teachers, on
   the row as it will be stored: a figure the file leaves empty keeps its stored value);
3. classify each row: new, unchanged, changed (each figure before → after) or rejected, with line and reason; a
   second row for the same school and year is rejected naming the first;
4. report; 5. commit: the demo outcomes of every school the file brings figures for are archived and removed (real
   figures never mix with demo ones), earlier versions of changed rows archived too, new rows inserted and changed
   ones updated, each logged for undo (registry_changes, entity 'outcome', key 'school_id|school_year').

An empty cell is a missing figure, never zero: it leaves a stored figure as it is.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from assistance.access.scope import NATIONAL, SCOPED_PAIRING_IDS, Scope, scope_of
from assistance.ingest.decode import WORKBOOKS
from assistance.ingest.fields import OUTCOMES
from assistance.outcomes.indicators import EARLIEST_YEAR, INDICATORS, NAMES, NOT_ABOVE
from assistance.registry import places
from assistance.registry.commit import COLUMNS as STORED_COLUMNS
from assistance.registry.common import FileImport, ImportReport, Staged, collect_errors, message_table, without_nan
from assistance.registry.plans import school_year_sql
from assistance.registry.resolve import county_keys, key_table

MAX_NOTES = 500
COLUMNS = STORED_COLUMNS["outcomes"]  # the stored columns, in the order the archive holds them
_COUNT_CODES = ("count_negative", "count_invalid")
_RATE_CODES = ("rate_range", "rate_invalid")
ERROR_CODES: dict[str, tuple[str, ...]] = {
    "school": ("required", "school_unknown", "school_ambiguous", "outside_scope"),
    "school_year": ("required", "school_year_invalid", "before_baseline", "future_year", "no_figures",
                    "duplicate_in_file"),
    **{i.name: (*(_RATE_CODES if i.rate else _COUNT_CODES), "exceeds_classes", "exceeds_teachers") for i in INDICATORS},
    "notes": ("too_long",),
}  # fmt: skip
_PART_CODE = {"large_classes": "exceeds_classes", "teachers_masters": "exceeds_teachers",
              "teachers_senior": "exceeds_teachers"}  # fmt: skip
# A count as people type it: 1,234 · 1234 · 1234.0 · 36人 · 12个班 (full-width digits are folded before).
_COUNT = "^\\+?(\\d{1,9})(?:\\.0*)?\\s*(?:人|名|个|个班|班|所)?$"
_RATE = "^([+-]?\\d{1,9}(?:\\.\\d+)?)\\s*%?$"


class OutcomesImport(FileImport):
    """One outcome file's import: `validate()` is the dry run, `run()` commits in one transaction (see
    registry.common.FileImport for the arguments; `today` decides the current school year, the latest a row may
    name)."""

    kind = OUTCOMES
    final = "out_final"

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or date.today()

    def classify(self, cur: duckdb.DuckDBPyConnection, staged: Staged) -> None:
        classify(cur, staged, scope_of(self.actor), self.today)

    def describe(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        describe(cur, report)

    def apply(self, cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
        apply(cur, report.batch_id)


def current_school_year(today: date) -> int:
    return today.year if today.month >= 9 else today.year - 1


# ---------------------------------------------------------------------------------------------------------
# Resolve and classify


def classify(
    cur: duckdb.DuckDBPyConnection, staged: Staged, scope: Scope = NATIONAL, today: date | None = None
) -> None:
    """out_final(line, status, …) and the rows' problems → reg_errors; a school outside `scope` (the importer's,
    access.scope) is rejected as outside_scope."""
    _keys(cur)
    _schools(cur)
    if not scope.national:
        cur.execute(
            "UPDATE out_d_school SET err = 'outside_scope', school_id = NULL "
            "WHERE school_id IS NOT NULL AND err IS NULL "
            f"AND school_id NOT IN (SELECT school_id FROM pairings WHERE pairing_id IN ({SCOPED_PAIRING_IDS}))",
            scope.params(),
        )
    _rows(cur, staged.parsed.file_format in WORKBOOKS, current_school_year(today or date.today()))
    _final(cur)
    _problems(cur)
    collect_errors(cur, message_table("outcomes.err", ERROR_CODES, OUTCOMES, staged.columns))


def _keys(cur: duckdb.DuckDBPyConnection) -> None:
    """out_k(line, school_fold, full_key, short_key, code_key): every row's keys."""
    key_table(
        cur, "out_keys", "SELECT school, county FROM reg_cells",
        {"school": {"fold": places.fold}, "county": {"full": places.fold, "short": places.county_short}},
    )  # fmt: skip
    cur.execute(
        """CREATE TEMP TABLE out_k AS
        SELECT c.line, ks.k1 AS school_fold, kc.k1 AS full_key, kc.k2 AS short_key,
            CASE WHEN regexp_full_match(kc.k1, '\\d{6}') THEN kc.k1 END AS code_key
        FROM reg_cells c
        LEFT JOIN out_keys ks ON ks.field = 'school' AND ks.value = c.school
        LEFT JOIN out_keys kc ON kc.field = 'county' AND kc.value = c.county
        WHERE NOT c.blank AND NOT c.total"""
    )


def _schools(cur: duckdb.DuckDBPyConnection) -> None:
    """out_d_school(school_fold, full_key, short_key, code_key → school_id, err, cz, ce): each distinct school name
    (with its county, when given) resolved to exactly one school of the registry, or why not."""
    county_keys(cur)
    cur.execute(
        """CREATE TEMP TABLE out_d_school AS
        WITH d AS (SELECT DISTINCT school_fold, full_key, short_key, code_key FROM out_k WHERE school_fold IS NOT NULL),
        cand AS (
            SELECT d.*, s.school_id,
                s.name_zh || '（' || coalesce(co.name_zh, s.county_adcode) || '）' AS label_zh,
                s.name_zh || ' (' || coalesce(co.name_zh, s.county_adcode) || ')' AS label_en
            FROM d JOIN school_aliases a ON a.alias = d.school_fold JOIN schools s ON s.school_id = a.school_id
            LEFT JOIN counties co ON co.adcode = s.county_adcode
            LEFT JOIN reg_counties c ON c.adcode = s.county_adcode
            WHERE d.full_key IS NULL OR s.county_adcode = d.code_key OR c.full_key = d.full_key
               OR c.short_key = d.short_key),
        found AS (
            SELECT school_fold, full_key, short_key, code_key, count(DISTINCT school_id) AS n,
                min(school_id) AS school_id, list_sort(list(DISTINCT label_zh)) AS cz,
                list_sort(list(DISTINCT label_en)) AS ce
            FROM cand GROUP BY ALL)
        SELECT d.*, CASE WHEN f.n = 1 THEN f.school_id END AS school_id,
            CASE WHEN f.n IS NULL THEN 'school_unknown' WHEN f.n > 1 THEN 'school_ambiguous' END AS err, f.cz, f.ce
        FROM d LEFT JOIN found f ON f.school_fold = d.school_fold AND f.full_key IS NOT DISTINCT FROM d.full_key
            AND f.short_key IS NOT DISTINCT FROM d.short_key AND f.code_key IS NOT DISTINCT FROM d.code_key"""
    )


def _figure_sql(name: str, rate: bool) -> tuple[str, str]:
    """(the figure's value, its error code) as SQL over reg_cells `c` and the workbook's fraction columns `fr`."""
    text = f"c.{name}"
    if not rate:
        value = f"TRY_CAST(regexp_extract(replace({text}, ',', ''), '{_COUNT}', 1) AS INTEGER)"
        error = (
            f"CASE WHEN {text} IS NULL OR {value} IS NOT NULL THEN NULL "
            f"WHEN regexp_matches({text}, '^-\\s*\\d') THEN 'count_negative' ELSE 'count_invalid' END"
        )
        return value, error
    number = f"TRY_CAST(regexp_extract({text}, '{_RATE}', 1) AS DOUBLE)"
    value = f"round(CASE WHEN fr.{name} AND NOT contains({text}, '%') THEN {number} * 100 ELSE {number} END, 4)"
    error = (
        f"CASE WHEN {text} IS NULL THEN NULL WHEN {number} IS NULL THEN 'rate_invalid' "
        f"WHEN NOT ({value} BETWEEN 0 AND 100) THEN 'rate_range' END"
    )
    return value, error


def _rows(cur: duckdb.DuckDBPyConnection, workbook: bool, latest_year: int) -> None:
    """out_rows: every row with its school, year, figures (as read, then as they will be stored) and the errors of
    its own cells. In a `workbook` (.xlsx, .xls, .ods: a percent cell arrives as its fraction) a rate column of
    plain fractions is read × 100."""
    fractions = ", ".join(
        f"{str(workbook).lower()} AND coalesce(bool_and(n_{i.name} <= 1) FILTER (WHERE NOT p_{i.name}), false) "
        f"AND coalesce(bool_or(n_{i.name} > 0 AND n_{i.name} < 1) FILTER (WHERE NOT p_{i.name}), false) AS {i.name}"
        for i in INDICATORS
        if i.rate
    )
    numbers = ", ".join(
        f"TRY_CAST(regexp_extract({i.name}, '{_RATE}', 1) AS DOUBLE) AS n_{i.name}, "
        f"contains(coalesce({i.name}, ''), '%') AS p_{i.name}"
        for i in INDICATORS
        if i.rate
    )
    figures = []
    for indicator in INDICATORS:
        value, error = _figure_sql(indicator.name, indicator.rate)
        figures.append(f"{value} AS {indicator.name}, {error} AS {indicator.name}_err")
    any_figure = " OR ".join(f"c.{name} IS NOT NULL" for name in (*NAMES, "notes"))
    year = school_year_sql("c.school_year")
    cur.execute(
        f"""CREATE TEMP TABLE out_rows AS
        WITH fr AS (SELECT {fractions} FROM (SELECT {numbers} FROM reg_cells WHERE NOT blank AND NOT total))
        SELECT k.line, k.school_fold, d.school_id, d.err AS place_err, d.cz, d.ce,
            c.school_year AS year_text, {year} AS school_year, c.notes_raw AS notes,
            CASE WHEN k.school_fold IS NULL THEN 'required' ELSE d.err END AS school_err,
            CASE WHEN c.school_year IS NULL THEN 'required' WHEN {year} IS NULL THEN 'school_year_invalid'
                 WHEN {year} < {EARLIEST_YEAR} THEN 'before_baseline' WHEN {year} > {latest_year} THEN 'future_year'
                 WHEN NOT ({any_figure}) THEN 'no_figures' END AS year_err,
            CASE WHEN length(c.notes_raw) > {MAX_NOTES} THEN 'too_long' END AS notes_err,
            {", ".join(figures)}
        FROM out_k k JOIN reg_cells c USING (line) CROSS JOIN fr
        LEFT JOIN out_d_school d ON d.school_fold = k.school_fold AND d.full_key IS NOT DISTINCT FROM k.full_key
            AND d.short_key IS NOT DISTINCT FROM k.short_key AND d.code_key IS NOT DISTINCT FROM k.code_key"""
    )


def _row_error() -> str:
    """Whether a row of out_rows has an error of its own cells (SQL)."""
    codes = ["school_err", "year_err", "notes_err", *(f"{name}_err" for name in NAMES)]
    return f"coalesce({', '.join(codes)}) IS NOT NULL"


def _final(cur: duckdb.DuckDBPyConnection) -> None:
    """out_final: duplicates in the file, the stored row (a demo one is replaced, so it does not count), the row as
    it will be stored (`m_<figure>`), the checks between figures, and each row's status."""
    old = ", ".join(f"o.{name} AS old_{name}" for name in (*NAMES, "notes"))
    merged = ", ".join(f"coalesce(r.{name}, o.{name}) AS m_{name}" for name in NAMES)
    parts = ", ".join(
        f"CASE WHEN {part}_err IS NULL AND {whole}_err IS NULL AND m_{part} > m_{whole} THEN '{_PART_CODE[part]}' "
        f"END AS {part}_over"
        for part, whole in NOT_ABOVE
    )
    over = ", ".join(f"{part}_over" for part, _ in NOT_ABOVE)
    differs = " OR ".join(f"({name} IS NOT NULL AND {name} IS DISTINCT FROM old_{name})" for name in (*NAMES, "notes"))
    bad = f"({_row_error()} OR coalesce({over}) IS NOT NULL)"
    cur.execute(
        f"""CREATE TEMP TABLE out_final AS
        WITH y AS (
            SELECT r.*, {old}, o.provenance AS old_provenance, {merged}
            FROM out_rows r LEFT JOIN outcomes o ON o.school_id = r.school_id AND o.school_year = r.school_year
                AND o.provenance <> 'demo'),
        z AS (SELECT *, {parts} FROM y),
        x AS (
            SELECT z.*, min(z.line) OVER (PARTITION BY z.school_id, z.school_year) AS first_line FROM z WHERE NOT {bad}
            UNION ALL
            SELECT z.*, NULL FROM z WHERE {bad}),
        d AS (SELECT *, CASE WHEN first_line <> line THEN 'duplicate_in_file' END AS dup_err FROM x)
        SELECT *,
            CASE WHEN first_line IS NULL OR dup_err IS NOT NULL THEN 'rejected'
                 WHEN old_provenance IS NULL THEN 'new'
                 WHEN {differs} THEN 'changed'
                 ELSE 'unchanged' END AS status
        FROM d"""
    )


def _problems(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_problems(line, field, code, cz, ce, value): every reason a rejected row was rejected."""
    entries = [
        "('school', f.school_err, f.cz, f.ce, c.school_raw)",
        "('school_year', f.year_err, NULL, NULL, c.school_year_raw)",
        "('school_year', f.dup_err, [CAST(f.first_line AS VARCHAR)], [CAST(f.first_line AS VARCHAR)], "
        "c.school_year_raw)",
    ]
    for name in NAMES:
        entries.append(f"('{name}', f.{name}_err, NULL, NULL, c.{name}_raw)")
    for part, whole in NOT_ABOVE:
        shown = f"CAST(f.m_{part} AS VARCHAR) || ' > ' || CAST(f.m_{whole} AS VARCHAR)"
        entries.append(f"('{part}', f.{part}_over, NULL, NULL, {shown})")
    entries.append("('notes', f.notes_err, NULL, NULL, left(c.notes_raw, 80))")
    cur.execute(
        f"""CREATE TEMP TABLE reg_problems AS
        SELECT f.line, e.field, e.code, e.cz, e.ce, e.value
        FROM out_final f JOIN reg_cells c USING (line), LATERAL (
            SELECT * FROM (VALUES {", ".join(entries)}) AS v(field, code, cz, ce, value) WHERE code IS NOT NULL) e
        WHERE f.status = 'rejected'"""
    )


# ---------------------------------------------------------------------------------------------------------
# Report and commit


def describe(cur: duckdb.DuckDBPyConnection, report: ImportReport) -> None:
    """Beyond the counts and errors: the changes (before → after), each line's status, and the demo outcomes a
    commit would replace."""
    changed = " UNION ALL ".join(
        f"SELECT line, '{name}' AS field, CAST(old_{name} AS VARCHAR) AS before, CAST({name} AS VARCHAR) AS after "
        f"FROM out_final WHERE status = 'changed' AND {name} IS NOT NULL AND {name} IS DISTINCT FROM old_{name}"
        for name in (*NAMES, "notes")
    )
    changes = cur.execute(f"SELECT * FROM ({changed}) ORDER BY line").df()
    for column in ("before", "after"):  # 85.0 → 85: a figure as the user wrote it
        changes[column] = [_plain_number(value) for value in changes[column]]
    report.changes = without_nan(changes)
    report.statuses = cur.execute(
        "SELECT f.line, f.status, f.school_id, s.name_zh AS school, f.school_year FROM out_final f "
        "LEFT JOIN schools s USING (school_id) ORDER BY f.line"
    ).df()
    cur.execute(
        "CREATE TEMP TABLE out_demo AS SELECT school_id, school_year FROM outcomes WHERE provenance = 'demo' "
        "AND school_id IN (SELECT school_id FROM out_final WHERE status <> 'rejected')"
    )
    report.demo = {"outcomes": cur.execute("SELECT count(*) FROM out_demo").fetchall()[0][0]}
    report.new_parties = pd.DataFrame(columns=["name", "kind", "similar", "line"])
    report.new_schools = pd.DataFrame(columns=["school", "county", "county_adcode", "line"])


def _plain_number(value: object) -> object:
    if isinstance(value, str) and value.endswith(".0") and value[:-2].isdigit():
        return value[:-2]
    return value


def apply(cur: duckdb.DuckDBPyConnection, batch: int) -> None:
    """Archive and remove the demo outcomes of the file's schools and the stored versions of changed rows, insert
    new rows, update changed ones, and log each change for undo."""
    archived = (
        "(provenance = 'demo' AND school_id IN (SELECT school_id FROM out_demo)) OR EXISTS (SELECT 1 FROM out_final f "
        "WHERE f.status = 'changed' AND f.school_id = outcomes.school_id AND f.school_year = outcomes.school_year)"
    )
    cur.execute(f"INSERT INTO archived_outcomes SELECT {COLUMNS}, {batch} FROM outcomes WHERE {archived}")
    cur.execute("DELETE FROM outcomes WHERE provenance = 'demo' AND school_id IN (SELECT school_id FROM out_demo)")
    key = "CAST(school_id AS VARCHAR) || '|' || school_year"
    row = ", ".join(f"'{name}': {name}" for name in (*NAMES, "notes"))
    cur.execute(
        f"INSERT INTO registry_changes SELECT {batch}, 'outcome', {key}, 'insert', NULL, "
        f"CAST(to_json({{{row}}}) AS JSON) FROM out_final WHERE status = 'new'"
    )
    values = ", ".join(NAMES)
    cur.execute(
        f"INSERT INTO outcomes ({COLUMNS}) SELECT school_id, school_year, {values}, notes, 'imported', {batch} "
        "FROM out_final WHERE status = 'new' ORDER BY school_id, school_year"
    )
    before = ", ".join(f"'{name}': o.{name}" for name in (*NAMES, "notes", "provenance", "batch_id"))
    after = ", ".join(f"'{name}': coalesce(f.{name}, o.{name})" for name in (*NAMES, "notes"))
    cur.execute(
        f"INSERT INTO registry_changes SELECT {batch}, 'outcome', {key.replace('school_id', 'f.school_id')}, "
        f"'update', CAST(to_json({{{before}}}) AS JSON), "
        f"CAST(to_json({{{after}, 'provenance': 'imported', 'batch_id': {batch}}}) AS JSON) "
        "FROM out_final f JOIN outcomes o USING (school_id, school_year) WHERE f.status = 'changed'"
    )
    assignments = ", ".join(f"{name} = coalesce(f.{name}, o.{name})" for name in (*NAMES, "notes"))
    cur.execute(
        f"UPDATE outcomes o SET {assignments}, provenance = 'imported', batch_id = {batch} FROM out_final f "
        "WHERE f.status = 'changed' AND o.school_id = f.school_id AND o.school_year = f.school_year"
    )
