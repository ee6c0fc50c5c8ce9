"""What a brief says, gathered once for both forms (PDF and HTML) from the same library functions the pages use:
the KPI cards' figures (analytics.coverage.kpis, the overview), the universities page's reach and needs-attention
counts (analytics.universities.reach_totals, analytics.attention), the coverage map's units (coverage.province_metrics
nationally, coverage.county_metrics when the scope is one province: the map page's, by its default metric), the
table by province (province_metrics), activities by measure (universities.measure_counts), the needs-attention
list's first ten rows, the outcome counts (outcomes.queries.outcome_changes, the overview's panel), the newest cases
the ministry selected (guidance.cases.newest_selected) and, where the problem tracker is installed, open and overdue
problems by category. Every number in a brief is one of these; nothing is computed here but words.

A scorecard's brief is the brief of its pairing (`pairing_filters`): that university and that school, with the
page's other filters.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from datetime import date

import duckdb
import pandas as pd

from assistance.access.scope import Scope
from assistance.analytics import attention, coverage, queries, scorecard, universities
from assistance.filters import Filters
from assistance.geo.boundaries import has_county_map
from assistance.guidance.cases import newest_selected
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
    map_metric: str = coverage.METRICS[0]  # the map page's default
    map_province: str | None = None  # the province whose counties the map shows; None: the national map
    map_units: pd.DataFrame = field(default_factory=pd.DataFrame)  # province_metrics, or that province's counties
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)  # guidance.cases.newest_selected
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


def filters_text(
    filters: Filters, lang: str, provinces: dict, measures: dict, parties: dict, pairing: bool = False
) -> str:
    """The filters in words, as the pages' header writes them (with the account's scope when it is not national);
    a pairing's brief (`pairing`: its school is the scope) starts with the school."""
    text = filters.describe(lang, provinces, measures, parties)
    scope = filters.scope
    if pairing:
        text = f"{scope.school} · {text}"
    elif scope.university:
        text = f"{t('scope.yours', lang, scope=parties.get(scope.university, scope.university))} · {text}"
    elif scope.province:
        text = f"{t('scope.yours', lang, scope=provinces.get(scope.province, scope.province))} · {text}"
    elif scope.school:
        text = f"{t('scope.yours', lang, scope=scope.school)} · {text}"
    return text


def pairing_filters(con: duckdb.DuckDBPyConnection, filters: Filters, pairing_id: int) -> Filters | None:
    """The filters of a scorecard's brief: its pairing's university, province and school, with the page's cycle,
    period and measure (the tier is the pairing's own). None when there is no such pairing in the account's scope.

    The school narrows the scope (`Scope(school_id=…)`) only once the pairing is found inside the account's own
    scope, so a brief never shows more than the account may see: with the university filter it is that pairing."""
    info = scorecard.pairing_info(con, int(pairing_id), filters.scope)
    if info is None:
        return None
    school_id = con.execute("SELECT school_id FROM pairings WHERE pairing_id = ?", [int(pairing_id)]).fetchone()[0]
    return replace(
        filters,
        universities=(info["university"],),
        province=info["province_code"],
        tier=None,
        scope=Scope(school_id=int(school_id), school=info["school"]),
    )


def gather(
    con: duckdb.DuckDBPyConnection, filters: Filters, lang: str, today: date, pairing: int | None = None
) -> Brief:
    """The brief of the filters (held to their scope) as of `today`; of one pairing in that scope, with the
    filters' cycle, period and measure, when `pairing` is given (a pairing outside the scope: an empty brief)."""
    provinces, measures, parties = _names(con, lang)
    narrowed = filters if pairing is None else pairing_filters(con, filters, pairing)
    text = filters_text(narrowed or filters, lang, provinces, measures, parties, pairing=pairing is not None and
                        narrowed is not None)  # fmt: skip
    brief = Brief(lang, today, text, empty=False, demo=False)
    brief.measure_names, brief.university_names = measures, parties
    if narrowed is None or not coverage.pairing_count(con, narrowed):
        brief.empty = True
        return brief
    filters = narrowed
    brief.kpis = coverage.kpis(con, filters, today)
    brief.reach = universities.reach_totals(con, filters)
    brief.attention = attention.attention_summary(con, filters, today)
    brief.attention_rows = attention.attention_query(filters, today, lang).page(con, limit=ATTENTION_ROWS)
    provinces = coverage.province_metrics(con, filters, today)
    brief.provinces = provinces[provinces["pairings"] > 0].sort_values("code").reset_index(drop=True)
    if filters.province and has_county_map(filters.province):  # as the map page: drilled when a province is chosen
        brief.map_province = filters.province
        brief.map_units = coverage.county_metrics(con, filters, today, filters.province)
    else:
        brief.map_units = provinces
    brief.measures = universities.measure_counts(con, filters)
    brief.outcomes = outcome_changes(con, filters)
    brief.cases = newest_selected(con, filters)
    brief.problems = _problems(con, filters, today)
    brief.demo = (
        queries.demo_in_view(con, filters) or brief.outcomes.demo or bool((brief.cases["provenance"] == "demo").any())
    )
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
