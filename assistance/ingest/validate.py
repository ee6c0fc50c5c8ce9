"""Step 3 of an import, validate: every staged row checked, joined, keyed and its problems explained.

Rows are never validated one by one in Python: `ing_cells` is checked with set operations (ingest.checks),
the answers are joined back to the rows, the natural key (pairing, date, measure, normalised title) finds
duplicates in the file and in the database, and every problem gets a message naming the file's own column.
A row is blank when every recognised column is empty; cells in ignored columns do not make a row count.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa

from assistance.access.scope import NATIONAL, SCOPED_PAIRING_IDS, Scope
from assistance.i18n import t
from assistance.ingest.checks import MAX_TITLE_CHARS, Mark, check_cells, no_mark
from assistance.ingest.headers import PLACE_FIELDS
from assistance.reference.codes import EARLIEST_ACTIVITY
from assistance.store.transaction import registered


def validate(
    cur: duckdb.DuckDBPyConnection,
    columns: dict[str, str],
    today: date,
    mark: Mark = no_mark,
    scope: Scope = NATIONAL,
) -> None:
    """Check, join, key and explain the rows of ing_cells: the tables ing_staged, ing_first, ing_fresh and
    ing_errors. `columns` maps a field to the file's header text; `today` bounds the dates; a row whose pairing
    lies outside `scope` (the uploader's, access.scope) is rejected as outside_scope, the rows inside still go in."""
    check_cells(cur, today, mark)
    if not scope.national:
        outside_scope(cur, scope)
    join_rows(cur)
    mark("ing_staged")
    collect_errors(cur, columns, today)


def outside_scope(cur: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Mark the places (ing_d_place) whose pairing lies outside `scope`: the university column's outside_scope."""
    cur.execute(
        f"UPDATE ing_d_place SET uni_err = 'outside_scope', pairing_id = NULL WHERE pairing_id IS NOT NULL "
        f"AND uni_err IS NULL AND place_err IS NULL AND pairing_id NOT IN ({SCOPED_PAIRING_IDS})",
        scope.params(),
    )


def join_rows(cur: duckdb.DuckDBPyConnection) -> None:
    """ing_staged: every row joined to its checked values, `blank` and `valid`; then the natural keys:
    ing_first (the first valid row of each key in the file) and ing_fresh (those not yet in the database)."""
    cur.execute(
        """CREATE TEMP TABLE ing_staged AS
        SELECT *, NOT blank AND coalesce(date_err, uni_err, place_err, measure_err, title_err, teachers_err,
                                         students_err, hours_err) IS NULL AS valid
        FROM (
            SELECT dt.line,
                (dd.norm IS NULL AND dp.u_norm IS NULL AND dp.s_norm IS NULL AND dp.c_norm IS NULL
                 AND dm.norm IS NULL AND dt.norm IS NULL AND dte.norm IS NULL AND dst.norm IS NULL
                 AND dh.norm IS NULL AND dt.notes IS NULL) AS blank,
                dd.value AS date, dd.err AS date_err,
                dp.pairing_id, dp.uni_err, dp.place_err, dp.place_field, dp.detail_zh, dp.detail_en,
                dm.code AS measure, dm.err AS measure_err,
                dt.title, dt.title_key, dt.err AS title_err,
                dte.value AS teachers, dte.err AS teachers_err,
                dst.value AS students, dst.err AS students_err,
                dh.value AS hours, dh.err AS hours_err,
                dt.notes
            FROM ing_d_title dt
            JOIN ing_d_date dd ON dd.raw = dt.date
            JOIN ing_d_place dp ON dp.u = dt.university AND dp.s = dt.school AND dp.c = dt.county
            JOIN ing_d_measure dm ON dm.raw = dt.measure
            JOIN ing_d_count dte ON dte.raw = dt.teachers
            JOIN ing_d_count dst ON dst.raw = dt.students
            JOIN ing_d_hours dh ON dh.raw = dt.hours)"""
    )
    cur.execute(
        "CREATE TEMP TABLE ing_first AS SELECT pairing_id, date, measure, title_key, min(line) AS line "
        "FROM ing_staged WHERE valid GROUP BY ALL"
    )
    cur.execute(
        "CREATE TEMP TABLE ing_fresh AS SELECT f.line, f.pairing_id, f.date, f.measure, f.title_key "
        "FROM ing_first f ANTI JOIN activities a ON a.pairing_id = f.pairing_id AND a.date = f.date "
        "AND a.measure = f.measure AND a.title_key = f.title_key"
    )


def collect_errors(cur: duckdb.DuckDBPyConnection, columns: dict[str, str], today: date) -> None:
    """ing_errors: one row per problem, with its column, the cell's original value and the message in both
    languages (`columns` names the file's own columns in the messages)."""
    with registered(cur, "ing_msgs", _message_table(cur, columns, today)):
        cur.execute(
            """CREATE TEMP TABLE ing_problems AS
            SELECT line, 'date' AS field, date_err AS code, NULL::VARCHAR[] AS dz, NULL::VARCHAR[] AS de
                FROM ing_staged WHERE NOT blank AND date_err IS NOT NULL
            UNION ALL SELECT line, 'university', uni_err, NULL, NULL
                FROM ing_staged WHERE NOT blank AND uni_err IS NOT NULL
            UNION ALL SELECT line, place_field, place_err, detail_zh, detail_en
                FROM ing_staged WHERE NOT blank AND place_err IS NOT NULL
            UNION ALL SELECT line, 'measure', measure_err, NULL, NULL
                FROM ing_staged WHERE NOT blank AND measure_err IS NOT NULL
            UNION ALL SELECT line, 'title', title_err, NULL, NULL
                FROM ing_staged WHERE NOT blank AND title_err IS NOT NULL
            UNION ALL SELECT line, 'teachers', teachers_err, NULL, NULL
                FROM ing_staged WHERE NOT blank AND teachers_err IS NOT NULL
            UNION ALL SELECT line, 'students', students_err, NULL, NULL
                FROM ing_staged WHERE NOT blank AND students_err IS NOT NULL
            UNION ALL SELECT line, 'hours', hours_err, NULL, NULL
                FROM ing_staged WHERE NOT blank AND hours_err IS NOT NULL"""
        )
        cur.execute(
            """CREATE TEMP TABLE ing_errors AS
            WITH v AS (
                SELECT e.*, CASE e.field
                    WHEN 'date' THEN c.date WHEN 'university' THEN c.university WHEN 'school' THEN c.school
                    WHEN 'county' THEN c.county WHEN 'measure' THEN c.measure WHEN 'title' THEN c.title
                    WHEN 'teachers' THEN c.teachers WHEN 'students' THEN c.students WHEN 'hours' THEN c.hours
                    ELSE concat_ws(' / ', nullif(c.school, ''), nullif(c.county, '')) END AS value
                FROM ing_problems e JOIN ing_cells c ON c.line = e.line
                WHERE c.line IN (SELECT line FROM ing_problems))
            SELECT v.line, v.field, v.code, m.column_name, v.value, m.field_order,
                replace(replace(m.zh, '{candidates}', coalesce(array_to_string(v.dz, '、'), '')),
                        '{value}', left(v.value, 60)) AS message_zh,
                replace(replace(m.en, '{candidates}', coalesce(array_to_string(v.de, ', '), '')),
                        '{value}', left(v.value, 60)) AS message_en
            FROM v JOIN ing_msgs m ON m.field = v.field AND m.code = v.code"""
        )


_CODES_BY_FIELD = {
    "date": ("required", "date_invalid", "date_too_early", "date_future"),
    "university": ("required", "university_unknown", "outside_scope"),
    "school": ("school_unknown", "school_not_paired", "ambiguous"),
    "county": ("county_unknown", "county_not_paired", "school_county_mismatch", "ambiguous"),
    "place": ("place_missing",),
    "measure": ("required", "measure_unknown"),
    "title": ("required", "title_too_long"),
    "teachers": ("number_invalid", "number_negative", "number_not_whole", "number_too_large"),
    "students": ("number_invalid", "number_negative", "number_not_whole", "number_too_large"),
    "hours": ("number_invalid", "number_negative", "number_too_large"),
}


def _message_table(cur: duckdb.DuckDBPyConnection, columns: dict[str, str], today: date) -> pa.Table:
    """Row-error templates with this file's column names and the day's limits filled in; SQL fills the rest."""
    measures = cur.execute("SELECT code, label_zh, label_en FROM measures ORDER BY sort_order").fetchall()
    measure_list = {
        "zh": "、".join(f"{label_zh}（{code}）" for code, label_zh, _ in measures),
        "en": ", ".join(f"{code} ({label_zh})" for code, label_zh, _ in measures),
    }
    rows = []
    for order, (name, codes) in enumerate(_CODES_BY_FIELD.items()):
        for code in codes:
            texts = []
            for lang in ("zh", "en"):
                if name == "place":
                    column = " / ".join(columns.get(f, t(f"ingest.field.{f}", lang)) for f in PLACE_FIELDS)
                else:
                    column = columns.get(name, t(f"ingest.field.{name}", lang))
                texts.append(
                    t(
                        f"ingest.err.{code}",
                        lang,
                        column=column,
                        value="{value}",
                        candidates="{candidates}",
                        earliest=EARLIEST_ACTIVITY.isoformat(),
                        today=today.isoformat(),
                        limit=MAX_TITLE_CHARS,
                        measures=measure_list[lang],
                    )
                )
            header = (
                " / ".join(columns[f] for f in PLACE_FIELDS if f in columns)
                if name == "place"
                else columns.get(name, name)
            )
            rows.append((name, code, header, texts[0], texts[1], order))
    return pa.table(
        {
            "field": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "column_name": [r[2] for r in rows],
            "zh": [r[3] for r in rows],
            "en": [r[4] for r in rows],
            "field_order": [r[5] for r in rows],
        }
    )
