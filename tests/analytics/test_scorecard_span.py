"""The agreement's span in the status rule (issue 9): a pairing's start date reduces its first school year's
pro-rata expectation, and a pairing whose end date has passed is `ended`: it keeps its history, is never silent
or never-reported after its end, and leaves the needs-attention list. Boundaries on an `--empty` database."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from assistance.analytics import scorecard, universities
from assistance.web.scorecard_sections import agreement_span, outside_agreement
from tests.analytics import test_scorecard as base
from tests.analytics.test_scorecard import BNU, QINGLONG, TODAY, add_activity, add_target, measure_row, reasons

empty_template, con = base.empty_template, base.con  # the fixtures: a fresh `--empty` database per test

# TODAY = 2026-11-28: school year 2026 (2026-09-01 – 2027-08-31, 365 days), day 89.


def set_span(con, start: date | None = None, end: date | None = None, pairing_id: int = QINGLONG) -> None:
    if start is not None:
        con.execute("UPDATE pairings SET start_date = ? WHERE pairing_id = ?", [start, pairing_id])
    con.execute("UPDATE pairings SET end_date = ? WHERE pairing_id = ?", [end, pairing_id])


@pytest.mark.parametrize(
    ("start", "elapsed"),
    [
        (date(2026, 9, 1), 89),  # from the first day of the year: as before
        (date(2026, 9, 2), 88),
        (date(2026, 10, 15), 45),  # 15 Oct … 28 Nov inclusive
        (TODAY, 1),  # starts today: today counts
    ],
)
def test_a_start_inside_the_current_year_counts_days_from_the_start(con, start, elapsed):
    set_span(con, start)
    add_target(con, QINGLONG, 2026, "teaching_research", 10)
    row = measure_row(con, QINGLONG, 2026, "teaching_research")
    assert row["expected"] == pytest.approx(10 * elapsed / 365)
    years = scorecard.year_scorecard(con, QINGLONG, TODAY).set_index("school_year")
    assert (years.loc[2026, "elapsed_days"], years.loc[2026, "year_days"]) == (elapsed, 365)


def test_a_pairing_that_starts_tomorrow_owes_nothing_yet(con):
    set_span(con, TODAY + timedelta(days=1))
    add_target(con, QINGLONG, 2026, "teaching_research", 10)
    row = measure_row(con, QINGLONG, 2026, "teaching_research")
    assert (row["expected"], row["status"]) == (0, "not_due")
    assert scorecard.pairing_status(con, QINGLONG, TODAY)["status"] == "not_started"
    assert reasons(con, QINGLONG) == []


@pytest.mark.parametrize(("actual", "status"), [(2, "red"), (3, "amber"), (4, "amber"), (5, "green")])
def test_a_first_year_that_started_mid_year_expects_only_its_share(con, actual, status):
    """Started 1 March 2025: 184 of the 365 days of 2024–25 (1 Mar … 31 Aug). 8 planned → 8 × 184/365 = 4.03."""
    set_span(con, date(2025, 3, 1))
    add_target(con, QINGLONG, 2024, "teacher_visit", 8)
    for n in range(actual):
        add_activity(con, QINGLONG, date(2025, 4, 1) + timedelta(days=n), "teacher_visit")
    row = measure_row(con, QINGLONG, 2024, "teacher_visit")
    assert row["expected"] == pytest.approx(8 * 184 / 365)
    assert row["status"] == status  # 2 is 49.6 % of 4.03 (red), 4 is 99.2 % (amber), 5 is green
    years = scorecard.year_scorecard(con, QINGLONG, TODAY).set_index("school_year")
    assert years.loc[2024, "elapsed_days"] == 184 and years.loc[2024, "status"] == status
    # The next year is a whole year of the agreement: the full target.
    add_target(con, QINGLONG, 2025, "teacher_visit", 8)
    assert measure_row(con, QINGLONG, 2025, "teacher_visit")["expected"] == pytest.approx(8)


def test_the_boundary_of_a_start_exactly_at_half(con):
    """Started 2026-10-01: 59 days to 28 Nov; 730 planned → expectation 730 × 59/365 = 118; 59 = exactly 50 %."""
    set_span(con, date(2026, 10, 1))
    add_target(con, QINGLONG, 2026, "other", 730)
    for n in range(59):
        add_activity(con, QINGLONG, date(2026, 10, 1) + timedelta(days=n), "other")
    row = measure_row(con, QINGLONG, 2026, "other")
    assert row["expected"] == pytest.approx(118)
    assert row["status"] == "amber"
    assert ("below_plan", "other") not in reasons(con, QINGLONG)
    # Had the pairing started on 1 September, 59 would be 59/178 = 33 %: red and listed.
    set_span(con, date(2026, 9, 1))
    assert measure_row(con, QINGLONG, 2026, "other")["status"] == "red"
    assert ("below_plan", "other") in reasons(con, QINGLONG)


@pytest.mark.parametrize(("end", "ended"), [(TODAY - timedelta(days=1), True), (TODAY, False), (None, False)])
def test_an_end_date_in_the_past_makes_the_pairing_ended(con, end, ended):
    set_span(con, end=end)
    add_target(con, QINGLONG, 2026, "teacher_training", 6)  # never reported, 89 days into the year
    status = scorecard.pairing_status(con, QINGLONG, TODAY)
    assert (status["status"] == "ended") is ended
    assert bool(status["never_reported"]) is not ended
    assert (reasons(con, QINGLONG) == []) is ended, "an ended pairing never needs attention after its end"
    pairings = universities.pairings_query(BNU, TODAY).page(con).set_index("pairing_id")
    assert (pairings.loc[QINGLONG, "status"] == "ended") is ended
    shown = pairings.loc[QINGLONG, "end_date"]
    assert (None if pd.isna(shown) else shown.date()) == end


def test_an_ended_pairing_keeps_its_history_and_is_never_silent(con):
    set_span(con, date(2022, 9, 1), date(2026, 10, 31))
    add_target(con, QINGLONG, 2025, "teacher_visit", 2)
    add_target(con, QINGLONG, 2026, "teacher_visit", 6)
    for day in (date(2025, 10, 1), date(2026, 3, 1), date(2026, 9, 20)):
        add_activity(con, QINGLONG, day, "teacher_visit")  # last activity 69 days ago: silent if not ended
    status = scorecard.pairing_status(con, QINGLONG, TODAY)
    assert (status["status"], bool(status["silent"]), status["days_since_last"]) == ("ended", False, 69)
    assert reasons(con, QINGLONG) == []
    years = scorecard.year_scorecard(con, QINGLONG, TODAY).set_index("school_year")
    assert years.loc[2025, "status"] == "green" and years.loc[2025, "actual"] == 2, "past years keep their status"
    assert years.loc[2026, "status"] == "ended"
    # The final year counts the days through the end date: 1 Sep … 31 Oct = 61 days.
    assert years.loc[2026, "elapsed_days"] == 61
    assert measure_row(con, QINGLONG, 2026, "teacher_visit")["expected"] == pytest.approx(6 * 61 / 365)


def test_the_scorecard_says_which_days_of_a_year_the_agreement_covers():
    row = {"school_year": 2024, "start_date": date(2025, 3, 1), "end_date": None}
    assert agreement_span(row, "zh") == "协议 2025-03-01 开始"
    assert agreement_span({**row, "start_date": date(2024, 9, 1)}, "en") is None, "a start on 1 September"
    both = {"school_year": 2026, "start_date": date(2026, 10, 1), "end_date": date(2027, 6, 30)}
    assert agreement_span(both, "en") == "the agreement started on 2026-10-01, the agreement ended on 2027-06-30"
    assert agreement_span({**both, "end_date": date(2027, 8, 31)}, "zh") == "协议 2026-10-01 开始"


def test_a_year_outside_the_agreement_says_why_nothing_is_expected():
    ended = {"school_year": 2026, "start_date": date(2022, 9, 1), "end_date": date(2025, 8, 31)}
    assert outside_agreement(ended, "en") == "the agreement ended on 2025-08-31"
    assert outside_agreement({**ended, "school_year": 2024}, "en") is None, "its last year"
    later = {"school_year": 2026, "start_date": date(2099, 9, 1), "end_date": None}
    assert outside_agreement(later, "zh") == "协议 2099-09-01 开始"
