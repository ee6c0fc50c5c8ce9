"""A brief as a list of blocks, the same for the PDF and the HTML form: a title, the filters and the date, figure
cards beside the coverage map, tables, bars and notes, in the reader's language. `layout(brief)` decides what is
said; brief.pdf and brief.html only draw it, so both forms say exactly the same."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from assistance.analytics import scorecard
from assistance.brief.content import Brief, category_label, province_label
from assistance.brief.svgmap import MapImage, coverage_map
from assistance.export.columns import days_text
from assistance.export.columns import label as code_label
from assistance.outcomes import words as outcome_words


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    tone: str = "plain"  # plain | note | warning


@dataclass(frozen=True)
class Cards:
    cards: tuple[tuple[str, str, str], ...]  # (label, value, small print under the value)
    per_row: int = 4


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    numeric: tuple[bool, ...]  # right-aligned columns


@dataclass(frozen=True)
class Bars:
    bars: tuple[tuple[str, int, str], ...]  # (label, value, value as written)
    legend: str = ""


@dataclass(frozen=True)
class Beside:
    """Two blocks side by side (the figure cards and the map), `share` of the width to the left one."""

    left: Cards | MapImage
    right: Cards | MapImage
    share: float = 0.5


Block = Heading | Paragraph | Cards | Table | Bars | MapImage | Beside


@dataclass
class Layout:
    lang: str
    title: str
    subtitle: str
    demo_mark: str | None  # 示例数据 on every page when demo rows are in the brief
    footer: str
    blocks: list[Block] = field(default_factory=list)


def _n(value: object) -> str:
    return f"{int(value):,}"


def layout(brief: Brief) -> Layout:
    """The brief's blocks, in order."""
    tr = brief.t
    page = Layout(
        lang=brief.lang,
        title=tr("brief.title"),
        subtitle=tr("brief.subtitle", filters=brief.filters_text, today=brief.today.isoformat()),
        demo_mark=tr("brief.demo_mark") if brief.demo else None,
        footer=tr("brief.footer", today=brief.today.isoformat()),
    )
    if brief.demo:
        page.blocks.append(Paragraph(tr("brief.demo_note"), "warning"))
    if brief.empty:
        page.blocks.append(Paragraph(tr("brief.empty"), "warning"))
        return page
    page.blocks += _coverage(brief) + _provinces(brief) + _measures(brief) + _attention(brief) + _outcomes(brief)
    page.blocks += _problems(brief) + _cases(brief)
    page.blocks.append(Paragraph(tr("brief.source"), "note"))
    return page


def _coverage(brief: Brief) -> list[Block]:
    tr, k = brief.t, brief.kpis
    provinces = tr("brief.kpi.provinces_value", covered=k.provinces, total=k.province_total)
    if k.corps:
        provinces = tr("brief.kpi.provinces_corps", covered=k.provinces, total=k.province_total)
    share = f"{k.active_share:.0%}" if k.active_share is not None else "—"
    delta = f"{k.semester_delta:+,}".replace("-", "−")
    cards = (
        (tr("brief.kpi.pairings"), _n(k.pairings), ""),
        (tr("brief.kpi.universities"), _n(k.universities), ""),
        (tr("brief.kpi.provinces"), provinces, ""),
        (tr("brief.kpi.active_share"), share, tr("brief.kpi.active_note", active=_n(k.active_pairings))),
        (tr("brief.kpi.activities"), _n(brief.reach["activities"]), tr("brief.kpi.in_period")),
        (tr("brief.kpi.teachers"), _n(brief.reach["teachers"]), tr("brief.kpi.in_period")),
        (tr("brief.kpi.students"), _n(brief.reach["students"]), tr("brief.kpi.in_period")),
        (
            tr("brief.kpi.this_semester"),
            _n(k.this_semester),
            tr("brief.kpi.semester_note", delta=delta),
        ),
    )
    figure = coverage_map(brief.map_units, brief.map_province, brief.map_metric, brief.lang)
    return [Heading(tr("brief.section.coverage")), Beside(Cards(cards, per_row=2), figure, share=0.41)]


def _provinces(brief: Brief) -> list[Block]:
    """The provinces in two halves side by side (the table stays a third of a page for all 24 units)."""
    tr = brief.t
    rows = [
        (
            province_label(row, brief.lang),
            _n(row.pairings),
            _n(row.schools),
            _n(row.activities),
            f"{row.active_share:.0%}" if row.active_share == row.active_share else "—",
        )
        for row in brief.provinces.itertuples(index=False)
    ]
    headers = tuple(tr(f"brief.province.{key}") for key in ("province", "pairings", "schools", "activities", "active"))
    table = _halves(headers, rows, (2.6, 1.0, 1.0, 1.2, 1.3), (False, True, True, True, True))
    return [Heading(tr("brief.section.provinces")), table]


def _measures(brief: Brief) -> list[Block]:
    tr = brief.t
    bars = tuple(
        (brief.measure_names.get(row.measure, row.measure), int(row.activities), _n(row.activities))
        for row in brief.measures.itertuples(index=False)
    )
    return [Heading(tr("brief.section.measures")), Bars(bars, tr("brief.measures_note"))]


def _attention(brief: Brief) -> list[Block]:
    tr, summary = brief.t, brief.attention
    blocks: list[Block] = [Heading(tr("brief.section.attention"))]
    if not summary["pairings"]:
        return [*blocks, Paragraph(tr("brief.attention.none"))]
    blocks.append(
        Paragraph(
            tr(
                "brief.attention.summary", pairings=summary["pairings"], never=summary["never_reported"],
                silent=summary["silent"], below=summary["below_plan"], days=scorecard.SILENCE_DAYS,
                amber=scorecard.AMBER_PERCENT, shown=min(len(brief.attention_rows), summary["pairings"]),
            )
        )
    )  # fmt: skip
    rows = []
    for row in brief.attention_rows.itertuples(index=False):
        university = brief.university_names.get(row.university, row.university)
        measure = brief.measure_names.get(row.measure, row.measure) if isinstance(row.measure, str) else "—"
        days = None if pd.isna(row.days_since_last) else int(row.days_since_last)
        last = "—" if days is None else days_text(days, brief.lang)
        rows.append((university, row.school, code_label("reason", row.reason, brief.lang), measure, last))
    headers = tuple(tr(f"brief.attention.{key}") for key in ("university", "school", "reason", "measure", "last"))
    blocks.append(Table(headers, tuple(rows), (3.3, 2.2, 1.9, 1.3, 1.3), (False,) * 5))
    return blocks


def _outcomes(brief: Brief) -> list[Block]:
    tr, changes = brief.t, brief.outcomes
    blocks: list[Block] = [Heading(tr("brief.section.outcomes"))]
    if changes is None or not changes.reporting:
        return [*blocks, Paragraph(tr("outcomes.overview.none"))]
    blocks.append(Paragraph(outcome_words.baseline_words(changes, brief.lang)))
    table = outcome_words.changes_table(changes, brief.lang)
    rows = tuple(tuple(str(v) if i == 0 else _n(v) for i, v in enumerate(row)) for row in table.itertuples(index=False))
    blocks.append(Table(tuple(table.columns), rows, (4.2, 1.2, 1.2, 1.2, 1.2, 1.6), (False, *[True] * 5)))
    blocks.append(Paragraph(tr("outcomes.no_ranking"), "note"))
    return blocks


def _problems(brief: Brief) -> list[Block]:
    if brief.problems is None or brief.problems.empty:
        return []
    tr = brief.t
    if not (brief.problems["open"].sum() or brief.problems["overdue"].sum()):
        return [Heading(tr("brief.section.problems")), Paragraph(tr("brief.problems.none"))]
    rows = [
        (category_label(row.category, brief.lang), _n(row.open), _n(row.overdue))
        for row in brief.problems.itertuples(index=False)
        if row.open or row.overdue
    ]
    headers = (tr("brief.problems.category"), tr("brief.problems.open"), tr("brief.problems.overdue"))
    return [Heading(tr("brief.section.problems")), _halves(headers, rows, (3, 1.2, 1.2), (False, True, True))]


def _halves(headers: tuple[str, ...], rows: list[tuple[str, ...]], widths, numeric) -> Table:
    """A table of many short rows in two halves side by side: the first half of the rows on the left, in order."""
    if len(rows) <= 4:
        return Table(headers, tuple(rows), widths, numeric)
    half = (len(rows) + 1) // 2
    blank = ("",) * len(headers)
    paired = tuple(left + (rows[half + i] if half + i < len(rows) else blank) for i, left in enumerate(rows[:half]))
    return Table(headers * 2, paired, widths * 2, numeric * 2)


def _cases(brief: Brief) -> list[Block]:
    """The newest cases the ministry selected in this scope: title, its pairings, measures and the day selected."""
    tr = brief.t
    heading = Heading(tr("brief.section.cases"))
    if brief.cases.empty:
        return [heading, Paragraph(tr("brief.cases.none"))]
    separator = tr("list.separator")
    rows = tuple(
        (
            row.title,
            separator.join(
                f"{brief.university_names.get(university, university)} – {school}"
                for university, school in zip(row.universities, row.schools, strict=True)
            ),
            separator.join(brief.measure_names.get(m, m) for m in row.measures),
            pd.Timestamp(row.selected_on).date().isoformat(),
        )
        for row in brief.cases.itertuples(index=False)
    )
    headers = tuple(tr(f"brief.cases.{key}") for key in ("title", "pairs", "measures", "date"))
    return [heading, Table(headers, rows, (3.35, 3.5, 2.5, 1.1), (False,) * 4)]
