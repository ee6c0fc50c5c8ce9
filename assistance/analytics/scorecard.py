"""The 一校一策 scorecard: the status rule as SQL (`PROGRESS_CTES`, shared by `attention` and `universities`)
and one pairing's scorecard by measure, by school year and its activity log. Every figure here is computed in
DuckDB, parameterised, with `today` injected.

The status rule (shown on the scorecard in zh/en, tested at its boundaries):

* A school year runs 1 September – 31 August and is named by the year it starts.
* Pro-rata expectation of a measure = plan target × elapsed days ÷ days in the school year, where
  elapsed days count from 1 September, or from the pairing's start date if it started later in that year,
  through `today` inclusive, or through the pairing's end date if it ended sooner (a past year: through
  31 August, so a full year gives the full target and a pairing's first year only its share of it).
* Progress = actual activities ÷ expectation, compared in exact integer arithmetic so that exactly
  50 % is amber, never red by a rounding error:
  green ≥ GREEN_PERCENT, amber ≥ AMBER_PERCENT (so exactly 50 % is amber), red below.
* A measure whose expectation is still below one activity and that has none yet is `not_due`
  (1 September would otherwise turn every measure red); a measure with no target is `no_target`.
* A pairing's status for a year applies the same thresholds to its totals over the planned measures.
  In the current year it is red, whatever its totals, when SILENCE_DAYS or more days have passed since
  its last activity, or when it never reported and started SILENCE_DAYS or more days ago.
* A pairing whose end date has passed is `ended`: it keeps its history (past years keep their status), is
  never red for silence and never needs attention after its end.
* Needs attention (current year only, pairings not ended): never reported (after SILENCE_DAYS since start),
  silent for SILENCE_DAYS or more days, and each measure whose status is red (below AMBER_PERCENT of a
  pro-rata expectation of at least one activity).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from assistance.access.scope import NATIONAL, SCOPE_CONDITION, Scope
from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params, name_key
from assistance.analytics.tables import TableQuery, bind
from assistance.filters import Filters

# The rule, as constants: the SQL below binds them, the page states them.
SILENCE_DAYS = 60  # no activity for this many days or more → red / needs attention (60 flags, 59 does not)
GREEN_PERCENT = 100  # progress ≥ 100 % of pro-rata → green
AMBER_PERCENT = 50  # 50 % ≤ progress < 100 % → amber; below 50 % → red (exactly 50 % is amber)
STATUSES = ("green", "amber", "red", "not_due", "no_target", "not_started", "ended")


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


def _status_sql(target: str, actual: str) -> str:
    """The green/amber/red rule over integer columns (names written in code, never input).

    expectation = target × elapsed_days / year_days, so `actual ≥ p % of expectation` becomes
    100 × actual × year_days ≥ p × target × elapsed_days: exact, no floating point at the boundary. No day of the
    year in the pairing's span yet (it starts later): nothing is due.
    """
    return f"""CASE
        WHEN coalesce({target}, 0) = 0 THEN 'no_target'
        WHEN elapsed_days = 0 THEN 'not_due'
        WHEN 100 * {actual} * year_days >= CAST($green_percent AS BIGINT) * {target} * elapsed_days THEN 'green'
        WHEN {target} * elapsed_days < year_days THEN 'not_due'
        WHEN 100 * {actual} * year_days >= CAST($amber_percent AS BIGINT) * {target} * elapsed_days THEN 'amber'
        ELSE 'red' END"""


def _year_days_sql(year: str, started: str = "NULL", ended: str = "NULL") -> str:
    """`year_days` (days in school year `year`) and `elapsed_days` (its days from 1 September, or the pairing's
    start date `started` if later, through `as_of.today` inclusive, or its end date `ended` if sooner; a past
    year: through 31 August), for a query that has `as_of` in its FROM. Column names written in code only."""
    start, end = f"make_date({year}, 9, 1)", f"make_date({year} + 1, 9, 1)"
    first = f"greatest({start}, coalesce(CAST({started} AS DATE), {start}))"
    last = f"least({end} - 1, as_of.today, coalesce(CAST({ended} AS DATE), as_of.today))"
    return (
        f"CAST({end} - {start} AS BIGINT) AS year_days, "
        f"CAST(greatest(0, {last} - {first} + 1) AS BIGINT) AS elapsed_days"
    )


# Progress of the pairings listed in a CTE `target_pairings(pairing_id)` that must come first, with
# `target_years(first_year)`: the first school year whose measures are computed (NULL: all of them; many pairings
# need only the current year, for today's status and needs attention). Activities are counted from the summary cells
# (store.summaries) of the months before today's, and from the rows of today's month up to today.
PROGRESS_CTES = f"""
as_of AS (
    SELECT CAST($today AS DATE) AS today, CAST(date_trunc('month', CAST($today AS DATE)) AS DATE) AS month,
           CAST(year(CAST($today AS DATE)) - CASE WHEN month(CAST($today AS DATE)) >= 9 THEN 0 ELSE 1 END
                AS INTEGER) AS current_year
),
progress_cells AS (
    SELECT c.pairing_id, c.month, c.measure, c.activities, c.last_date
    FROM activity_cells c
    WHERE c.pairing_id IN (SELECT pairing_id FROM target_pairings) AND c.month < (SELECT month FROM as_of)
    UNION ALL
    SELECT a.pairing_id, any_value(as_of.month), a.measure, count(*), max(a.date)
    FROM activities a, as_of
    WHERE a.pairing_id IN (SELECT pairing_id FROM target_pairings) AND a.date BETWEEN as_of.month AND as_of.today
    GROUP BY a.pairing_id, a.measure
),
pairing_last AS (
    SELECT p.pairing_id, p.start_date, p.end_date, max(pc.last_date) AS last_date,
           CAST(coalesce(sum(pc.activities), 0) AS BIGINT) AS activities_to_date,
           CAST((SELECT today FROM as_of) - max(pc.last_date) AS INTEGER) AS days_since_last,
           CAST((SELECT today FROM as_of) - p.start_date AS INTEGER) AS days_since_start,
           coalesce(p.end_date < (SELECT today FROM as_of), false) AS ended
    FROM pairings p LEFT JOIN progress_cells pc ON pc.pairing_id = p.pairing_id
    WHERE p.pairing_id IN (SELECT pairing_id FROM target_pairings)
    GROUP BY p.pairing_id, p.start_date, p.end_date
),
measure_rows AS (
    SELECT coalesce(pl.pairing_id, ya.pairing_id) AS pairing_id,
           coalesce(pl.school_year, ya.school_year) AS school_year,
           coalesce(pl.measure, ya.measure) AS measure,
           CAST(pl.target AS BIGINT) AS target, coalesce(ya.actual, 0) AS actual
    FROM (SELECT pairing_id, school_year, measure, target FROM plan_targets
          WHERE pairing_id IN (SELECT pairing_id FROM target_pairings)
            AND school_year >= coalesce((SELECT first_year FROM target_years), school_year)) pl
    FULL JOIN (SELECT pairing_id,
                      CAST(year(month) - CASE WHEN month(month) >= 9 THEN 0 ELSE 1 END AS INTEGER) AS school_year,
                      measure, CAST(sum(activities) AS BIGINT) AS actual
               FROM progress_cells
               WHERE month >= coalesce(make_date((SELECT first_year FROM target_years), 9, 1), month)
               GROUP BY ALL) ya
      ON ya.pairing_id = pl.pairing_id AND ya.school_year = pl.school_year AND ya.measure = pl.measure
),
measure_days AS (
    SELECT m.*, {_year_days_sql("m.school_year", "p.start_date", "p.end_date")}
    FROM measure_rows m JOIN pairings p ON p.pairing_id = m.pairing_id, as_of
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
           coalesce(NOT pl.ended AND pl.last_date IS NULL AND pl.days_since_start >= CAST($silence_days AS INTEGER),
                    false) AS never_reported,
           coalesce(NOT pl.ended AND pl.days_since_last >= CAST($silence_days AS INTEGER), false) AS silent,
           CASE WHEN pl.ended THEN 'ended'
                WHEN pl.days_since_start < 0 THEN 'not_started'
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
      AND ps.last_date IS NOT NULL AND ps.status NOT IN ('not_started', 'ended')
)"""

SCOPED_TARGETS = """target_pairings AS (SELECT pairing_id FROM scoped_pairings),
target_years AS (
    SELECT CAST(year(CAST($today AS DATE)) - CASE WHEN month(CAST($today AS DATE)) >= 9 THEN 0 ELSE 1 END
                AS INTEGER) AS first_year
)"""
ONE_TARGET = """target_pairings AS (SELECT CAST($pairing AS INTEGER) AS pairing_id),
target_years AS (SELECT CAST(NULL AS INTEGER) AS first_year)"""


# ---------------------------------------------------------------------------------------------------
# One pairing


def pairing_info(con: duckdb.DuckDBPyConnection, pairing_id: int, scope: Scope = NATIONAL) -> dict | None:
    """The pairing's registry row (names, place, tier, start, provenance, source), or None if there is no such
    pairing in `scope` (a scorecard link outside the account's scope opens nothing)."""
    df = fetch_df(
        con,
        f"""SELECT po.*, p.start_date, u.name_en AS university_en, pr.name_en AS province_en
           FROM pairing_overview po
           JOIN pairings p ON p.pairing_id = po.pairing_id
           JOIN universities u ON u.university_id = p.university_id
           LEFT JOIN provinces pr ON pr.code = po.province_code
           WHERE po.pairing_id = CAST($pairing AS INTEGER) AND {SCOPE_CONDITION}""",
        {"pairing": int(pairing_id)} | scope.params(),
    )
    if df.empty:
        return None
    return {key: (None if pd.isna(value) else value) for key, value in df.iloc[0].to_dict().items()}


def pairing_choices(con: duckdb.DuckDBPyConnection, filters: Filters, lang: str = "zh") -> pd.DataFrame:
    """The pairings the picker offers: those in view of the university and province filters, by university and
    school as `lang` sorts names (pinyin in Chinese, English university names in English)."""
    sql = f"""WITH {FILTER_CTES}
    SELECT sp.pairing_id, sp.school, sp.university, sp.county, sp.province, sp.provenance, sp.end_date,
           u.name_en AS university_en, pr.name_en AS province_en
    FROM keyed_pairings sp JOIN universities u ON u.name_zh = sp.university
    LEFT JOIN provinces pr ON pr.code = sp.province_code
    ORDER BY sp.{name_key("university", lang)}, sp.school_key, sp.pairing_id"""
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
        """SELECT least(p.start_date, coalesce(pa.first_date, DATE '9999-12-31')) FROM pairings p
           LEFT JOIN pairing_activity pa ON pa.pairing_id = p.pairing_id
           WHERE p.pairing_id = CAST($pairing AS INTEGER)""",
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


def year_scorecard_query(
    con: duckdb.DuckDBPyConnection, pairing_id: int, today: date, years: list[int] | None = None
) -> TableQuery:
    """One row per school year: totals over the planned measures, progress, status (the current year's
    status includes the silence and end rules), the year's days and days elapsed, whether it is the current year,
    the pairing's start and end dates; newest first. `years`: `school_years(...)`, if the caller has them."""
    sql = f"""WITH {ONE_TARGET}, {PROGRESS_CTES},
    years AS (SELECT unnest(CAST($years AS INTEGER[])) AS school_year)
    SELECT {_NAMES}, y.school_year, coalesce(ys.target, 0) AS target, ys.expected,
           coalesce(ys.actual_planned, 0) AS actual_planned, coalesce(ys.actual, 0) AS actual,
           CASE WHEN ys.expected > 0 THEN ys.actual_planned / ys.expected END AS progress,
           CASE WHEN y.school_year = as_of.current_year THEN (SELECT status FROM pairing_status)
                ELSE coalesce(ys.plan_status, 'no_target') END AS status,
           {_year_days_sql("y.school_year", "span.start_date", "span.end_date")},
           y.school_year = as_of.current_year AS is_current, span.start_date, span.end_date
    FROM years y CROSS JOIN as_of CROSS JOIN (SELECT start_date, end_date FROM pairing_last) span
    LEFT JOIN year_status ys ON ys.school_year = y.school_year"""
    params = _one(pairing_id, today) | {"years": years if years is not None else school_years(con, pairing_id, today)}
    return TableQuery(sql, params, {"school_year": ("school_year",)}, "school_year", default_descending=True)


def year_scorecard(con: duckdb.DuckDBPyConnection, pairing_id: int, today: date) -> pd.DataFrame:
    return year_scorecard_query(con, pairing_id, today).page(con)


def plan_sources(con: duckdb.DuckDBPyConnection, pairing_id: int, school_year: int) -> list[tuple[str, int | None]]:
    """Where the pairing's plan targets of a school year came from: (provenance, batch id) pairs, imported batches
    first and newest first, demo last; [] when the year has no plan."""
    rows = fetch_df(
        con,
        """SELECT DISTINCT provenance, batch_id FROM plan_overview
           WHERE pairing_id = CAST($pairing AS INTEGER) AND school_year = CAST($year AS INTEGER)
           ORDER BY provenance = 'demo', batch_id DESC NULLS LAST""",
        {"pairing": int(pairing_id), "year": int(school_year)},
    )
    return [(p, None if pd.isna(b) else int(b)) for p, b in zip(rows["provenance"], rows["batch_id"], strict=True)]


def demo_activity_count(con: duckdb.DuckDBPyConnection, pairing_id: int) -> int:
    """How many of the pairing's activities are demo rows (the page labels them as sample data; from the summary
    cells, which count them)."""
    return int(
        fetch_one(
            con,
            "SELECT coalesce(sum(demo), 0) FROM activity_cells WHERE pairing_id = CAST($pairing AS INTEGER)",
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
    sql = """SELECT a.activity_id, po.university, po.school, a.date, a.measure, m.sort_order AS measure_order,
           a.title, a.teachers, a.students, a.hours, a.notes, a.provenance, a.batch_id
    FROM activities a
    JOIN pairing_overview po ON po.pairing_id = a.pairing_id
    LEFT JOIN measures m ON m.code = a.measure
    WHERE a.pairing_id = CAST($pairing AS INTEGER)
      AND (CAST($search AS VARCHAR) = '' OR contains(lower(a.title), lower(CAST($search AS VARCHAR))))
      AND (CAST($year AS INTEGER) IS NULL
           OR a.date BETWEEN make_date(CAST($year AS INTEGER), 9, 1)
                         AND make_date(CAST($year AS INTEGER) + 1, 8, 31))"""
    params = {"pairing": int(pairing_id), "search": (search or "").strip(), "year": school_year}
    return TableQuery(sql, params, _ACTIVITY_ORDERS, "date", default_descending=True)
