"""Every SQL of the coverage map and the leadership overview (issue 3), parameterised via FILTER_CTES.

Two kinds of time window meet here:

* the **period filter** (sidebar) scopes activity counts, participants and the monthly chart;
* windows **relative to today** (this semester, the same stretch of last semester, the last 60 days)
  ignore the period filter but keep the other filters (university, province, measure), so "this
  semester" always means the semester running now.

To get both from one query the filter CTEs are bound with an open period (the cycle still applies) and the
period is applied in the outer query through `$p_first`/`$p_last`, its first and last month. Nothing is filtered
in pandas.

Counts over whole months read the summary cells (`scoped_cells`, store.summaries); a window that ends on a given day
(this semester up to today, the same stretch of last semester, the last 60 days) adds the raw rows of the month it
cuts (`scoped_activities`, a scan of one month's dates), so every figure is exact to the day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import duckdb
import pandas as pd

from assistance.analytics.problems import OVERDUE_DAYS, PROBLEM_CTES, UNIT_PROBLEMS
from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params, for_filters, whole_months
from assistance.filters import Filters, Period, current_semester, previous_semester
from assistance.reference.codes import CORPS_CODE

ACTIVE_DAYS = 60
# Metrics the map can colour by, in the order the selector offers them.
METRICS = ("schools", "activities", "participants", "per_school", "active_share", "open_problems")

# The period as its own pair of parameters (see module docstring), over the summary cells' months.
_IN_PERIOD = (
    "((CAST($p_first AS DATE) IS NULL OR month >= CAST($p_first AS DATE))"
    " AND (CAST($p_last AS DATE) IS NULL OR month <= CAST($p_last AS DATE)))"
)


def _params(filters: Filters, today: date, **extra: object) -> dict:
    """Filter parameters with an open period in the CTEs, the period's months as $p_first/$p_last, the
    60-day window and any extra parameters the query needs."""
    params = filter_params(replace(filters, period=Period()))
    params["p_first"], params["p_last"] = whole_months(*filters.period.bounds())
    params["today"] = today
    params["recent_start"] = today - timedelta(days=ACTIVE_DAYS - 1)
    params.update(extra)
    return params


# ------------------------------------------------------------------------------------------ KPIs


@dataclass(frozen=True)
class Kpis:
    pairings: int
    universities: int
    provinces: int  # in-programme provinces covered, the Corps not counted
    province_total: int  # in-programme provinces, the Corps not counted (23)
    corps: bool  # whether the Corps has a pairing in view
    activities: int  # in the selected period
    teachers: int  # person-times in the selected period
    students: int
    this_semester: int  # current semester, up to today
    last_semester_to_date: int  # previous semester, up to the same day of the semester
    last_semester: int  # the whole previous semester
    active_pairings: int  # with an activity in the last ACTIVE_DAYS days
    semester_start: date
    last_semester_start: date
    last_semester_same_day: date

    @property
    def active_share(self) -> float | None:
        return self.active_pairings / self.pairings if self.pairings else None

    @property
    def semester_delta(self) -> int:
        return self.this_semester - self.last_semester_to_date


def semester_windows(today: date) -> tuple[date, date, date, date]:
    """(this semester's first day, last semester's first day, the same day of last semester, last
    semester's last day). "Same day" = as many days into last semester as today is into this one."""
    current = current_semester(today)
    previous = previous_semester(current)
    cur_start, _ = current.bounds()
    prev_start, prev_end = previous.bounds()
    same_day = min(prev_start + (today - cur_start), prev_end)
    return cur_start, prev_start, same_day, prev_end


_KPI_SQL = f"""
WITH {FILTER_CTES},
pair AS (
    SELECT count(*) AS pairings,
           count(DISTINCT sp.university) FILTER (WHERE u.kind = 'university') AS universities,
           count(DISTINCT sp.province_code) FILTER (WHERE pr.in_programme AND pr.code <> $corps) AS provinces,
           coalesce(bool_or(sp.province_code = $corps), false) AS corps
    FROM scoped_pairings sp
    LEFT JOIN universities u ON u.name_zh = sp.university
    LEFT JOIN provinces pr ON pr.code = sp.province_code
),
months AS (
    SELECT coalesce(sum(activities) FILTER (WHERE {_IN_PERIOD}), 0) AS activities,
           coalesce(sum(teachers) FILTER (WHERE {_IN_PERIOD}), 0) AS teachers,
           coalesce(sum(students) FILTER (WHERE {_IN_PERIOD}), 0) AS students,
           coalesce(sum(activities) FILTER (WHERE month >= $cur_start AND month < $today_month), 0) AS this_semester,
           coalesce(sum(activities) FILTER (WHERE month >= $prev_start AND month < $prev_same_month), 0)
               AS last_semester_to_date,
           coalesce(sum(activities) FILTER (WHERE month BETWEEN $prev_start AND $prev_end), 0) AS last_semester
    FROM scoped_cells
),
days AS (
    SELECT count(*) FILTER (WHERE date BETWEEN $today_month AND $today) AS this_semester,
           count(*) FILTER (WHERE date BETWEEN $prev_same_month AND $prev_same) AS last_semester_to_date,
           count(DISTINCT pairing_id) FILTER (WHERE date BETWEEN $recent_start AND $today) AS active_pairings
    FROM scoped_activities
    WHERE date BETWEEN least($today_month, $recent_start) AND $today OR date BETWEEN $prev_same_month AND $prev_same
)
SELECT pair.pairings, pair.universities, pair.provinces,
       (SELECT count(*) FROM provinces WHERE in_programme AND code <> $corps) AS province_total,
       pair.corps, months.activities, months.teachers, months.students,
       months.this_semester + days.this_semester AS this_semester,
       months.last_semester_to_date + days.last_semester_to_date AS last_semester_to_date,
       months.last_semester, days.active_pairings
FROM pair, months, days
"""


def kpis(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> Kpis:
    cur_start, prev_start, prev_same, prev_end = semester_windows(today)
    params = _params(
        filters,
        today,
        corps=CORPS_CODE,
        cur_start=cur_start,
        prev_start=prev_start,
        prev_same=prev_same,
        prev_end=prev_end,
        today_month=today.replace(day=1),  # the months cut by a day: their rows are counted one by one
        prev_same_month=prev_same.replace(day=1),
    )
    row = fetch_df(con, for_filters(_KPI_SQL, filters), params).iloc[0]
    return Kpis(
        pairings=int(row["pairings"]),
        universities=int(row["universities"]),
        provinces=int(row["provinces"]),
        province_total=int(row["province_total"]),
        corps=bool(row["corps"]),
        activities=int(row["activities"]),
        teachers=int(row["teachers"]),
        students=int(row["students"]),
        this_semester=int(row["this_semester"]),
        last_semester_to_date=int(row["last_semester_to_date"]),
        last_semester=int(row["last_semester"]),
        active_pairings=int(row["active_pairings"]),
        semester_start=cur_start,
        last_semester_start=prev_start,
        last_semester_same_day=prev_same,
    )


# ------------------------------------------------------------------------------ the scope

_PAIRINGS_SQL = f"WITH {FILTER_CTES} SELECT count(*) FROM scoped_pairings"
# The filters that narrow the pairings in view (measure and period narrow only activities), in the order a
# view that they empty offers to clear them.
SCOPE_FILTERS = ("province", "universities")


def pairing_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """How many pairings the university and province filters leave in view."""
    return int(fetch_one(con, for_filters(_PAIRINGS_SQL, filters), filter_params(filters))[0])


def widening_filters(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, ...]:
    """The scope filters (`Filters` field names) that are set and whose clearing alone brings pairings into view:
    for 北京师范大学 + 甘肃, the province (BNU has pairings elsewhere) and the universities (Gansu has pairings)."""
    empty = {"province": None, "universities": ()}
    return tuple(
        name
        for name in SCOPE_FILTERS
        if getattr(filters, name) and pairing_count(con, replace(filters, **{name: empty[name]}))
    )


# ------------------------------------------------------------------------------ map metrics

# Per unit (province or county) of `scoped_pairings`: schools, pairings, activities and participants
# in the period, pairings active in the last 60 days, universities ranked by schools then activities.
# `{unit}` is a column name written in this module, never input.
_UNIT_METRICS = """
pair_cells AS (
    SELECT pairing_id, CAST(sum(activities) AS BIGINT) AS activities,
           CAST(sum(teachers + students) AS BIGINT) AS participants
    FROM scoped_cells WHERE {in_period} GROUP BY pairing_id
),
pair_active AS (
    SELECT DISTINCT pairing_id FROM scoped_activities WHERE date BETWEEN $recent_start AND $today
),
per_pairing AS (
    SELECT sp.{unit} AS unit, sp.pairing_id, sp.university, sp.school, sp.county_adcode,
           coalesce(pc.activities, 0) AS activities, coalesce(pc.participants, 0) AS participants,
           pa.pairing_id IS NOT NULL AS active
    FROM scoped_pairings sp
    LEFT JOIN pair_cells pc ON pc.pairing_id = sp.pairing_id
    LEFT JOIN pair_active pa ON pa.pairing_id = sp.pairing_id
),
per_university AS (
    SELECT pp.unit, pp.university, coalesce(u.name_en, pp.university) AS university_en,
           count(DISTINCT (pp.school, pp.county_adcode)) AS schools, CAST(sum(pp.activities) AS BIGINT) AS activities
    FROM per_pairing pp LEFT JOIN universities u ON u.name_zh = pp.university
    GROUP BY ALL
),
top_universities AS (
    SELECT unit, count(*) AS universities,
           list(university ORDER BY schools DESC, activities DESC, university)[1:3] AS top_universities_zh,
           list(university_en ORDER BY schools DESC, activities DESC, university)[1:3] AS top_universities_en
    FROM per_university GROUP BY unit
),
unit_metrics AS (
    SELECT unit, count(*) AS pairings, count(DISTINCT (school, county_adcode)) AS schools,
           CAST(sum(activities) AS BIGINT) AS activities, CAST(sum(participants) AS BIGINT) AS participants,
           count(*) FILTER (WHERE active) AS active_pairings
    FROM per_pairing GROUP BY unit
)"""

_METRIC_COLUMNS = """
       coalesce(m.schools, 0) AS schools, coalesce(m.pairings, 0) AS pairings,
       coalesce(m.activities, 0) AS activities, coalesce(m.participants, 0) AS participants,
       CASE WHEN m.schools > 0 THEN CAST(m.activities AS DOUBLE) / m.schools END AS per_school,
       coalesce(m.active_pairings, 0) AS active_pairings,
       CASE WHEN m.pairings > 0 THEN CAST(m.active_pairings AS DOUBLE) / m.pairings END AS active_share,
       coalesce(t.universities, 0) AS universities,
       coalesce(t.top_universities_zh, []) AS top_universities_zh,
       coalesce(t.top_universities_en, []) AS top_universities_en,
       coalesce(q.open_problems, 0) AS open_problems"""


def _unit_sql(unit: str, table: str, key: str, columns: str, where: str = "") -> str:
    """Every row of `table` (its `columns`, keyed by `key`) with the map metrics of the pairings whose
    `unit` column (in pairing_overview) is that key, and the open problems in it (analytics.problems)."""
    return f"""
WITH {FILTER_CTES}, {PROBLEM_CTES},
{_UNIT_METRICS.format(unit=unit, in_period=_IN_PERIOD)},
{UNIT_PROBLEMS.format(unit=unit)}
SELECT {columns}, {_METRIC_COLUMNS}
FROM {table} r
LEFT JOIN unit_metrics m ON m.unit = r.{key}
LEFT JOIN top_universities t ON t.unit = r.{key}
LEFT JOIN unit_problems q ON q.unit = r.{key}
{where}
ORDER BY r.{key}
"""


_PROVINCE_SQL = _unit_sql(
    "province_code", "provinces", "code", "r.code, r.name_zh, r.short_zh, r.name_en, r.in_programme"
)
_COUNTY_SQL = _unit_sql(
    "county_adcode",
    "counties",
    "adcode",
    "r.adcode, r.name_zh, r.city_zh, r.lon, r.lat",
    "WHERE r.province_code = $drill",
)


def province_metrics(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> pd.DataFrame:
    """One row per province-level unit (all 35, the Corps as 660000) with the map metrics (`open_problems`: every
    problem in view in that unit, a pairing's, a county's or the province's own, neither resolved nor
    discontinued).

    Units without a pairing in view have 0 counts and NULL ratios."""
    return fetch_df(con, for_filters(_PROVINCE_SQL, filters), _params(filters, today, overdue_days=OVERDUE_DAYS))


def county_metrics(con: duckdb.DuckDBPyConnection, filters: Filters, today: date, province: str) -> pd.DataFrame:
    """One row per county-level unit of `province` (the Corps cities for 660000) with the map metrics."""
    params = _params(filters, today, drill=province, overdue_days=OVERDUE_DAYS)
    return fetch_df(con, for_filters(_COUNTY_SQL, filters), params)


# ------------------------------------------------------------------------------ markers, links

_SCHOOLS_SQL = f"""
WITH {FILTER_CTES},
pair_cells AS (
    SELECT pairing_id, CAST(coalesce(sum(activities) FILTER (WHERE {_IN_PERIOD}), 0) AS BIGINT) AS activities,
           max(last_date) AS last_activity
    FROM scoped_cells GROUP BY pairing_id
),
pair_active AS (
    SELECT DISTINCT pairing_id FROM scoped_activities WHERE date BETWEEN $recent_start AND $today
),
pair_acts AS (
    SELECT pc.pairing_id, pc.activities, pc.last_activity, pa.pairing_id IS NOT NULL AS active
    FROM pair_cells pc LEFT JOIN pair_active pa ON pa.pairing_id = pc.pairing_id
)
SELECT sp.school, sp.county, sp.county_adcode, sp.province_code, c.lon, c.lat,
       list(DISTINCT sp.university ORDER BY sp.university) AS universities_zh,
       list(DISTINCT coalesce(u.name_en, sp.university) ORDER BY coalesce(u.name_en, sp.university))
           AS universities_en,
       CASE WHEN bool_or(sp.provenance = 'verified') THEN 'verified'
            WHEN bool_or(sp.provenance = 'imported') THEN 'imported' ELSE 'demo' END AS provenance,
       CAST(coalesce(sum(pa.activities), 0) AS BIGINT) AS activities,
       max(pa.last_activity) AS last_activity, coalesce(bool_or(pa.active), false) AS active
FROM scoped_pairings sp
LEFT JOIN counties c ON c.adcode = sp.county_adcode
LEFT JOIN universities u ON u.name_zh = sp.university
LEFT JOIN pair_acts pa ON pa.pairing_id = sp.pairing_id
GROUP BY sp.school, sp.county, sp.county_adcode, sp.province_code, c.lon, c.lat
ORDER BY sp.province_code, sp.county_adcode, sp.school
"""


def school_markers(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> pd.DataFrame:
    """One row per school in view, placed at its county's marker point (schools have no own
    coordinates in the registry), with its universities, activities in the period and last activity."""
    return fetch_df(con, for_filters(_SCHOOLS_SQL, filters), _params(filters, today))


_LINKS_SQL = f"""
WITH {FILTER_CTES}
SELECT sp.pairing_id, sp.university, coalesce(u.name_en, sp.university) AS university_en, u.city_zh,
       u.lon AS university_lon, u.lat AS university_lat,
       sp.school, sp.county, sp.county_adcode, sp.province_code, c.lon AS school_lon, c.lat AS school_lat,
       sp.provenance, sp.confidence, sp.source
FROM scoped_pairings sp
JOIN universities u ON u.name_zh = sp.university
LEFT JOIN counties c ON c.adcode = sp.county_adcode
WHERE u.lon IS NOT NULL AND c.lon IS NOT NULL
ORDER BY sp.provenance DESC, sp.university, sp.school
"""


def links(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """One row per pairing in view (university and province filters): from the university's city to
    the school's county, with provenance and source. Period and measure do not apply: a pairing
    exists whether or not it reported in the period."""
    return fetch_df(con, for_filters(_LINKS_SQL, filters), filter_params(filters))


# Past this many pairings in view the link map draws flows (issue 14, item 5): 2,000 lines cannot be read one by one.
LINK_LIMIT = 150

# The same pairings as `links`, one row per supporting party and province: the lines a reader can follow at
# national scale. `schools` counts distinct schools (a school two parties support counts under each).
_FLOWS_SQL = f"""
WITH {FILTER_CTES}
SELECT sp.university, coalesce(u.name_en, sp.university) AS university_en, u.city_zh,
       u.lon AS university_lon, u.lat AS university_lat, sp.province_code, sp.province,
       coalesce(pr.name_en, sp.province) AS province_en,
       CAST(count(*) AS BIGINT) AS pairings, CAST(count(DISTINCT (sp.school, sp.county_adcode)) AS BIGINT) AS schools,
       CAST(count(*) FILTER (WHERE sp.provenance = 'verified') AS BIGINT) AS verified,
       CAST(count(*) FILTER (WHERE sp.provenance = 'demo') AS BIGINT) AS demo,
       CAST(count(*) FILTER (WHERE sp.provenance = 'imported') AS BIGINT) AS imported
FROM scoped_pairings sp
JOIN universities u ON u.name_zh = sp.university
LEFT JOIN counties c ON c.adcode = sp.county_adcode
LEFT JOIN provinces pr ON pr.code = sp.province_code
WHERE u.lon IS NOT NULL AND c.lon IS NOT NULL
GROUP BY ALL
ORDER BY pairings DESC, sp.university, sp.province_code
"""


def flows(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """`links` grouped by supporting party and province: one row each with its pairings, schools and pairings by
    provenance (the same pairings: the counts add up to the lines `links` gives)."""
    return fetch_df(con, for_filters(_FLOWS_SQL, filters), filter_params(filters))


def individual_links(filters: Filters, pairings: int) -> bool:
    """Whether the link map draws one line per pairing: few enough in view (`LINK_LIMIT`), or the filters select
    one province or one supporting party (their lines stay readable at any scale); else flows."""
    return pairings <= LINK_LIMIT or bool(filters.province) or len(filters.universities) == 1


_MONTHLY_SQL = f"""
WITH {FILTER_CTES}
SELECT month, measure, CAST(sum(activities) AS BIGINT) AS activities
FROM scoped_cells
GROUP BY ALL
ORDER BY month, measure
"""


def monthly_by_measure(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities per calendar month and measure, all filters applied (long format)."""
    return fetch_df(con, for_filters(_MONTHLY_SQL, filters), filter_params(filters))
