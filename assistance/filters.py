"""The global filters (university, province, tier, cycle, measure, period) and their URL form.

Leadership share links; a link must reproduce the view. So the filters have exactly one URL
encoding, written back canonically, and a link is read leniently (`read_link`): names in any spelling the
reference data knows (Beijing Normal University, 北师大, 甘肃, Student camp) resolve, and what cannot be
understood is dropped and reported, never an error.

Tier and cycle (issue 9): `?tier=national|provincial|municipal` keeps the pairings of one tier of the registry
(国家示范 / 省级 / 市级). `?cycle=1|2` is a time window of the three-year agreements (CYCLES: cycle 1 is
2022-09-01 – 2025-08-31, cycle 2 is 2025-09-01 – 2028-08-31): it keeps the pairings whose agreement (start date
through end date, open-ended without one) overlaps the window, and the activities dated inside it (within the
period too, when one is chosen). A pairing re-signed for the next cycle is one pairing in both windows.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from assistance.access.scope import NATIONAL, Scope
from assistance.i18n import t
from assistance.reference.loader import normalise_name

_PERIOD = re.compile(r"^(?P<year>20\d\d)(?:-(?P<term>autumn|spring))?$")
TIERS = ("national", "provincial", "municipal")
# The agreement cycles: three school years each (docs/programme.md).
CYCLES = {1: (date(2022, 9, 1), date(2025, 8, 31)), 2: (date(2025, 9, 1), date(2028, 8, 31))}


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
    tier: str | None = None  # one of TIERS
    cycle: int | None = None  # a key of CYCLES
    # What the signed-in account may see (access.scope.scope_of): set by the shell from the accounts table, never
    # from a link or a widget; not part of the address. Every filtered query applies it (analytics.queries).
    scope: Scope = NATIONAL

    def cycle_bounds(self) -> tuple[date | None, date | None]:
        """The chosen cycle's first and last day, or (None, None) for every cycle."""
        return CYCLES.get(self.cycle, (None, None))

    def to_query(self) -> dict[str, str | list[str]]:
        """The canonical URL parameters (empty filters are left out)."""
        query: dict[str, str | list[str]] = {}
        if self.universities:
            query["university"] = list(self.universities)
        if self.province:
            query["province"] = self.province
        if self.tier:
            query["tier"] = self.tier
        if self.cycle:
            query["cycle"] = str(self.cycle)
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
        """One plain-words line, e.g. "北京师范大学 · 国家示范 · 2025–26 学年秋季学期 · 全部举措"."""
        names = university_names or {}
        parts = [
            t("list.separator", lang).join(names.get(u, u) for u in self.universities)
            if self.universities
            else t("filters.all_universities", lang),
        ]
        if self.province:
            parts.append(province_names.get(self.province, self.province))
        if self.tier:
            parts.append(t(f"tier.{self.tier}", lang))
        if self.cycle:
            parts.append(cycle_label(self.cycle, lang))
        parts.append(self.period.label(lang))
        parts.append(measure_names.get(self.measure, self.measure) if self.measure else t("filters.all_measures", lang))
        return " · ".join(parts)


def cycle_label(cycle: int, lang: str) -> str:
    """第 1 周期（2022–2025）/ Cycle 1 (2022–2025)."""
    first, last = CYCLES[cycle]
    return t("filters.cycle_value", lang, cycle=cycle, first=first.year, last=last.year)


def tier_index() -> dict[str, str]:
    """The `name_index` of the tiers: code, Chinese and English label (national, 国家示范, National …)."""
    return name_index((code, [t(f"tier.{code}", lang) for lang in ("zh", "en")]) for code in TIERS)


def name_index(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Every spelling of every value, folded (`normalise_name`: case, width, spaces) → the value itself,
    e.g. "beijingnormaluniversity" → "北京师范大学"; `entries` are (value, its spellings)."""
    return {normalise_name(spelling): value for value, spellings in entries for spelling in (value, *spellings)}


def within_scope(filters: Filters, scope: Scope) -> tuple[Filters, tuple[tuple[str, str], ...]]:
    """The filters held to an account's scope, and the (parameter, value) pairs of a link that lay outside it (a
    coordinator of 北京师范大学 opening `?university=复旦大学`): those are dropped, so the view is the account's own
    data, and the page says so."""
    outside: list[tuple[str, str]] = []
    universities = filters.universities
    if scope.university is not None:
        outside += [("university", name) for name in universities if name != scope.university]
        universities = tuple(name for name in universities if name == scope.university)
    province = filters.province
    if scope.province is not None and province is not None and province != scope.province:
        outside.append(("province", province))
        province = None
    return replace(filters, universities=universities, province=province, scope=scope), tuple(outside)


@dataclass(frozen=True)
class LinkReading:
    """What a link's filter parameters say: the filters the app can use, and the (parameter, value) pairs it
    could not understand, in the link's order."""

    filters: Filters
    ignored: tuple[tuple[str, str], ...] = ()


def read_link(
    params: Mapping,
    universities: Mapping[str, str],
    provinces: Mapping[str, str],
    measures: Mapping[str, str],
    periods: Collection[str],
) -> LinkReading:
    """The filters of a link's parameters. `universities`, `provinces` and `measures` are `name_index`es of the
    values the app offers; `periods` the period codes it offers; tiers (code or label) and cycles (1, 2) are
    fixed. Repeated keys of a single-choice filter: the first understood value applies, every other value is
    reported."""
    ignored: list[tuple[str, str]] = []

    def understood(key: str, index: Mapping[str, str]) -> list[str]:
        found = []
        for value in _values(params, key):
            hit = index.get(normalise_name(value))
            if hit is None:
                ignored.append((key, value))
            elif hit not in found:
                found.append(hit)
        return found

    def first(key: str, found: list[str]) -> str | None:
        ignored.extend((key, value) for value in found[1:])
        return found[0] if found else None

    chosen = understood("university", universities)
    province = first("province", understood("province", provinces))
    tier = first("tier", understood("tier", tier_index()))
    cycle = first("cycle", understood("cycle", {str(number): str(number) for number in CYCLES}))
    measure = first("measure", understood("measure", measures))
    period_index = {code: code for code in periods} | {"all": "all"}
    period = Period.parse(first("period", understood("period", period_index)))
    filters = Filters(tuple(chosen), province, measure, period, tier, int(cycle) if cycle else None)
    return LinkReading(filters, tuple(ignored))
