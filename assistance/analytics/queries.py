"""Every SQL the pages run for the shared shell, the overview and the About page; all parameterised.

Filters are applied with one fixed SQL text whose values are bound as parameters: an empty filter
binds NULL or an empty list, so no SQL is ever assembled from what a user typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import duckdb
import pandas as pd
import pyarrow as pa

from assistance.access.scope import NATIONAL, SCOPE_CONDITION, Scope
from assistance.filters import Filters
from assistance.store.transaction import cursor

Frames = Mapping[str, pd.DataFrame | pa.Table] | None

# The pairings and activities in view. Every query that filters starts with these CTEs and so binds
# all ten parameters and the account's scope (`filter_params`; access.scope: a filter narrows the scope, never
# widens it). The tier keeps one tier's pairings; the cycle window (filters.CYCLES)
# keeps the pairings whose agreement overlaps it (no end date: open-ended) and the activities dated inside it.
# `scoped_activities` are the rows of the activity log in view; `scoped_cells` the same activities as the summary
# cells of store.summaries (pairing × month × measure), what every count reads: the period and the cycle are whole
# months, so the cells of the months in view hold exactly the activities in view (`first_month`/`last_month`).
# `keyed_pairings` are the scoped pairings with the sort keys of their names (see
# `name_key`), for the queries that sort by name (DuckDB skips a CTE no query reads).
_FILTER_CTES = """
scoped_pairings AS (
    SELECT po.* FROM pairing_overview po
    WHERE {scope}
      AND (len(CAST($universities AS VARCHAR[])) = 0
           OR list_contains(CAST($universities AS VARCHAR[]), po.university))
      AND (CAST($province AS VARCHAR) IS NULL OR po.province_code = CAST($province AS VARCHAR))
      AND (CAST($tier AS VARCHAR) IS NULL OR po.tier = CAST($tier AS VARCHAR))
      AND (CAST($cycle_start AS DATE) IS NULL
           OR (po.start_date <= CAST($cycle_end AS DATE)
               AND coalesce(po.end_date, CAST($cycle_start AS DATE)) >= CAST($cycle_start AS DATE)))
),
scoped_activities AS (
    SELECT a.activity_id, a.pairing_id, a.date, a.measure, a.title, a.teachers, a.students, a.hours, a.notes,
           a.provenance, a.batch_id
    FROM activities a
    WHERE {in_view_a}
      AND (CAST($measure AS VARCHAR) IS NULL OR a.measure = CAST($measure AS VARCHAR))
      AND (CAST($start AS DATE) IS NULL OR a.date >= CAST($start AS DATE))
      AND (CAST($end AS DATE) IS NULL OR a.date <= CAST($end AS DATE))
      AND (CAST($cycle_start AS DATE) IS NULL
           OR a.date BETWEEN CAST($cycle_start AS DATE) AND CAST($cycle_end AS DATE))
),
scoped_cells AS (
    SELECT c.* FROM activity_cells c
    WHERE {in_view_c}
      AND (CAST($measure AS VARCHAR) IS NULL OR c.measure = CAST($measure AS VARCHAR))
      AND (CAST($first_month AS DATE) IS NULL OR c.month >= CAST($first_month AS DATE))
      AND (CAST($last_month AS DATE) IS NULL OR c.month <= CAST($last_month AS DATE))
),
keyed_pairings AS (
    SELECT sp.*,
           coalesce(ku.pinyin, sp.university) AS university_key_zh,
           lower(coalesce(u.name_en, sp.university)) AS university_key_en,
           coalesce(ks.pinyin, sp.school) AS school_key,
           coalesce(kp.pinyin, sp.province) AS province_key_zh,
           lower(coalesce(pr.name_en, sp.province)) AS province_key_en,
           coalesce(kc.pinyin, sp.county) AS county_key
    FROM scoped_pairings sp
    LEFT JOIN universities u ON u.name_zh = sp.university
    LEFT JOIN provinces pr ON pr.code = sp.province_code
    LEFT JOIN name_keys ku ON ku.name = sp.university
    LEFT JOIN name_keys ks ON ks.name = sp.school
    LEFT JOIN name_keys kp ON kp.name = sp.province
    LEFT JOIN name_keys kc ON kc.name = sp.county
)"""
_IN_VIEW = "{alias}.pairing_id IN (SELECT pairing_id FROM scoped_pairings)"
FILTER_CTES = _FILTER_CTES.format(
    scope=SCOPE_CONDITION, in_view_a=_IN_VIEW.format(alias="a"), in_view_c=_IN_VIEW.format(alias="c")
)
# The same when neither the account's scope nor a filter narrows the pairings: every activity is in view, so the
# log and its cells are read without a join to the pairings (issue 14, item 5).
_EVERY_PAIRING_CTES = _FILTER_CTES.format(scope=SCOPE_CONDITION, in_view_a="true", in_view_c="true")


def every_pairing(filters: Filters) -> bool:
    """Whether every pairing is in view: the whole programme's scope, no university, province, tier or cycle."""
    return filters.scope.national and not (filters.universities or filters.province or filters.tier or filters.cycle)


def filter_ctes(filters: Filters) -> str:
    """`FILTER_CTES` for these filters: without the join of activities to the pairings in view when every pairing
    is (`every_pairing`). Both texts are fixed; the filters' values are bound as parameters."""
    return _EVERY_PAIRING_CTES if every_pairing(filters) else FILTER_CTES


def for_filters(sql: str, filters: Filters) -> str:
    """A query written `WITH {FILTER_CTES} …`, with the CTEs `filter_ctes` gives for these filters."""
    return sql.replace(FILTER_CTES, _EVERY_PAIRING_CTES, 1) if every_pairing(filters) else sql


def name_key(name: str, lang: str) -> str:
    """The `keyed_pairings` column that sorts a name (university, school, county or province) as a reader of
    `lang` looks it up: by pinyin in Chinese (store.sortkeys), by the English name in English. Schools and counties
    have Chinese names only, so they sort by pinyin in both languages."""
    if name in ("school", "county"):
        return f"{name}_key"
    return f"{name}_key_{'en' if lang == 'en' else 'zh'}"


def filter_params(filters: Filters, start: date | None = None, end: date | None = None) -> dict:
    """Bind the filters; `start`/`end` override the period (e.g. to compare two semesters); the cycle's window
    applies besides. The summary cells count whole months: an override must start on a month's first day and end
    on a month's last."""
    period_start, period_end = filters.period.bounds()
    cycle_start, cycle_end = filters.cycle_bounds()
    start = start if start is not None else period_start
    end = end if end is not None else period_end
    first_month, last_month = whole_months(_latest(start, cycle_start), _earliest(end, cycle_end))
    return {
        "universities": list(filters.universities),
        "province": filters.province,
        "tier": filters.tier,
        "cycle_start": cycle_start,
        "cycle_end": cycle_end,
        "measure": filters.measure,
        "start": start,
        "end": end,
        "first_month": first_month,
        "last_month": last_month,
    } | filters.scope.params()


def _latest(*days: date | None) -> date | None:
    return max((day for day in days if day is not None), default=None)


def _earliest(*days: date | None) -> date | None:
    return min((day for day in days if day is not None), default=None)


def whole_months(first: date | None, last: date | None) -> tuple[date | None, date | None]:
    """The first and the last month (as their first days) of a window of whole months from `first` to `last`
    inclusive (None: open); a window that cuts a month raises, since a summary cell cannot be split."""
    if first is not None and first.day != 1:
        raise ValueError(f"a window of summary cells starts on a month's first day, not {first}")
    if last is not None and (last + timedelta(days=1)).day != 1:
        raise ValueError(f"a window of summary cells ends on a month's last day, not {last}")
    return first, last.replace(day=1) if last is not None else None


def fetch_df(con: duckdb.DuckDBPyConnection, sql: str, params=None, frames: Frames = None) -> pd.DataFrame:
    """Run one query on its own cursor (a cached connection is shared by all sessions' threads); `frames` are
    in-memory tables the query reads by name (a figure computed once and kept, see attention.pairing_progress)."""
    with cursor(con) as cur:
        return register_frames(cur, frames).execute(sql, params or []).df()


def fetch_one(con: duckdb.DuckDBPyConnection, sql: str, params=None, frames: Frames = None) -> tuple:
    with cursor(con) as cur:
        return register_frames(cur, frames).execute(sql, params or []).fetchone()


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> pa.Table:
    """One query's result as an Arrow table: its column types (DATE, INTEGER with NULLs) survive being read back
    as a frame, which a pandas frame's would not."""
    with cursor(con) as cur:
        return cur.sql(sql, params=params or {}).to_arrow_table()


def register_frames(cur: duckdb.DuckDBPyConnection, frames: Frames) -> duckdb.DuckDBPyConnection:
    """Every frame of `frames` readable by its name on `cur`, a cursor of its own: a registration lives as long as
    its cursor, which the caller closes when the query is done (unregistering earlier would cut off a result
    still being fetched)."""
    for name, frame in (frames or {}).items():
        cur.register(name, frame)
    return cur


def universities(con, lang: str = "zh") -> pd.DataFrame:
    """All supporting parties with how many pairings each has, for the filters and the About page, in the order
    a reader of `lang` looks them up (pinyin in Chinese, English names in English)."""
    order = "lower(u.name_en), u.name_zh" if lang == "en" else "coalesce(k.pinyin, u.name_zh), u.name_zh"
    return fetch_df(
        con,
        "SELECT u.name_zh, u.name_en, u.kind, count(p.pairing_id) AS pairings FROM universities u "
        "LEFT JOIN pairings p ON p.university_id = u.university_id LEFT JOIN name_keys k ON k.name = u.name_zh "
        f"GROUP BY u.university_id, u.name_zh, u.name_en, u.kind, k.pinyin ORDER BY {order}",
    )


def university_aliases(con) -> dict[str, str]:
    """Every registered spelling of a supporting party (folded, as `reference.loader.normalise_name` folds it)
    → its Chinese name, the key used everywhere; for reading links."""
    rows = fetch_df(
        con,
        "SELECT a.alias, u.name_zh FROM university_aliases a JOIN universities u ON u.university_id = a.university_id",
    )
    return dict(zip(rows["alias"], rows["name_zh"], strict=True))


def provinces(con, lang: str = "zh") -> pd.DataFrame:
    """Every province-level unit, in the order a reader of `lang` looks them up (as `universities`)."""
    order = "lower(p.name_en), p.code" if lang == "en" else "coalesce(k.pinyin, p.name_zh), p.code"
    return fetch_df(
        con,
        "SELECT p.code, p.name_zh, p.short_zh, p.name_en, p.region, p.in_programme FROM provinces p "
        f"LEFT JOIN name_keys k ON k.name = p.name_zh ORDER BY {order}",
    )


def measures(con) -> pd.DataFrame:
    return fetch_df(con, "SELECT code, label_zh, label_en FROM measures ORDER BY sort_order")


def demo_in_view(con, filters: Filters) -> bool:
    """Whether any demo pairing or demo activity is in the current view (drives the sample badge): two EXISTS that
    stop at the first demo row, the activities' over the summary cells (a cell counts its demo rows)."""
    row = fetch_one(
        con,
        f"WITH {filter_ctes(filters)} SELECT EXISTS (SELECT 1 FROM scoped_pairings WHERE provenance = 'demo')"
        " OR EXISTS (SELECT 1 FROM scoped_cells WHERE demo > 0)",
        filter_params(filters),
    )
    return bool(row[0])


def tier_counts(con, filters: Filters) -> dict[str, int]:
    """Pairings in view by tier (national, provincial, municipal; tiers without one left out): what the KPI
    cards count, tier by tier."""
    rows = fetch_df(
        con,
        f"WITH {FILTER_CTES} SELECT tier, count(*) AS n FROM scoped_pairings GROUP BY tier",
        filter_params(filters),
    )
    counts = dict(zip(rows["tier"], rows["n"], strict=True))
    return {tier: int(counts[tier]) for tier in ("national", "provincial", "municipal") if tier in counts}


def provenance_counts(con, scope: Scope = NATIONAL) -> pd.DataFrame:
    """Rows per table and provenance in `scope`, for the About/Data page."""
    if scope.national:  # the tables themselves: no join to the views over 2M rows
        return fetch_df(
            con,
            "SELECT 'pairings' AS data, provenance, count(*) AS n FROM pairings GROUP BY ALL "
            "UNION ALL SELECT 'activities', provenance, count(*) FROM activities GROUP BY ALL "
            "UNION ALL SELECT 'plan_targets', provenance, count(*) FROM plan_targets GROUP BY ALL "
            "ORDER BY 1, 2",
        )
    return fetch_df(
        con,
        f"WITH {FILTER_CTES} SELECT 'pairings' AS data, provenance, count(*) AS n FROM scoped_pairings GROUP BY ALL "
        "UNION ALL SELECT 'activities', provenance, count(*) FROM scoped_activities GROUP BY ALL "
        "UNION ALL SELECT 'plan_targets', provenance, count(*) FROM plan_targets "
        "WHERE pairing_id IN (SELECT pairing_id FROM scoped_pairings) GROUP BY ALL ORDER BY 1, 2",
        filter_params(Filters(scope=scope)),
    )


def verified_pairings(con, lang: str = "zh", scope: Scope = NATIONAL) -> pd.DataFrame:
    """The publicly sourced pairings in `scope` with their source and confidence, by province and university as
    `lang` sorts them."""
    order = ", ".join(name_key(name, lang) for name in ("province", "university", "school"))
    return fetch_df(
        con,
        f"WITH {FILTER_CTES} SELECT university, school, county, province_code AS province, confidence, source "
        f"FROM keyed_pairings WHERE provenance = 'verified' ORDER BY {order}",
        filter_params(Filters(scope=scope)),
    )


def activity_span(con, scope: Scope = NATIONAL) -> tuple:
    """First and last activity day in `scope`, and how many activities, for the About page (from the summaries:
    store.summaries keeps one row per pairing)."""
    filters = Filters(scope=scope)
    return fetch_one(
        con,
        f"WITH {filter_ctes(filters)} SELECT min(first_date), max(last_date), CAST(coalesce(sum(activities), 0) "
        "AS BIGINT) FROM pairing_activity WHERE pairing_id IN (SELECT pairing_id FROM scoped_pairings)",
        filter_params(filters),
    )
