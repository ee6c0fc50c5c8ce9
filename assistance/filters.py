"""The global filters (university, province, measure, period) and their URL form.

Leadership share links; a link must reproduce the view. So the filters have exactly one URL
encoding, parsed leniently (an unknown value is dropped, not an error) and written back canonically.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from assistance.i18n import t

_PERIOD = re.compile(r"^(?P<year>20\d\d)(?:-(?P<term>autumn|spring))?$")


@dataclass(frozen=True)
class Period:
    """A school year (1 Sep – 31 Aug) or one of its semesters, or everything.

    Semesters partition the school year so every day belongs to exactly one: autumn runs
    1 September – 31 January (with the winter camps of January), spring 1 February – 31 August.
    """

    year: int | None = None
    term: str | None = None  # "autumn" | "spring" | None for the whole year

    @classmethod
    def parse(cls, text: str | None) -> Period:
        match = _PERIOD.match((text or "").strip())
        if not match:
            return cls()
        return cls(int(match["year"]), match["term"])

    @property
    def code(self) -> str:
        if self.year is None:
            return "all"
        return f"{self.year}-{self.term}" if self.term else str(self.year)

    def bounds(self) -> tuple[date | None, date | None]:
        """Inclusive first and last day, or (None, None) for all time."""
        if self.year is None:
            return None, None
        if self.term == "autumn":
            return date(self.year, 9, 1), date(self.year + 1, 1, 31)
        if self.term == "spring":
            return date(self.year + 1, 2, 1), date(self.year + 1, 8, 31)
        return date(self.year, 9, 1), date(self.year + 1, 8, 31)

    def chart_span(self, today: date) -> tuple[date | None, date]:
        """The first and last day a monthly chart of this period covers: from the first day of the period's
        first month (None for all time: from the data's first month) to its last day or today, if sooner."""
        start, end = self.bounds()
        first = date(start.year, start.month, 1) if start else None
        return first, min(end or today, today)

    def label(self, lang: str) -> str:
        if self.year is None:
            return t("period.all", lang)
        years = f"{self.year}–{(self.year + 1) % 100:02d}"
        if self.term:
            return t(f"period.{self.term}", lang, years=years)
        return t("period.year", lang, years=years)


def month_starts(first: date, last: date) -> list[date]:
    """The first day of every month from `first`'s month to `last`'s, inclusive."""
    months, cursor = [], date(first.year, first.month, 1)
    while cursor <= last:
        months.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return months


def current_semester(today: date) -> Period:
    """The semester containing `today`."""
    year = today.year if today.month >= 9 else today.year - 1
    return Period(year, "autumn" if today.month >= 9 or today.month == 1 else "spring")


def previous_semester(period: Period) -> Period:
    """The semester just before a semester."""
    if period.term == "spring":
        return Period(period.year, "autumn")
    return Period(period.year - 1, "spring")


def period_choices(today: date, first_year: int = 2022) -> list[Period]:
    """Every period a user can pick, newest first: each school year then its semesters."""
    choices = [Period()]
    for year in range(current_semester(today).year, first_year - 1, -1):
        choices += [Period(year), Period(year, "autumn")]
        if date(year + 1, 2, 1) <= today:
            choices.append(Period(year, "spring"))
    return choices


def _values(params: Mapping, key: str) -> list[str]:
    """Query params arrive as str or list (st.query_params.get_all); normalise to a clean list."""
    getter = getattr(params, "get_all", None)
    raw = getter(key) if getter else params.get(key, [])
    if isinstance(raw, str):
        raw = [raw]
    out = []
    for item in raw:
        out += [part.strip() for part in str(item).split(",") if part.strip()]
    return out


@dataclass(frozen=True)
class Filters:
    universities: tuple[str, ...] = field(default_factory=tuple)
    province: str | None = None
    measure: str | None = None
    period: Period = field(default_factory=Period)

    @classmethod
    def from_query(cls, params: Mapping, known_universities=None, known_provinces=None, known_measures=None):
        """Read the URL; values not in the known sets (when given) are dropped."""
        universities = _values(params, "university")
        if known_universities is not None:
            universities = [u for u in universities if u in known_universities]
        province = next(iter(_values(params, "province")), None)
        if known_provinces is not None and province not in known_provinces:
            province = None
        measure = next(iter(_values(params, "measure")), None)
        if known_measures is not None and measure not in known_measures:
            measure = None
        period = Period.parse(next(iter(_values(params, "period")), None))
        return cls(tuple(dict.fromkeys(universities)), province, measure, period)

    def to_query(self) -> dict[str, str | list[str]]:
        """The canonical URL parameters (empty filters are left out)."""
        query: dict[str, str | list[str]] = {}
        if self.universities:
            query["university"] = list(self.universities)
        if self.province:
            query["province"] = self.province
        if self.measure:
            query["measure"] = self.measure
        if self.period.year is not None:
            query["period"] = self.period.code
        return query

    def describe(
        self,
        lang: str,
        province_names: Mapping[str, str],
        measure_names: Mapping[str, str],
        university_names: Mapping[str, str] | None = None,
    ) -> str:
        """One plain-words line, e.g. "北京师范大学 · 2025–26 学年秋季学期 · 全部举措"."""
        names = university_names or {}
        parts = [
            t("list.separator", lang).join(names.get(u, u) for u in self.universities)
            if self.universities
            else t("filters.all_universities", lang),
        ]
        if self.province:
            parts.append(province_names.get(self.province, self.province))
        parts.append(self.period.label(lang))
        parts.append(measure_names.get(self.measure, self.measure) if self.measure else t("filters.all_measures", lang))
        return " · ".join(parts)
