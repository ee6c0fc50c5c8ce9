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

from assistance.analytics.attention import REASONS
from assistance.analytics.scorecard import AMBER_PERCENT, GREEN_PERCENT, SILENCE_DAYS, STATUSES
from assistance.filters import Period
from assistance.i18n import t

EXPORT_LANGUAGE = "zh"  # exported files always have Chinese headers and labels


@dataclass(frozen=True)
class Column:
    """One column of a table: the query column, the i18n key of its header, how to present it."""

    name: str
    key: str
    kind: str = "text"  # text | university | province | id | int | float | percent | date | school_year
    #                     | measure | provenance | tier | status | reason | confidence
    width: str | None = None  # on screen: "small" | "medium" | "large" (None: Streamlit's default)


# The activity export: upload-template columns first (so the file can be uploaded again), then context.
ACTIVITY_COLUMNS = (
    Column("date", "export.col.date", "date"),
    Column("university", "export.col.university", "university"),
    Column("school", "export.col.school"),
    Column("county", "export.col.county"),
    Column("measure", "export.col.measure", "measure"),
    Column("title", "export.col.title", width="medium"),
    Column("teachers", "export.col.teachers", "int"),
    Column("students", "export.col.students", "int"),
    Column("hours", "export.col.hours", "float"),
    Column("notes", "export.col.notes"),
    Column("province", "export.col.province", "province"),
    Column("provenance", "export.col.provenance", "provenance"),
    Column("activity_id", "export.col.activity_id", "id"),
    Column("batch_id", "export.col.batch_id", "id"),
)
PAIRING_COLUMNS = (
    Column("university", "export.col.university", "university"),
    Column("school", "export.col.school"),
    Column("status", "export.col.status", "status"),
    Column("last_date", "export.col.last_date", "date"),
    Column("days_since_last", "export.col.days_since_last", "int"),
    Column("activities", "export.col.activities", "int"),
    Column("teachers", "export.col.teachers_reached", "int"),
    Column("students", "export.col.students_reached", "int"),
    Column("county", "export.col.county"),
    Column("province", "export.col.province", "province"),
    Column("tier", "export.col.tier", "tier"),
    Column("start_date", "export.col.start_date", "date"),
    Column("provenance", "export.col.provenance", "provenance"),
    Column("source", "export.col.source", width="medium"),
    Column("pairing_id", "export.col.pairing_id", "id"),
)
ATTENTION_COLUMNS = (
    Column("reason", "export.col.reason", "reason"),
    Column("university", "export.col.university", "university"),
    Column("school", "export.col.school"),
    Column("days_since_last", "export.col.days_since_last", "int"),
    Column("measure", "export.col.measure", "measure"),
    Column("target", "export.col.target", "int"),
    Column("expected", "export.col.expected", "float"),
    Column("actual", "export.col.actual", "int"),
    Column("progress", "export.col.progress", "percent"),
    Column("last_date", "export.col.last_date", "date"),
    Column("province", "export.col.province", "province"),
    Column("provenance", "export.col.provenance", "provenance"),
    Column("pairing_id", "export.col.pairing_id", "id"),
)
UNIVERSITY_COLUMNS = (
    Column("university", "export.col.university", "university"),
    Column("pairings", "export.col.pairings", "int"),
    Column("activities", "export.col.activities", "int"),
    Column("teachers", "export.col.teachers_reached", "int"),
    Column("students", "export.col.students_reached", "int"),
    Column("last_date", "export.col.last_date", "date"),
    Column("red_pairings", "export.col.red_pairings", "int"),
)
MEASURE_SCORECARD_COLUMNS = (
    Column("school_year", "export.col.school_year", "school_year"),
    Column("measure", "export.col.measure", "measure"),
    Column("target", "export.col.target", "int"),
    Column("expected", "export.col.expected", "float"),
    Column("actual", "export.col.actual", "int"),
    Column("progress", "export.col.progress", "percent"),
    Column("status", "export.col.status", "status"),
)
MEASURE_COUNT_COLUMNS = (
    Column("measure", "export.col.measure", "measure"),
    Column("activities", "export.col.activities", "int"),
    Column("teachers", "export.col.teachers_reached", "int"),
    Column("students", "export.col.students_reached", "int"),
)
YEAR_SCORECARD_COLUMNS = (
    Column("school_year", "export.col.school_year", "school_year"),
    Column("target", "export.col.target", "int"),
    Column("expected", "export.col.expected", "float"),
    Column("actual_planned", "export.col.actual_planned", "int"),
    Column("actual", "export.col.actual_all", "int"),
    Column("progress", "export.col.progress", "percent"),
    Column("status", "export.col.status", "status"),
)
PAIRING_ACTIVITY_COLUMNS = tuple(c for c in ACTIVITY_COLUMNS if c.name not in ("county", "province"))

# Values the status and reason labels may quote (e.g. "60 天及以上无活动").
RULE_VALUES = {"days": SILENCE_DAYS, "amber": AMBER_PERCENT, "green": GREEN_PERCENT}
# Columns holding a code shown as a label: kind → (i18n key pattern, the codes).
LABELS = {
    "provenance": ("provenance.{}", ("verified", "demo", "imported")),
    "tier": ("tier.{}", ("national", "provincial", "municipal")),
    "status": ("school.status.{}", STATUSES),
    "reason": ("attention.reason.{}", REASONS),
    "confidence": ("school.confidence.{}", ("high", "medium", "low")),
}


def label(kind: str, code: str, lang: str) -> str:
    return t(LABELS[kind][0].format(code), lang, **RULE_VALUES)


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
