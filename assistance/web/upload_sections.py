"""The Upload page's sections: templates, the upload form (check, then commit), the report, the history with undo.

Every decision about the file is in `assistance.ingest` (the same pipeline as the command line) and the
page's state between reruns is an `UploadFlow` (`web/upload_flow.py`, no Streamlit). User-supplied text
(file names, cells, messages) is shown through dataframes or escaped with `web.text.plain`, never as markup.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from assistance.ingest import templates
from assistance.ingest.batches import batch_rejected_csv, list_batches, undo_batch
from assistance.ingest.decode import max_upload_bytes
from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import Ingest, IngestReport
from assistance.web.shell import PageContext
from assistance.web.text import plain
from assistance.web.upload_flow import (
    AUTO_SHEET,
    MAX_ERRORS_SHOWN,
    Upload,
    UploadFlow,
    encoding_name,
    rejected_file_name,
    sheet_choices,
    size_text,
)

_FLOW = "_upload_flow"
TEMPLATE_KEYS = ("xlsx_zh", "csv_zh", "xlsx_en", "csv_en")


def flow_state() -> UploadFlow:
    """This session's upload flow (created on first use)."""
    return st.session_state.setdefault(_FLOW, UploadFlow())


@st.cache_data(ttl=600, show_spinner=False)
def _template_files(_con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bytes, str]]:
    return templates.all_templates(_con)


def templates_section(ctx: PageContext) -> None:
    """The four blank templates (XLSX and CSV, Chinese and English headers) to download."""
    with st.expander(ctx.t("upload.templates"), icon=":material/download:"):
        files = _template_files(ctx.con)
        for column, key in zip(st.columns(len(TEMPLATE_KEYS)), TEMPLATE_KEYS, strict=True):
            name, data, mime = files[key]
            column.download_button(
                ctx.t(f"upload.template_{key}"),
                data,
                file_name=name,
                mime=mime,
                key=f"upload_template_{key}",
                on_click="ignore",
                width="stretch",
            )


def _run_job(ctx: PageContext, data: bytes, upload: Upload, uploaded_by: str, commit: bool) -> IngestReport | None:
    """Run the pipeline under a status box with a progress bar; None (and an error shown) if unusable."""
    with st.status(plain(ctx.t("upload.progress_title", file=upload.name)), expanded=False) as status:
        bar = st.progress(0.0)

        def report_progress(fraction: float, step: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=ctx.t(f"upload.progress.{step}"))

        try:
            with Ingest(
                ctx.con,
                data,
                upload.name,
                sheet=upload.sheet,
                uploaded_by=uploaded_by,
                strict=upload.strict,
                progress=report_progress,
            ) as job:
                report = job.run() if commit else job.validate()
        except IngestFileError as exc:
            message = plain(ctx.t("upload.file_error", reason=exc.message(ctx.lang)))
            status.update(label=message, state="error")
            st.error(message)
            return None
        except duckdb.Error as exc:
            status.update(label=ctx.t("upload.db_busy"), state="error")
            st.error(f"{ctx.t('upload.db_busy')} ({type(exc).__name__})")
            return None
        status.update(label=ctx.t("upload.progress_done"), state="complete")
    return report


def upload_form(ctx: PageContext, flow: UploadFlow) -> Upload | None:
    """Uploader's name, the file (and its sheet), strict mode, Check and Commit; returns the chosen upload."""
    limit = max_upload_bytes()
    uploaded_by = st.text_input(
        ctx.t("upload.uploader_name"), key="upload_by", help=ctx.t("upload.uploader_name_help"), max_chars=80
    )
    uploaded = st.file_uploader(
        ctx.t("upload.file"), key="upload_file", help=ctx.t("upload.file_help", limit_mb=f"{limit / 1024 / 1024:g}")
    )
    if uploaded is None:
        return None
    data = uploaded.getvalue()
    sheets = sheet_choices(data, limit)
    sheet = None
    if sheets:
        sheet = (
            st.selectbox(
                ctx.t("upload.sheet"),
                options=[AUTO_SHEET, *sheets],
                format_func=lambda name: name or ctx.t("upload.sheet_auto"),
                key="upload_sheet",
                help=ctx.t("upload.sheet_help"),
            )
            or None
        )
    strict = st.checkbox(ctx.t("upload.strict"), key="upload_strict")
    upload = Upload(uploaded.file_id, uploaded.name, sheet, strict)
    check_col, commit_col = st.columns(2)
    check = check_col.button(ctx.t("upload.check"), key="upload_check", type="secondary", width="stretch")
    commit = commit_col.button(
        ctx.t("upload.commit"),
        key="upload_commit",
        type="primary",
        disabled=not flow.can_commit(upload, uploaded_by),
        width="stretch",
    )
    hint = flow.hint(upload, uploaded_by)
    if hint:
        st.caption(ctx.t(hint))
    if check:
        if flow.record_check(upload, _run_job(ctx, data, upload, uploaded_by, commit=False)):
            st.rerun()
    elif commit and flow.record_commit(upload, _run_job(ctx, data, upload, uploaded_by.strip(), commit=True)):
        st.cache_data.clear()
        st.rerun()
    return upload


def report_section(ctx: PageContext, flow: UploadFlow, upload: Upload | None) -> None:
    """The last commit's report, or the dry run of the chosen file, if there is one to show."""
    shown = flow.shown(upload)
    if shown is not None:
        _report(ctx, *shown)


def _report(ctx: PageContext, report: IngestReport, committed: bool) -> None:
    st.subheader(ctx.t("upload.result_heading" if committed else "upload.dry_run_heading"))
    if committed and report.committed:
        st.success(
            ctx.t(
                "upload.committed",
                batch=report.batch_id,
                inserted=report.inserted,
                duplicates=report.duplicates,
                rejected=report.rejected,
            )
        )
    elif committed and report.strict_blocked:
        st.warning(ctx.t("upload.strict_blocked", rejected=report.rejected))
    elif committed:
        st.info(ctx.t("upload.nothing_committed"))
    if report.previous_batch_id:
        st.info(ctx.t("upload.same_file", batch=report.previous_batch_id))
    rows, inserted, duplicates, rejected = st.columns(4)
    rows.metric(ctx.t("upload.metric_rows"), f"{report.rows:,}")
    inserted_label = "upload.metric_inserted" if committed and report.committed else "upload.metric_would_insert"
    inserted.metric(ctx.t(inserted_label), f"{report.inserted:,}")
    duplicates.metric(ctx.t("upload.metric_duplicates"), f"{report.duplicates:,}")
    rejected.metric(ctx.t("upload.metric_rejected"), f"{report.rejected:,}")
    kind = ctx.t(f"ingest.format.{report.file_format}")
    summary = ctx.t(
        "upload.file_summary",
        file=report.file_name,
        size=size_text(report.size_bytes),
        format=kind,
        encoding=ctx.t("upload.sheet_named", sheet=report.sheet) if report.sheet else encoding_name(report),
    )
    st.caption(plain(summary))
    st.caption(ctx.t("upload.header_line", line=report.header_line))
    if report.ignored_columns:
        st.caption(plain(ctx.t("upload.ignored_columns", columns="、".join(report.ignored_columns))))
    else:
        st.caption(ctx.t("upload.no_ignored_columns"))
    if report.duplicates:
        st.caption(ctx.t("upload.duplicates_detail", in_file=report.duplicates_in_file, in_db=report.duplicates_in_db))
    if not report.rejected:
        st.success(ctx.t("upload.all_good") if report.inserted else ctx.t("upload.nothing_to_insert"))
        return
    _errors(ctx, report, committed)


def _errors(ctx: PageContext, report: IngestReport, committed: bool) -> None:
    """The rejected rows' errors (the first MAX_ERRORS_SHOWN) and the fix-and-re-upload CSV."""
    st.markdown(f"**{ctx.t('upload.errors_heading')}**")
    errors = report.errors_in(ctx.lang)
    if len(errors) > MAX_ERRORS_SHOWN:
        st.caption(ctx.t("upload.errors_truncated", shown=MAX_ERRORS_SHOWN, total=len(errors)))
    headers = {name: ctx.t(f"upload.col_{name}") for name in ("line", "column", "value", "message")}
    st.dataframe(
        errors.head(MAX_ERRORS_SHOWN).rename(columns=headers),
        hide_index=True,
        width="stretch",
        column_config={headers["message"]: st.column_config.TextColumn(width="large")},
    )
    st.download_button(
        ctx.t("upload.download_rejected"),
        report.rejected_csv(ctx.lang),
        file_name=rejected_file_name(report.file_name),
        mime="text/csv",
        key=f"upload_rejected_{'commit' if committed else 'check'}",
        on_click="ignore",
        icon=":material/download:",
    )


def history_section(ctx: PageContext, flow: UploadFlow) -> None:
    """Every batch, undo of an active one, and the rejected rows of a past batch."""
    st.subheader(ctx.t("upload.history"))
    flash = flow.take_flash()
    if flash:
        st.success(flash)
    batches = list_batches(ctx.con)
    if batches.empty:
        st.caption(ctx.t("upload.history_empty"))
        return
    st.dataframe(_history_table(ctx, batches), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        _undo(ctx, flow, batches[~batches["undone"]])
    with right:
        _batch_rejected(ctx, batches[batches["rejected"] > 0])


def _history_table(ctx: PageContext, batches: pd.DataFrame) -> pd.DataFrame:
    columns = ("batch_id", "file", "rows", "inserted", "duplicates", "rejected", "uploaded_by")
    view = pd.DataFrame({ctx.t(f"upload.col_{name.removesuffix('_id')}"): batches[name] for name in columns})
    view[ctx.t("upload.col_uploaded_at")] = batches["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M")
    view[ctx.t("upload.col_status")] = [
        ctx.t("upload.status_undone" if undone else "upload.status_active") for undone in batches["undone"]
    ]
    return view


def _undo(ctx: PageContext, flow: UploadFlow, active: pd.DataFrame) -> None:
    if active.empty:
        st.caption(ctx.t("upload.undo_none"))
        return
    inserted = dict(zip(active["batch_id"], active["inserted"], strict=True))
    choice = st.selectbox(
        ctx.t("upload.undo_pick"),
        options=list(active["batch_id"]),
        format_func=lambda batch: f"#{batch}",
        key="upload_undo_pick",
    )
    confirm = st.checkbox(
        ctx.t("upload.undo_confirm", batch=choice, inserted=inserted.get(choice, 0)), key="upload_undo_confirm"
    )
    if st.button(ctx.t("upload.undo_button"), key="upload_undo", disabled=not confirm, type="secondary"):
        flow.flash = undo_batch(ctx.con, int(choice)).message(ctx.lang)
        st.session_state.pop("upload_undo_confirm", None)
        st.cache_data.clear()
        st.rerun()


def _batch_rejected(ctx: PageContext, with_rejections: pd.DataFrame) -> None:
    if with_rejections.empty:
        return
    pick = st.selectbox(
        ctx.t("upload.download_batch_rejected"),
        options=list(with_rejections["batch_id"]),
        format_func=lambda batch: f"#{batch}",
        key="upload_rejected_pick",
    )
    st.download_button(
        ctx.t("upload.download_batch_rejected"),
        batch_rejected_csv(ctx.con, int(pick), ctx.lang),
        file_name=f"batch_{pick}_rejected.csv",
        mime="text/csv",
        key="upload_batch_rejected",
        on_click="ignore",
        icon=":material/download:",
    )
