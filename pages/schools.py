"""Schools: the 一校一策 scorecard of one pairing, opened by link `schools?pairing=<id>` (issue 4).

Without a (valid) `pairing` in the URL the page offers a searchable picker, which writes it there, and lists the
schools in view of the filters with their status, each opening its scorecard.
"""

import streamlit as st

from assistance.analytics import scorecard
from assistance.export.columns import YEAR_SCORECARD_COLUMNS
from assistance.web import cache, case_sections, outcome_sections, problem_sections
from assistance.web import scorecard_sections as sections
from assistance.web.shell import page_context
from assistance.web.tables import small_table

ctx = page_context()
today = scorecard.today()
info = sections.choose_pairing(ctx)
if info is None:
    sections.school_list(ctx, today)
    st.stop()
pairing_id = int(info["pairing_id"])
sections.school_header(ctx, info)
outcome_sections.brief_buttons(ctx, today, pairing=pairing_id)  # 下载简报: this pairing, the page's other filters

# The school year: its status, progress and last activity, then how the status is decided.
school_years = cache.figure(ctx, scorecard.school_years, pairing_id, today)
years_query = scorecard.year_scorecard_query(ctx.con, pairing_id, today, school_years)
years = cache.rows(ctx, years_query)
row = sections.year_picker(ctx, years)
year = int(row["school_year"])
sections.status_cells(ctx, row, cache.figure(ctx, scorecard.pairing_status, pairing_id, today))
sections.rule_section(ctx, row)

# Its problems, and next to them how others solved the same kind of difficulty (issue 10).
open_categories = problem_sections.pairing_problems(ctx, pairing_id, today)
case_sections.linked_cases(ctx, open_categories)

measures_query = sections.plan_section(ctx, pairing_id, year, today)
st.subheader(ctx.t("school.years_title"))
small_table(ctx, years, YEAR_SCORECARD_COLUMNS)
outcome_sections.scorecard_panel(ctx, pairing_id)  # 办学成效指标: the school's baseline → latest
log = sections.activity_log(ctx, pairing_id, year)
sections.exports(ctx, info["school"], year, measures_query, years_query, log)
