"""Coverage map: national choropleth, click-to-drill county view, and university–school links."""

import streamlit as st

from assistance.web import map_sections
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.map")

controls = st.container(horizontal=True, vertical_alignment="bottom")  # one row, two when the window is narrow
with controls:
    view = map_sections.view_control(ctx, "map_view")
if view == "links":
    map_sections.links_view(ctx)
else:
    with controls:
        metric = map_sections.metric_control(ctx, "map_metric")
    map_sections.coverage_map(ctx, metric, key="map_page_map", schools_table=True)
