"""Overview: what leadership opens first. KPI cards, the national map, activities by month, the outcome counts, the
problems (open and overdue by category, days to resolve), the pairings that need attention, and the brief to
forward (PDF/HTML)."""

import streamlit as st

from assistance.analytics import scorecard
from assistance.web import map_sections, outcome_sections, problem_sections
from assistance.web.attention import render_needs_attention
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.overview")
outcome_sections.brief_buttons(ctx)  # 下载简报: the brief of these filters

# The map is computed before the KPI cards but shown below them: its chart reaches the browser first,
# so the browser starts loading plotly.js while the cards are computed (see bench/bench_map.py).
kpi_area = st.container()

st.subheader(ctx.t("overview.map"))
with st.container(horizontal=True, vertical_alignment="center"):  # the hint moves under the control when narrow
    metric = map_sections.metric_control(ctx, "overview_metric", label_visibility="collapsed")
    st.caption(ctx.t("map.click_hint"), width=280)
map_sections.coverage_map(ctx, metric, key="overview_map", height=520, hint=False, notice=False)
st.page_link("pages/map.py", label=ctx.t("overview.open_map"), icon=":material/map:")
with kpi_area:
    map_sections.kpi_cards(ctx)

st.subheader(ctx.t("overview.monthly"))
map_sections.monthly_section(ctx)

st.subheader(ctx.t("problems.overview.title"))
problem_sections.overview_panel(ctx, scorecard.today())

render_needs_attention(ctx)

outcome_sections.overview_panel(ctx)  # 办学成效: improved / same / declined counts since the baseline
