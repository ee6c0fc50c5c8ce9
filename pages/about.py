"""About/Data: what the data is, where it comes from, how much of it is demo, how to load the real list."""

import streamlit as st

from assistance.analytics import queries
from assistance.web import cache
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.about")
st.write(ctx.t("about.intro"))

st.subheader(ctx.t("about.counts"))
counts = cache.figure(ctx, queries.provenance_counts, ctx.filters.scope)
counts["data"] = counts["data"].map(lambda d: ctx.t(f"about.data.{d}"))
counts["provenance"] = counts["provenance"].map(lambda p: ctx.t(f"provenance.{p}"))
counts["n"] = counts["n"].map(ctx.number)
st.dataframe(
    counts.rename(
        columns={
            "data": ctx.t("about.col.data"),
            "provenance": ctx.t("about.col.provenance"),
            "n": ctx.t("about.col.rows"),
        }
    ),
    hide_index=True,
    column_config={ctx.t("about.col.rows"): st.column_config.TextColumn(alignment="right")},
)
first, last, count = cache.figure(ctx, queries.activity_span, ctx.filters.scope)
if count:
    st.caption(ctx.t("about.span", count=ctx.number(count), first=first, last=last))
st.caption(ctx.t("about.counts_caption"))

verified = cache.figure(ctx, queries.verified_pairings, ctx.lang, ctx.filters.scope)
verified["university"] = verified["university"].map(ctx.university_names())
verified["province"] = verified["province"].map(ctx.province_names())
verified["confidence"] = verified["confidence"].map(lambda level: ctx.t(f"confidence.{level}"))
st.subheader(ctx.t("about.verified", count=len(verified)))
st.dataframe(
    verified.rename(columns={c: ctx.t(f"about.col.{c}") for c in verified.columns}),
    hide_index=True,
    column_config={ctx.t("about.col.source"): st.column_config.TextColumn(width="large")},
)

st.subheader(ctx.t("about.demo"))
st.write(ctx.t("about.demo_text"))
st.subheader(ctx.t("about.import"))
st.markdown(ctx.t("about.import_text"))
st.subheader(ctx.t("about.licences"))
st.markdown(ctx.t("about.licences_text"))
