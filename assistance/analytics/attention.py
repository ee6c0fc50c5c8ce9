"""The needs-attention list: which pairings in view need a coordinator's attention today, and why.

The reasons come from the status rule in `scorecard` (its `attention` CTE): never reported (after
SILENCE_DAYS since the start), silent for SILENCE_DAYS or more days, and each measure below AMBER_PERCENT
of its pro-rata expectation in the current school year; and from the problem tracker (`problems`): each overdue
problem of a pairing (past its due date, or raised more than OVERDUE_DAYS days ago and not resolved), one row per
problem with its title and why it is overdue.

The pairings' reasons come from `progress.pairing_progress`, computed once per filters and handed to every query
here as a frame (`progress`), or computed inline when the caller has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from assistance.analytics import progress as pairing_progress
from assistance.analytics.problems import ATTENTION_ROWS, OVERDUE_DAYS, PROBLEM_CTES
from assistance.analytics.queries import FILTER_CTES, fetch_df, fetch_one, filter_params, for_filters, name_key
from assistance.analytics.scorecard import rule_params
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


def attention_query(filters: Filters, today: date, lang: str = "zh", progress: pa.Table | None = None) -> TableQuery:
    """Needs-attention rows for the pairings in view (university and province filters); the measure
    filter narrows the below-plan rows; the period filter does not apply: this list is about today. Names sort
    as `lang` sorts them. `progress`: `progress.pairing_progress` of the same filters and day, if the caller has it."""
    progress_ctes, frames = pairing_progress.source(progress)
    sql = f"""WITH {FILTER_CTES}, {PROBLEM_CTES}, {progress_ctes}
    pairing_attention AS (
        SELECT pairing_id, 'never_reported' AS reason, 1 AS severity, CAST(NULL AS VARCHAR) AS measure,
               CAST(NULL AS BIGINT) AS target, CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS BIGINT) AS actual
        FROM (SELECT DISTINCT pairing_id FROM {pairing_progress.NAME} WHERE never_reported)
        UNION ALL
        SELECT pairing_id, 'silent', 2, NULL, NULL, NULL, NULL
        FROM (SELECT DISTINCT pairing_id FROM {pairing_progress.NAME} WHERE silent)
        UNION ALL
        SELECT pairing_id, 'below_plan', 3, measure, target, expected, actual
        FROM {pairing_progress.NAME} WHERE measure IS NOT NULL
    ),
    pairing_days AS (
        SELECT DISTINCT pairing_id, last_date, days_since_last, days_since_start FROM {pairing_progress.NAME}
    ),
    all_attention AS (
        SELECT *, CAST(NULL AS INTEGER) AS problem_id, CAST(NULL AS VARCHAR) AS problem,
               CAST(NULL AS VARCHAR) AS overdue_reason
        FROM pairing_attention
        UNION ALL {ATTENTION_ROWS}
    )
    SELECT att.pairing_id, att.reason, att.severity, sp.university, sp.school, sp.county, sp.province, sp.province_code,
           sp.{name_key("university", lang)} AS university_key, sp.school_key,
           sp.provenance, att.measure, m.sort_order AS measure_order, att.target, att.expected, att.actual,
           CASE WHEN att.expected > 0 THEN att.actual / att.expected END AS progress,
           ps.last_date, ps.days_since_last, ps.days_since_start, att.problem_id, att.problem, att.overdue_reason
    FROM all_attention att
    JOIN keyed_pairings sp ON sp.pairing_id = att.pairing_id
    JOIN pairing_days ps ON ps.pairing_id = att.pairing_id
    LEFT JOIN measures m ON m.code = att.measure
    WHERE CAST($measure AS VARCHAR) IS NULL OR att.reason <> 'below_plan' OR att.measure = CAST($measure AS VARCHAR)"""
    params = filter_params(filters) | rule_params(today) | {"overdue_days": OVERDUE_DAYS}
    return TableQuery(for_filters(sql, filters), params, _ATTENTION_ORDERS, "severity", frames=frames)


def attention_summary(
    con: duckdb.DuckDBPyConnection, filters: Filters, today: date, progress: pa.Table | None = None
) -> dict[str, int]:
    """Rows per reason, and the number of distinct pairings concerned (key `pairings`)."""
    query = attention_query(filters, today, progress=progress)
    sql = f"""SELECT coalesce(count(*) FILTER (WHERE reason = 'never_reported'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'silent'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'below_plan'), 0),
                     coalesce(count(*) FILTER (WHERE reason = 'problem_overdue'), 0),
                     count(DISTINCT pairing_id)
              FROM ({query.sql}) AS base"""
    row = fetch_one(con, sql, bind(sql, query.params), query.frames)
    return dict(zip((*REASONS, "pairings"), (int(v) for v in row), strict=True))


@dataclass(frozen=True)
class Breakdown:
    """Pairings needing attention by reason and by province (a pairing with two reasons counts under each)."""

    pairings: int
    by_reason: dict[str, int]  # reason → pairings, every reason of REASONS
    provinces: pd.DataFrame  # province_code, pairings, one column per reason; most pairings first


def attention_breakdown(
    con: duckdb.DuckDBPyConnection, filters: Filters, today: date, progress: pa.Table | None = None
) -> Breakdown:
    """The list's rows (`attention_query`, same filters and day) counted as distinct pairings: in all, per reason,
    and per province with its reasons (issue 14, item 5: a summary that reads at 1,256 pairings)."""
    query = attention_query(filters, today, progress=progress)
    per_reason = ",\n".join(
        f"count(DISTINCT pairing_id) FILTER (WHERE reason = '{reason}') AS {reason}" for reason in REASONS
    )  # REASONS are the module's constants, never input
    sql = f"""SELECT grouping(province_code) = 1 AS whole, province_code, count(DISTINCT pairing_id) AS pairings,
                     {per_reason}
              FROM ({query.sql}) AS base
              GROUP BY GROUPING SETS ((province_code), ())
              ORDER BY whole DESC, pairings DESC, province_code"""
    frame = fetch_df(con, sql, bind(sql, query.params), query.frames)
    whole = frame[frame["whole"]]
    provinces = frame[~frame["whole"]].drop(columns="whole").reset_index(drop=True)
    if whole.empty:
        return Breakdown(0, dict.fromkeys(REASONS, 0), provinces)
    total = whole.iloc[0]
    return Breakdown(int(total["pairings"]), {reason: int(total[reason]) for reason in REASONS}, provinces)
