"""The needs-attention list as a Streamlit section, shared by the overview and the universities page.

Call `render_needs_attention(ctx)` after `page_context()`. It follows the sidebar's university and
province filters (the measure filter narrows the below-plan rows), is computed as of today in SQL,
sorts and paginates in SQL, links each row to its scorecard and offers CSV/XLSX downloads. Overdue problems of a
pairing are rows of the list (their reason, their title); those of a county or a province are named under it with
the way to the problem tracker. Today's status of the pairings in view is computed once per filters and data
version (`progress`, analytics.progress) and read by the summary, the list and the universities page's table.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from assistance.analytics import attention, coverage, problems, scorecard
from assistance.analytics import progress as pairing_progress
from assistance.analytics.problems import OVERDUE_DAYS
from assistance.export.columns import ATTENTION_COLUMNS
from assistance.filters import Filters, Period
from assistance.web import cache
from assistance.web.layout import card, card_grid
from assistance.web.shell import Destination, PageContext
from assistance.web.tables import ROW_HEIGHT, file_stem, table_with_downloads

TOP_PROVINCES = 10  # the provinces the summary names (23 and the Corps at most)
DISPLAY_COLUMNS = tuple(column for column in ATTENTION_COLUMNS if column.name != "pairing_id")
SORT_KEYS = {
    "severity": "export.col.reason",
    "days_since_last": "export.col.days_since_last",
    "university": "export.col.university",
    "school": "export.col.school",
    "measure": "export.col.measure",
    "progress": "export.col.progress",
}


def progress(ctx: PageContext, today: date) -> pa.Table:
    """`progress.pairing_progress` of the pairings in view, computed once per filters, day and data version."""
    return _progress(ctx.con, ctx.filters, today)


def _progress(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> pa.Table:
    narrowed = pairing_progress.progress_filters(filters)
    return cache.remember(con, filters.scope, pairing_progress.pairing_progress, narrowed, today)


def _summary(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> dict[str, int]:
    return attention.attention_summary(con, filters, today, _progress(con, filters, today))


def reason_counts(ctx: PageContext, today: date) -> dict[str, int]:
    """`attention.attention_summary` of the page's filters, from the pairings' progress computed once."""
    return cache.figure(ctx, _summary, ctx.filters, today)


def _breakdown(con: duckdb.DuckDBPyConnection, filters: Filters, today: date) -> attention.Breakdown:
    return attention.attention_breakdown(con, filters, today, _progress(con, filters, today))


def breakdown(ctx: PageContext, today: date) -> attention.Breakdown:
    """`attention.attention_breakdown` of the page's filters, from the pairings' progress computed once."""
    return cache.figure(ctx, _breakdown, ctx.filters, today)


def summary_tables(ctx: PageContext, today: date) -> None:
    """Pairings needing attention by reason (a card each) and the provinces with the most of them (a table), above
    the paged list: what a reader takes in before paging through a thousand rows (issue 14, item 5)."""
    counts = breakdown(ctx, today)
    words = {"days": scorecard.SILENCE_DAYS, "amber": scorecard.AMBER_PERCENT}
    st.markdown(f"**{ctx.t('attention.by_reason')}**")
    cards = card_grid(4)
    for reason in attention.REASONS:
        card(cards, ctx.t(f"attention.reason.{reason}", **words), f"{counts.by_reason[reason]:,}")
    top = counts.provinces.head(TOP_PROVINCES)
    names = ctx.province_names()
    pairings = ctx.t("attention.col.pairings")
    provinces = pd.DataFrame(
        {ctx.t("attention.col.province"): [names.get(code, code) for code in top["province_code"]]}
        | {pairings: top["pairings"]}
        | {ctx.t(f"attention.short.{r}"): top[r] for r in attention.REASONS}
    )
    st.markdown(f"**{ctx.t('attention.by_province', shown=len(top), total=len(counts.provinces))}**")
    most = int(top["pairings"].max()) if len(top) else 1
    bar = st.column_config.ProgressColumn(pairings, format="%d", min_value=0, max_value=max(1, most))
    st.dataframe(
        provinces,
        hide_index=True,
        width="stretch",
        height=(len(provinces) + 1) * ROW_HEIGHT + 3,
        column_config={pairings: bar},
    )
    st.caption(ctx.t("attention.by_note"))


def scorecard_of(row) -> Destination:
    """The scorecard of a table row's pairing (the filters stay)."""
    return Destination("pages/schools.py", {"pairing": int(row.pairing_id)})


def render_needs_attention(
    ctx: PageContext, today: date | None = None, key: str = "attention", summary: dict[str, int] | None = None
) -> int:
    """Draw the section; return how many pairings need attention (0 draws a short all-clear line).

    `summary` is `reason_counts(ctx, today)` (`attention.attention_summary`), if the page already has it.
    """
    today = today or scorecard.today()
    st.subheader(ctx.t("attention.title"), anchor="needs-attention")
    year = Period(scorecard.school_year_of(today)).label(ctx.lang)
    st.caption(ctx.t("attention.caption", today=today.isoformat(), year=year))
    summary = summary or reason_counts(ctx, today)
    if not summary["pairings"]:
        _area_problems(ctx, today)
        if cache.figure(ctx, coverage.pairing_count, ctx.filters):
            st.success(ctx.t("attention.empty"), icon=":material/check_circle:")
        else:  # nothing in view is not "all is well" (issue 13, item 5)
            st.info(ctx.t("scope.attention"), icon=":material/filter_alt_off:")
        return 0
    st.markdown(
        ctx.t(
            "attention.summary",
            pairings=summary["pairings"],
            never=summary["never_reported"],
            silent=summary["silent"],
            below=summary["below_plan"],
            days=scorecard.SILENCE_DAYS,
            amber=scorecard.AMBER_PERCENT,
        )
    )
    if summary["problem_overdue"]:
        st.markdown(ctx.t("attention.problems", count=summary["problem_overdue"], days=OVERDUE_DAYS))
    summary_tables(ctx, today)
    _area_problems(ctx, today)
    scope = ctx.t("list.separator").join(ctx.filters.universities)
    table_with_downloads(
        ctx,
        attention.attention_query(ctx.filters, today, ctx.lang, progress(ctx, today)),
        key,
        SORT_KEYS,
        DISPLAY_COLUMNS,
        ATTENTION_COLUMNS,
        ctx.t("attention.export"),
        file_stem(scope, ctx.t("export.file.attention")),
        "export.file.attention",
        links={"attention.open": (ctx.t("attention.open"), scorecard_of)},
        total=sum(summary[reason] for reason in attention.REASONS),
    )
    return summary["pairings"]


def _area_problems(ctx: PageContext, today: date) -> None:
    """The overdue problems of a county or a province in view: no pairing's scorecard to open, so a line that
    names them and the way to the problem tracker."""
    count = cache.figure(ctx, problems.summary, ctx.filters, today)["area_overdue"]
    if count:
        st.caption(ctx.t("attention.area_problems", count=count))
        st.page_link("pages/problems.py", label=ctx.t("problems.panel.open"), icon=":material/assignment_late:")
