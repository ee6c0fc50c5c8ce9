"""The SQL that reads outcomes for the scorecard, the overview and the brief, over the stable view outcome_overview
and held to the account's scope (analytics.queries.FILTER_CTES, access.scope), every value a parameter.

A school is in view when one of its pairings is (the filters' university, province, tier and cycle; the measure
filter does not apply to outcomes). The period filter, when set, caps the latest school year compared. Nothing here
ranks schools: the overview counts how many schools improved, stayed the same or declined on each indicator since
the baseline year, and a school's own figures are compared with its own baseline only.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from assistance.access.scope import NATIONAL, Scope, pairing_in_scope
from assistance.analytics.queries import FILTER_CTES, fetch_df, filter_params
from assistance.filters import Filters
from assistance.outcomes.indicators import BASELINE_YEAR, INDICATORS, change_class
from assistance.store.transaction import cursor


def school_outcomes(con: duckdb.DuckDBPyConnection, pairing_id: int, scope: Scope = NATIONAL) -> pd.DataFrame:
    """The outcomes of a pairing's school in long form (school_year, indicator, value, provenance, batch_id), oldest
    first; empty when the pairing lies outside `scope` or its school has no figures."""
    with cursor(con) as cur:
        if not pairing_in_scope(cur, int(pairing_id), scope):
            return pd.DataFrame(columns=["school_year", "indicator", "value", "provenance", "batch_id"])
        return cur.execute(
            "SELECT o.school_year, o.indicator, o.value, o.provenance, o.batch_id FROM outcome_overview o "
            "JOIN pairings p ON p.school_id = o.school_id WHERE p.pairing_id = $pairing ORDER BY 1, 2",
            {"pairing": int(pairing_id)},
        ).df()


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator of one school: its baseline, its latest figure and the way it moved; `values` every school
    year from the baseline to the latest year with a figure (None where the year is missing)."""

    indicator: str
    baseline: float | None
    latest_year: int | None
    latest: float | None
    change: float | None
    moved: str | None  # improved | same | declined | rose | fell (indicators.change_class); None: not comparable
    threshold: float | None
    meets_threshold: bool | None
    values: dict[int, float | None]


def school_lines(frame: pd.DataFrame) -> list[IndicatorLine]:
    """`school_outcomes` read indicator by indicator, in the indicators' order (an indicator without any figure
    too: all missing)."""
    years = sorted({int(y) for y in frame["school_year"]}) if len(frame) else []
    span = list(range(BASELINE_YEAR, max(years) + 1)) if years else []
    lines = []
    for indicator in INDICATORS:
        rows = frame[frame["indicator"] == indicator.name]
        values: dict[int, float | None] = {year: None for year in span}
        values.update({int(y): float(v) for y, v in zip(rows["school_year"], rows["value"], strict=True)})
        baseline = values.get(BASELINE_YEAR)
        later = [year for year in span if year > BASELINE_YEAR and values[year] is not None]
        latest_year = later[-1] if later else None
        latest = values[latest_year] if latest_year is not None else None
        change = latest - baseline if latest is not None and baseline is not None else None
        current = latest if latest is not None else baseline
        meets = None if indicator.threshold is None or current is None else current <= indicator.threshold
        moved = change_class(indicator, baseline, latest)
        lines.append(
            IndicatorLine(
                indicator.name, baseline, latest_year, latest, change, moved, indicator.threshold, meets, values
            )
        )
    return lines


_CHANGES_SQL = f"""WITH {FILTER_CTES},
in_view AS (SELECT DISTINCT p.school_id FROM pairings p JOIN scoped_pairings sp ON sp.pairing_id = p.pairing_id),
o AS (
    SELECT oo.* FROM outcome_overview oo JOIN in_view USING (school_id)
    WHERE oo.school_year <= coalesce(CAST($last_year AS INTEGER), 9999)),
b AS (SELECT school_id, indicator, value AS base FROM o WHERE school_year = $baseline),
l AS (
    SELECT school_id, indicator, arg_max(value, school_year) AS last FROM o WHERE school_year > $baseline
    GROUP BY ALL),
pairs AS (SELECT indicator, round(l.last - b.base, 1) AS step FROM b JOIN l USING (school_id, indicator))
SELECT i.indicator, coalesce(count(p.step), 0) AS compared,
       coalesce(count(*) FILTER (WHERE p.step > 0), 0) AS rose,
       coalesce(count(*) FILTER (WHERE p.step = 0), 0) AS same,
       coalesce(count(*) FILTER (WHERE p.step < 0), 0) AS fell,
       (SELECT count(*) FROM in_view) AS schools,
       (SELECT count(DISTINCT school_id) FROM o) AS reporting,
       (SELECT coalesce(bool_or(provenance = 'demo'), false) FROM o) AS demo,
       (SELECT max(school_year) FROM o) AS latest_year
FROM (SELECT unnest(CAST($indicators AS VARCHAR[])) AS indicator) i LEFT JOIN pairs p USING (indicator)
GROUP BY i.indicator"""


@dataclass(frozen=True)
class OutcomeChanges:
    """How the schools in view moved on each indicator since the baseline year (counts, never a ranking).

    `table` has one row per indicator, in the indicators' order: compared (schools with a baseline and a later
    figure), improved, same, declined (for an indicator with no better direction: rose and fell in the improved and
    declined columns, `better` 0), missing (schools in view without the pair). `schools` are the schools in view,
    `reporting` those with any figure, `demo` whether demo figures are among them, `latest_year` the newest school
    year compared."""

    table: pd.DataFrame
    schools: int
    reporting: int
    demo: bool
    latest_year: int | None


def outcome_changes(con: duckdb.DuckDBPyConnection, filters: Filters) -> OutcomeChanges:
    """The overview's (and the brief's) outcome counts for the filters and the account's scope."""
    params = filter_params(filters) | {
        "baseline": BASELINE_YEAR,
        "last_year": filters.period.year,
        "indicators": [indicator.name for indicator in INDICATORS],
    }
    rows = fetch_df(con, _CHANGES_SQL, params).set_index("indicator")
    table = []
    for indicator in INDICATORS:
        row = rows.loc[indicator.name]
        up, down = int(row["rose"]), int(row["fell"])
        improved, declined = (down, up) if indicator.better < 0 else (up, down)
        compared = int(row["compared"])
        table.append((indicator.name, indicator.better, compared, improved, int(row["same"]), declined,
                      int(row["schools"]) - compared))  # fmt: skip
    frame = pd.DataFrame(table, columns=["indicator", "better", "compared", "improved", "same", "declined", "missing"])
    first = rows.iloc[0]
    latest = first["latest_year"]
    return OutcomeChanges(
        frame, int(first["schools"]), int(first["reporting"]), bool(first["demo"]),
        None if pd.isna(latest) else int(latest),
    )  # fmt: skip
