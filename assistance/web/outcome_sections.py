"""Outcome panels (办学成效指标, issue 11) and the brief's download button, as Streamlit sections.

`scorecard_panel` shows one school's indicators from the 2021–22 baseline to its latest year (the change, small
trend lines, the policy threshold); `overview_panel` counts how many schools in view improved, stayed the same or
declined on each indicator (counts, never a league table); `brief_buttons` offers the leadership brief of the
current filters as PDF and HTML (on the overview and universities pages; on a scorecard, the brief of its
pairing). Every figure comes from `assistance.outcomes` (SQL, held to the account's scope) and is worded by
`outcomes.words`; missing years show as —, never as zero; demo figures carry 示例.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from assistance.brief import brief_file_name, build_brief, has_cjk_font
from assistance.outcomes import queries as outcome_queries
from assistance.outcomes import words
from assistance.outcomes.indicators import LARGE_CLASS_SIZE
from assistance.web import cache
from assistance.web.shell import PROVENANCE_BADGES, PageContext

SPARK_COLUMN_WIDTH = 130  # pixels: the trend line whole
THRESHOLD_COLUMN_WIDTH = 170  # pixels: 目标 0：未达到（12） / 0: not met (12) whole


def _demo_mark(ctx: PageContext, demo: bool) -> None:
    if demo:
        colour, icon = PROVENANCE_BADGES["demo"]
        st.badge(ctx.t("outcomes.demo_badge"), color=colour, icon=icon, help=ctx.t("outcomes.demo_help"))


def scorecard_panel(ctx: PageContext, pairing_id: int) -> None:
    """The school's outcomes: baseline → latest with the change, trend lines, thresholds; or why there are none."""
    st.subheader(ctx.t("outcomes.panel.title"), anchor="outcomes")
    frame = cache.figure(ctx, outcome_queries.school_outcomes, pairing_id, ctx.filters.scope)
    if frame.empty:
        st.info(ctx.t("outcomes.panel.none"), icon=":material/query_stats:")
        return
    _demo_mark(ctx, bool((frame["provenance"] == "demo").any()))
    st.caption(ctx.t("outcomes.panel.caption"))
    lines = outcome_queries.school_lines(frame)
    trend = ctx.t("outcomes.col.trend")
    st.dataframe(
        words.scorecard_table(lines, ctx.lang),
        hide_index=True,
        width="stretch",
        column_config={
            trend: st.column_config.ImageColumn(trend, width=SPARK_COLUMN_WIDTH),
            ctx.t("outcomes.col.threshold"): st.column_config.TextColumn(width=THRESHOLD_COLUMN_WIDTH),
        },
        key="outcomes_scorecard",
    )
    with st.expander(ctx.t("outcomes.years_title"), icon=":material/table_rows:"):
        st.dataframe(words.years_table(lines, ctx.lang), hide_index=True, width="stretch", key="outcomes_years")
    st.caption(ctx.t("outcomes.panel.threshold_note", size=LARGE_CLASS_SIZE))
    st.caption(ctx.t("outcomes.no_ranking"))


def overview_panel(ctx: PageContext) -> None:
    """How many schools in view improved, stayed the same or declined on each indicator since the baseline."""
    st.subheader(ctx.t("outcomes.overview.title"), anchor="outcomes")
    changes = cache.figure(ctx, outcome_queries.outcome_changes, ctx.filters)
    if not changes.reporting:
        st.info(ctx.t("outcomes.overview.none"), icon=":material/query_stats:")
        return
    _demo_mark(ctx, changes.demo)
    st.caption(words.baseline_words(changes, ctx.lang))
    st.dataframe(words.changes_table(changes, ctx.lang), hide_index=True, width="stretch", key="outcomes_overview")
    st.caption(ctx.t("outcomes.no_ranking"))


def brief_buttons(ctx: PageContext, today: date | None = None, pairing: int | None = None) -> None:
    """下载简报 / Download brief: the current filters' brief as PDF and as one self-contained HTML file, made when
    clicked (the same figures as the pages); on a scorecard (`pairing`), the brief of that pairing with the page's
    other filters."""
    today = today or date.today()
    filters, lang, con = ctx.filters, ctx.lang, ctx.con
    pdf_ok = _pdf_possible()
    with st.container(horizontal=True, vertical_alignment="center"):
        for fmt in ("pdf", "html"):

            def make(fmt: str = fmt) -> bytes:  # runs when clicked, on a thread of its own
                return build_brief(con, filters, lang, fmt, today, pairing)

            st.download_button(
                ctx.t(f"brief.button.{fmt}"),
                make,
                file_name=brief_file_name(lang, today, fmt),
                mime="application/pdf" if fmt == "pdf" else "text/html",
                key=f"brief_{fmt}",
                on_click="ignore",
                icon=":material/summarize:",
                disabled=fmt == "pdf" and not pdf_ok,
                help=None if fmt == "html" or pdf_ok else ctx.t("brief.button.no_font"),
            )
        st.caption(ctx.t("brief.button.caption_pairing" if pairing is not None else "brief.button.caption"), width=320)


@st.cache_resource(show_spinner=False)
def _pdf_possible() -> bool:
    """Whether the server has a CJK font for the PDF brief (looked for once per process)."""
    return has_cjk_font()
