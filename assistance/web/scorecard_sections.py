"""The school page's sections: the pairing picker, who and where, the school year's status, the plan against
actual by measure, the years, the activity log and the exports.

Every figure comes from `analytics.scorecard` (SQL), kept until the next write (web.cache); these functions only
choose, label and lay them out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from assistance.analytics import coverage, scorecard
from assistance.analytics.tables import TableQuery
from assistance.export.columns import (
    MEASURE_SCORECARD_COLUMNS,
    PAIRING_ACTIVITY_COLUMNS,
    RULE_VALUES,
    YEAR_SCORECARD_COLUMNS,
    days_text,
)
from assistance.export.columns import label as code_label
from assistance.figures import progress as progress_figures
from assistance.figures.style import STATUS_BADGES
from assistance.filters import Filters, Period
from assistance.i18n import t
from assistance.web import cache
from assistance.web.layout import card_grid
from assistance.web.shell import PLOTLY_CONFIG, PROVENANCE_BADGES, Destination, PageContext, go_to, page_header
from assistance.web.tables import download_buttons, file_stem, paged_table, small_table, sort_controls, status_text
from assistance.web.university_sections import pairings_table

YEAR_PICKER_WIDTH = 300  # pixels
ACTIVITY_SORT_KEYS = ("date", "measure", "title", "teachers", "students", "hours")
SHOWN_ACTIVITY_COLUMNS = tuple(
    c for c in PAIRING_ACTIVITY_COLUMNS if c.name not in ("university", "school", "batch_id")
)


# ---------------------------------------------------------------------------------------------------
# Plain helpers (no Streamlit)


_PAIRING_ID = re.compile(r"[0-9]{1,9}")  # ASCII digits, below the INTEGER column's 2,147,483,647


def requested_pairing(value: str | None) -> int | None:
    """The pairing id of a `?pairing=` value, or None if it is not a whole number the registry could hold."""
    text = (value or "").strip()
    return int(text) if _PAIRING_ID.fullmatch(text) else None


def names_in(row: Mapping, lang: str) -> tuple[str, str]:
    """The pairing's university and province in the UI language (the Chinese name if no English one)."""
    zh = lang == "zh"
    university = row["university"] if zh else row["university_en"]
    province = row["province"] if zh or not row["province_en"] else row["province_en"]
    return university, province


def missing(value: object) -> bool:
    """SQL NULL as pandas hands it over (None or NaN)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def day_of(value: object) -> date | None:
    """A DATE column's value as DuckDB or pandas hands it over (date, Timestamp, NaT, None) as a date or None."""
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def percent_text(value: object) -> str:
    return "—" if missing(value) else f"{value * 100:.0f}%"


def is_ended(info: Mapping, today: date) -> bool:
    """Whether a pairing's agreement ended before `today` (the status rule's `ended`)."""
    end = day_of(info.get("end_date"))
    return end is not None and end < today


def agreement_words(info: Mapping, today: date, lang: str) -> list[str]:
    """The pairing's cycle and end in words (第 2 周期, 2025-08-31 已结束 / agreement until 2028-08-31)."""
    words = []
    cycle = info.get("cycle")
    if cycle is not None and not pd.isna(cycle):
        words.append(t("school.cycle", lang, cycle=int(cycle)))
    end = day_of(info.get("end_date"))
    if end is not None:
        words.append(t("school.end.past" if end < today else "school.end.future", lang, end=end.isoformat()))
    return words


def plan_source_text(sources: list[tuple[str, int | None]], lang: str) -> str:
    """Where a year's plan targets came from (`scorecard.plan_sources`) in words: imported (batch 12), demo data,
    or none."""
    if not sources:
        return t("school.plan_source", lang, sources=t("school.plan_source.none", lang))
    parts = []
    for provenance, batch in sources:
        if provenance == "imported" and batch is not None:
            parts.append(t("school.plan_source.batch", lang, batch=batch))
        else:
            parts.append(t(f"school.plan_source.{provenance}", lang))
    return t("school.plan_source", lang, sources=t("list.separator", lang).join(dict.fromkeys(parts)))


def source_text(source: str | None) -> str:
    """A registry source as markdown: a web address as a link, anything else as written."""
    source = source or ""
    return f"[{source}]({source})" if source.startswith(("http://", "https://")) else source


# ---------------------------------------------------------------------------------------------------
# Sections


def choose_pairing(ctx: PageContext) -> dict | None:
    """The pairing of the URL's `?pairing=<id>`, with a searchable picker that writes the URL.

    The picker offers the pairings in view of the sidebar's filters and the account's scope (plus the open one),
    says how many of the account's, and finds a pairing by any word of its label (school, party, province, county).
    Without a valid pairing the page's header, a prompt and the picker are drawn and None returned.
    """
    requested = st.query_params.get("pairing")
    pairing_id = requested_pairing(requested)
    info = cache.figure(ctx, scorecard.pairing_info, pairing_id, ctx.filters.scope) if pairing_id is not None else None
    today = scorecard.today()
    labels = cache.figure(ctx, choice_labels, ctx.filters, ctx.lang, today)  # 2,000 of them at national scale
    shown = len(labels)
    if info is not None and info["pairing_id"] not in labels:
        labels = {info["pairing_id"]: choice_label(info, today, ctx.lang)} | labels
    if info is None:
        page_header(ctx, "nav.schools")
        if requested:
            st.warning(ctx.t("school.not_found", pairing=requested))
        st.write(ctx.t("school.pick_prompt"))
    options = list(labels)
    picked = st.selectbox(
        ctx.t("school.pick_label"),
        options,
        index=options.index(info["pairing_id"]) if info is not None else None,
        format_func=labels.get,
        placeholder=ctx.t("school.pick_placeholder"),
        help=ctx.t("school.pick_help"),
    )
    total = cache.figure(ctx, coverage.pairing_count, Filters(scope=ctx.filters.scope))  # the account's own
    st.caption(ctx.t("school.pick_count", shown=f"{shown:,}", total=f"{total:,}"))
    if picked is not None and (info is None or picked != info["pairing_id"]):
        st.query_params["pairing"] = str(picked)
        st.rerun()
    return info


def choice_labels(con, filters: Filters, lang: str, today: date) -> dict[int, str]:
    """The picker's options: each pairing in view (`scorecard.pairing_choices`) → its words (`choice_label`)."""
    rows = scorecard.pairing_choices(con, filters, lang).to_dict("records")
    return {row["pairing_id"]: choice_label(row, today, lang) for row in rows}


def choice_label(row: Mapping, today: date, lang: str) -> str:
    """A pairing as the picker names it: school, university, province and county, and its end if it ended."""
    university, province = names_in(row, lang)
    label = t("school.pick_option", lang, school=row["school"], university=university, province=province,
              county=row["county"])  # fmt: skip
    if is_ended(row, today):
        label += t("school.pick_ended", lang, end=day_of(row["end_date"]).isoformat())
    return label


def school_list(ctx: PageContext, today: date) -> None:
    """With no school chosen: the schools in view of the filters with their status, each opening its scorecard."""
    st.subheader(ctx.t("school.list_title"))
    st.caption(ctx.t("school.list_caption", today=today.isoformat()))
    pairings_table(ctx, today, "school_list")


def school_header(ctx: PageContext, info: dict) -> None:
    """Who, where, since when, where the pairing comes from, and the way back to its university."""
    university, province = names_in(info, ctx.lang)
    st.title(info["school"])
    st.markdown(ctx.t("school.subtitle", university=university, province=province, county=info["county"]))
    provenance = info["provenance"]
    colour, icon = PROVENANCE_BADGES[provenance]
    st.badge(
        ctx.t("badge.demo") if provenance == "demo" else ctx.t(f"provenance.{provenance}"), color=colour, icon=icon
    )
    line = ctx.t("school.tier_start", tier=ctx.t(f"tier.{info['tier']}"), start=info["start_date"].date().isoformat())
    line = " · ".join([line, *agreement_words(info, scorecard.today(), ctx.lang)])
    if is_ended(info, scorecard.today()):
        st.badge(ctx.t("school.status.ended"), color="gray", icon=":material/event_busy:")
    source = source_text(info["source"]) or ctx.t("school.source.none")
    if provenance == "demo":
        origin = ctx.t("school.source.demo")
    elif provenance == "verified":
        confidence = ctx.t(f"school.confidence.{info['confidence']}") if info["confidence"] else "—"
        origin = ctx.t("school.source.verified", confidence=confidence) + source
    else:
        origin = ctx.t("school.source.imported") + source
    st.markdown(f"{line} · {origin}")
    demo_rows = cache.figure(ctx, scorecard.demo_activity_count, int(info["pairing_id"]))
    if demo_rows and provenance != "demo":
        colour, icon = PROVENANCE_BADGES["demo"]
        st.badge(ctx.t("school.demo_activities", count=demo_rows), color=colour, icon=icon)
    if st.button(ctx.t("school.back", university=university), icon=":material/arrow_back:", type="tertiary"):
        go_to(ctx, Destination("pages/universities.py", changes={"universities": (info["university"],)}))


def year_picker(ctx: PageContext, years: pd.DataFrame) -> pd.Series:
    """The school year to show (the current one, or an ended pairing's last year, unless the sidebar's period
    names another); its scorecard row.

    `years` is `scorecard.year_scorecard(...)`: one row per school year, newest first.
    """
    rows = years.set_index("school_year", drop=False)
    names = {}
    for year, current in zip(rows["school_year"], rows["is_current"], strict=True):
        label = Period(int(year)).label(ctx.lang)
        names[int(year)] = ctx.t("school.year_current", label=label) if current else label
    options = list(names)
    end = day_of(rows["end_date"].iloc[0]) if "end_date" in rows and len(rows) else None
    last = scorecard.school_year_of(end) if end is not None and end < scorecard.today() else None
    default = next(year for year in (ctx.filters.period.year, last, options[0]) if year in names)
    year = st.selectbox(  # wide enough for "2026–27 学年（当前）" in any window; narrower windows take their width
        ctx.t("school.year"), options, index=options.index(default), format_func=names.get, width=YEAR_PICKER_WIDTH
    )
    st.caption(ctx.t("school.filters_note"))
    return rows.loc[year]


def status_cells(ctx: PageContext, row: pd.Series, status: dict) -> None:
    """The year's status, progress against plan, activities, and the last activity (today's)."""
    cells = card_grid(4)
    with cells.cell():
        st.caption(ctx.t("school.metric.status"))
        st.markdown(f"### :{STATUS_BADGES.get(row['status'], 'gray')}[{status_text(row['status'], ctx.lang)}]")
    expected = "0" if missing(row["expected"]) else f"{row['expected']:.1f}"
    cells.metric(
        ctx.t("school.metric.progress"),
        percent_text(row["progress"]),
        help=ctx.t("school.metric.progress_help", actual=int(row["actual_planned"]), expected=expected),
    )
    cells.metric(ctx.t("school.metric.activities"), f"{int(row['actual']):,}")
    last = status.get("last_date")
    if last is not None and last == last:
        delta = days_text(int(status["days_since_last"]), ctx.lang)
        shown, colour = last.date().isoformat(), "inverse" if status["silent"] else "off"
    else:
        shown, delta, colour = "—", ctx.t("school.metric.never"), "inverse"
    cells.metric(ctx.t("school.metric.last"), shown, delta=delta, delta_color=colour, delta_arrow="off")


def agreement_span(row: Mapping, lang: str) -> str | None:
    """Why a school year counts fewer days than it has: the pairing started or ended inside it, in words; None
    when the agreement covers the whole year."""
    year = int(row["school_year"])
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    start, end = day_of(row.get("start_date")), day_of(row.get("end_date"))
    parts = []
    if start is not None and first < start <= last:
        parts.append(t("school.span.start", lang, start=start.isoformat()))
    if end is not None and first <= end < last:
        parts.append(t("school.span.end", lang, end=end.isoformat()))
    return t("list.separator", lang).join(parts) or None


def outside_agreement(row: Mapping, lang: str) -> str | None:
    """Why no day of a school year counts (it lies after the agreement's end or before its start), in words."""
    year = int(row["school_year"])
    start, end = day_of(row.get("start_date")), day_of(row.get("end_date"))
    if end is not None and end < date(year, 9, 1):
        return t("school.span.end", lang, end=end.isoformat())
    if start is not None and start > min(date(year + 1, 8, 31), scorecard.today()):
        return t("school.span.start", lang, start=start.isoformat())
    return None


def rule_section(ctx: PageContext, row: pd.Series) -> None:
    """How far into the school year the figures are (the days the agreement covers), and the status rule."""
    label = Period(int(row["school_year"])).label(ctx.lang)
    elapsed, days = int(row["elapsed_days"]), int(row["year_days"])
    span = agreement_span(row, ctx.lang)
    outside = outside_agreement(row, ctx.lang)
    if outside:
        st.caption(ctx.t("school.outside", label=label, why=outside))
    elif span:
        share = f"{elapsed / days:.1%}"
        st.caption(ctx.t("school.elapsed_span", label=label, elapsed=elapsed, days=days, share=share, span=span))
    elif row["is_current"]:
        st.caption(ctx.t("school.elapsed", label=label, elapsed=elapsed, days=days, share=f"{elapsed / days:.1%}"))
    else:
        st.caption(ctx.t("school.elapsed_past", label=label))
    with st.container(border=True):
        st.markdown(f"**{ctx.t('school.rule_title')}**")
        words = {f"{code}_label": code_label("status", code, ctx.lang) for code in scorecard.STATUSES}
        st.markdown(ctx.t("school.rule", **RULE_VALUES, **words))


def plan_section(ctx: PageContext, pairing_id: int, year: int, today: date) -> TableQuery:
    """Plan against actual by measure for the year: the table and its chart; returns the table's query."""
    st.subheader(ctx.t("school.plan_title", label=Period(year).label(ctx.lang)))
    st.caption(plan_source_text(cache.figure(ctx, scorecard.plan_sources, pairing_id, year), ctx.lang))
    query = scorecard.measure_scorecard_query(pairing_id, year, today)
    measures = cache.rows(ctx, query)
    small_table(ctx, measures, tuple(c for c in MEASURE_SCORECARD_COLUMNS if c.name != "school_year"))
    plan = partial(progress_figures.plan_figure, measures, ctx.lang, ctx.measure_names())
    figure = cache.chart(ctx, plan, "plan", pairing_id, year, today)
    st.plotly_chart(figure, config=PLOTLY_CONFIG | ctx.chart_locale())
    return query


@dataclass(frozen=True)
class ActivityLog:
    """The activity log as shown: its query, sort and row count (the export follows them)."""

    query: TableQuery
    sort: str
    descending: bool
    count: int


def activity_log(ctx: PageContext, pairing_id: int, year: int) -> ActivityLog:
    """The activity log: searchable by title, sortable, paginated in SQL."""
    st.subheader(ctx.t("school.activities_title"))
    search_col, year_col = st.columns([3, 1], vertical_alignment="bottom")
    search = search_col.text_input(
        ctx.t("school.search"),
        placeholder=ctx.t("school.search_placeholder"),
        key="school_search",
        on_change=lambda: st.session_state.update(school_activities_page=1),
    )
    only_year = year_col.toggle(ctx.t("school.only_year"), key="school_only_year")
    query = scorecard.activities_query(pairing_id, search, year if only_year else None)
    labels = {key: ctx.t(f"export.col.{key}") for key in ACTIVITY_SORT_KEYS}
    sort, descending = sort_controls(ctx, query, "school_activities", labels)
    count = cache.count(ctx, query)
    if count:
        paged_table(ctx, query, SHOWN_ACTIVITY_COLUMNS, "school_activities", sort, descending, total=count)
    else:
        st.info(ctx.t("school.no_activities"))
    return ActivityLog(query, sort, descending, count)


def exports(
    ctx: PageContext, school: str, year: int, measures: TableQuery, years: TableQuery, log: ActivityLog
) -> None:
    """CSV/XLSX of the measure scorecard, the years and the activity log (in the order shown)."""
    st.subheader(ctx.t("school.exports"))
    st.caption(ctx.t("export.note"))
    download_buttons(
        ctx,
        measures,
        MEASURE_SCORECARD_COLUMNS,
        "school_export_measures",
        ctx.t("school.export.scorecard"),
        file_stem(school, ctx.t("export.file.scorecard"), str(year)),
        "export.file.scorecard",
    )
    download_buttons(
        ctx,
        years,
        YEAR_SCORECARD_COLUMNS,
        "school_export_years",
        ctx.t("school.export.years"),
        file_stem(school, ctx.t("export.file.years")),
        "export.file.years",
    )
    download_buttons(
        ctx,
        log.query,
        PAIRING_ACTIVITY_COLUMNS,
        "school_export_activities",
        ctx.t("school.export.activities", count=f"{log.count:,}"),
        file_stem(school, ctx.t("export.file.activities")),
        "export.file.activities",
        log.sort,
        log.descending,
    )
