"""What a brief says, gathered once for both forms (PDF and HTML) from the same library functions the pages use:
the KPI cards' figures (analytics.coverage.kpis, the overview), the universities page's reach and needs-attention
counts (analytics.universities.reach_totals, analytics.attention), the table by province (coverage.province_metrics,
the map's), activities by measure (universities.measure_counts), the needs-attention list's first ten rows, the
outcome counts (outcomes.queries.outcome_changes, the overview's panel) and, where the problem tracker is installed,
open and overdue problems by category. Every number in a brief is one of these; nothing is computed here but words.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from assistance.analytics import attention, coverage, queries, universities
from assistance.filters import Filters
from assistance.i18n import catalogue, t
from assistance.outcomes.queries import OutcomeChanges, outcome_changes
from assistance.reference.codes import CORPS_CODE

ATTENTION_ROWS = 10


@dataclass
class Brief:
    """Everything one brief shows; `empty` when no pairing is in view (the brief then says so and stops)."""

    lang: str
    today: date
    filters_text: str
    empty: bool
    demo: bool
    kpis: coverage.Kpis | None = None
    reach: dict = field(default_factory=dict)
    attention: dict = field(default_factory=dict)
    attention_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    provinces: pd.DataFrame = field(default_factory=pd.DataFrame)
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    outcomes: OutcomeChanges | None = None
    problems: pd.DataFrame | None = None  # category, open, overdue (None: no problem tracker)
    measure_names: dict[str, str] = field(default_factory=dict)  # code → label in the brief's language
    university_names: dict[str, str] = field(default_factory=dict)  # Chinese name → name in the brief's language

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)


def _names(con: duckdb.DuckDBPyConnection, lang: str) -> tuple[dict, dict, dict]:
    """Province, measure and university names in `lang` (the page header's `Filters.describe` arguments)."""
    provinces = queries.provinces(con, lang)
    measures = queries.measures(con)
    parties = queries.universities(con, lang)
    name = "name_en" if lang == "en" else "name_zh"
    label = "label_en" if lang == "en" else "label_zh"
    return (
        dict(zip(provinces["code"], provinces[name], strict=True)),
        dict(zip(measures["code"], measures[label], strict=True)),
        dict(zip(parties["name_zh"], parties[name], strict=True)),
    )


def filters_text(filters: Filters, lang: str, provinces: dict, measures: dict, parties: dict) -> str:
    """The filters in words, as the pages' header writes them (with the account's scope when it is not national)."""
    text = filters.describe(lang, provinces, measures, parties)
    scope = filters.scope
    if scope.university:
        text = f"{t('scope.yours', lang, scope=parties.get(scope.university, scope.university))} · {text}"
    elif scope.province:
        text = f"{t('scope.yours', lang, scope=provinces.get(scope.province, scope.province))} · {text}"
    elif scope.school:
        text = f"{t('scope.yours', lang, scope=scope.school)} · {text}"
    return text


def gather(con: duckdb.DuckDBPyConnection, filters: Filters, lang: str, today: date) -> Brief:
    """The brief of the filters (held to their scope) as of `today`."""
    provinces, measures, parties = _names(con, lang)
    brief = Brief(lang, today, filters_text(filters, lang, provinces, measures, parties), empty=False, demo=False)
    brief.measure_names, brief.university_names = measures, parties
    if not coverage.pairing_count(con, filters):
        brief.empty = True
        return brief
    brief.kpis = coverage.kpis(con, filters, today)
    brief.reach = universities.reach_totals(con, filters)
    brief.attention = attention.attention_summary(con, filters, today)
    brief.attention_rows = attention.attention_query(filters, today, lang).page(con, limit=ATTENTION_ROWS)
    provinces = coverage.province_metrics(con, filters, today)
    brief.provinces = provinces[provinces["pairings"] > 0].sort_values("code").reset_index(drop=True)
    brief.measures = universities.measure_counts(con, filters)
    brief.outcomes = outcome_changes(con, filters)
    brief.problems = _problems(con, filters, today)
    brief.demo = queries.demo_in_view(con, filters) or brief.outcomes.demo
    return brief


def _problems(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> pd.DataFrame | None:
    """Open and overdue problems by category from the problem tracker (issue 10) where it is installed; None when
    it is not (no module, or a database without its tables)."""
    try:
        problems = importlib.import_module("assistance.analytics.problems")
        return problems.category_counts(con, filters, today)
    except (ModuleNotFoundError, AttributeError, duckdb.CatalogException):
        return None


def category_label(category: str, lang: str) -> str:
    """A problem category in words (the problem tracker's catalogue), or its code."""
    pair = catalogue().get(f"problem.category.{category}")
    return pair[1 if lang == "en" else 0] if pair else category


def province_label(row, lang: str) -> str:
    if row.code == CORPS_CODE:
        return t("brief.corps", lang)
    return row.name_en if lang == "en" else row.name_zh
