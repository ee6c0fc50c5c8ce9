"""Audit log (审计日志): ministry staff see who did what, when, to which batch or record, filtered by user, action
and days, and download the filtered events as CSV. Anyone else is refused here, whatever address they typed (the
menu shows the page to the ministry only). The sections are in `assistance/web/audit_sections.py`.
"""

from assistance.web import audit_sections as sections
from assistance.web.shell import page_context

ctx = page_context()
sections.refuse_unless_allowed(ctx)
sections.header(ctx)
chosen = sections.filter_row(ctx)
total = sections.events_table(ctx, chosen)
if total:
    sections.download_row(ctx, chosen, total)
