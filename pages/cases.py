"""Good practice (典型经验, issue 10): cases of pairings whose approach worked, written by universities, recommended
by provinces, selected by the ministry. Search in Chinese by substring (走教, 跟岗) over title, texts and tags,
filter by status (and by the sidebar's university, province, tier and measure); every case has its own page
(`cases?case=N`) to share and print. The sections are in `assistance/web/case_sections.py`.
"""

import streamlit as st

from assistance.web import case_sections as sections
from assistance.web.shell import page_context, page_header

ctx = page_context()
case_id = sections.requested_case()
if case_id is not None:
    sections.case_page(ctx, case_id)
    st.stop()

page_header(ctx, "cases.nav")
st.caption(ctx.t("cases.intro"))
search, statuses = sections.search_box(ctx)
sections.results(ctx, search, statuses)
st.divider()
with st.expander(ctx.t("cases.new"), icon=":material/add:"):
    sections.new_case(ctx)
