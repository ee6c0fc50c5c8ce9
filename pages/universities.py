"""Universities: a coordinator's view of the schools their university supports (issue 4).

The choice of universities is the global filter (sidebar, URL `?university=…`), so a link opens straight
on a university; the picker here writes to the same filter.
"""

from datetime import date

import streamlit as st

from assistance.analytics import scorecard
from assistance.export.writers import ACTIVITY_COLUMNS, MEASURE_COUNT_COLUMNS, PAIRING_COLUMNS, UNIVERSITY_COLUMNS
from assistance.figures import progress
from assistance.figures.progress import MAX_TIMELINE_ROWS
from assistance.web.attention import render_needs_attention
from assistance.web.shell import PLOTLY_CONFIG, page_context, page_header, set_filters
from assistance.web.tables import (
    PAGE_SIZE,
    app_link,
    download_buttons,
    file_stem,
    paged_table,
    small_table,
    sort_controls,
)

ctx = page_context()
page_header(ctx, "nav.universities")
today = scorecard.today()
chosen = list(ctx.filters.universities)
names = ctx.university_names()
scope = ctx.t("list.separator").join(names.get(u, u) for u in chosen) if chosen else ctx.t("univ.all_title")

# The picker mirrors the global filter: it starts each run from it and writes back through the shell,
# from its callback (which runs before the next script run, so no extra rerun is needed).
st.session_state["univ_pick"] = chosen
st.multiselect(
    ctx.t("univ.pick_label"),
    options=list(ctx.universities["name_zh"]),
    format_func=lambda name: names.get(name, name),
    placeholder=ctx.t("univ.pick_placeholder"),
    help=ctx.t("univ.pick_help"),
    key="univ_pick",
    on_change=lambda: set_filters(university=list(st.session_state["univ_pick"])),
)

# Reach in the filtered period.
totals = scorecard.reach_totals(ctx.con, ctx.filters)
attention = scorecard.attention_summary(ctx.con, ctx.filters, today)
cells = st.columns(5)
cells[0].metric(ctx.t("univ.metric.pairings"), f"{totals['pairings']:,}")
cells[1].metric(ctx.t("univ.metric.activities"), f"{totals['activities']:,}")
cells[2].metric(ctx.t("univ.metric.teachers"), f"{totals['teachers']:,}")
cells[3].metric(ctx.t("univ.metric.students"), f"{totals['students']:,}")
cells[4].metric(ctx.t("univ.metric.attention"), f"{attention['pairings']:,}")
st.caption(ctx.t("univ.reach_caption"))


def _table_with_downloads(query, key, sort_keys, shown, links, columns, export_label, stem, sheet_key) -> None:
    """Both tables here: sorted in SQL only when paged (one page sorts by its headers), downloads in that order."""
    total = query.count(ctx.con)
    sort = descending = None
    if total > PAGE_SIZE:
        labels = {name: ctx.t(f"export.col.{name}") for name in sort_keys}
        sort, descending = sort_controls(ctx, query, key, labels)
    paged_table(ctx, query, shown, key, sort, descending, links=links, total=total)
    download_buttons(ctx, query, columns, f"{key}_export", export_label, stem, sheet_key, sort, descending)


# The pairings of the chosen universities, or one row per university when none is chosen.
if chosen:
    st.subheader(ctx.t("univ.pairings"))
    st.caption(ctx.t("univ.pairings_caption", today=today.isoformat()))
    shown_columns = tuple(c for c in PAIRING_COLUMNS if c.name != "pairing_id")
    if len(chosen) == 1:
        shown_columns = tuple(c for c in shown_columns if c.name != "university")
    _table_with_downloads(
        scorecard.pairings_query(ctx.filters, today),
        "univ_pairings",
        ("university", "school", "province", "last_date", "activities", "status"),
        shown_columns,
        {"export.col.scorecard": (ctx.t("attention.open"), lambda r: app_link("schools", ctx, pairing=r.pairing_id))},
        PAIRING_COLUMNS,
        ctx.t("univ.export.pairings"),
        file_stem(scope, ctx.t("export.file.pairings")),
        "export.file.pairings",
    )
else:
    st.subheader(ctx.t("univ.all_title"))
    st.caption(ctx.t("univ.all_caption"))
    _table_with_downloads(
        scorecard.universities_query(ctx.filters, today, ctx.lang),
        "univ_all",
        ("university", "pairings", "activities", "last_date", "red_pairings"),
        tuple(c for c in UNIVERSITY_COLUMNS if c.name not in ("teachers", "students")),
        {"export.col.open": (ctx.t("univ.open"), lambda r: app_link("universities", ctx, university=r.university))},
        UNIVERSITY_COLUMNS,
        ctx.t("univ.export.universities"),
        file_stem(ctx.t("export.file.universities")),
        "export.file.universities",
    )

# Activities by measure and over time.
if totals["activities"]:
    measures = ctx.measure_names()
    counts = scorecard.measure_counts(ctx.con, ctx.filters)
    st.subheader(ctx.t("univ.by_measure"))
    small_table(ctx, counts, MEASURE_COUNT_COLUMNS, bars={"activities": int(counts["activities"].max())})

    st.subheader(ctx.t("univ.timeline"))
    start, end = ctx.filters.period.bounds()
    last_month = min(end or today, today)
    if totals["pairings"] <= MAX_TIMELINE_ROWS:
        st.caption(ctx.t("univ.timeline_caption"))
        frame = scorecard.timeline(ctx.con, ctx.filters)
        first = date(start.year, start.month, 1) if start else None
        figure = progress.timeline_heatmap(frame, ctx.lang, names, first, last_month)
    else:
        st.caption(ctx.t("univ.timeline_total_caption", count=totals["pairings"]))
        figure = progress.timeline_by_measure(scorecard.timeline_by_measure(ctx.con, ctx.filters), ctx.lang, measures)
    st.plotly_chart(figure, config=PLOTLY_CONFIG)
elif totals["pairings"]:
    st.info(ctx.t("univ.no_activities"))
else:
    st.info(ctx.t("univ.no_pairings"))

render_needs_attention(ctx, today, key="univ_attention", summary=attention)

st.subheader(ctx.t("univ.exports"))
st.caption(ctx.t("export.note"))
download_buttons(
    ctx,
    scorecard.activity_export_query(ctx.filters),
    ACTIVITY_COLUMNS,
    "univ_activities_export",
    ctx.t("univ.export.activities", count=f"{totals['activities']:,}"),
    file_stem(scope, ctx.t("export.file.activities")),
    "export.file.activities",
)
