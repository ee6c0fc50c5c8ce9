"""The stable view outcome_overview and the outcome queries (issue 11): the documented columns in long form, a school's
indicators from the baseline (a missing year missing, not zero), the overview's counts (no ranking: counts that add
up), the period capping the latest year, the account's scope, and the figures in words."""

from __future__ import annotations

import base64

import pandas as pd

from assistance.access.scope import Scope
from assistance.filters import Filters, Period
from assistance.outcomes.indicators import BY_NAME, INDICATORS, change_class
from assistance.outcomes.queries import outcome_changes, school_lines, school_outcomes
from assistance.outcomes.words import change_text, figure, sparkline

COLUMNS = [
    "school_id", "school", "county_adcode", "province_code", "school_year", "indicator", "value", "provenance",
    "batch_id",
]  # fmt: skip


def test_outcome_overview_has_the_documented_columns_in_long_form(demo_con):
    assert [row[0] for row in demo_con.execute("DESCRIBE outcome_overview").fetchall()] == COLUMNS
    indicators = {row[0] for row in demo_con.execute("SELECT DISTINCT indicator FROM outcome_overview").fetchall()}
    assert indicators == {indicator.name for indicator in INDICATORS}
    nulls = demo_con.execute("SELECT count(*) FROM outcome_overview WHERE value IS NULL").fetchone()[0]
    assert nulls == 0  # a missing figure has no row


def test_a_schools_lines_keep_a_missing_year_missing(demo_con):
    pairing = demo_con.execute("SELECT pairing_id FROM pairing_overview WHERE school = '策勒县示例中学'").fetchone()[0]
    frame = school_outcomes(demo_con, pairing)
    lines = {line.indicator: line for line in school_lines(frame)}
    students = lines["students"]
    missing = [year for year, value in students.values.items() if value is None]
    assert len(missing) == 1 and missing[0] > 2021 and list(students.values) == list(range(2021, 2026))
    assert students.change == students.latest - students.baseline
    large = lines["large_classes"]
    assert large.threshold == 0 and large.meets_threshold is (large.latest <= 0)
    assert school_outcomes(demo_con, pairing, Scope(university="复旦大学")).empty  # outside the scope: nothing


def test_the_overview_counts_add_up_and_follow_the_period(demo_con):
    changes = outcome_changes(demo_con, Filters())
    table = changes.table
    assert (changes.schools, changes.reporting, changes.demo, changes.latest_year) == (115, 86, True, 2025)
    assert (table["improved"] + table["same"] + table["declined"] == table["compared"]).all()
    assert (table["compared"] + table["missing"] == changes.schools).all()
    assert list(table["indicator"]) == [indicator.name for indicator in INDICATORS]
    capped = outcome_changes(demo_con, Filters(period=Period(2023)))
    assert capped.latest_year == 2023
    gansu = outcome_changes(demo_con, Filters(province="620000"))
    assert (
        gansu.schools
        == demo_con.execute(
            "SELECT count(DISTINCT school) FROM pairing_overview WHERE province_code = '620000'"
        ).fetchone()[0]
    )
    scoped = outcome_changes(demo_con, Filters(scope=Scope(university="北京师范大学")))
    assert scoped.schools < changes.schools


def test_an_indicator_with_lower_better_counts_a_fall_as_improved():
    large, classes, rate = BY_NAME["large_classes"], BY_NAME["classes"], BY_NAME["undergrad_rate_pct"]
    assert change_class(large, 20, 3) == "improved" and change_class(large, 0, 2) == "declined"
    assert change_class(classes, 40, 44) == "rose" and change_class(classes, 40, 40) == "same"
    assert change_class(rate, 40.0, 40.04) == "same" and change_class(rate, None, 41) is None


def test_figures_in_words_write_missing_as_a_dash_never_zero():
    assert (figure("students", None), figure("students", 3200.0), figure("undergrad_rate_pct", 41.25)) == (
        "—", "3,200", "41.2%")  # fmt: skip
    frame = pd.DataFrame(
        {"school_year": [2021, 2023], "indicator": ["undergrad_rate_pct"] * 2, "value": [40.0, 43.5],
         "provenance": ["imported"] * 2, "batch_id": [1, 1]}
    )  # fmt: skip
    line = next(line for line in school_lines(frame) if line.indicator == "undergrad_rate_pct")
    assert line.values == {2021: 40.0, 2022: None, 2023: 43.5}
    assert change_text(line, "zh") == "+3.5 个百分点（好转）" and change_text(line, "en") == "+3.5 pp (improved)"
    svg = base64.b64decode(sparkline(list(line.values.values())).split(",", 1)[1]).decode()
    assert svg.count("<polyline") == 0 and 'stroke="#adb5bd"' in svg  # two lone points and a missing year between
    assert sparkline([None, None]) == ""
