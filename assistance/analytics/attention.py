"""The needs-attention list: which pairings in view need a coordinator's attention today, and why.

The reasons come from the status rule in `scorecard` (its `attention` CTE): never reported (after
SILENCE_DAYS since the start), silent for SILENCE_DAYS or more days, and each measure below AMBER_PERCENT
of its pro-rata expectation in the current school year; and from the problem tracker (`problems`): each overdue
problem of a pairing (past its due date, or raised more than OVERDUE_DAYS days ago and not resolved), one row per
problem with its title and why it is overdue.
"""

from __future__ import annotations

from datetime import date

import duckdb

from assistance.analytics.problems import ATTENTION_ROWS, OVERDUE_DAYS, PROBLEM_CTES
from assistance.analytics.queries import FILTER_CTES, fetch_one, filter_params, name_key
from assistance.analytics.scorecard import PROGRESS_CTES, SCOPED_TARGETS, rule_params
from assistance.analytics.tables import TableQuery, bind
from assistance.filters import Filters

REASONS = ("never_reported", "silent", "below_plan", "problem_overdue")

# Names sort by their keys (queries.name_key): pinyin in Chinese, English names in English.
_ATTENTION_ORDERS = {
    "severity": (
        "severity",
        "reason",
        "days_since_last DESC",
        "progress ASC",
        "university_key",
        "school_key",
        "measure_order",
    ),
    "days_since_last": ("days_since_last", "university_key", "school_key", "measure_order"),
    "university": ("university_key", "school_key", "severity", "measure_order"),
    "school": ("school_key", "severity", "measure_order"),
    "measure": ("measure_order", "university_key", "school_key"),
    "progress": ("progress", "university_key", "school_key"),
}


def attention_query(filters: Filters, today: date, lang: str = "zh") -> TableQuery:
    """Needs-attention rows for the pairings in view (university and province filters); the measure
    filter narrows the below-plan rows; the period filter does not apply: this list is about today. Names sort
    as `lang` sorts them."""
    sql = f"""WITH {FILTER_CTES}, {SCOPED_TARGETS}, {PROGRESS_CTES}, {PROBLEM_CTES},
    all_attention AS (
        SELECT *, CAST(NULL AS INTEGER) AS problem_id, CAST(NULL AS VARCHAR) AS problem,
               CAST(NULL AS VARCHAR) AS overdue_reason
        FROM attention
        UNION ALL {ATTENTION_ROWS}
    )
    SELECT att.pairing_id, att.reason, att.severity, sp.university, sp.school, sp.county, sp.province, sp.province_code,
           sp.{name_key("university", lang)} AS university_key, sp.school_key,
           sp.provenance, att.measure, m.sort_order AS measure_order, att.target, att.expected, att.actual,
           CASE WHEN att.expected > 0 THEN att.actual / att.expected END AS progress,
           ps.last_date, ps.days_since_last, ps.days_since_start, att.problem_id, att.problem, att.overdue_reason
    FROM all_attention att
    JOIN keyed_pairings sp ON sp.pairing_id = att.pairing_id
    JOIN pairing_status ps ON ps.pairing_id = att.pairing_id
    LEFT JOIN measures m ON m.code = att.measure
    WHERE CAST($measure AS VARCHAR) IS NULL OR att.reason <> 'below_plan' OR att.measure = CAST($measure AS VARCHAR)"""
    params = filter_params(filters) | rule_params(today) | {"overdue_days": OVERDUE_DAYS}
    return TableQuery(sql, params, _ATTENTION_ORDERS, "severity")


def attention_summary(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> dict[str, int]:
    """Rows per reason, and the number of distinct pairings concerned (key `pairings`)."""
    query = attention_query(filters, today)
    sql = f"""SELECT coalesce(count(*) FILTER (WHERE reason = 'never_reported'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'silent'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'below_plan'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'problem_overdue'), 0),
                     count(DISTINCT pairing_id)
              FROM ({query.sql}) AS base"""
    row = fetch_one(con, sql, bind(sql, query.params))
    return dict(zip((*REASONS, "pairings"), (int(v) for v in row), strict=True))
