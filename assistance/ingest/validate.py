"""Step 3 of an import, validate: every staged row checked, joined, keyed and its problems explained.

Rows are never validated one by one in Python: `ing_cells` is checked with set operations (ingest.checks),
the answers are gathered back to the rows by position in Arrow, the natural key (pairing, date, measure,
normalised title) finds duplicates in the file and, by one anti-join under the write lock, in the database, and
every problem gets a message naming the file's own column.
A row is blank when every recognised column is empty; cells in ignored columns do not make a row count.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from assistance.access.scope import NATIONAL, SCOPED_PAIRING_IDS, Scope
from assistance.i18n import t
from assistance.ingest.checks import MAX_TITLE_CHARS, Mark, check_cells, no_mark
from assistance.ingest.fields import ACTIVITIES
from assistance.ingest.headers import PLACE_FIELDS
from assistance.reference.codes import EARLIEST_ACTIVITY
from assistance.store.transaction import registered


def validate(
    cur: duckdb.DuckDBPyConnection,
    columns: dict[str, str],
    today: date,
    mark: Mark = no_mark,
    scope: Scope = NATIONAL,
    cells: pa.Table | None = None,
) -> pa.Table:
    """Check, join, key and explain the rows of ing_cells (`cells`: that table, when the caller holds it):
    ing_staged (an Arrow table, also returned), the tables ing_first, ing_fresh and ing_errors. `columns` maps a
    field to the file's header text; `today` bounds the dates; a row whose pairing lies outside `scope` (the
    uploader's, access.scope) is rejected as outside_scope, the rows inside still go in."""
    if cells is None:
        cells = cur.sql(f"SELECT line, {', '.join(ACTIVITIES.fields)} FROM ing_cells").to_arrow_table()
    titles = check_cells(cur, today, mark, cells)
    if not scope.national:
        outside_scope(cur, scope)
    rows = join_rows(cur, cells, titles)
    mark("ing_staged")
    collect_errors(cur, columns, today)
    return rows


def outside_scope(cur: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Mark the places (ing_d_place) whose pairing lies outside `scope`: the university column's outside_scope."""
    cur.execute(
        f"UPDATE ing_d_place SET uni_err = 'outside_scope', pairing_id = NULL WHERE pairing_id IS NOT NULL "
        f"AND uni_err IS NULL AND place_err IS NULL AND pairing_id NOT IN ({SCOPED_PAIRING_IDS})",
        scope.params(),
    )


def join_rows(cur: duckdb.DuckDBPyConnection, cells: pa.Table, titles: pa.Table) -> pa.Table:
    """ing_staged: every row with its checked values, `blank` and `valid`; then the natural keys: ing_first (the
    first valid row of each key in the file) and ing_fresh (those not yet in the database).

    Each check judged the distinct values of its column (ingest.checks); a row's answers are gathered from
    those small tables by position in Arrow (no join of a million rows on their text), next to its title
    (`titles`: ing_d_title, in the rows' order)."""
    date_, measure = _dictionary(cur, "ing_d_date"), _dictionary(cur, "ing_d_measure")
    count, hours, place = (
        _dictionary(cur, "ing_d_count"),
        _dictionary(cur, "ing_d_hours"),
        _dictionary(cur, "ing_d_place"),
    )
    at = {
        "date": _positions(cells["date"], date_["raw"]),
        "measure": _positions(cells["measure"], measure["raw"]),
        "teachers": _positions(cells["teachers"], count["raw"]),
        "students": _positions(cells["students"], count["raw"]),
        "hours": _positions(cells["hours"], hours["raw"]),
        "place": _place_positions(cur, cells, place),
    }
    sources = {"date": date_, "measure": measure, "teachers": count, "students": count, "hours": hours, "place": place}
    rows = cells.num_rows

    def gather(source: str, column: str) -> pa.ChunkedArray | pa.Array:
        values = sources[source][column]
        if values.null_count == len(values):  # no value has one (most error columns): no need to look
            return pa.nulls(rows, values.type)
        return pc.take(values, at[source])

    table = pa.table(
        {
            "line": cells["line"],
            "blank": _blank(sources, at, titles),
            "date": gather("date", "value"),
            "date_err": gather("date", "err"),
            **{name: gather("place", name) for name in _PLACE_COLUMNS},
            "measure": gather("measure", "code"),
            "measure_err": gather("measure", "err"),
            "title": titles["title"],
            "title_key": titles["title_key"],
            "title_err": titles["err"],
            "teachers": gather("teachers", "value"),
            "teachers_err": gather("teachers", "err"),
            "students": gather("students", "value"),
            "students_err": gather("students", "err"),
            "hours": gather("hours", "value"),
            "hours_err": gather("hours", "err"),
            "notes": titles["notes"],
        }
    )
    valid = pc.invert(table["blank"])
    for name in _ERRORS:
        if table[name].null_count < rows:
            valid = pc.and_(valid, pc.is_null(table[name]))
    table = table.append_column("valid", valid)
    cur.register("ing_staged", table)
    _first_and_fresh(cur)
    return table


def _blank(sources: dict[str, pa.Table], at: dict[str, pa.ChunkedArray], titles: pa.Table) -> pa.ChunkedArray:
    """Whether each row is blank: every recognised cell empty (NULL once normalised). When a column has no empty
    cell at all (its check's table holds no NULL, or the title or notes none), no row is: nothing to gather."""
    parts = []
    for source, column in _NORMS:
        empty = pc.is_null(sources[source][column])
        if not pc.any(empty).as_py():
            return pa.repeat(False, titles.num_rows)
        parts.append(pc.take(empty, at[source]))
    for column in ("norm", "notes"):
        if not titles[column].null_count:
            return pa.repeat(False, titles.num_rows)
        parts.append(pc.is_null(titles[column]))
    blank = parts[0]
    for part in parts[1:]:
        blank = pc.and_(blank, part)
    return blank


def _first_and_fresh(cur: duckdb.DuckDBPyConnection) -> None:
    """ing_first: the first valid row (by line) of each natural key in the file; ing_fresh: the lines of those
    whose key no stored activity has. A file whose keys all differ (the usual case, seen from a count of distinct
    key hashes: different hashes are different keys) needs no grouping: every valid row is its key's first."""
    distinct, valid = cur.execute(
        "SELECT count(DISTINCT hash(pairing_id, date, measure, title_key)), count(*) FROM ing_staged WHERE valid"
    ).fetchall()[0]
    if distinct == valid:
        cur.execute("CREATE TEMP VIEW ing_first AS SELECT pairing_id, date, measure, title_key, line FROM ing_staged "
                    "WHERE valid")  # fmt: skip
    else:
        cur.execute(
            "CREATE TEMP TABLE ing_first AS SELECT pairing_id, date, measure, title_key, min(line) AS line "
            "FROM ing_staged WHERE valid GROUP BY ALL"
        )
    cur.execute(
        "CREATE TEMP TABLE ing_fresh AS SELECT f.line FROM ing_first f ANTI JOIN activities a "
        "ON a.pairing_id = f.pairing_id AND a.date = f.date AND a.measure = f.measure AND a.title_key = f.title_key"
    )


_NORMS = (("date", "norm"), ("measure", "norm"), ("teachers", "norm"), ("students", "norm"), ("hours", "norm"),
          ("place", "u_norm"), ("place", "s_norm"), ("place", "c_norm"))  # fmt: skip
_PLACE_COLUMNS = ("pairing_id", "uni_err", "place_err", "place_field", "detail_zh", "detail_en")
_ERRORS = ("date_err", "uni_err", "place_err", "measure_err", "title_err", "teachers_err", "students_err", "hours_err")


def _dictionary(cur: duckdb.DuckDBPyConnection, name: str) -> pa.Table:
    """A check's table of distinct values (a few hundred rows), its columns in one chunk each."""
    return cur.sql(f"SELECT * FROM {name}").to_arrow_table().combine_chunks()


def _positions(values: pa.ChunkedArray, distinct: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """For each value, the position of its row in a check's table (every value of the column has one)."""
    return pc.index_in(values, value_set=distinct)


def _place_positions(cur: duckdb.DuckDBPyConnection, cells: pa.Table, place: pa.Table) -> pa.ChunkedArray:
    """For each row, the position of its (university, school, county) in ing_d_place: the three cells are coded
    by their place among the distinct values of each, and the codes combined into one exact integer key."""
    keys, codes, size = None, None, 1
    for cell, column in (("university", "u"), ("school", "s"), ("county", "c")):
        distinct = pc.unique(place[column])
        size *= len(distinct)
        if size >= 2**62:  # cannot happen below some million distinct names each; stay exact regardless
            return _place_positions_sql(cur, cells, place)
        row_code = pc.cast(pc.index_in(cells[cell], value_set=distinct), pa.int64())
        place_code = pc.cast(pc.index_in(place[column], value_set=distinct), pa.int64())
        width = pa.scalar(len(distinct), pa.int64())
        keys = row_code if keys is None else pc.add(pc.multiply(keys, width), row_code)
        codes = place_code if codes is None else pc.add(pc.multiply(codes, width), place_code)
    return pc.index_in(keys, value_set=codes)


def _place_positions_sql(cur: duckdb.DuckDBPyConnection, cells: pa.Table, place: pa.Table) -> pa.ChunkedArray:
    """_place_positions by a join in DuckDB (for a file with very many distinct names)."""
    rows = pa.table({"i": pa.array(range(cells.num_rows), pa.int64()), "u": cells["university"],
                     "s": cells["school"], "c": cells["county"]})  # fmt: skip
    places = pa.table({"j": pa.array(range(place.num_rows), pa.int64()), "u": place["u"], "s": place["s"],
                       "c": place["c"]})  # fmt: skip
    with registered(cur, "ing_place_rows", rows), registered(cur, "ing_place_keys", places):
        found = cur.sql(
            "SELECT r.i, p.j FROM ing_place_rows r JOIN ing_place_keys p ON p.u = r.u AND p.s = r.s AND p.c = r.c "
            "ORDER BY r.i"
        ).to_arrow_table()
    return found["j"]


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
