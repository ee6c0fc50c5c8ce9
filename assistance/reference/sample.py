"""Deterministic demo activity history and plan targets (every row `provenance = 'demo'`).

The real activity logs are not public. To make the dashboard useful before coordinators upload,
this module invents a believable history from September 2022 to a given day: term-time training,
camps in the summer and winter holidays, quiet festivals, most pairings active, some that went
quiet 90+ days ago and a few that almost never report. The same seed and end day give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from assistance.reference.calendar import month_starts
from assistance.reference.codes import PROGRAMME_START
from assistance.store.db import new_natural_key, title_key_sql
from assistance.store.transaction import transaction

SEED = 20220901
HISTORY_START = PROGRAMME_START  # the demo history starts with the programme

# Relative activity by calendar month (index 0 = January). Term time is busy; Spring Festival
# (late Jan/Feb), the gaokao in June and the summer holiday are quiet.
TERM_MONTHS = np.array([0.35, 0.12, 1.0, 1.0, 0.9, 0.6, 0.08, 0.05, 1.0, 0.75, 1.0, 0.95])
# Camps run in the summer (July–August) and winter (January–February) holidays only.
CAMP_MONTHS = np.array([0.35, 0.25, 0, 0, 0, 0, 0.9, 0.5, 0, 0, 0, 0])


@dataclass(frozen=True)
class MeasureProfile:
    code: str
    per_year: float  # planned activities in a full school year
    teachers: tuple[int, int]
    students: tuple[int, int]
    hours: tuple[float, float]
    titles: tuple[str, ...]
    camp: bool = False


SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治")
PROFILES = (
    MeasureProfile("resident_team", 8, (3, 8), (0, 0), (20, 80), ("驻校团队{month}月工作例会", "驻校团队{subject}教学管理诊断")),
    MeasureProfile("teacher_visit", 10, (8, 40), (40, 300), (3, 8), ("{subject}骨干教师到校指导", "{subject}示范课与评课")),
    MeasureProfile("student_teaching", 2, (4, 20), (150, 800), (40, 160), ("{season}学期研究生支教团到岗", "师范生{subject}教育实习")),
    MeasureProfile("principal_training", 2, (3, 15), (0, 0), (8, 40), ("校长领导力专题培训", "中层干部管理能力研修")),
    MeasureProfile("teacher_training", 5, (20, 150), (0, 0), (4, 24), ("新高考{subject}教学能力提升培训", "{subject}教师线上研修", "班主任工作专题培训")),
    MeasureProfile("shadowing", 2, (2, 8), (0, 0), (40, 200), ("赴附属中学跟岗学习（{subject}）", "管理干部挂职锻炼")),
    MeasureProfile("student_camp", 1.5, (2, 6), (20, 80), (24, 72), ("{season}假研学营", "{season}假科学营"), camp=True),
    MeasureProfile("lab_open_day", 1.5, (2, 8), (30, 120), (3, 8), ("重点实验室开放日", "{subject}前沿讲座与实验体验")),
    MeasureProfile("teaching_research", 6, (10, 60), (0, 0), (2, 6), ("{subject}集体备课", "{subject}高考备考研讨", "线上教研：{subject}课例研讨")),
    MeasureProfile("other", 1, (0, 20), (0, 100), (2, 8), ("县域教育发展咨询", "家校共育讲座")),
)  # fmt: skip


def school_year_of(day: date) -> int:
    """The school year runs 1 September to 31 August; it is named by the year it starts."""
    return day.year if day.month >= 9 else day.year - 1


def _reporting_window(rng: random.Random, end: date) -> tuple[str, date | None]:
    """Pick how a pairing reports: most steadily, some went quiet, a few almost never report."""
    draw = rng.random()
    if draw < 0.08:
        return "rare", None
    if draw < 0.23:
        return "lapsed", end - timedelta(days=rng.randint(95, 420))
    return "active", end


def _pairing_activities(pairing_id: int, end: date, seed: int) -> list[tuple]:
    rng = random.Random(seed * 1_000_003 + pairing_id)
    np_rng = np.random.default_rng(rng.getrandbits(64))
    style, last_day = _reporting_window(rng, end)
    intensity = float(np.exp(np_rng.normal(0, 0.35)))
    rows: list[tuple] = []
    if style == "rare":
        for _ in range(rng.randint(0, 3)):
            day = HISTORY_START + timedelta(days=rng.randint(0, (end - HISTORY_START).days))
            rows.append(_event(rng, pairing_id, day, PROFILES[rng.choice((1, 4))]))
        return rows
    for month in month_starts(HISTORY_START, last_day):
        ramp = 0.7 if school_year_of(month) == HISTORY_START.year else 1.0
        for profile in PROFILES:
            weights = CAMP_MONTHS if profile.camp else TERM_MONTHS
            expected = profile.per_year * weights[month.month - 1] / weights.sum() * intensity * ramp
            for _ in range(int(np_rng.poisson(expected))):
                next_month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
                last = min(next_month - timedelta(days=1), last_day)
                day = month + timedelta(days=rng.randint(0, (last - month).days))
                rows.append(_event(rng, pairing_id, day, profile))
    return rows


def _event(rng: random.Random, pairing_id: int, day: date, profile: MeasureProfile) -> tuple:
    season = "秋季" if day.month >= 8 or day.month <= 1 else "春季"
    if profile.camp:
        season = "寒" if day.month <= 2 else "暑"
    title = rng.choice(profile.titles).format(subject=rng.choice(SUBJECTS), season=season, month=day.month)
    teachers = rng.randint(*profile.teachers)
    students = rng.randint(*profile.students)
    hours = round(rng.uniform(*profile.hours) * 2) / 2
    notes = "线上" if "线上" in title else ""
    return (pairing_id, day, profile.code, title, teachers, students, hours, notes)


def generate_activities(pairing_ids: list[int], end: date, seed: int = SEED) -> pd.DataFrame:
    """All demo activities for the pairings up to `end`, one row per activity, natural keys unique."""
    rows = [row for pid in sorted(pairing_ids) for row in _pairing_activities(pid, end, seed)]
    frame = pd.DataFrame(
        rows, columns=["pairing_id", "date", "measure", "title", "teachers", "students", "hours", "notes"]
    )
    return frame.drop_duplicates(subset=["pairing_id", "date", "measure", "title"]).reset_index(drop=True)


def generate_plan_targets(pairing_ids: list[int], end: date, seed: int = SEED) -> pd.DataFrame:
    """Each pairing's "one school, one policy" plan: a target count per measure per school year."""
    rows = []
    for pairing_id in sorted(pairing_ids):
        rng = random.Random(seed * 7_919 + pairing_id)
        for year in range(HISTORY_START.year, school_year_of(end) + 1):
            for profile in PROFILES:
                target = max(0, round(profile.per_year * rng.uniform(0.7, 1.3)))
                rows.append((pairing_id, year, profile.code, target))
    return pd.DataFrame(rows, columns=["pairing_id", "school_year", "measure", "target"])


def load_demo(con: duckdb.DuckDBPyConnection, end: date | None = None, seed: int = SEED) -> dict[str, int]:
    """Generate and insert the demo history for the demo and verified pairings in one transaction."""
    end = end or date.today()
    pairing_ids = [r[0] for r in con.execute("SELECT pairing_id FROM pairings ORDER BY 1").fetchall()]
    activities = generate_activities(pairing_ids, end, seed)
    targets = generate_plan_targets(pairing_ids, end, seed)
    # The natural key folds full-width forms (NFKC) in Python first, exactly as uploads do. Registrations live
    # on the transaction's cursor and end with it.
    with transaction(con) as cur:
        cur.register("demo_activities", activities.assign(title_nfkc=activities["title"].str.normalize("NFKC")))
        # One row per natural key, none already stored (activities has no unique index: store.db.new_natural_key).
        cur.execute(
            "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, students, "
            "hours, notes, provenance) SELECT pairing_id, date, measure, title, title_key, teachers, students, "
            f"hours, nullif(notes, ''), 'demo' FROM (SELECT *, {title_key_sql('title_nfkc')} AS title_key "
            f"FROM demo_activities) d WHERE {new_natural_key('d')} "
            "QUALIFY row_number() OVER (PARTITION BY pairing_id, date, measure, title_key ORDER BY title) = 1 "
            "ORDER BY pairing_id, date, measure, title"
        )
        cur.register("demo_targets", targets)
        cur.execute(
            "INSERT INTO plan_targets (pairing_id, school_year, measure, target, provenance) "
            "SELECT pairing_id, school_year, measure, target, 'demo' FROM demo_targets"
        )
    return {"activities": len(activities), "plan_targets": len(targets)}
