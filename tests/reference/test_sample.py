"""The demo history generator: deterministic, seasonal, believable, all demo."""

from datetime import date

import duckdb

from assistance.reference import sample
from tests.conftest import DEMO_TODAY

PAIRINGS = list(range(1, 116))


def test_same_seed_and_day_give_identical_rows():
    first = sample.generate_activities(PAIRINGS, DEMO_TODAY)
    second = sample.generate_activities(PAIRINGS, DEMO_TODAY)
    assert first.equals(second)
    assert sample.generate_plan_targets(PAIRINGS, DEMO_TODAY).equals(sample.generate_plan_targets(PAIRINGS, DEMO_TODAY))


def test_another_seed_gives_another_history():
    assert not sample.generate_activities(PAIRINGS[:10], DEMO_TODAY, seed=1).equals(
        sample.generate_activities(PAIRINGS[:10], DEMO_TODAY, seed=2)
    )


def test_history_spans_september_2022_to_the_end_day():
    rows = sample.generate_activities(PAIRINGS, DEMO_TODAY)
    assert rows["date"].min() >= date(2022, 9, 1)
    assert rows["date"].max() <= DEMO_TODAY
    assert rows["date"].max() >= date(2026, 11, 1)


def test_camps_only_in_holidays_and_term_time_is_busier():
    rows = sample.generate_activities(PAIRINGS, DEMO_TODAY)
    months = rows["date"].map(lambda d: d.month)
    camp_months = set(months[rows["measure"] == "student_camp"])
    assert camp_months <= {1, 2, 7, 8}
    training = months[rows["measure"].isin(["teacher_training", "principal_training"])]
    assert (training.isin([3, 4, 5, 9, 10, 11, 12])).mean() > 0.8
    assert (months == 8).sum() < (months == 9).sum() / 4  # August is quiet next to September


def test_spread_of_reporting_behaviour():
    rows = sample.generate_activities(PAIRINGS, DEMO_TODAY)
    last = rows.groupby("pairing_id")["date"].max().reindex(PAIRINGS)
    counts = rows.groupby("pairing_id").size().reindex(PAIRINGS, fill_value=0)
    quiet = ((DEMO_TODAY - last.dropna()).map(lambda d: d.days) > 90).sum() + last.isna().sum()
    assert 5 <= quiet <= 40  # some pairings went quiet
    assert 2 <= (counts <= 3).sum() <= 20  # a few almost never report
    assert (counts > 50).mean() > 0.6  # most are active


def test_participants_are_believable():
    rows = sample.generate_activities(PAIRINGS, DEMO_TODAY)
    assert (rows[["teachers", "students", "hours"]] >= 0).all().all()
    camps = rows[rows["measure"] == "student_camp"]
    assert camps["students"].between(20, 80).all()
    trainings = rows[rows["measure"] == "teacher_training"]
    assert trainings["students"].eq(0).all() and trainings["teachers"].between(20, 150).all()


def test_plan_targets_per_pairing_per_school_year():
    targets = sample.generate_plan_targets(PAIRINGS, DEMO_TODAY)
    assert set(targets["school_year"]) == {2022, 2023, 2024, 2025, 2026}
    assert len(targets) == 115 * 5 * 10
    assert sample.school_year_of(date(2026, 8, 31)) == 2025
    assert sample.school_year_of(date(2026, 9, 1)) == 2026


def test_every_generated_row_is_demo(demo_db_template):
    con = duckdb.connect(str(demo_db_template), read_only=True)
    assert con.execute("SELECT DISTINCT provenance FROM activities").fetchall() == [("demo",)]
    assert con.execute("SELECT DISTINCT provenance FROM plan_targets").fetchall() == [("demo",)]
