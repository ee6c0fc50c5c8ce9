"""Upload page: check an activity log (dry run), commit it, fix rejected rows, see and undo batches.

The sections are in `assistance/web/upload_sections.py`; the flow between reruns (check before commit,
stale checks) is `assistance/web/upload_flow.py`, plain data tested without a browser.
"""

import streamlit as st

from assistance.web import upload_sections
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.upload")
st.caption(ctx.t("upload.intro"))
flow = upload_sections.flow_state()

upload_sections.templates_section(ctx)
upload = upload_sections.upload_form(ctx, flow)
upload_sections.report_section(ctx, flow, upload)

st.divider()
upload_sections.history_section(ctx, flow)
