"""The checks of step 3 (validate): every field's values parsed and judged in SQL, each distinct value once.

Each check reduces a column to its distinct raw values, normalises those few values in pyarrow (NFKC, in C),
and judges them in one SQL statement into a table raw → value, err (an error code of the message catalogue,
`ingest.err.*`). Titles and notes, mostly distinct, are cleaned row by row instead (in Arrow). The place check resolves
(university, school, county) to exactly one pairing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from assistance.reference.codes import EARLIEST_ACTIVITY
from assistance.store.db import title_key_sql
from assistance.store.transaction import registered

Mark = Callable[[str], None]  # hears the name of each finished check (the benchmark's timings)

MAX_TITLE_CHARS = 200
MAX_COUNT = 2_147_483_647  # the INTEGER columns' limit
MAX_HOURS = 100_000.0
_PARALLEL_ROWS = 50_000  # titles cleaned in two threads from this many rows

# Synonyms accepted for measures on top of the canonical code and labels (docs/contracts.md, "Activity log file").
MEASURE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "resident_team": ("派驻团队", "驻校团队", "派驻校长", "派驻教师", "托管团队"),
    "teacher_visit": ("骨干教师指导", "到校指导", "教师到校指导", "送教到校"),
    "student_teaching": ("支教", "支教实习", "实习支教", "研究生支教", "顶岗支教"),
    "principal_training": ("校长研修", "干部培训", "管理干部培训"),
    "teacher_training": ("教师研修", "师资培训"),
    "shadowing": ("跟岗", "挂职", "跟岗学习", "挂职锻炼"),
    "student_camp": ("营地活动", "研学营", "夏令营", "冬令营", "研学"),
    "lab_open_day": ("实验室开放日", "实验室参观"),
    "teaching_research": ("教研", "教研活动", "集体备课"),
    "other": ("其它",),
}

# YYYY-M-D with -, /, . or 年月日 (and an optional time of day, as Excel writes date-time cells).
_DATE_PATTERN = (
    "'^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?"
    "(?:\\s*[T ]?\\s*\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?$'"
)
# Name keys drop every space and zero-width character (reference.normalise_name does the same for aliases).
_NAME_KEY_SQL = "lower(regexp_replace({col}, '[\\s\\x{{200b}}-\\x{{200d}}\\x{{2060}}\\x{{feff}}]+', '', 'g'))"


def no_mark(_step: str) -> None:
    """The default `Mark`: nobody is timing the checks."""


def _trim_array(array: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The user's text with surrounding whitespace (including full-width spaces) removed; empty → NULL."""
    return _null_if_empty(pc.utf8_trim_whitespace(array))


def _normalise_array(array: pa.ChunkedArray | pa.Array) -> pa.Array:
    """NFKC (full-width digits, letters and spaces → ASCII), trimmed; empty → NULL. Vectorised in C."""
    return _null_if_empty(pc.utf8_trim_whitespace(pc.utf8_normalize(array, form="NFKC")))


def _null_if_empty(array: pa.ChunkedArray | pa.Array) -> pa.Array:
    if not len(array) or pc.min(pc.binary_length(array)).as_py() != 0:  # no empty text: nothing to copy
        return array
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


def _dictionary(cur: duckdb.DuckDBPyConnection, name: str, select_distinct: str, sql: str) -> None:
    """Distinct raw values → NFKC-normalised in pyarrow → checked by `sql` (reading ing_dict_in)."""
    table = cur.sql(select_distinct).to_arrow_table()
    for column in list(table.column_names):
        table = table.append_column(f"{column}_norm", _normalise_array(table[column]))
    with registered(cur, "ing_dict_in", table):
        cur.execute(f"CREATE TEMP TABLE {name} AS {sql}")


def check_cells(
    cur: duckdb.DuckDBPyConnection, today: date, mark: Mark = no_mark, cells: pa.Table | None = None
) -> pa.Table:
    """Run every check over ing_cells (`cells`: that table, when the caller holds it), in order; `mark` hears each
    check's table as it finishes. Returns ing_d_title (check_titles)."""
    check_dates(cur, today)
    mark("ing_d_date")
    check_places(cur)
    mark("ing_d_place")
    check_measures(cur)
    mark("ing_d_measure")
    titles = check_titles(cur, cells)
    mark("ing_d_title")
    check_counts(cur)
    mark("ing_d_count")
    check_hours(cur)
    mark("ing_d_hours")
    return titles


def check_dates(cur: duckdb.DuckDBPyConnection, today: date) -> None:
    """ing_d_date(raw, norm, value, err): ISO and Chinese dates, 8 digits, Excel serials; not before the
    programme's earliest activity nor after `today`."""
    earliest, today_text = EARLIEST_ACTIVITY.isoformat(), today.isoformat()
    _dictionary(
        cur,
        "ing_d_date",
        "SELECT DISTINCT date AS raw FROM ing_cells",
        f"""WITH x AS (
            SELECT raw, raw_norm AS norm, regexp_extract(raw_norm, {_DATE_PATTERN}, ['y', 'm', 'd']) AS ymd
            FROM ing_dict_in),
        y AS (
            SELECT raw, norm, CASE
                WHEN norm IS NULL THEN NULL
                WHEN ymd.y <> '' THEN CAST(try_strptime(ymd.y || '-' || ymd.m || '-' || ymd.d, '%Y-%m-%d') AS DATE)
                WHEN regexp_full_match(norm, '\\d{{8}}') THEN CAST(try_strptime(norm, '%Y%m%d') AS DATE)
                WHEN regexp_full_match(norm, '\\d{{5}}(\\.\\d+)?')
                    THEN DATE '1899-12-30' + CAST(floor(CAST(norm AS DOUBLE)) AS INTEGER)
            END AS parsed
            FROM x)
        SELECT raw, norm,
            CASE WHEN parsed BETWEEN DATE '{earliest}' AND DATE '{today_text}' THEN parsed END AS value,
            CASE WHEN norm IS NULL THEN 'required'
                 WHEN parsed IS NULL THEN 'date_invalid'
                 WHEN parsed < DATE '{earliest}' THEN 'date_too_early'
                 WHEN parsed > DATE '{today_text}' THEN 'date_future' END AS err
        FROM y""",
    )


def check_places(cur: duckdb.DuckDBPyConnection) -> None:
    """ing_d_place(u, s, c, …, pairing_id, uni_err, place_err, place_field, detail_zh, detail_en): each distinct
    (university, school, county) resolved to exactly one pairing, or why not (with the candidates)."""
    _dictionary(
        cur,
        "ing_d_place",
        "SELECT DISTINCT university AS u, school AS s, county AS c FROM ing_cells",
        _PLACE_SQL,
    )


def check_measures(cur: duckdb.DuckDBPyConnection) -> None:
    """ing_d_measure(raw, norm, code, err): a measure's code, Chinese or English label, or a listed synonym,
    ignoring case, spaces, '_' and '-'."""
    synonyms = pa.table(
        {
            "name": [n for names in MEASURE_SYNONYMS.values() for n in names],
            "code": [c for c, names in MEASURE_SYNONYMS.items() for _ in names],
        }
    )
    measure_key = "regexp_replace(lower({col}), '[\\s_\\-]+', '', 'g')"
    with registered(cur, "ing_synonyms", synonyms):
        cur.execute(
            f"""CREATE TEMP TABLE ing_measure_lookup AS
            SELECT {measure_key.format(col="name")} AS key, min(code) AS code FROM (
                SELECT code AS name, code FROM measures UNION ALL SELECT label_zh, code FROM measures
                UNION ALL SELECT label_en, code FROM measures UNION ALL SELECT name, code FROM ing_synonyms)
            GROUP BY 1 HAVING min(code) = max(code)"""
        )
    _dictionary(
        cur,
        "ing_d_measure",
        "SELECT DISTINCT measure AS raw FROM ing_cells",
        f"""SELECT d.raw, d.raw_norm AS norm, l.code,
            CASE WHEN d.raw_norm IS NULL THEN 'required' WHEN l.code IS NULL THEN 'measure_unknown' END AS err
        FROM ing_dict_in d LEFT JOIN ing_measure_lookup l ON l.key = {measure_key.format(col="d.raw_norm")}""",
    )


def check_titles(cur: duckdb.DuckDBPyConnection, cells: pa.Table | None = None) -> pa.Table:
    """ing_d_title, an Arrow table in the rows' order, also returned: line, title, norm, notes, title_key, err
    (required, at most MAX_TITLE_CHARS) of every row of ing_cells (`cells`: that table, when the caller holds
    it)."""
    # Titles and notes are mostly distinct, so they are cleaned row by row (still in C, the two halves of the file
    # at once: pyarrow lets go of the GIL). The stored title is the user's text, trimmed; the natural key uses its
    # NFKC form (db.title_key_sql), computed here once, by DuckDB's own lower() as every stored key was.
    texts = cells if cells is not None else cur.sql("SELECT line, title, notes FROM ing_cells").to_arrow_table()
    cleaned = _clean_texts(texts.select(["line", "title", "notes"]))
    # `norm` is trimmed, so only a title with a tab, a line break or two spaces in a row needs the regular
    # expression of title_key_sql: the others' key is the text in lower case.
    spaced = " OR ".join(f"contains(norm, {c})" for c in ("'  '", "chr(9)", "chr(10)", "chr(11)", "chr(12)", "chr(13)"))
    with registered(cur, "ing_text_in", cleaned):
        keyed = cur.sql(
            f"""SELECT line, CASE WHEN {spaced} THEN {title_key_sql("norm")} ELSE lower(norm) END AS title_key,
                CASE WHEN norm IS NULL THEN 'required' WHEN length(norm) > {MAX_TITLE_CHARS}
                     THEN 'title_too_long' END AS err
            FROM ing_text_in"""
        ).to_arrow_table()
    if not keyed["line"].equals(cleaned["line"]):  # a scan keeps the rows' order; make sure of it
        keyed = keyed.take(pc.index_in(cleaned["line"], value_set=keyed["line"]))
    table = cleaned.append_column("title_key", keyed["title_key"]).append_column("err", keyed["err"])
    cur.register("ing_d_title", table)
    return table


def _clean_texts(texts: pa.Table) -> pa.Table:
    """The rows (line, title, notes) with their title (trimmed), norm (the title NFKC-folded and trimmed) and notes
    (trimmed), empty → NULL; a large file's halves in two threads."""

    def clean(part: pa.Table) -> pa.Table:
        return pa.table(
            {
                "line": part["line"],
                "title": _trim_array(part["title"]),
                "norm": _normalise_array(part["title"]),
                "notes": _trim_array(part["notes"]),
            }
        )

    if texts.num_rows < _PARALLEL_ROWS:
        return clean(texts)
    half = texts.num_rows // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(clean, (texts.slice(0, half), texts.slice(half)))
    return pa.concat_tables([first, second])


def check_counts(cur: duckdb.DuckDBPyConnection) -> None:
    """ing_d_count(raw, norm, value, err), for teachers and students: whole, not negative, with an optional
    人/人次/名/位 and thousands separators."""
    _dictionary(
        cur,
        "ing_d_count",
        "SELECT teachers AS raw FROM ing_cells UNION SELECT students FROM ing_cells",
        f"""WITH x AS (
            SELECT raw, raw_norm AS norm, regexp_replace(raw_norm, '\\s*(人次|人|名|位)$', '') AS v
            FROM ing_dict_in),
        y AS (
            SELECT raw, norm, CASE WHEN regexp_full_match(v, '[+-]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?')
                THEN replace(v, ',', '') ELSE v END AS v FROM x),
        z AS (
            SELECT raw, norm, v, regexp_full_match(v, '\\+?\\d+(\\.0*)?') AS whole,
                TRY_CAST(split_part(ltrim(v, '+'), '.', 1) AS HUGEINT) AS n FROM y)
        SELECT raw, norm,
            CASE WHEN whole AND n <= {MAX_COUNT} THEN CAST(n AS INTEGER) END AS value,
            CASE WHEN norm IS NULL THEN NULL
                 WHEN whole AND (n IS NULL OR n > {MAX_COUNT}) THEN 'number_too_large'
                 WHEN whole THEN NULL
                 WHEN regexp_full_match(v, '-\\s*(\\d+(\\.\\d*)?|\\.\\d+)') THEN 'number_negative'
                 WHEN regexp_full_match(v, '\\+?\\d*\\.\\d+') THEN 'number_not_whole'
                 ELSE 'number_invalid' END AS err
        FROM z""",
    )


def check_hours(cur: duckdb.DuckDBPyConnection) -> None:
    """ing_d_hours(raw, norm, value, err): a number of hours, not negative, with an optional unit (小时, h, …)."""
    _dictionary(
        cur,
        "ing_d_hours",
        "SELECT DISTINCT hours AS raw FROM ing_cells",
        f"""WITH x AS (
            SELECT raw, raw_norm AS norm,
                regexp_replace(lower(raw_norm), '\\s*(个小时|小时|学时|课时|hours|hour|hrs|hr|h)$', '') AS v
            FROM ing_dict_in),
        y AS (
            SELECT raw, norm, v, regexp_full_match(v, '\\+?(\\d+(\\.\\d*)?|\\.\\d+)') AS plain,
                TRY_CAST(ltrim(v, '+') AS DOUBLE) AS n FROM x)
        SELECT raw, norm,
            CASE WHEN plain AND n <= {MAX_HOURS} THEN n END AS value,
            CASE WHEN norm IS NULL THEN NULL
                 WHEN plain AND (n IS NULL OR n > {MAX_HOURS}) THEN 'number_too_large'
                 WHEN plain THEN NULL
                 WHEN regexp_full_match(v, '-\\s*(\\d+(\\.\\d*)?|\\.\\d+)') THEN 'number_negative'
                 ELSE 'number_invalid' END AS err
        FROM y""",
    )


# Resolving (university, school, county) to exactly one pairing, over the file's distinct combinations.
# Counties match by exact name or adcode, or (ranked lower) by a name without its 县/区/市/旗 ending, so that
# 青龙县 finds 青龙满族自治县; the best-ranked matches among the university's own pairings decide.
_PLACE_SQL = f"""
WITH k AS (
    SELECT u, s, c, u_norm, s_norm, c_norm,
        {_NAME_KEY_SQL.format(col="u_norm")} AS u_key,
        {_NAME_KEY_SQL.format(col="s_norm")} AS s_key,
        {_NAME_KEY_SQL.format(col="c_norm")} AS c_key
    FROM ing_dict_in),
k2 AS (
    SELECT k.*, ua.university_id,
        regexp_replace(k.c_key, '(自治县|自治旗|县|区|市|旗)$', '') AS c_base
    FROM k LEFT JOIN university_aliases ua ON ua.alias = k.u_key),
school_hits AS (
    SELECT DISTINCT k2.s_key, sa.school_id FROM k2 JOIN school_aliases sa ON sa.alias = k2.s_key),
county_hits AS (
    SELECT k2.c_key, co.adcode,
        max(CASE WHEN lower(co.name_zh) = k2.c_key OR co.adcode = k2.c_key THEN 2 ELSE 1 END) AS level
    FROM k2 JOIN counties co ON lower(co.name_zh) = k2.c_key OR co.adcode = k2.c_key
        OR (length(k2.c_base) >= 2 AND starts_with(lower(co.name_zh), k2.c_base))
    GROUP BY ALL),
pairs AS (
    SELECT p.pairing_id, p.university_id, p.school_id, sc.county_adcode, sc.name_zh AS school,
        coalesce(co.name_zh, sc.county_adcode) AS county
    FROM pairings p JOIN schools sc ON sc.school_id = p.school_id
    LEFT JOIN counties co ON co.adcode = sc.county_adcode),
cand AS (
    SELECT k2.u, k2.s, k2.c, pr.pairing_id, pr.school, pr.county, ch.level
    FROM k2 JOIN pairs pr ON pr.university_id = k2.university_id
    LEFT JOIN school_hits sh ON sh.s_key = k2.s_key AND sh.school_id = pr.school_id
    LEFT JOIN county_hits ch ON ch.c_key = k2.c_key AND ch.adcode = pr.county_adcode
    WHERE (k2.s_key IS NULL OR sh.school_id IS NOT NULL) AND (k2.c_key IS NULL OR ch.adcode IS NOT NULL)),
ranked AS (SELECT *, max(level) OVER (PARTITION BY u, s, c) AS top FROM cand),
agg AS (
    SELECT u, s, c, count(*) AS n, min(pairing_id) AS pairing_id,
        list_sort(list_distinct(list(school || '（' || county || '）'))) AS names_zh,
        list_sort(list_distinct(list(school || ' (' || county || ')'))) AS names_en
    FROM ranked WHERE level IS NOT DISTINCT FROM top GROUP BY u, s, c),
school_only AS (
    SELECT k2.u, k2.s, k2.c,
        list_sort(list_distinct(list(pr.school || '（' || pr.county || '）'))) AS names_zh,
        list_sort(list_distinct(list(pr.school || ' (' || pr.county || ')'))) AS names_en
    FROM k2 JOIN pairs pr ON pr.university_id = k2.university_id
    JOIN school_hits sh ON sh.s_key = k2.s_key AND sh.school_id = pr.school_id
    GROUP BY k2.u, k2.s, k2.c),
uni_pairs AS (
    SELECT university_id,
        list_sort(list_distinct(list(school || '（' || county || '）'))) AS names_zh,
        list_sort(list_distinct(list(school || ' (' || county || ')'))) AS names_en
    FROM pairs GROUP BY university_id),
judged AS (
    SELECT k2.*, a.n, a.pairing_id AS candidate, a.names_zh AS cand_zh, a.names_en AS cand_en,
        so.names_zh AS so_zh, so.names_en AS so_en, up.names_zh AS up_zh, up.names_en AS up_en,
        CASE WHEN k2.u_norm IS NULL THEN 'required'
             WHEN k2.university_id IS NULL THEN 'university_unknown' END AS uni_err,
        CASE
            WHEN k2.s_key IS NULL AND k2.c_key IS NULL THEN 'place_missing'
            WHEN k2.s_key IS NOT NULL AND k2.s_key NOT IN (SELECT s_key FROM school_hits) THEN 'school_unknown'
            WHEN k2.c_key IS NOT NULL AND k2.c_key NOT IN (SELECT c_key FROM county_hits) THEN 'county_unknown'
            WHEN k2.university_id IS NULL THEN NULL
            WHEN coalesce(a.n, 0) = 0 AND k2.s_key IS NOT NULL AND so.u IS NOT NULL THEN 'school_county_mismatch'
            WHEN coalesce(a.n, 0) = 0 AND k2.s_key IS NOT NULL THEN 'school_not_paired'
            WHEN coalesce(a.n, 0) = 0 THEN 'county_not_paired'
            WHEN a.n > 1 THEN 'ambiguous'
        END AS place_err
    FROM k2
    LEFT JOIN agg a ON a.u = k2.u AND a.s = k2.s AND a.c = k2.c
    LEFT JOIN school_only so ON so.u = k2.u AND so.s = k2.s AND so.c = k2.c
    LEFT JOIN uni_pairs up ON up.university_id = k2.university_id)
SELECT u, s, c, u_norm, s_norm, c_norm, uni_err, place_err,
    CASE WHEN uni_err IS NULL AND place_err IS NULL AND n = 1 THEN candidate END AS pairing_id,
    CASE place_err
        WHEN 'place_missing' THEN 'place'
        WHEN 'school_unknown' THEN 'school'
        WHEN 'county_unknown' THEN 'county'
        WHEN 'school_county_mismatch' THEN 'county'
        WHEN 'school_not_paired' THEN 'school'
        WHEN 'county_not_paired' THEN 'county'
        WHEN 'ambiguous' THEN CASE WHEN s_key IS NOT NULL THEN 'school' ELSE 'county' END
    END AS place_field,
    CASE place_err WHEN 'ambiguous' THEN cand_zh WHEN 'school_county_mismatch' THEN so_zh
        WHEN 'school_not_paired' THEN up_zh WHEN 'county_not_paired' THEN up_zh END AS detail_zh,
    CASE place_err WHEN 'ambiguous' THEN cand_en WHEN 'school_county_mismatch' THEN so_en
        WHEN 'school_not_paired' THEN up_en WHEN 'county_not_paired' THEN up_en END AS detail_en
FROM judged"""
