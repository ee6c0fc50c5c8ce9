"""Outcome figures in words, for the scorecard and overview panels and the brief (no Streamlit): each indicator's
name, a figure as written (3,200 · 45.5% · — for a missing one), a change since the baseline (+5.2 个百分点 /
+5.2 pp), the way it moved, the policy threshold and whether it is met, and the two panels' tables.
"""

from __future__ import annotations

import base64

import pandas as pd

from assistance.i18n import t
from assistance.outcomes.indicators import BASELINE_YEAR, BY_NAME
from assistance.outcomes.queries import IndicatorLine, OutcomeChanges

MISSING = "—"


def indicator_name(name: str, lang: str) -> str:
    return t(f"outcomes.indicator.{name}", lang)


def year_label(year: int, lang: str) -> str:
    """2021–22 (the year's short name, for a column header)."""
    del lang
    return f"{year}–{(year + 1) % 100:02d}"


def figure(name: str, value: float | None) -> str:
    """A figure as a reader writes it: 3,200 · 45.5% · — when missing (never 0)."""
    if value is None or value != value:
        return MISSING
    if BY_NAME[name].rate:
        return f"{value:.1f}%"
    return f"{round(value):,}"


def change_text(line: IndicatorLine, lang: str) -> str:
    """The change since the baseline with the way it moved: +522（好转）· −19（好转）· +5.2 个百分点（变差）· —."""
    if line.change is None or line.moved is None:
        return MISSING
    if BY_NAME[line.indicator].rate:
        amount = t("outcomes.points", lang, value=f"{line.change:+.1f}".replace("-", "−"))
    else:
        amount = f"{round(line.change):+,}".replace("-", "−")
    return t("outcomes.change", lang, amount=amount, moved=t(f"outcomes.moved.{line.moved}", lang))


def threshold_text(line: IndicatorLine, lang: str) -> str:
    """The policy target and whether the school's latest figure meets it; — where the policy sets none."""
    if line.threshold is None:
        return MISSING
    target = t("outcomes.threshold.large_classes", lang)
    if line.meets_threshold is None:
        return t("outcomes.threshold.unknown", lang, target=target)
    current = line.latest if line.latest is not None else line.baseline
    key = "outcomes.threshold.met" if line.meets_threshold else "outcomes.threshold.not_met"
    return t(key, lang, target=target, value=figure(line.indicator, current))


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 30, 4
SPARK_LINE, SPARK_MISSING = "#1f5796", "#adb5bd"


def sparkline(values: list[float | None]) -> str:
    """A small trend line as an SVG data URL: the years with a figure joined, a missing year breaks the line and
    shows as a hollow grey circle at the bottom (missing is not zero); the latest figure is a dot."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)

    def y(value: float) -> float:
        if high == low:
            return SPARK_HEIGHT / 2
        return SPARK_HEIGHT - SPARK_PAD - (value - low) / (high - low) * (SPARK_HEIGHT - 2 * SPARK_PAD)

    shapes, run = [], []
    for index, value in enumerate([*values, None]):
        x = SPARK_PAD + index * step
        if value is not None:
            run.append(f"{x:.1f},{y(value):.1f}")
            continue
        if len(run) > 1:
            shapes.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{SPARK_LINE}" stroke-width="2"/>')
        elif run:
            shapes.append(
                f'<circle cx="{run[0].split(",")[0]}" cy="{run[0].split(",")[1]}" r="2" fill="{SPARK_LINE}"/>'
            )
        run = []
        if index < len(values):
            shapes.append(
                f'<circle cx="{x:.1f}" cy="{SPARK_HEIGHT - 3}" r="2" fill="none" stroke="{SPARK_MISSING}" '
                'stroke-width="1"/>'
            )
    last = max(i for i, v in enumerate(values) if v is not None)
    shapes.append(f'<circle cx="{SPARK_PAD + last * step:.1f}" cy="{y(values[last]):.1f}" r="3" fill="{SPARK_LINE}"/>')
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}">{"".join(shapes)}</svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def scorecard_table(lines: list[IndicatorLine], lang: str) -> pd.DataFrame:
    """One row per indicator: its name, the baseline figure, the latest figure with its school year, the change
    since the baseline, the trend over every year (`sparkline`) and the policy threshold; — where missing."""
    years = sorted(lines[0].values) if lines else []
    rows = []
    for line in lines:
        latest = MISSING
        if line.latest_year is not None:
            latest = t("outcomes.latest_value", lang, value=figure(line.indicator, line.latest),
                       year=year_label(line.latest_year, lang))  # fmt: skip
        rows.append(
            {
                t("outcomes.col.indicator", lang): indicator_name(line.indicator, lang),
                t("outcomes.col.baseline", lang, year=year_label(BASELINE_YEAR, lang)): figure(
                    line.indicator, line.baseline
                ),
                t("outcomes.col.latest", lang): latest,
                t("outcomes.col.change", lang): change_text(line, lang),
                t("outcomes.col.trend", lang): sparkline([line.values[year] for year in years]),
                t("outcomes.col.threshold", lang): threshold_text(line, lang),
            }
        )
    return pd.DataFrame(rows)


def years_table(lines: list[IndicatorLine], lang: str) -> pd.DataFrame:
    """Every school year's figure of each indicator, from the baseline on (— where a year has none)."""
    years = sorted(lines[0].values) if lines else []
    rows = []
    for line in lines:
        row = {t("outcomes.col.indicator", lang): indicator_name(line.indicator, lang)}
        row.update({year_label(year, lang): figure(line.indicator, line.values[year]) for year in years})
        rows.append(row)
    return pd.DataFrame(rows)


def changes_table(changes: OutcomeChanges, lang: str) -> pd.DataFrame:
    """The overview's counts: per indicator the schools compared, improved, the same, declined (rose/fell for an
    indicator with no better direction, named so) and without a baseline or a later figure. Counts, no ranking."""
    rows = []
    for row in changes.table.itertuples(index=False):
        name = indicator_name(row.indicator, lang)
        if row.better == 0:
            name = t("outcomes.overview.neutral", lang, name=name)
        rows.append((name, row.compared, row.improved, row.same, row.declined, row.missing))
    headers = [
        t(f"outcomes.overview.col.{key}", lang)
        for key in ("indicator", "compared", "improved", "same", "declined", "missing")
    ]
    return pd.DataFrame(rows, columns=headers)


def baseline_words(changes: OutcomeChanges, lang: str) -> str:
    """Baseline 2021–22 → latest 2025–26: 86 of the 115 schools in view report figures."""
    latest = year_label(changes.latest_year, lang) if changes.latest_year is not None else MISSING
    return t(
        "outcomes.overview.caption",
        lang,
        baseline=year_label(BASELINE_YEAR, lang),
        latest=latest,
        reporting=f"{changes.reporting:,}",
        schools=f"{changes.schools:,}",
    )
