"""The Registry page's sections: one tab per kind of file (the upload form and flow of web/upload_sections.py with
the registry's own report), the batches of both kinds with undo, and the registry's export.

What a file does is decided in `assistance.registry`; the report's tables are worded in `web/registry_flow.py`
(no Streamlit). User-supplied text (names, cells) is shown in dataframes or escaped with `web.text.plain`.
"""

from __future__ import annotations

import streamlit as st

from assistance.registry.common import ImportReport
from assistance.registry.export import export_registry
from assistance.web import cache, upload_sections
from assistance.web import registry_flow as flow_text
from assistance.web.shell import PageContext
from assistance.web.text import plain
from assistance.web.upload_flow import ImportForm


def import_tab(ctx: PageContext, form: ImportForm) -> None:
    """The file's format in a few words, the upload form (check, then commit) and the report."""
    with st.expander(ctx.t("registry.page.format_title"), icon=":material/help:"):
        st.markdown(ctx.t(f"registry.page.format_{form.prefix}"))
    flow = upload_sections.flow_state(form)
    upload = upload_sections.upload_form(ctx, flow, form)

    def render(ctx: PageContext, report: ImportReport, committed: bool) -> None:
        import_report(ctx, report, committed, form.prefix)

    upload_sections.report_section(ctx, flow, upload, render)


def import_report(ctx: PageContext, report: ImportReport, committed: bool, key: str) -> None:
    """Counts, what the commit did, the demo rows it removes, the changes, new parties and schools, the errors."""
    st.subheader(ctx.t("upload.result_heading" if committed else "upload.dry_run_heading"))
    if committed and report.committed:
        counts = {name: getattr(report, name) for name in ("inserted", "changed", "unchanged", "rejected")}
        st.success(ctx.t("registry.page.committed", batch=report.batch_id, **counts))
    if report.previous_batch_id:
        st.info(ctx.t("registry.page.same_file", batch=report.previous_batch_id))
    for column, (label, value) in zip(st.columns(5), flow_text.metrics(report, committed), strict=True):
        column.metric(ctx.t(label), f"{value:,}")
    for note in report.demo_notes(ctx.lang):
        (st.info if committed else st.warning)(note, icon=":material/science:")
    upload_sections.file_lines(ctx, report)
    if report.total_rows:
        st.caption(ctx.t("registry.page.total_rows", count=report.total_rows))
    if not report.changes.empty:
        st.markdown(f"**{ctx.t('registry.page.changes_title')}**")
        st.dataframe(flow_text.changes_view(report, ctx.lang, ctx.measure_names()), hide_index=True, width="stretch")
    if not report.new_parties.empty:
        st.markdown(f"**{ctx.t('registry.page.new_parties_title')}**")
        st.caption(ctx.t("registry.page.new_parties_note"))
        st.dataframe(flow_text.new_parties_view(report, ctx.lang), hide_index=True, width="stretch")
    if not report.new_schools.empty:
        st.markdown(f"**{ctx.t('registry.page.new_schools_title', count=len(report.new_schools))}**")
        st.dataframe(flow_text.new_schools_view(report, ctx.lang), hide_index=True, width="stretch")
    if report.rejected:
        upload_sections.errors_section(ctx, report, f"{key}_rejected_{'commit' if committed else 'check'}")
    elif not committed:
        st.success(ctx.t("registry.page.nothing_new" if report.nothing_to_add else "upload.all_good"))


def history_section(ctx: PageContext) -> None:
    """The registry and plan batches (kind, counts, who, when) with undo and their rejected rows."""
    upload_sections.history_section(
        ctx, upload_sections.flow_state(flow_text.REGISTRY_FORM), flow_text.REGISTRY_HISTORY
    )


def export_section(ctx: PageContext) -> None:
    """The real registry (a tier or all) as CSV or XLSX in the import format: export, edit, import again."""
    st.subheader(ctx.t("registry.page.export_title"))
    st.caption(ctx.t("registry.page.export_caption"))
    tier_col, lang_col = st.columns(2)
    tier = tier_col.selectbox(
        ctx.t("registry.page.export_tier"),
        flow_text.tier_choices(),
        format_func=lambda code: flow_text.tier_label(code, ctx.lang),
        key="registry_export_tier",
    )
    headers = (
        lang_col.segmented_control(
            ctx.t("registry.page.export_headers"),
            ["zh", "en"],
            format_func=lambda code: ctx.t(f"registry.page.export_headers_{code}"),
            default=ctx.lang,
            key="registry_export_lang",
        )
        or ctx.lang
    )
    columns = st.columns(len(flow_text.EXPORT_FORMATS))
    for column, fmt in zip(columns, flow_text.EXPORT_FORMATS, strict=True):
        # the file and its row count (on the button), kept until the next write like every figure (web.cache)
        data, count = cache.figure(ctx, export_registry, fmt, tier or None, headers, ctx.filters.scope)
        column.download_button(
            ctx.t(f"registry.page.export_{fmt}", count=f"{count:,}"),
            data,
            file_name=flow_text.export_file_name(fmt, tier, headers),
            mime=flow_text.EXPORT_MIME[fmt],
            key=f"registry_export_{fmt}",
            on_click="ignore",
            icon=":material/download:",
            disabled=not count,
            width="stretch",
        )
    if not count:
        st.caption(plain(ctx.t("registry.page.export_empty")))
