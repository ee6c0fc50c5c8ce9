"""Deterministic demo outcomes (every row `provenance = 'demo'`), for the schools of demo pairings only.

No school publishes these figures, so the demo invents believable ones from the 2021–22 baseline to the last
complete school year: enrolment that grows a little, classes that shrink towards the 50s as large classes (56 or
more) are phased out (most schools reach none, a few do not), more teachers with master's degrees and senior titles,
fewer teachers leaving, more top students staying in the county, admission results that mostly rise with noise (some
fall). Some years and figures are left out, as real reports leave them out: missing is missing, never zero.

A school that any verified or imported pairing names gets no demo outcomes: invented figures are never attached
to a real school. The same seed and end day give the same rows.
"""

from __future__ import annotations

import random
from datetime import date

import duckdb
import pandas as pd

from assistance.outcomes.indicators import BASELINE_YEAR, NAMES
from assistance.store.transaction import transaction

SEED = 20210901


def last_complete_year(end: date) -> int:
    """The last school year (1 September – 31 August) that ended by `end`."""
    return (end.year if end.month >= 9 else end.year - 1) - 1


def demo_schools(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The schools whose every pairing is demo data and that have no outcome figures yet (a national demo adds its
    new schools' figures to those of the 86 demo schools of every demo database)."""
    rows = con.execute(
        "SELECT school_id FROM pairings WHERE school_id NOT IN (SELECT school_id FROM outcomes) "
        "GROUP BY school_id HAVING bool_and(provenance = 'demo') ORDER BY 1"
    ).fetchall()
    return [row[0] for row in rows]


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _school_rows(school_id: int, years: range, seed: int) -> list[dict]:
    rng = random.Random(seed * 1_000_003 + school_id)
    students0 = rng.randint(1400, 4200)
    growth = rng.uniform(-0.04, 0.06)
    size0, size_step = rng.uniform(54, 66), rng.uniform(1.0, 3.5)
    large0 = _clamp((size0 - 50) / 16, 0.1, 0.9)
    decay = rng.uniform(0.85, 0.95) if rng.random() < 0.15 else rng.uniform(0.15, 0.65)
    ratio0 = rng.uniform(13.5, 17.0)
    masters0, masters_step = rng.uniform(0.03, 0.10), rng.uniform(-0.004, 0.02)
    senior0, senior_step = rng.uniform(0.15, 0.30), rng.uniform(-0.003, 0.012)
    left0, left_trend = rng.randint(4, 18), rng.uniform(0.75, 1.05)
    local0, local_step = rng.uniform(30, 60), rng.uniform(-1.0, 6.0)
    rate0, rate_step = rng.uniform(15, 55), rng.uniform(-1.5, 4.0)
    line0, line_growth = rng.uniform(0.002, 0.03), rng.uniform(0.9, 1.35)
    skipped = rng.choice(years[1:]) if rng.random() < 0.12 and len(years) > 1 else None
    no_local_baseline = rng.random() < 0.15
    no_line_year = rng.choice(years) if rng.random() < 0.10 else None
    rows = []
    for k, year in enumerate(years):
        if year == skipped:
            continue
        students = round(students0 * (1 + growth) ** k * rng.uniform(0.985, 1.015))
        size = max(45.0, size0 - k * size_step)
        classes = max(1, round(students / size))
        large = min(classes, round(classes * large0 * decay**k))
        teachers = round(students / max(11.5, ratio0 - 0.5 * k) * rng.uniform(0.96, 1.03))
        row = {
            "school_id": school_id,
            "school_year": year,
            "students": students,
            "classes": classes,
            "large_classes": large,
            "teachers": teachers,
            "teachers_masters": min(teachers, round(teachers * (masters0 + masters_step * k))),
            "teachers_senior": min(teachers, round(teachers * _clamp(senior0 + senior_step * k, 0.05, 0.6))),
            "teachers_left": max(0, round(left0 * left_trend**k + rng.uniform(-2, 2))),
            "top_intake_local_pct": round(_clamp(local0 + local_step * k + rng.gauss(0, 1.5), 5, 95), 1),
            "undergrad_rate_pct": round(_clamp(rate0 + rate_step * k + rng.gauss(0, 2.0), 3, 95), 1),
            "special_line_students": max(0, round(students / 3 * line0 * line_growth**k * rng.uniform(0.85, 1.15))),
        }
        if no_local_baseline and year == BASELINE_YEAR:
            row["top_intake_local_pct"] = None
        if year == no_line_year:
            row["special_line_students"] = None
        rows.append(row)
    return rows


def generate_outcomes(school_ids: list[int], end: date, seed: int = SEED) -> pd.DataFrame:
    """The demo outcomes of the schools, one row per school and school year up to the last complete one."""
    years = range(BASELINE_YEAR, last_complete_year(end) + 1)
    rows = [row for school_id in sorted(school_ids) for row in _school_rows(school_id, years, seed)]
    frame = pd.DataFrame(rows, columns=["school_id", "school_year", *NAMES])
    return frame.astype({name: "Int64" for name in NAMES if not name.endswith("_pct")})


def load_demo_outcomes(con: duckdb.DuckDBPyConnection, end: date | None = None, seed: int = SEED) -> dict[str, int]:
    """Generate and insert the demo outcomes of the demo schools without figures, in one transaction."""
    frame = generate_outcomes(demo_schools(con), end or date.today(), seed)
    columns = ", ".join(("school_id", "school_year", *NAMES))
    with transaction(con) as cur:
        cur.register("demo_outcomes", frame)
        cur.execute(
            f"INSERT INTO outcomes ({columns}, provenance) SELECT {columns}, 'demo' FROM demo_outcomes "
            "ORDER BY school_id, school_year"
        )
    return {"outcomes": len(frame)}
