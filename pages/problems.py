"""Problems (问题台账, issue 10): the difficulties of pairings, counties and provinces, who must act and how long they
have been waiting. Open and overdue counts by category, the list (filtered, paged, exported), a problem's own page
(`problems?problem=N`: its history and the form that moves it on), the form that raises one, and the problem file
a province collects in Excel (dry run, batch, undo). The sections are in `assistance/web/problem_sections.py`.
"""

import streamlit as st

from assistance.analytics import scorecard
from assistance.web import problem_sections as sections
from assistance.web.shell import page_context, page_header

ctx = page_context()
today = scorecard.today()
problem_id = sections.requested_problem()
if problem_id is not None:
    sections.problem_page(ctx, problem_id, today)
    st.stop()

page_header(ctx, "problems.nav")
st.caption(ctx.t("problems.intro"))
sections.overview_panel(ctx, today, link=False)

list_tab, raise_tab, import_tab = st.tabs(
    [ctx.t("problems.tab.list"), ctx.t("problems.tab.raise"), ctx.t("problems.tab.import")]
)
with list_tab:
    chosen = sections.list_filters(ctx)
    sections.problems_table(ctx, today, chosen)
with raise_tab:
    sections.raise_form(ctx, today, "problems_raise")
with import_tab:
    sections.import_section(ctx)
