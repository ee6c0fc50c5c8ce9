"""The columns of every table the app shows and exports: the query column, the i18n key of its header and
how its values are presented (codes as labels, school years as "2025–26 学年", ratios as percentages).

The pages render them on screen (web.tables), the writers put them in files (export.writers) and the
export SQL (analytics.exports) turns codes into the Chinese labels defined here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from assistance.analytics import problems
from assistance.analytics.attention import REASONS
from assistance.analytics.scorecard import AMBER_PERCENT, GREEN_PERCENT, SILENCE_DAYS, STATUSES
from assistance.filters import Period
from assistance.i18n import t

EXPORT_LANGUAGE = "zh"  # the re-uploadable format: Chinese headers and labels (English exports are for reading)


@dataclass(frozen=True)
class Column:
    """One column of a table: the query column, the i18n key of its header, how to present it."""

    name: str
    key: str
    kind: str = "text"  # text | university | province | id | int | days | float | percent | date | school_year
    #                     | measure | provenance | tier | status | reason | confidence
    #                     | category | problem_status | raised_by | owner_level | overdue | problem_scope
    width: str | None = None  # on screen: "small" | "medium" | "large" (None: Streamlit's default)


def _column(name: str, kind: str = "text", header: str | None = None, width: str | None = None) -> Column:
    """A column whose header is `export.col.<header or name>`."""
    return Column(name, f"export.col.{header or name}", kind, width)


# Each column once; the tables below pick from these.
DATE = _column("date", "date")
UNIVERSITY = _column("university", "university")
SCHOOL = _column("school")
COUNTY = _column("county")
PROVINCE = _column("province", "province")
MEASURE = _column("measure", "measure")
TITLE = _column("title", width="medium")
TEACHERS = _column("teachers", "int")
STUDENTS = _column("students", "int")
TEACHERS_REACHED = _column("teachers", "int", "teachers_reached")
STUDENTS_REACHED = _column("students", "int", "students_reached")
HOURS = _column("hours", "float")
NOTES = _column("notes")
PROVENANCE = _column("provenance", "provenance")
ACTIVITY_ID = _column("activity_id", "id")
BATCH_ID = _column("batch_id", "id")
PAIRING_ID = _column("pairing_id", "id")
STATUS = _column("status", "status")
REASON = _column("reason", "reason")
TIER = _column("tier", "tier")
SOURCE = _column("source", width="medium")
START_DATE = _column("start_date", "date")
END_DATE = _column("end_date", "date")  # an ended pairing's end (its status says 已结束 / ended)
LAST_DATE = _column("last_date", "date")
DAYS_SINCE_LAST = _column("days_since_last", "days")  # a number in files; today / yesterday / N days ago on screen
ACTIVITIES = _column("activities", "int")
PAIRINGS = _column("pairings", "int")
RED_PAIRINGS = _column("red_pairings", "int")
SCHOOL_YEAR = _column("school_year", "school_year")
TARGET = _column("target", "int")
EXPECTED = _column("expected", "float")
ACTUAL = _column("actual", "int")
ACTUAL_PLANNED = _column("actual_planned", "int")
ACTUAL_ALL = _column("actual", "int", "actual_all")
PROGRESS = _column("progress", "percent")
# The problem tracker (issue 10).
PROBLEM_ID = _column("problem_id", "id")
PROBLEM_TITLE = _column("title", header="problem_title", width="large")
PROBLEM = _column("problem", header="problem_title", width="medium")  # a needs-attention row's problem
CATEGORY = _column("category", "category")
PROBLEM_STATUS = _column("status", "problem_status")
RAISED_BY = _column("raised_by", "raised_by")
RAISED_ON = _column("raised_on", "date")
OWNER_LEVEL = _column("owner_level", "owner_level")
DUE_DATE = _column("due_date", "date")
RESOLVED_ON = _column("resolved_on", "date")
OVERDUE = _column("overdue_reason", "overdue", "overdue")
OVERDUE_WHY = _column("overdue_reason", "overdue", "overdue_why")  # a needs-attention row's: why it is overdue
DESCRIPTION = _column("description", header="problem_description", width="large")
RESOLUTION = _column("resolution", width="large")
PROBLEM_SCOPE = _column("scope", "problem_scope", "problem_scope")

# The activity export: upload-template columns first (so the file can be uploaded again), then context.
ACTIVITY_COLUMNS = (
    DATE, UNIVERSITY, SCHOOL, COUNTY, MEASURE, TITLE, TEACHERS, STUDENTS, HOURS, NOTES,
    PROVINCE, PROVENANCE, ACTIVITY_ID, BATCH_ID,
)  # fmt: skip
PAIRING_COLUMNS = (
    UNIVERSITY, SCHOOL, STATUS, LAST_DATE, DAYS_SINCE_LAST, ACTIVITIES, TEACHERS_REACHED, STUDENTS_REACHED,
    COUNTY, PROVINCE, TIER, START_DATE, END_DATE, PROVENANCE, SOURCE, PAIRING_ID,
)  # fmt: skip
# The "what" of a row beside each other: the measure below plan, or the overdue problem and why it is overdue.
ATTENTION_COLUMNS = (
    REASON, UNIVERSITY, SCHOOL, DAYS_SINCE_LAST, MEASURE, PROBLEM, OVERDUE_WHY, TARGET, EXPECTED, ACTUAL, PROGRESS,
    LAST_DATE, PROVINCE, PROVENANCE, PAIRING_ID,
)  # fmt: skip
# The problem export: the problem file's columns first (docs/contracts.md, "Problem file": the Chinese file imports
# again, every row unchanged), then context.
PROBLEM_COLUMNS = (
    UNIVERSITY, SCHOOL, COUNTY, PROVINCE, RAISED_ON, RAISED_BY, CATEGORY, PROBLEM_TITLE, DESCRIPTION, OWNER_LEVEL,
    PROBLEM_STATUS, DUE_DATE, RESOLUTION, OVERDUE, RESOLVED_ON, PROBLEM_SCOPE, PROVENANCE, PROBLEM_ID, PAIRING_ID,
)  # fmt: skip
# The Problems page's table (a problem opens from its title).
PROBLEM_LIST_COLUMNS = (
    PROBLEM_TITLE, CATEGORY, PROBLEM_STATUS, OVERDUE, UNIVERSITY, SCHOOL, COUNTY, PROVINCE, RAISED_ON, DUE_DATE,
    OWNER_LEVEL, PROVENANCE,
)  # fmt: skip
UNIVERSITY_COLUMNS = (
    UNIVERSITY, PAIRINGS, ACTIVITIES, TEACHERS_REACHED, STUDENTS_REACHED, LAST_DATE, RED_PAIRINGS,
)  # fmt: skip
MEASURE_SCORECARD_COLUMNS = (SCHOOL_YEAR, MEASURE, TARGET, EXPECTED, ACTUAL, PROGRESS, STATUS)
MEASURE_COUNT_COLUMNS = (MEASURE, ACTIVITIES, TEACHERS_REACHED, STUDENTS_REACHED)
YEAR_SCORECARD_COLUMNS = (SCHOOL_YEAR, TARGET, EXPECTED, ACTUAL_PLANNED, ACTUAL_ALL, PROGRESS, STATUS)
PAIRING_ACTIVITY_COLUMNS = tuple(c for c in ACTIVITY_COLUMNS if c.name not in ("county", "province"))

# Values the status and reason labels may quote (e.g. "60 天及以上无活动").
RULE_VALUES = {"days": SILENCE_DAYS, "amber": AMBER_PERCENT, "green": GREEN_PERCENT}
# Columns holding a code shown as a label: kind → (i18n key pattern, the codes).
LABELS = {
    "provenance": ("provenance.{}", ("verified", "demo", "imported", "entered")),  # entered: a problem or case
    "tier": ("tier.{}", ("national", "provincial", "municipal")),
    "status": ("school.status.{}", STATUSES),
    "reason": ("attention.reason.{}", REASONS),
    "confidence": ("school.confidence.{}", ("high", "medium", "low")),
    "category": ("problem.category.{}", problems.CATEGORIES),
    "problem_status": ("problem.status.{}", problems.STATUSES),
    "raised_by": ("problem.raised_by.{}", problems.RAISED_BY),
    "owner_level": ("problem.owner.{}", problems.OWNER_LEVELS),
    "overdue": ("problem.overdue.{}", problems.OVERDUE_REASONS),
    "problem_scope": ("problem.scope.{}", problems.SCOPES),
}


def label(kind: str, code: str, lang: str) -> str:
    return t(LABELS[kind][0].format(code), lang, **RULE_VALUES)


def days_text(days: int, lang: str) -> str:
    """Days since an event in words: 今天 / today, 昨天 / yesterday, else "N 天前" / "N days ago"."""
    if days == 0:
        return t("days.today", lang)
    return t("days.yesterday", lang) if days == 1 else t("days.ago", lang, days=f"{days:,}")


def formatter(column: Column, lang: str, measures: dict[str, str]) -> Callable[[object], object]:
    """Turn one raw value into what a person reads in `lang` (for the few rows a page shows)."""
    if column.kind == "measure":
        return lambda value: measures.get(value, value) if _present(value) else None
    if column.kind in LABELS:
        return lambda value: label(column.kind, value, lang) if _present(value) else None
    if column.kind == "school_year":
        return lambda value: Period(int(value)).label(lang) if _present(value) else None
    return lambda value: value


def _present(value: object) -> bool:
    """False for SQL NULL as DuckDB (None) or pandas (NA, NaN, NaT) hands it over."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def code_labels(lang: str) -> dict[str, list[tuple[str, str]]]:
    """Every labelled kind → its (code, label) pairs in `lang`, for the export SQL's CASE expressions."""
    return {kind: [(code, label(kind, code, lang)) for code in codes] for kind, (_key, codes) in LABELS.items()}
