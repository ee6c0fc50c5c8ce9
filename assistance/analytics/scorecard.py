"""SQL for the coordinator and school views: a university's pairings, the 一校一策 scorecard, the
needs-attention list. Every figure here is computed in DuckDB, parameterised, with `today` injected.

The status rule (shown on the scorecard in zh/en, tested at its boundaries):

* A school year runs 1 September – 31 August and is named by the year it starts.
* Pro-rata expectation of a measure = plan target × elapsed days ÷ days in the school year, where
  elapsed days count 1 September through `today` inclusive (a past year: the full target).
* Progress = actual activities ÷ expectation, compared in exact integer arithmetic so that exactly
  50 % is amber, never red by a rounding error:
  green ≥ GREEN_PERCENT, amber ≥ AMBER_PERCENT (so exactly 50 % is amber), red below.
* A measure whose expectation is still below one activity and that has none yet is `not_due`
  (1 September would otherwise turn every measure red); a measure with no target is `no_target`.
* A pairing's status for a year applies the same thresholds to its totals over the planned measures.
  In the current year it is red, whatever its totals, when SILENCE_DAYS or more days have passed since
  its last activity, or when it never reported and started SILENCE_DAYS or more days ago.
* Needs attention (current year only): never reported (after SILENCE_DAYS since start), silent for
  SILENCE_DAYS or more days, and each measure whose status is red (below AMBER_PERCENT of a
  pro-rata expectation of at least one activity).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params
from assistance.filters import Filters

# The rule, as constants: the SQL below binds them, the page states them.
SILENCE_DAYS = 60  # no activity for this many days or more → red / needs attention (60 flags, 59 does not)
GREEN_PERCENT = 100  # progress ≥ 100 % of pro-rata → green
AMBER_PERCENT = 50  # 50 % ≤ progress < 100 % → amber; below 50 % → red (exactly 50 % is amber)
STATUSES = ("green", "amber", "red", "not_due", "no_target", "not_started")
REASONS = ("never_reported", "silent", "below_plan")


def today() -> date:
    """The day the views are computed for (the app's clock); library calls take `today` explicitly."""
    return date.today()


def school_year_of(day: date) -> int:
    """The school year containing `day`, named by the year it starts (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def rule_params(today: date) -> dict:
    return {
        "today": today,
        "green_percent": GREEN_PERCENT,
        "amber_percent": AMBER_PERCENT,
        "silence_days": SILENCE_DAYS,
    }


_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def bind(sql: str, params: dict) -> dict:
    """Keep exactly the named parameters the SQL text uses (DuckDB rejects extra ones)."""
    used = set(_PARAM.findall(sql))
    missing = used - set(params)
    if missing:
        raise KeyError(f"SQL needs parameters {sorted(missing)}")
    return {name: value for name, value in params.items() if name in used}


def _status_sql(target: str, actual: str) -> str:
    """The green/amber/red rule over integer columns (names written in code, never input).

    expectation = target × elapsed_days / year_days, so `actual ≥ p % of expectation` becomes
    100 × actual × year_days ≥ p × target × elapsed_days: exact, no floating point at the boundary.
    """
    return f"""CASE
        WHEN coalesce({target}, 0) = 0 THEN 'no_target'
        WHEN 100 * {actual} * year_days >= CAST($green_percent AS BIGINT) * {target} * elapsed_days THEN 'green'
        WHEN {target} * elapsed_days < year_days THEN 'not_due'
        WHEN 100 * {actual} * year_days >= CAST($amber_percent AS BIGINT) * {target} * elapsed_days THEN 'amber'
        ELSE 'red' END"""


# Progress of the pairings listed in a CTE `target_pairings(pairing_id)` that must come first.
PROGRESS_CTES = f"""
as_of AS (
    SELECT CAST($today AS DATE) AS today,
           CAST(year(CAST($today AS DATE)) - CASE WHEN month(CAST($today AS DATE)) >= 9 THEN 0 ELSE 1 END
                AS INTEGER) AS current_year
),
progress_activities AS (
    SELECT a.pairing_id, a.date, a.measure,
           CAST(year(a.date) - CASE WHEN month(a.date) >= 9 THEN 0 ELSE 1 END AS INTEGER) AS school_year
    FROM activities a
    WHERE a.pairing_id IN (SELECT pairing_id FROM target_pairings) AND a.date <= (SELECT today FROM as_of)
),
pairing_last AS (
    SELECT p.pairing_id, p.start_date, max(pa.date) AS last_date, count(pa.date) AS activities_to_date,
           CAST((SELECT today FROM as_of) - max(pa.date) AS INTEGER) AS days_since_last,
           CAST((SELECT today FROM as_of) - p.start_date AS INTEGER) AS days_since_start
    FROM pairings p LEFT JOIN progress_activities pa ON pa.pairing_id = p.pairing_id
    WHERE p.pairing_id IN (SELECT pairing_id FROM target_pairings)
    GROUP BY p.pairing_id, p.start_date
),
measure_rows AS (
    SELECT coalesce(pl.pairing_id, ya.pairing_id) AS pairing_id,
           coalesce(pl.school_year, ya.school_year) AS school_year,
           coalesce(pl.measure, ya.measure) AS measure,
           CAST(pl.target AS BIGINT) AS target, coalesce(ya.actual, 0) AS actual
    FROM (SELECT pairing_id, school_year, measure, target FROM plan_targets
          WHERE pairing_id IN (SELECT pairing_id FROM target_pairings)) pl
    FULL JOIN (SELECT pairing_id, school_year, measure, count(*) AS actual FROM progress_activities
               GROUP BY ALL) ya
      ON ya.pairing_id = pl.pairing_id AND ya.school_year = pl.school_year AND ya.measure = pl.measure
),
measure_days AS (
    SELECT m.*,
           CAST(make_date(m.school_year + 1, 9, 1) - make_date(m.school_year, 9, 1) AS BIGINT) AS year_days,
           CAST(greatest(0, least(make_date(m.school_year + 1, 9, 1) - make_date(m.school_year, 9, 1),
                                  as_of.today - make_date(m.school_year, 9, 1) + 1)) AS BIGINT) AS elapsed_days
    FROM measure_rows m, as_of
    WHERE m.school_year <= as_of.current_year
),
measure_progress AS (
    SELECT pairing_id, school_year, measure, target, actual, year_days, elapsed_days,
           CAST(target AS DOUBLE) * elapsed_days / year_days AS expected,
           {_status_sql("target", "actual")} AS status
    FROM measure_days
),
year_totals AS (
    SELECT pairing_id, school_year, any_value(year_days) AS year_days, any_value(elapsed_days) AS elapsed_days,
           CAST(coalesce(sum(target) FILTER (WHERE target > 0), 0) AS BIGINT) AS target,
           CAST(coalesce(sum(actual) FILTER (WHERE target > 0), 0) AS BIGINT) AS actual_planned,
           CAST(sum(actual) AS BIGINT) AS actual
    FROM measure_progress GROUP BY pairing_id, school_year
),
year_status AS (
    SELECT *, CAST(target AS DOUBLE) * elapsed_days / year_days AS expected,
           {_status_sql("target", "actual_planned")} AS plan_status
    FROM year_totals
),
pairing_status AS (
    SELECT pl.*, ys.target, ys.actual_planned, ys.expected, ys.actual AS actual_this_year,
           coalesce(pl.last_date IS NULL AND pl.days_since_start >= CAST($silence_days AS INTEGER), false)
               AS never_reported,
           coalesce(pl.days_since_last >= CAST($silence_days AS INTEGER), false) AS silent,
           CASE WHEN pl.days_since_start < 0 THEN 'not_started'
                WHEN pl.last_date IS NULL AND pl.days_since_start >= CAST($silence_days AS INTEGER) THEN 'red'
                WHEN pl.days_since_last >= CAST($silence_days AS INTEGER) THEN 'red'
                ELSE coalesce(ys.plan_status, 'no_target') END AS status
    FROM pairing_last pl
    LEFT JOIN year_status ys ON ys.pairing_id = pl.pairing_id AND ys.school_year = (SELECT current_year FROM as_of)
),
attention AS (
    SELECT pairing_id, 'never_reported' AS reason, 1 AS severity, CAST(NULL AS VARCHAR) AS measure,
           CAST(NULL AS BIGINT) AS target, CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS BIGINT) AS actual
    FROM pairing_status WHERE never_reported
    UNION ALL
    SELECT pairing_id, 'silent', 2, NULL, NULL, NULL, NULL FROM pairing_status WHERE silent
    UNION ALL
    SELECT mp.pairing_id, 'below_plan', 3, mp.measure, mp.target, mp.expected, mp.actual
    FROM measure_progress mp JOIN pairing_status ps ON ps.pairing_id = mp.pairing_id
    WHERE mp.school_year = (SELECT current_year FROM as_of) AND mp.status = 'red'
      AND ps.last_date IS NOT NULL AND ps.status <> 'not_started'
)"""

SCOPED_TARGETS = "target_pairings AS (SELECT pairing_id FROM scoped_pairings)"
ONE_TARGET = "target_pairings AS (SELECT CAST($pairing AS INTEGER) AS pairing_id)"


@dataclass(frozen=True)
class TableQuery:
    """A table's base SELECT plus the sort orders it allows; pages show a page of it, exports all of it.

    `orders` maps a sort key to the columns it sorts by, all written in code: a user picks a key, never
    SQL. The first column follows the chosen direction; the rest break ties ascending unless they say DESC.
    """

    sql: str
    params: dict
    orders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_sort: str = ""
    default_descending: bool = False

    def order_by(self, sort: str | None = None, descending: bool | None = None) -> str:
        if not self.orders:
            return ""
        key = sort if sort in self.orders else self.default_sort
        desc = self.default_descending if descending is None else descending
        first, *rest = self.orders[key]
        direction = "DESC NULLS LAST" if desc else "ASC NULLS LAST"
        ties = (column if column.endswith(("ASC", "DESC")) else f"{column} ASC" for column in rest)
        return "ORDER BY " + ", ".join([f"{first} {direction}", *ties])

    def count(self, con: duckdb.DuckDBPyConnection) -> int:
        sql = f"SELECT count(*) FROM ({self.sql}) AS base"
        return int(fetch_one(con, sql, bind(sql, self.params))[0])

    def page(
        self,
        con: duckdb.DuckDBPyConnection,
        sort: str | None = None,
        descending: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        sql = f"SELECT * FROM ({self.sql}) AS base {self.order_by(sort, descending)}"
        params = dict(self.params)
        if limit is not None:
            sql += " LIMIT $limit OFFSET $offset"
            params |= {"limit": int(limit), "offset": int(offset)}
        return fetch_df(con, sql, bind(sql, params))


# ---------------------------------------------------------------------------------------------------
# A university's (or the filtered) pairings

_PAIRING_ORDERS = {
    "school": ("school", "pairing_id"),
    "university": ("university", "school", "pairing_id"),
    "province": ("province_code", "county", "school", "pairing_id"),
    "last_date": ("last_date", "school", "pairing_id"),
    "activities": ("activities", "school", "pairing_id"),
    "status": ("status_rank", "school", "pairing_id"),
}


def pairings_query(filters: Filters, today: date) -> TableQuery:
    """The pairings in view with their reach in the filtered period and their status today.

    Activity counts, teachers and students follow all filters (period, measure); the last activity
    date and the status are as of `today`, over all measures.
    """
    sql = f"""WITH {FILTER_CTES}, {SCOPED_TARGETS}, {PROGRESS_CTES},
    reach AS (
        SELECT pairing_id, count(*) AS activities, CAST(coalesce(sum(teachers), 0) AS BIGINT) AS teachers,
               CAST(coalesce(sum(students), 0) AS BIGINT) AS students
        FROM scoped_activities GROUP BY pairing_id
    )
    SELECT sp.pairing_id, sp.university, sp.school, sp.county, sp.province, sp.province_code, sp.tier,
           p.start_date, sp.provenance, sp.confidence, sp.source, ps.last_date, ps.days_since_last,
           coalesce(r.activities, 0) AS activities, coalesce(r.teachers, 0) AS teachers,
           coalesce(r.students, 0) AS students, ps.status,
           CASE ps.status WHEN 'red' THEN 1 WHEN 'amber' THEN 2 WHEN 'green' THEN 3 ELSE 4 END AS status_rank
    FROM scoped_pairings sp
    JOIN pairings p ON p.pairing_id = sp.pairing_id
    LEFT JOIN pairing_status ps ON ps.pairing_id = sp.pairing_id
    LEFT JOIN reach r ON r.pairing_id = sp.pairing_id"""
    return TableQuery(sql, filter_params(filters) | rule_params(today), _PAIRING_ORDERS, "university")


def reach_totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    """Pairings in view and, over the filtered activities, their count, teachers and students."""
    sql = f"""WITH {FILTER_CTES}
    SELECT (SELECT count(*) FROM scoped_pairings) AS pairings,
           (SELECT count(DISTINCT pairing_id) FROM scoped_activities) AS active_pairings,
           count(*) AS activities, CAST(coalesce(sum(teachers), 0) AS BIGINT) AS teachers,
           CAST(coalesce(sum(students), 0) AS BIGINT) AS students, coalesce(sum(hours), 0) AS hours
    FROM scoped_activities"""
    row = fetch_one(con, sql, filter_params(filters))
    return dict(zip(("pairings", "active_pairings", "activities", "teachers", "students", "hours"), row, strict=True))


def measure_counts(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities, teacher and student participations by measure (every measure, zeros included)."""
    sql = f"""WITH {FILTER_CTES}
    SELECT m.code AS measure, count(a.activity_id) AS activities,
           CAST(coalesce(sum(a.teachers), 0) AS BIGINT) AS teachers,
           CAST(coalesce(sum(a.students), 0) AS BIGINT) AS students
    FROM measures m LEFT JOIN scoped_activities a ON a.measure = m.code
    WHERE CAST($measure AS VARCHAR) IS NULL OR m.code = CAST($measure AS VARCHAR)
    GROUP BY m.code, m.sort_order ORDER BY m.sort_order"""
    return fetch_df(con, sql, filter_params(filters))


def timeline(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities by calendar month and pairing: only months with activity (the chart fills the gaps),
    plus one row with month NULL for each pairing in view without any activity."""
    sql = f"""WITH {FILTER_CTES}
    SELECT sp.pairing_id, sp.school, sp.university, CAST(date_trunc('month', a.date) AS DATE) AS month,
           count(a.activity_id) AS activities
    FROM scoped_pairings sp LEFT JOIN scoped_activities a ON a.pairing_id = sp.pairing_id
    GROUP BY sp.pairing_id, sp.school, sp.university, month ORDER BY month NULLS FIRST, sp.pairing_id"""
    return fetch_df(con, sql, filter_params(filters))


def timeline_by_measure(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Activities by calendar month and measure, for views with too many schools for one row each."""
    sql = f"""WITH {FILTER_CTES}
    SELECT CAST(date_trunc('month', a.date) AS DATE) AS month, a.measure, count(*) AS activities
    FROM scoped_activities a GROUP BY month, a.measure ORDER BY month, a.measure"""
    return fetch_df(con, sql, filter_params(filters))


def universities_query(filters: Filters, today: date, lang: str = "zh") -> TableQuery:
    """One row per university in view (used when no university is chosen); names sort in `lang`."""
    sql = f"""WITH {FILTER_CTES}, {SCOPED_TARGETS}, {PROGRESS_CTES}
    SELECT sp.university, any_value(u.name_en) AS university_en, count(*) AS pairings,
           CAST(coalesce(sum(r.activities), 0) AS BIGINT) AS activities,
           CAST(coalesce(sum(r.teachers), 0) AS BIGINT) AS teachers,
           CAST(coalesce(sum(r.students), 0) AS BIGINT) AS students, max(ps.last_date) AS last_date,
           count(*) FILTER (WHERE ps.status = 'red') AS red_pairings,
           bool_or(sp.provenance = 'demo') AS has_demo
    FROM scoped_pairings sp
    JOIN universities u ON u.name_zh = sp.university
    LEFT JOIN pairing_status ps ON ps.pairing_id = sp.pairing_id
    LEFT JOIN (SELECT pairing_id, count(*) AS activities, sum(teachers) AS teachers, sum(students) AS students
               FROM scoped_activities GROUP BY pairing_id) r ON r.pairing_id = sp.pairing_id
    GROUP BY sp.university"""
    name = "university_en" if lang == "en" else "university"
    orders = {
        "university": (name,),
        "pairings": ("pairings", name),
        "activities": ("activities", name),
        "last_date": ("last_date", name),
        "red_pairings": ("red_pairings", name),
    }
    return TableQuery(sql, filter_params(filters) | rule_params(today), orders, "university")


# ---------------------------------------------------------------------------------------------------
# Needs attention

_ATTENTION_ORDERS = {
    "severity": ("severity", "days_since_last DESC", "progress ASC", "university", "school", "measure_order"),
    "days_since_last": ("days_since_last", "university", "school", "measure_order"),
    "university": ("university", "school", "severity", "measure_order"),
    "school": ("school", "severity", "measure_order"),
    "measure": ("measure_order", "university", "school"),
    "progress": ("progress", "university", "school"),
}


def attention_query(filters: Filters, today: date) -> TableQuery:
    """Needs-attention rows for the pairings in view (university and province filters); the measure
    filter narrows the below-plan rows; the period filter does not apply: this list is about today."""
    sql = f"""WITH {FILTER_CTES}, {SCOPED_TARGETS}, {PROGRESS_CTES}
    SELECT att.pairing_id, att.reason, att.severity, sp.university, sp.school, sp.county, sp.province, sp.province_code,
           sp.provenance, att.measure, m.sort_order AS measure_order, att.target, att.expected, att.actual,
           CASE WHEN att.expected > 0 THEN att.actual / att.expected END AS progress,
           ps.last_date, ps.days_since_last, ps.days_since_start
    FROM attention att
    JOIN scoped_pairings sp ON sp.pairing_id = att.pairing_id
    JOIN pairing_status ps ON ps.pairing_id = att.pairing_id
    LEFT JOIN measures m ON m.code = att.measure
    WHERE CAST($measure AS VARCHAR) IS NULL OR att.reason <> 'below_plan' OR att.measure = CAST($measure AS VARCHAR)"""
    return TableQuery(sql, filter_params(filters) | rule_params(today), _ATTENTION_ORDERS, "severity")


def attention_summary(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> dict[str, int]:
    """Rows per reason, and the number of distinct pairings concerned (key `pairings`)."""
    query = attention_query(filters, today)
    sql = f"""SELECT coalesce(count(*) FILTER (WHERE reason = 'never_reported'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'silent'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'below_plan'), 0),
                     count(DISTINCT pairing_id)
              FROM ({query.sql}) AS base"""
    row = fetch_one(con, sql, bind(sql, query.params))
    return dict(zip((*REASONS, "pairings"), (int(v) for v in row), strict=True))


# ---------------------------------------------------------------------------------------------------
# One pairing: the 一校一策 scorecard


def pairing_info(con: duckdb.DuckDBPyConnection, pairing_id: int) -> dict | None:
    """The pairing's registry row (names, place, tier, start, provenance, source), or None."""
    df = fetch_df(
        con,
        """SELECT po.*, p.start_date, u.name_en AS university_en, pr.name_en AS province_en
           FROM pairing_overview po
           JOIN pairings p ON p.pairing_id = po.pairing_id
           JOIN universities u ON u.university_id = p.university_id
           LEFT JOIN provinces pr ON pr.code = po.province_code
           WHERE po.pairing_id = CAST($pairing AS INTEGER)""",
        {"pairing": int(pairing_id)},
    )
    if df.empty:
        return None
    return {key: (None if pd.isna(value) else value) for key, value in df.iloc[0].to_dict().items()}


def pairing_choices(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The pairings the picker offers: those in view of the university and province filters."""
    sql = f"""WITH {FILTER_CTES}
    SELECT sp.pairing_id, sp.school, sp.university, sp.county, sp.province, sp.provenance,
           u.name_en AS university_en, pr.name_en AS province_en
    FROM scoped_pairings sp JOIN universities u ON u.name_zh = sp.university
    LEFT JOIN provinces pr ON pr.code = sp.province_code
    ORDER BY sp.university, sp.school, sp.pairing_id"""
    return fetch_df(con, sql, filter_params(filters))


def _one(pairing_id: int, today: date) -> dict:
    return {"pairing": int(pairing_id)} | rule_params(today)


def pairing_status(con: duckdb.DuckDBPyConnection, pairing_id: int, today: date) -> dict:
    """Today's status of one pairing: status, last activity, days since, current-year totals."""
    sql = f"WITH {ONE_TARGET}, {PROGRESS_CTES} SELECT * FROM pairing_status"
    df = fetch_df(con, sql, bind(sql, _one(pairing_id, today)))
    return df.iloc[0].to_dict() if not df.empty else {}


def school_years(con: duckdb.DuckDBPyConnection, pairing_id: int, today: date) -> list[int]:
    """School years from the pairing's start (or its first plan/activity) to the current one, newest first."""
    row = fetch_one(
        con,
        """SELECT least(min(p.start_date), coalesce(min(a.date), DATE '9999-12-31')) FROM pairings p
           LEFT JOIN activities a ON a.pairing_id = p.pairing_id WHERE p.pairing_id = CAST($pairing AS INTEGER)""",
        {"pairing": int(pairing_id)},
    )
    current = school_year_of(today)
    first = school_year_of(row[0]) if row and row[0] else current
    first_plan = fetch_one(
        con, "SELECT min(school_year) FROM plan_targets WHERE pairing_id = CAST($pairing AS INTEGER)",
        {"pairing": int(pairing_id)},
    )[0]  # fmt: skip
    if first_plan is not None:
        first = min(first, int(first_plan))
    return list(range(current, min(first, current) - 1, -1))


_NAMES = """(SELECT university FROM pairing_overview WHERE pairing_id = CAST($pairing AS INTEGER)) AS university,
           (SELECT school FROM pairing_overview WHERE pairing_id = CAST($pairing AS INTEGER)) AS school"""


def measure_scorecard_query(pairing_id: int, school_year: int, today: date) -> TableQuery:
    """Plan against actual by measure for one school year: every measure, in the ministry's order."""
    sql = f"""WITH {ONE_TARGET}, {PROGRESS_CTES}
    SELECT {_NAMES}, CAST($year AS INTEGER) AS school_year, m.code AS measure, m.sort_order, mp.target,
           coalesce(mp.actual, 0) AS actual, mp.expected,
           CASE WHEN mp.expected > 0 THEN mp.actual / mp.expected END AS progress,
           coalesce(mp.status, 'no_target') AS status
    FROM measures m
    LEFT JOIN measure_progress mp ON mp.measure = m.code AND mp.school_year = CAST($year AS INTEGER)"""
    params = _one(pairing_id, today) | {"year": int(school_year)}
    return TableQuery(sql, params, {"measure": ("sort_order",)}, "measure")


def measure_scorecard(con: duckdb.DuckDBPyConnection, pairing_id: int, school_year: int, today: date) -> pd.DataFrame:
    return measure_scorecard_query(pairing_id, school_year, today).page(con)


def year_scorecard_query(con: duckdb.DuckDBPyConnection, pairing_id: int, today: date) -> TableQuery:
    """One row per school year: totals over the planned measures, progress, status (the current year's
    status includes the silence rule), newest first."""
    sql = f"""WITH {ONE_TARGET}, {PROGRESS_CTES},
    years AS (SELECT unnest(CAST($years AS INTEGER[])) AS school_year)
    SELECT {_NAMES}, y.school_year, coalesce(ys.target, 0) AS target, ys.expected,
           coalesce(ys.actual_planned, 0) AS actual_planned, coalesce(ys.actual, 0) AS actual,
           CASE WHEN ys.expected > 0 THEN ys.actual_planned / ys.expected END AS progress,
           CASE WHEN y.school_year = (SELECT current_year FROM as_of) THEN (SELECT status FROM pairing_status)
                ELSE coalesce(ys.plan_status, 'no_target') END AS status
    FROM years y LEFT JOIN year_status ys ON ys.school_year = y.school_year"""
    params = _one(pairing_id, today) | {"years": school_years(con, pairing_id, today)}
    return TableQuery(sql, params, {"school_year": ("school_year",)}, "school_year", default_descending=True)


def year_scorecard(con: duckdb.DuckDBPyConnection, pairing_id: int, today: date) -> pd.DataFrame:
    return year_scorecard_query(con, pairing_id, today).page(con)


def demo_activity_count(con: duckdb.DuckDBPyConnection, pairing_id: int) -> int:
    """How many of the pairing's activities are demo rows (the page labels them as sample data)."""
    return int(
        fetch_one(
            con,
            "SELECT count(*) FROM activities WHERE pairing_id = CAST($pairing AS INTEGER) AND provenance = 'demo'",
            {"pairing": int(pairing_id)},
        )[0]
    )


_ACTIVITY_ORDERS = {
    "date": ("date", "activity_id"),
    "measure": ("measure_order", "date", "activity_id"),
    "title": ("title", "date", "activity_id"),
    "teachers": ("teachers", "date", "activity_id"),
    "students": ("students", "date", "activity_id"),
    "hours": ("hours", "date", "activity_id"),
}


def activities_query(pairing_id: int, search: str = "", school_year: int | None = None) -> TableQuery:
    """The pairing's activities, optionally only titles containing `search` (case-insensitive, literal)
    and only one school year."""
    sql = """SELECT a.activity_id, ao.university, ao.school, a.date, a.measure, m.sort_order AS measure_order,
           a.title, a.teachers, a.students, a.hours, a.notes, a.provenance, a.batch_id
    FROM activities a
    JOIN activity_overview ao ON ao.activity_id = a.activity_id
    LEFT JOIN measures m ON m.code = a.measure
    WHERE a.pairing_id = CAST($pairing AS INTEGER)
      AND (CAST($search AS VARCHAR) = '' OR contains(lower(a.title), lower(CAST($search AS VARCHAR))))
      AND (CAST($year AS INTEGER) IS NULL
           OR a.date BETWEEN make_date(CAST($year AS INTEGER), 9, 1)
                         AND make_date(CAST($year AS INTEGER) + 1, 8, 31))"""
    params = {"pairing": int(pairing_id), "search": (search or "").strip(), "year": school_year}
    return TableQuery(sql, params, _ACTIVITY_ORDERS, "date", default_descending=True)


def activity_export_query(filters: Filters) -> TableQuery:
    """Every activity in view, one row each, in date order: what `export` and the export buttons write."""
    sql = f"""WITH {FILTER_CTES}
    SELECT a.activity_id, a.date, a.university, a.school, po.county, po.province, a.measure,
           m.sort_order AS measure_order, a.title, a.teachers, a.students, a.hours, act.notes,
           a.provenance, a.batch_id
    FROM scoped_activities a
    JOIN activities act ON act.activity_id = a.activity_id
    JOIN pairing_overview po ON po.pairing_id = a.pairing_id
    LEFT JOIN measures m ON m.code = a.measure"""
    orders = {"date": ("date", "university", "school", "activity_id")}
    return TableQuery(sql, filter_params(filters), orders, "date")
