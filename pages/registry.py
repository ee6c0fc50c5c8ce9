"""Registry (名册管理): ministry and provincial staff load the pairing registry and the 一校一策 plans as files.

Each file is checked (dry run: new, changed with before → after, unchanged, rejected rows with their lines; the
demo rows a commit would remove), then committed as one batch that can be undone. The sections are in
`assistance/web/registry_sections.py`, the flow between reruns is the Upload page's (`web/upload_flow.py`).
"""

import streamlit as st

from assistance.web import registry_sections as sections
from assistance.web.registry_flow import OUTCOMES_FORM, PLANS_FORM, REGISTRY_FORM
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "registry.nav")
st.caption(ctx.t("registry.page.intro"))

pairings_tab, plans_tab, outcomes_tab = st.tabs(
    [ctx.t("registry.page.tab_registry"), ctx.t("registry.page.tab_plans"), ctx.t("registry.page.tab_outcomes")]
)
with pairings_tab:
    sections.import_tab(ctx, REGISTRY_FORM)
with plans_tab:
    sections.import_tab(ctx, PLANS_FORM)
with outcomes_tab:  # 办学成效指标 (issue 11): universities for their schools, schools for themselves
    sections.import_tab(ctx, OUTCOMES_FORM)

st.divider()
sections.history_section(ctx)
st.divider()
sections.export_section(ctx)
