"""Universities: a coordinator's view of the schools their university supports (issue 4).

The choice of universities is the global filter (sidebar, URL `?university=…`), so a link opens straight
on a university; the picker here writes to the same filter, and the brief (下载简报) is made for it.
"""

from assistance.analytics import scorecard, universities
from assistance.web import cache, outcome_sections
from assistance.web import university_sections as sections
from assistance.web.attention import reason_counts, render_needs_attention
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.universities")
today = scorecard.today()
sections.university_picker(ctx)
outcome_sections.brief_buttons(ctx, today)  # 下载简报: the brief of these filters (the universities picked)

totals = cache.figure(ctx, universities.reach_totals, ctx.filters)
summary = reason_counts(ctx, today)
sections.reach_metrics(ctx, totals, summary)
sections.view_table(ctx, today)
sections.activity_charts(ctx, totals, today)
render_needs_attention(ctx, today, key="univ_attention", summary=summary)
sections.activity_export(ctx, totals)
