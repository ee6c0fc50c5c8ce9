"""The universities page's sections: the university picker, reach in the period, the pairings (or one row per
university), activities by measure and by month, and the activity export.

The choice of universities is the global filter (sidebar, URL `?university=…`); the picker here writes to
the same filter. Every figure comes from `analytics.universities` (SQL), kept until the next write (web.cache).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from assistance.analytics import universities
from assistance.export.columns import ACTIVITY_COLUMNS, MEASURE_COUNT_COLUMNS, PAIRING_COLUMNS, UNIVERSITY_COLUMNS
from assistance.figures import progress
from assistance.web import cache
from assistance.web.attention import progress as pairing_progress
from assistance.web.attention import scorecard_of
from assistance.web.layout import FIGURE_MIN_WIDTH, card_grid
from assistance.web.shell import PLOTLY_CONFIG, Destination, PageContext, set_filters
from assistance.web.tables import download_buttons, file_stem, small_table, table_with_downloads

PAIRING_SORT_KEYS = ("university", "school", "province", "last_date", "activities", "status")
UNIVERSITY_SORT_KEYS = ("university", "pairings", "activities", "last_date", "red_pairings")


def scope_label(ctx: PageContext) -> str:
    """The chosen universities by name (for file names): one or two by name, more as the first "and N more";
    or "all universities"."""
    names = [ctx.university_names().get(u, u) for u in ctx.filters.universities]
    if len(names) > 2:
        return ctx.t("export.file.and_more", first=names[0], more=len(names) - 1)
    return ctx.t("list.separator").join(names) if names else ctx.t("univ.all_title")


def university_picker(ctx: PageContext) -> None:
    """A picker that mirrors the global filter: it starts each run from it and writes back through the shell,
    from its callback (which runs before the next script run, so no extra rerun is needed)."""
    names = ctx.university_names()
    st.session_state["univ_pick"] = list(ctx.filters.universities)
    st.multiselect(
        ctx.t("univ.pick_label"),
        options=list(ctx.universities["name_zh"]),
        format_func=lambda name: names.get(name, name),
        placeholder=ctx.t("univ.pick_placeholder"),
        help=ctx.t("univ.pick_help"),
        key="univ_pick",
        on_change=lambda: set_filters(university=list(st.session_state["univ_pick"])),
    )


def reach_metrics(ctx: PageContext, totals: dict, attention: dict[str, int]) -> None:
    """Pairings, activities, teachers and students in the period, and the pairings that need attention."""
    values = [totals["pairings"], totals["activities"], totals["teachers"], totals["students"], attention["pairings"]]
    keys = ("pairings", "activities", "teachers", "students", "attention")
    cards = card_grid(len(keys), FIGURE_MIN_WIDTH)  # five to a row, three in a narrow window
    for key, value in zip(keys, values, strict=True):
        cards.metric(ctx.t(f"univ.metric.{key}"), f"{value:,}")
    st.caption(ctx.t("univ.reach_caption"))


def _sort_keys(names: tuple[str, ...]) -> dict[str, str]:
    return {name: f"export.col.{name}" for name in names}


def pairings_table(ctx: PageContext, today: date, key: str) -> int:
    """The pairings in view of the filters with their status today, each row opening its scorecard (in this tab,
    the filters kept), and its downloads; returns the row count."""
    hidden = ("pairing_id", "university") if len(ctx.filters.universities) == 1 else ("pairing_id",)
    return table_with_downloads(
        ctx,
        universities.pairings_query(ctx.filters, today, ctx.lang, pairing_progress(ctx, today)),
        key,
        _sort_keys(PAIRING_SORT_KEYS),
        tuple(c for c in PAIRING_COLUMNS if c.name not in hidden),
        PAIRING_COLUMNS,
        ctx.t("univ.export.pairings"),
        file_stem(scope_label(ctx), ctx.t("export.file.pairings")),
        "export.file.pairings",
        links={"export.col.scorecard": (ctx.t("attention.open"), scorecard_of)},
    )


def parties_note(ctx: PageContext) -> None:
    """Why the list of universities can have more rows than the overview counts universities: a supporting party
    that is not a university (创新人才教育研究会 is an institution) has a row but is not counted."""
    parties = cache.figure(ctx, universities.parties_in_view, ctx.filters)
    others = parties[parties["kind"] != "university"]
    if others.empty:
        return
    names = ctx.university_names()
    listed = ctx.t("list.separator").join(
        ctx.t("univ.party", name=names.get(name, name), kind=ctx.t(f"party.kind.{kind}"))
        for name, kind in zip(others["name_zh"], others["kind"], strict=True)
    )
    count = len(parties) - len(others)
    st.caption(ctx.t("univ.parties_note", rows=len(parties), universities=count, others=listed))


def view_table(ctx: PageContext, today: date) -> None:
    """The pairings of the chosen universities, or one row per university when none is chosen."""
    if ctx.filters.universities:
        st.subheader(ctx.t("univ.pairings"))
        st.caption(ctx.t("univ.pairings_caption", today=today.isoformat()))
        pairings_table(ctx, today, "univ_pairings")
        return
    st.subheader(ctx.t("univ.all_title"))
    st.caption(ctx.t("univ.all_caption"))
    parties_note(ctx)
    table_with_downloads(
        ctx,
        universities.universities_query(ctx.filters, today, ctx.lang, pairing_progress(ctx, today)),
        "univ_all",
        _sort_keys(UNIVERSITY_SORT_KEYS),
        tuple(c for c in UNIVERSITY_COLUMNS if c.name not in ("teachers", "students")),
        UNIVERSITY_COLUMNS,
        ctx.t("univ.export.universities"),
        file_stem(ctx.t("export.file.universities")),
        "export.file.universities",
        links={
            "export.col.open": (
                ctx.t("univ.open"),
                lambda row: Destination("pages/universities.py", changes={"universities": (row.university,)}),
            )
        },
    )


def activity_charts(ctx: PageContext, totals: dict, today: date) -> None:
    """Activities by measure (a table with in-cell bars) and by month: one row per school while they fit,
    else monthly totals by measure. Without activities, a line saying why."""
    if not totals["activities"]:
        st.info(ctx.t("univ.no_activities" if totals["pairings"] else "univ.no_pairings"))
        return
    counts = cache.figure(ctx, universities.measure_counts, ctx.filters)
    st.subheader(ctx.t("univ.by_measure"))
    small_table(ctx, counts, MEASURE_COUNT_COLUMNS, bars={"activities": int(counts["activities"].max())})

    st.subheader(ctx.t("univ.timeline"))
    if totals["pairings"] <= progress.MAX_TIMELINE_ROWS:
        st.caption(ctx.t("univ.timeline_caption"))
        first, last = ctx.filters.period.chart_span(today)
        frame = cache.figure(ctx, universities.timeline, ctx.filters, ctx.lang)
        figure = cache.chart(
            ctx,
            lambda: progress.timeline_heatmap(frame, ctx.lang, ctx.university_names(), first, last),
            "timeline",
            first,
            last,
        )
    else:
        st.caption(ctx.t("univ.timeline_total_caption", count=totals["pairings"]))
        frame = cache.figure(ctx, universities.timeline_by_measure, ctx.filters)
        figure = cache.chart(
            ctx, lambda: progress.timeline_by_measure(frame, ctx.lang, ctx.measure_names()), "timeline_by_measure"
        )
    st.plotly_chart(figure, config=PLOTLY_CONFIG | ctx.chart_locale())


def activity_export(ctx: PageContext, totals: dict) -> None:
    """Every activity in view as CSV/XLSX, with the upload template's columns first."""
    st.subheader(ctx.t("univ.exports"))
    st.caption(ctx.t("export.note"))
    download_buttons(
        ctx,
        universities.activity_export_query(ctx.filters, ctx.lang),
        ACTIVITY_COLUMNS,
        "univ_activities_export",
        ctx.t("univ.export.activities", count=f"{totals['activities']:,}"),
        file_stem(scope_label(ctx), ctx.t("export.file.activities")),
        "export.file.activities",
    )
