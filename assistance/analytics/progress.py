"""Today's status of every pairing in view, computed once and read by several tables (issue 14, item 5).

The needs-attention list (its summary, its page, its row count, its export), the universities page's table and
the schools' list all need each pairing's status today by the rule in `scorecard` (PROGRESS_CTES). At national
scale that is the costliest figure of a page, so it is computed once into a small table (`pairing_progress`)
that those queries read by name: one row per pairing in view with its status, its last activity and the
reasons it needs attention, and one more row per measure below plan. A page computes it once per filters and
data version (web.figures keeps it) and hands it to the queries as a frame; a caller without one (the command
line, the brief) gets the same SQL inline (`source`).

Status depends on the pairings in view only (the account's scope, university, province, tier, cycle), never on
the measure or the period filter (`progress_filters`), so changing those two reuses it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import duckdb
import pyarrow as pa

from assistance.analytics.queries import FILTER_CTES, fetch_arrow, filter_params, for_filters
from assistance.analytics.scorecard import PROGRESS_CTES, SCOPED_TARGETS, rule_params
from assistance.analytics.tables import bind
from assistance.filters import Filters, Period

# The name the queries read the table by (a CTE of that name, or a frame registered under it).
NAME = "pairing_progress"

# One row per pairing in view (measure NULL), or one per measure of it below plan in the current school year
# (`below_plan`: red, with a pro-rata expectation of at least one activity, the pairing reporting and neither
# ended nor not started yet): the needs-attention rule of `scorecard`, row by row.
_SELECT = """
SELECT ps.pairing_id, ps.last_date, ps.days_since_last, ps.days_since_start, ps.status, ps.never_reported,
       ps.silent, bp.measure, bp.target, bp.expected, bp.actual
FROM pairing_status ps
LEFT JOIN (
    SELECT mp.pairing_id, mp.measure, mp.target, mp.expected, mp.actual
    FROM measure_progress mp JOIN pairing_status ps ON ps.pairing_id = mp.pairing_id
    WHERE mp.school_year = (SELECT current_year FROM as_of) AND mp.status = 'red'
      AND ps.last_date IS NOT NULL AND ps.status NOT IN ('not_started', 'ended')
) bp ON bp.pairing_id = ps.pairing_id"""

_SQL = f"WITH {FILTER_CTES}, {SCOPED_TARGETS}, {PROGRESS_CTES} {_SELECT}"


def progress_filters(filters: Filters) -> Filters:
    """The filters today's status depends on: the pairings in view (measure and period do not apply)."""
    return replace(filters, measure=None, period=Period())


def pairing_progress(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> pa.Table:
    """The `pairing_progress` table of the pairings in view as of `today` (an Arrow table: its types survive being
    read back as a frame)."""
    narrowed = progress_filters(filters)
    sql = for_filters(_SQL, narrowed)
    return fetch_arrow(con, sql, bind(sql, filter_params(narrowed) | rule_params(today)))


def source(progress: pa.Table | None) -> tuple[str, dict[str, pa.Table]]:
    """What a query after FILTER_CTES adds to read `pairing_progress`: nothing and the frame, when the caller has
    it; else the CTEs that compute it (binding the rule's parameters) and no frame. The CTE text ends with a
    comma: put it right before the query's own CTEs."""
    if progress is not None:
        return "", {NAME: progress}
    return f"{SCOPED_TARGETS}, {PROGRESS_CTES}, {NAME} AS ({_SELECT}),", {}
