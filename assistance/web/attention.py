"""The needs-attention list as a Streamlit section, shared by the overview and the universities page.

Call `render_needs_attention(ctx)` after `page_context()`. It follows the sidebar's university and
province filters (the measure filter narrows the below-plan rows), is computed as of today in SQL,
sorts and paginates in SQL, links each row to its scorecard and offers CSV/XLSX downloads.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from assistance.analytics import scorecard
from assistance.export.writers import ATTENTION_COLUMNS
from assistance.filters import Period
from assistance.web.shell import PageContext
from assistance.web.tables import PAGE_SIZE, app_link, download_buttons, file_stem, paged_table, sort_controls

DISPLAY_COLUMNS = tuple(column for column in ATTENTION_COLUMNS if column.name != "pairing_id")
SORT_KEYS = {
    "severity": "export.col.reason",
    "days_since_last": "export.col.days_since_last",
    "university": "export.col.university",
    "school": "export.col.school",
    "measure": "export.col.measure",
    "progress": "export.col.progress",
}


def render_needs_attention(
    ctx: PageContext, today: date | None = None, key: str = "attention", summary: dict[str, int] | None = None
) -> int:
    """Draw the section; return how many pairings need attention (0 draws a short all-clear line).

    `summary` is `scorecard.attention_summary(...)` for the same filters and day, if the page already has it.
    """
    today = today or scorecard.today()
    st.subheader(ctx.t("attention.title"), anchor="needs-attention")
    year = Period(scorecard.school_year_of(today)).label(ctx.lang)
    st.caption(ctx.t("attention.caption", today=today.isoformat(), year=year))
    summary = summary or scorecard.attention_summary(ctx.con, ctx.filters, today)
    if not summary["pairings"]:
        st.success(ctx.t("attention.empty"), icon=":material/check_circle:")
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
    query = scorecard.attention_query(ctx.filters, today)
    total = sum(summary[reason] for reason in scorecard.REASONS)
    sort = descending = None
    if total > PAGE_SIZE:  # one page: st.dataframe sorts it by its headers; several: sort in SQL
        sort, descending = sort_controls(ctx, query, key, {k: ctx.t(v) for k, v in SORT_KEYS.items()})
    paged_table(
        ctx,
        query,
        DISPLAY_COLUMNS,
        key,
        sort,
        descending,
        links={
            "attention.open": (ctx.t("attention.open"), lambda row: app_link("schools", ctx, pairing=row.pairing_id))
        },
        total=total,
    )
    scope = ctx.t("list.separator").join(ctx.filters.universities)
    download_buttons(
        ctx,
        query,
        ATTENTION_COLUMNS,
        f"{key}_export",
        ctx.t("attention.export"),
        file_stem(scope, ctx.t("export.file.attention")),
        "export.file.attention",
        sort,
        descending,
    )
    return summary["pairings"]
