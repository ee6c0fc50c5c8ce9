"""The status rules in SQL, at their boundaries: 59/60/61 days of silence, exactly 50 % of pro-rata,
the not-yet-due and never-reported cases. Each test builds a tiny history on an `--empty` database
(reference data and the 115 registry pairings, no plans, no activities)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assistance.analytics import attention, scorecard, universities
from assistance.filters import Filters
from assistance.store.transaction import transaction

TODAY = date(2026, 11, 28)  # school year 2026 (2026-09-01 – 2027-08-31): day 89 of 365
BNU = Filters(universities=("北京师范大学",))  # pairings 1 (青龙, verified) and 38 (融安, demo)
QINGLONG = 1


@pytest.fixture
def con(empty_con):
    return empty_con


@pytest.fixture(scope="session")
def empty_template(empty_db_template):
    """conftest's `--empty` template under the name test_scorecard_span takes it by."""
    return empty_db_template


def add_activity(con, pairing_id: int, day: date, measure: str = "teacher_training", title: str | None = None):
    """One activity, written as every writer writes (store.transaction: the summaries the figures read follow)."""
    title = title or f"{measure} {day.isoformat()}"
    with transaction(con) as cur:
        cur.execute(
            "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, students, hours, "
            "provenance) VALUES (?, ?, ?, ?, ?, 10, 20, 2.0, 'imported')",
            [pairing_id, day, measure, title, title.lower()],
        )


def add_target(con, pairing_id: int, year: int, measure: str, target: int):
    con.execute(
        "INSERT INTO plan_targets (pairing_id, school_year, measure, target, provenance) "
        "VALUES (?, ?, ?, ?, 'imported')",
        [pairing_id, year, measure, target],
    )


def reasons(con, pairing_id: int, today: date = TODAY, filters: Filters = BNU) -> list[tuple]:
    frame = attention.attention_query(filters, today).page(con)
    rows = frame[frame["pairing_id"] == pairing_id]
    return sorted((r.reason, r.measure if isinstance(r.measure, str) else None) for r in rows.itertuples())


def measure_row(con, pairing_id: int, year: int, measure: str, today: date = TODAY):
    frame = scorecard.measure_scorecard(con, pairing_id, year, today)
    return frame[frame["measure"] == measure].iloc[0]


@pytest.mark.parametrize(("days", "silent"), [(59, False), (60, True), (61, True)])
def test_silence_boundary(con, days, silent):
    """60 days or more since the last activity: red and on the list; 59 days: neither."""
    add_target(con, QINGLONG, 2026, "teacher_training", 1)
    add_activity(con, QINGLONG, TODAY - timedelta(days=days))  # 1 of 1 planned: 410 % of pro-rata
    status = scorecard.pairing_status(con, QINGLONG, TODAY)
    assert status["days_since_last"] == days
    assert bool(status["silent"]) is silent
    assert status["status"] == ("red" if silent else "green")
    assert (("silent", None) in reasons(con, QINGLONG)) is silent
    pairings = universities.pairings_query(BNU, TODAY).page(con).set_index("pairing_id")
    assert pairings.loc[QINGLONG, "status"] == ("red" if silent else "green")
    assert pairings.loc[QINGLONG, "days_since_last"] == days


def test_exactly_half_of_pro_rata_is_amber_and_not_listed(con):
    """10 planned, 73 of 365 days gone (2026-11-12): expectation 2.0; 1 activity = exactly 50 %."""
    today = date(2026, 11, 12)
    add_target(con, QINGLONG, 2026, "teacher_training", 10)
    add_activity(con, QINGLONG, date(2026, 11, 1))
    row = measure_row(con, QINGLONG, 2026, "teacher_training", today)
    assert row["expected"] == pytest.approx(2.0)
    assert row["progress"] == pytest.approx(0.5)
    assert row["status"] == "amber"
    assert ("below_plan", "teacher_training") not in reasons(con, QINGLONG, today)
    assert scorecard.pairing_status(con, QINGLONG, today)["status"] == "amber"

    # One day later the expectation is 10 × 74/365 = 2.03: 1 activity is 49.3 %, red, and listed.
    tomorrow = today + timedelta(days=1)
    assert measure_row(con, QINGLONG, 2026, "teacher_training", tomorrow)["status"] == "red"
    assert ("below_plan", "teacher_training") in reasons(con, QINGLONG, tomorrow)
    assert scorecard.pairing_status(con, QINGLONG, tomorrow)["status"] == "red"


@pytest.mark.parametrize(("actual", "status"), [(1, "red"), (2, "amber"), (3, "amber"), (4, "green"), (5, "green")])
def test_past_year_counts_the_full_target(con, actual, status):
    """A finished school year expects its whole target: 2 of 4 is exactly 50 % (amber)."""
    add_target(con, QINGLONG, 2025, "teacher_visit", 4)
    for n in range(actual):
        add_activity(con, QINGLONG, date(2025, 10, 1) + timedelta(days=n), "teacher_visit")
    row = measure_row(con, QINGLONG, 2025, "teacher_visit")
    assert row["expected"] == 4
    assert row["status"] == status
    years = scorecard.year_scorecard(con, QINGLONG, TODAY).set_index("school_year")
    assert years.loc[2025, "status"] == status


def test_expectation_is_target_times_elapsed_share(con):
    add_target(con, QINGLONG, 2026, "teaching_research", 6)
    row = measure_row(con, QINGLONG, 2026, "teaching_research")
    assert row["expected"] == pytest.approx(6 * 89 / 365)  # 1 Sep … 28 Nov inclusive = 89 days
    # The whole school year on its last day, leap years included (2027-09-01 – 2028-08-31 has 366 days).
    add_target(con, QINGLONG, 2027, "teaching_research", 6)
    assert measure_row(con, QINGLONG, 2027, "teaching_research", date(2028, 8, 31))["expected"] == pytest.approx(6)
    assert measure_row(con, QINGLONG, 2027, "teaching_research", date(2028, 2, 29))["expected"] == pytest.approx(
        6 * 182 / 366
    )


def test_year_rows_carry_the_elapsed_days_the_page_states(con):
    """The scorecard's "day 89 of 365" comes from the same SQL as the expectation, for every year shown."""
    years = scorecard.year_scorecard(con, QINGLONG, TODAY).set_index("school_year")
    assert list(years.index) == list(range(2026, 2021, -1))
    assert years.loc[2026, ["elapsed_days", "year_days"]].tolist() == [89, 365]
    assert years.loc[2023, ["elapsed_days", "year_days"]].tolist() == [366, 366]  # a past leap year: all of it
    assert years["is_current"].tolist() == [True, False, False, False, False]


def test_not_yet_due_and_no_target(con):
    """An expectation below one activity with nothing done yet is not judged; no target is not judged."""
    add_target(con, QINGLONG, 2026, "student_camp", 1)  # 0.24 expected by 28 Nov
    add_activity(con, QINGLONG, TODAY - timedelta(days=3), "other")
    assert measure_row(con, QINGLONG, 2026, "student_camp")["status"] == "not_due"
    assert measure_row(con, QINGLONG, 2026, "other")["status"] == "no_target"
    assert measure_row(con, QINGLONG, 2026, "lab_open_day")["status"] == "no_target"
    assert reasons(con, QINGLONG) == []
    add_activity(con, QINGLONG, TODAY - timedelta(days=2), "student_camp")  # done early: green
    assert measure_row(con, QINGLONG, 2026, "student_camp")["status"] == "green"


def test_never_reported_after_sixty_days_from_start(con):
    """A pairing without any activity is listed once it started 60 or more days ago."""
    assert reasons(con, 38) == [("never_reported", None)]
    assert scorecard.pairing_status(con, 38, TODAY)["status"] == "red"
    con.execute("UPDATE pairings SET start_date = ? WHERE pairing_id = 38", [TODAY - timedelta(days=59)])
    assert reasons(con, 38) == []
    con.execute("UPDATE pairings SET start_date = ? WHERE pairing_id = 38", [TODAY - timedelta(days=60)])
    assert reasons(con, 38) == [("never_reported", None)]
    con.execute("UPDATE pairings SET start_date = ? WHERE pairing_id = 38", [TODAY + timedelta(days=1)])
    assert reasons(con, 38) == []
    assert scorecard.pairing_status(con, 38, TODAY)["status"] == "not_started"


def test_attention_follows_the_filters(con):
    """University and province filters scope the list; the measure filter narrows below-plan rows only."""
    add_target(con, QINGLONG, 2026, "teacher_visit", 12)  # 2.9 expected, none done: red
    add_target(con, QINGLONG, 2026, "teacher_training", 12)
    add_activity(con, QINGLONG, TODAY - timedelta(days=70), "other")  # silent as well
    frame = attention.attention_query(BNU, TODAY).page(con)
    assert set(frame["university"]) == {"北京师范大学"}
    assert set(frame["pairing_id"]) == {1, 38}
    visits = Filters(universities=BNU.universities, measure="teacher_visit")
    assert reasons(con, QINGLONG, filters=visits) == [("below_plan", "teacher_visit"), ("silent", None)]
    assert reasons(con, QINGLONG) == [
        ("below_plan", "teacher_training"),
        ("below_plan", "teacher_visit"),
        ("silent", None),
    ]
    summary = attention.attention_summary(con, BNU, TODAY)
    assert summary == {"never_reported": 1, "silent": 1, "below_plan": 2, "problem_overdue": 0, "pairings": 2}
    hebei_only = Filters(universities=BNU.universities, province="130000")
    assert set(attention.attention_query(hebei_only, TODAY).page(con)["pairing_id"]) == {QINGLONG}
    everyone = attention.attention_summary(con, Filters(), TODAY)
    assert everyone["never_reported"] == 114  # every other registry pairing, none has reported


def test_pages_sort_and_paginate_in_sql(con):
    query = attention.attention_query(Filters(), TODAY)
    assert query.count(con) == 115
    first = query.page(con, "school", False, limit=10, offset=0)
    second = query.page(con, "school", False, limit=10, offset=10)
    assert len(first) == len(second) == 10
    assert set(first["pairing_id"]).isdisjoint(second["pairing_id"])
    everything = query.page(con, "school", False)
    assert list(everything["school"][:20]) == [*first["school"], *second["school"]]
    # An unknown sort key falls back to the default; it never reaches the SQL text.
    assert "Robert'); DROP" not in query.order_by("Robert'); DROP TABLE activities;--")


def test_activity_search_is_literal(con):
    add_activity(con, QINGLONG, date(2026, 10, 8), title="数学集体备课 100%")
    add_activity(con, QINGLONG, date(2026, 10, 9), title="语文示范课")
    assert scorecard.activities_query(QINGLONG, "数学").count(con) == 1
    assert scorecard.activities_query(QINGLONG, "%").count(con) == 1  # not a LIKE wildcard
    assert scorecard.activities_query(QINGLONG, "").count(con) == 2
    assert scorecard.activities_query(QINGLONG, "", school_year=2025).count(con) == 0
