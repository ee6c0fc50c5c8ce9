"""Coverage map: national choropleth, click-to-drill county view, and university–school links."""

import streamlit as st

from assistance import map_view
from assistance.ui import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.map")

left, right = st.columns([2, 5], vertical_alignment="bottom")
with left:
    view = map_view.view_control(ctx, "map_view")
if view == "links":
    map_view.links_view(ctx)
else:
    with right:
        metric = map_view.metric_control(ctx, "map_metric")
    map_view.coverage_map(ctx, metric, key="map_page_map", schools_table=True)
