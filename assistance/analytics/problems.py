"""The problem tracker's figures (困难问题台账, issue 10) as parameterised SQL: the problems in view, the overdue
rule, the list the Problems page pages through and exports, one problem and its history, the overview's counts by
category and median days to resolve, and the open problems per map unit.

The vocabulary (categories, statuses, who raises, who must act) is stated here once; the writes that keep it
(assistance.guidance) and the labels (export.columns, strings) use these tuples.

The overdue rule (as of `today`, injected like the scorecard's): a problem that is neither resolved nor
discontinued is overdue when its due date has passed (due today is not late) or when it was raised more than
OVERDUE_DAYS days ago (60 days is not overdue, 61 is), whatever its status among open, in progress and
constrained. The stable view `problem_overview` applies the same rule as of the database's current date (the
queries here read the tables: `PROBLEM_ROWS`).

Which problems are in view: a pairing's problems follow its pairing (the filters and the account's scope, as every
filtered query: `queries.FILTER_CTES`); a county's or a province's problems are in view for national and that
province's scopes (never a university's or a school's), unless a university filter is set, and the province filter
keeps that province's. Tier, cycle, measure and period do not apply to them.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params
from assistance.analytics.tables import TableQuery, bind
from assistance.filters import Filters

CATEGORIES = ("teachers", "funding", "intake", "management", "facilities", "policy", "other")
STATUSES = ("open", "in_progress", "constrained", "resolved", "discontinued")
CLOSED = ("resolved", "discontinued")  # statuses that need a resolution text and end the clock
RAISED_BY = ("university", "school", "county", "province")
OWNER_LEVELS = ("university", "county", "province", "ministry")
SCOPES = ("pairing", "county", "province")
OVERDUE_REASONS = ("past_due", "open_long")
OVERDUE_DAYS = 60  # raised more than this many days ago and not resolved: overdue

# Every problem with its place: the stable view problem_overview's columns (but `overdue`, which is as of $today
# here) and what the pages show beyond them (the county, the texts, the version, the batch).
PROBLEM_ROWS = """(
    SELECT p.problem_id, p.pairing_id, po.university, po.school,
           coalesce(po.province_code, c.province_code, p.province_code) AS province_code, p.scope, p.raised_by,
           p.raised_on, p.category, p.title, p.owner_level, p.status, p.due_date, p.resolved_on, p.provenance,
           coalesce(po.county_adcode, p.county_adcode) AS county_adcode, p.description, p.resolution, p.version,
           p.batch_id, p.updated_at
    FROM problems p
    LEFT JOIN pairing_overview po ON po.pairing_id = p.pairing_id
    LEFT JOIN counties c ON c.adcode = p.county_adcode)"""

# The problems in view, with the overdue rule as of $today. Comes after FILTER_CTES (it reads scoped_pairings and
# binds the same parameters, plus $today).
PROBLEM_CTES = f"""
scoped_problems AS (
    SELECT pr.*,
           pr.status NOT IN ('resolved', 'discontinued') AS is_open,
           CAST(CAST($today AS DATE) - pr.raised_on AS INTEGER) AS open_days,
           CASE WHEN pr.status NOT IN ('resolved', 'discontinued') AND pr.due_date < CAST($today AS DATE)
                THEN CAST(CAST($today AS DATE) - pr.due_date AS INTEGER) END AS days_late,
           CASE WHEN pr.status IN ('resolved', 'discontinued') THEN NULL
                WHEN pr.due_date < CAST($today AS DATE) THEN 'past_due'
                WHEN CAST($today AS DATE) - pr.raised_on > CAST($overdue_days AS INTEGER) THEN 'open_long'
           END AS overdue_reason
    FROM {PROBLEM_ROWS} AS pr
    WHERE pr.pairing_id IN (SELECT pairing_id FROM scoped_pairings)
       OR (pr.pairing_id IS NULL
           AND CAST($scope_university AS VARCHAR) IS NULL AND CAST($scope_school AS INTEGER) IS NULL
           AND (CAST($scope_province AS VARCHAR) IS NULL OR pr.province_code = CAST($scope_province AS VARCHAR))
           AND len(CAST($universities AS VARCHAR[])) = 0
           AND (CAST($province AS VARCHAR) IS NULL OR pr.province_code = CAST($province AS VARCHAR)))
)"""


def problem_params(filters: Filters, today: date) -> dict:
    """The filters' parameters (queries.filter_params) and the overdue rule's."""
    return filter_params(filters) | {"today": today, "overdue_days": OVERDUE_DAYS}


# ---------------------------------------------------------------------------------------------------------
# The list


_LIST_ORDERS = {
    "attention": ("overdue_rank", "raised_on", "problem_id DESC"),
    "raised_on": ("raised_on", "problem_id"),
    "due_date": ("due_date", "problem_id"),
    "status": ("status_order", "raised_on DESC"),
    "category": ("category_order", "raised_on DESC"),
    "university": ("university_key", "school_key", "raised_on DESC"),
    "province": ("province_code", "raised_on DESC"),
}


def list_query(
    filters: Filters,
    today: date,
    *,
    statuses: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    owner_levels: tuple[str, ...] = (),
    overdue_only: bool = False,
    search: str = "",
    pairing_id: int | None = None,
) -> TableQuery:
    """The problems in view, narrowed by status, category, the level that must act, overdue only, a literal
    substring of the title or description, or one pairing; overdue first (past due before open long), then the other
    unresolved ones, then the resolved and discontinued, each the oldest first. Names of places are Chinese (the
    pages show them in the UI language)."""
    sql = f"""WITH {FILTER_CTES}, {PROBLEM_CTES}
    SELECT sp.problem_id, sp.title, sp.category, list_position(CAST($categories_all AS VARCHAR[]), sp.category)
               AS category_order,
           sp.status, list_position(CAST($statuses_all AS VARCHAR[]), sp.status) AS status_order,
           sp.overdue_reason, CASE WHEN sp.overdue_reason = 'past_due' THEN 1 WHEN sp.overdue_reason = 'open_long'
               THEN 2 WHEN sp.is_open THEN 3 ELSE 4 END AS overdue_rank,
           sp.days_late, sp.open_days, sp.scope, sp.pairing_id, sp.university, sp.school,
           co.name_zh AS county, sp.county_adcode, pr.name_zh AS province, sp.province_code,
           sp.raised_by, sp.raised_on, sp.owner_level, sp.due_date, sp.resolved_on, sp.description, sp.resolution,
           sp.provenance, sp.version, sp.batch_id, sp.updated_at,
           coalesce(ku.pinyin, sp.university, '') AS university_key, coalesce(ks.pinyin, sp.school, '') AS school_key
    FROM scoped_problems sp
    LEFT JOIN counties co ON co.adcode = sp.county_adcode
    LEFT JOIN provinces pr ON pr.code = sp.province_code
    LEFT JOIN name_keys ku ON ku.name = sp.university
    LEFT JOIN name_keys ks ON ks.name = sp.school
    WHERE (len(CAST($statuses AS VARCHAR[])) = 0 OR list_contains(CAST($statuses AS VARCHAR[]), sp.status))
      AND (len(CAST($categories AS VARCHAR[])) = 0 OR list_contains(CAST($categories AS VARCHAR[]), sp.category))
      AND (len(CAST($owners AS VARCHAR[])) = 0 OR list_contains(CAST($owners AS VARCHAR[]), sp.owner_level))
      AND (NOT CAST($overdue_only AS BOOLEAN) OR sp.overdue_reason IS NOT NULL)
      AND (CAST($search AS VARCHAR) = ''
           OR contains(lower(sp.title || ' ' || coalesce(sp.description, '')), lower(CAST($search AS VARCHAR))))
      AND (CAST($pairing AS INTEGER) IS NULL OR sp.pairing_id = CAST($pairing AS INTEGER))"""
    params = problem_params(filters, today) | {
        "categories_all": list(CATEGORIES),
        "statuses_all": list(STATUSES),
        "statuses": list(statuses),
        "categories": list(categories),
        "owners": list(owner_levels),
        "overdue_only": bool(overdue_only),
        "search": (search or "").strip(),
        "pairing": pairing_id,
    }
    return TableQuery(sql, params, _LIST_ORDERS, "attention")


def problem(con: duckdb.DuckDBPyConnection, problem_id: int, filters: Filters, today: date) -> dict | None:
    """One problem in view of the account's scope (the page's filters do not hide a linked problem), or None."""
    query = list_query(Filters(scope=filters.scope), today)
    sql = f"SELECT * FROM ({query.sql}) AS base WHERE problem_id = CAST($problem_id AS INTEGER)"
    frame = fetch_df(con, sql, bind(sql, query.params | {"problem_id": int(problem_id)}))
    if frame.empty:
        return None
    return {key: (None if _missing(value) else value) for key, value in frame.iloc[0].to_dict().items()}


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (not isinstance(value, str | list) and bool(pd.isna(value)))


def history(con: duckdb.DuckDBPyConnection, problem_id: int) -> pd.DataFrame:
    """A problem's status changes, oldest first: when, who, from, to, comment."""
    return fetch_df(
        con,
        "SELECT occurred_at, username, from_status, to_status, comment, version, batch_id FROM problem_history "
        "WHERE problem_id = CAST($problem_id AS INTEGER) ORDER BY occurred_at, event_id",
        {"problem_id": int(problem_id)},
    )


# ---------------------------------------------------------------------------------------------------------
# The overview


def category_counts(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> pd.DataFrame:
    """One row per category, in the fixed order: open (not resolved or discontinued) and overdue problems in
    view, and resolved ones."""
    sql = f"""WITH {FILTER_CTES}, {PROBLEM_CTES},
    categories AS (SELECT unnest(CAST($categories_all AS VARCHAR[])) AS category)
    SELECT c.category, CAST(count(sp.problem_id) FILTER (WHERE sp.is_open) AS INTEGER) AS open,
           CAST(count(sp.problem_id) FILTER (WHERE sp.overdue_reason IS NOT NULL) AS INTEGER) AS overdue,
           CAST(count(sp.problem_id) FILTER (WHERE sp.status = 'resolved') AS INTEGER) AS resolved
    FROM categories c LEFT JOIN scoped_problems sp ON sp.category = c.category
    GROUP BY c.category ORDER BY list_position(CAST($categories_all AS VARCHAR[]), c.category)"""
    return fetch_df(con, sql, bind(sql, problem_params(filters, today) | {"categories_all": list(CATEGORIES)}))


def summary(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> dict:
    """Problems in view: total, open, overdue, resolved, demo ones, the median days from raised to resolved
    (None when none is resolved), and the overdue problems of a county or a province (no pairing's scorecard)."""
    sql = f"""WITH {FILTER_CTES}, {PROBLEM_CTES}
    SELECT count(*), count(*) FILTER (WHERE is_open), count(*) FILTER (WHERE overdue_reason IS NOT NULL),
           count(*) FILTER (WHERE status = 'resolved'), count(*) FILTER (WHERE provenance = 'demo'),
           median(resolved_on - raised_on) FILTER (WHERE status = 'resolved'),
           count(*) FILTER (WHERE overdue_reason IS NOT NULL AND pairing_id IS NULL)
    FROM scoped_problems"""
    row = fetch_one(con, sql, bind(sql, problem_params(filters, today)))
    keys = ("total", "open", "overdue", "resolved", "demo", "median_days", "area_overdue")
    values = dict(zip(keys, row, strict=True))
    values["median_days"] = None if values["median_days"] is None else float(values["median_days"])
    return {key: (value if key == "median_days" else int(value or 0)) for key, value in values.items()}


# ---------------------------------------------------------------------------------------------------------
# Needs attention and the map

# Overdue problems of the pairings in view as needs-attention rows (attention.attention_query adds them to the
# status rule's rows): as serious as a silent pairing (severity 2, listed before the silent ones), after the
# never-reported pairings and before the measures below plan; the problem's title and why it is overdue.
ATTENTION_ROWS = """
    SELECT pairing_id, 'problem_overdue' AS reason, 2 AS severity, CAST(NULL AS VARCHAR) AS measure,
           CAST(NULL AS BIGINT) AS target, CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS BIGINT) AS actual,
           problem_id, title AS problem, overdue_reason
    FROM scoped_problems WHERE overdue_reason IS NOT NULL AND pairing_id IS NOT NULL"""

# Open problems per map unit (`{unit}`: province_code or county_adcode, written in code): a county's count holds its
# pairings' and its own problems, a province's every problem in it.
UNIT_PROBLEMS = """
unit_problems AS (
    SELECT {unit} AS unit, count(*) AS open_problems FROM scoped_problems WHERE is_open GROUP BY 1
)"""


def counties_in_view(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """The counties of the pairings in view (those a county's problem may be raised for), by province and pinyin."""
    sql = f"""WITH {FILTER_CTES}
    SELECT DISTINCT county_adcode, county, province_code, county_key FROM keyed_pairings
    WHERE county_adcode IS NOT NULL ORDER BY province_code, county_key"""
    return fetch_df(con, sql, bind(sql, filter_params(filters)))
