"""The coordinator's view: the pairings of the universities in view (or one row per university), their
reach in the filtered period, activities by measure and by month, and the activity export of the view.

Reach follows every filter (period, measure) and is counted from the summary cells (store.summaries); a
pairing's last activity and status are as of `today`, by the rule in `scorecard`, read from
`progress.pairing_progress` (a frame the page computed once, or its SQL inline).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from assistance.analytics import progress as pairing_progress
from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params, for_filters, name_key
from assistance.analytics.scorecard import rule_params
from assistance.analytics.tables import TableQuery
from assistance.filters import Filters

# Names sort by their keys (queries.name_key): pinyin in Chinese, English names in English.
_PAIRING_ORDERS = {
    "school": ("school_key", "pairing_id"),
    "university": ("university_key", "school_key", "pairing_id"),
    "province": ("province_key", "county_key", "school_key", "pairing_id"),
    "last_date": ("last_date", "school_key", "pairing_id"),
    "activities": ("activities", "school_key", "pairing_id"),
    "status": ("status_rank", "school_key", "pairing_id"),
}


def _name_keys(lang: str) -> str:
    """The select list of a keyed pairing's (`sp`) sort keys in `lang`: university_key, school_key, province_key,
    county_key."""
    return (
        f"sp.{name_key('university', lang)} AS university_key, sp.school_key, "
        f"sp.{name_key('province', lang)} AS province_key, sp.county_key"
    )


# Each pairing's status today, from `pairing_progress` (a pairing has a row per measure below plan, or one row).
_STATUS = f"""pairing_days AS (
        SELECT DISTINCT pairing_id, last_date, days_since_last, status FROM {pairing_progress.NAME}
    )"""


def pairings_query(filters: Filters, today: date, lang: str = "zh", progress: pa.Table | None = None) -> TableQuery:
    """The pairings in view with their reach in the filtered period and their status today; names sort in `lang`.

    Activity counts, teachers and students follow all filters (period, measure); the last activity
    date and the status are as of `today`, over all measures. `progress`: `progress.pairing_progress` of the same
    filters and day, if the caller has it.
    """
    progress_ctes, frames = pairing_progress.source(progress)
    sql = f"""WITH {FILTER_CTES}, {progress_ctes} {_STATUS},
    reach AS (
        SELECT pairing_id, CAST(sum(activities) AS BIGINT) AS activities, CAST(sum(teachers) AS BIGINT) AS teachers,
               CAST(sum(students) AS BIGINT) AS students
        FROM scoped_cells GROUP BY pairing_id
    )
    SELECT sp.pairing_id, sp.university, sp.school, sp.county, sp.province, sp.province_code, sp.tier,
           p.start_date, p.end_date, sp.provenance, sp.confidence, sp.source, ps.last_date, ps.days_since_last,
           coalesce(r.activities, 0) AS activities, coalesce(r.teachers, 0) AS teachers,
           coalesce(r.students, 0) AS students, ps.status,
           CASE ps.status WHEN 'red' THEN 1 WHEN 'amber' THEN 2 WHEN 'green' THEN 3 ELSE 4 END AS status_rank,
           {_name_keys(lang)}
    FROM keyed_pairings sp
    JOIN pairings p ON p.pairing_id = sp.pairing_id
    LEFT JOIN pairing_days ps ON ps.pairing_id = sp.pairing_id
    LEFT JOIN reach r ON r.pairing_id = sp.pairing_id"""
    params = filter_params(filters) | rule_params(today)
    return TableQuery(for_filters(sql, filters), params, _PAIRING_ORDERS, "university", frames=frames)


def reach_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    """Pairings in view and, over the filtered activities, their count, teachers and students."""
    sql = f"""WITH {FILTER_CTES}
    SELECT (SELECT count(*) FROM scoped_pairings) AS pairings,
           count(DISTINCT pairing_id) AS active_pairings,
           CAST(coalesce(sum(activities), 0) AS BIGINT) AS activities,
           CAST(coalesce(sum(teachers), 0) AS BIGINT) AS teachers,
           CAST(coalesce(sum(students), 0) AS BIGINT) AS students, coalesce(sum(hours), 0) AS hours
    FROM scoped_cells"""
    row = fetch_one(con, for_filters(sql, filters), filter_params(filters))
    return dict(zip(("pairings", "active_pairings", "activities", "teachers", "students", "hours"), row, strict=True))


def parties_in_view(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The supporting parties with a pairing in view and their kind (university, institution, high_school)."""
    sql = f"""WITH {FILTER_CTES}
    SELECT DISTINCT u.name_zh, u.kind FROM scoped_pairings sp JOIN universities u ON u.name_zh = sp.university
    ORDER BY u.kind, u.name_zh"""
    return fetch_df(con, for_filters(sql, filters), filter_params(filters))


def measure_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities, teacher and student participations by measure (every measure, zeros included)."""
    sql = f"""WITH {FILTER_CTES},
    by_measure AS (
        SELECT measure, sum(activities) AS activities, sum(teachers) AS teachers, sum(students) AS students
        FROM scoped_cells GROUP BY measure
    )
    SELECT m.code AS measure, CAST(coalesce(a.activities, 0) AS BIGINT) AS activities,
           CAST(coalesce(a.teachers, 0) AS BIGINT) AS teachers,
           CAST(coalesce(a.students, 0) AS BIGINT) AS students
    FROM measures m LEFT JOIN by_measure a ON a.measure = m.code
    WHERE CAST($measure AS VARCHAR) IS NULL OR m.code = CAST($measure AS VARCHAR)
    ORDER BY m.sort_order"""
    return fetch_df(con, for_filters(sql, filters), filter_params(filters))


def timeline(con: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> pd.DataFrame:
    """Activities by calendar month and pairing: only months with activity (the chart fills the gaps),
    plus one row with month NULL for each pairing in view without any activity; with the names' sort keys in
    `lang` (university_key, school_key), by which the chart orders its rows."""
    sql = f"""WITH {FILTER_CTES}
    SELECT sp.pairing_id, sp.school, sp.university, a.month,
           CAST(coalesce(sum(a.activities), 0) AS BIGINT) AS activities, {_name_keys(lang)}
    FROM keyed_pairings sp LEFT JOIN scoped_cells a ON a.pairing_id = sp.pairing_id
    GROUP BY ALL ORDER BY month NULLS FIRST, sp.pairing_id"""
    return fetch_df(con, for_filters(sql, filters), filter_params(filters))


def timeline_by_measure(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities by calendar month and measure, for views with too many schools for one row each."""
    sql = f"""WITH {FILTER_CTES}
    SELECT month, measure, CAST(sum(activities) AS BIGINT) AS activities
    FROM scoped_cells GROUP BY month, measure ORDER BY month, measure"""
    return fetch_df(con, for_filters(sql, filters), filter_params(filters))


def universities_query(filters: Filters, today: date, lang: str = "zh", progress: pa.Table | None = None) -> TableQuery:
    """One row per university in view (used when no university is chosen); names sort in `lang`. `progress`:
    `progress.pairing_progress` of the same filters and day, if the caller has it."""
    progress_ctes, frames = pairing_progress.source(progress)
    sql = f"""WITH {FILTER_CTES}, {progress_ctes} {_STATUS}
    SELECT sp.university, any_value(u.name_en) AS university_en,
           any_value(sp.{name_key("university", lang)}) AS university_key, count(*) AS pairings,
           CAST(coalesce(sum(r.activities), 0) AS BIGINT) AS activities,
           CAST(coalesce(sum(r.teachers), 0) AS BIGINT) AS teachers,
           CAST(coalesce(sum(r.students), 0) AS BIGINT) AS students, max(ps.last_date) AS last_date,
           count(*) FILTER (WHERE ps.status = 'red') AS red_pairings,
           bool_or(sp.provenance = 'demo') AS has_demo
    FROM keyed_pairings sp
    JOIN universities u ON u.name_zh = sp.university
    LEFT JOIN pairing_days ps ON ps.pairing_id = sp.pairing_id
    LEFT JOIN (SELECT pairing_id, sum(activities) AS activities, sum(teachers) AS teachers, sum(students) AS students
               FROM scoped_cells GROUP BY pairing_id) r ON r.pairing_id = sp.pairing_id
    GROUP BY sp.university"""
    name = "university_key"
    orders = {
        "university": (name,),
        "pairings": ("pairings", name),
        "activities": ("activities", name),
        "last_date": ("last_date", name),
        "red_pairings": ("red_pairings", name),
    }
    params = filter_params(filters) | rule_params(today)
    return TableQuery(for_filters(sql, filters), params, orders, "university", frames=frames)


def activity_export_query(filters: Filters, lang: str = "zh") -> TableQuery:
    """Every activity in view, one row each, in date order (then names as `lang` sorts them): what `export` and
    the export buttons write."""
    sql = f"""WITH {FILTER_CTES}
    SELECT a.activity_id, a.date, sp.university, sp.school, sp.county, sp.province, a.measure,
           m.sort_order AS measure_order, a.title, a.teachers, a.students, a.hours, a.notes,
           a.provenance, a.batch_id, {_name_keys(lang)}
    FROM scoped_activities a
    JOIN keyed_pairings sp ON sp.pairing_id = a.pairing_id
    LEFT JOIN measures m ON m.code = a.measure"""
    orders = {"date": ("date", "university_key", "school_key", "activity_id")}
    return TableQuery(for_filters(sql, filters), filter_params(filters), orders, "date")
