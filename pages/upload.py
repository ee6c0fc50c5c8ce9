"""Upload page: check an activity log (dry run), commit it, fix rejected rows, see and undo batches.

Thin by design: every decision is in `assistance.ingest` (the same pipeline as the command line) and
`assistance.batches` (history and undo); this page only collects the file and the uploader's name, shows the
report and keeps the last one in session state.
User-supplied text (file names, cells, messages) is shown through dataframes or escaped, never as markup.
"""

import hashlib
import re

import duckdb
import pandas as pd
import streamlit as st

from assistance.ingest import templates
from assistance.ingest.batches import batch_rejected_csv, list_batches, undo_batch
from assistance.ingest.decode import max_upload_bytes, xlsx_sheet_names
from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import Ingest, IngestReport
from assistance.web.shell import page_context, page_header

ctx = page_context()
page_header(ctx, "nav.upload")
st.caption(ctx.t("upload.intro"))

_REPORT = "_upload_report"  # (signature, IngestReport) of the last dry run
_RESULT = "_upload_result"  # (signature, IngestReport) of the last commit
_FLASH = "_upload_flash"  # a message that survives one rerun (after undo)
MAX_ERRORS_SHOWN = 1000
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """User text for a markdown element: every markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))


@st.cache_data(ttl=600, show_spinner=False)
def template_files(_con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, bytes, str]]:
    return templates.all_templates(_con)


def show_templates() -> None:
    with st.expander(ctx.t("upload.templates"), icon=":material/download:"):
        files = template_files(ctx.con)
        columns = st.columns(4)
        for column, key in zip(columns, ("xlsx_zh", "csv_zh", "xlsx_en", "csv_en"), strict=True):
            name, data, mime = files[key]
            column.download_button(
                ctx.t(f"upload.template_{key.split('_')[0]}_{key.split('_')[1]}"),
                data,
                file_name=name,
                mime=mime,
                key=f"upload_template_{key}",
                on_click="ignore",
                width="stretch",
            )


def progress_reporter(bar):
    def report(fraction: float, step: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=ctx.t(f"upload.progress.{step}"))

    return report


def run_job(data: bytes, name: str, sheet: str | None, strict: bool, uploaded_by: str, commit: bool):
    """Run the pipeline under a status box with a progress bar; None (and an error shown) if unusable."""
    with st.status(plain(ctx.t("upload.progress_title", file=name)), expanded=False) as status:
        bar = st.progress(0.0)
        try:
            with Ingest(
                ctx.con,
                data,
                name,
                sheet=sheet,
                uploaded_by=uploaded_by,
                strict=strict,
                progress=progress_reporter(bar),
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


def show_report(report: IngestReport, committed: bool) -> None:
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
    if report.previous_batch_id:
        st.info(ctx.t("upload.same_file", batch=report.previous_batch_id))
    rows, inserted, duplicates, rejected = st.columns(4)
    rows.metric(ctx.t("upload.metric_rows"), f"{report.rows:,}")
    inserted_label = "upload.metric_inserted" if committed and report.committed else "upload.metric_would_insert"
    inserted.metric(ctx.t(inserted_label), f"{report.inserted:,}")
    duplicates.metric(ctx.t("upload.metric_duplicates"), f"{report.duplicates:,}")
    rejected.metric(ctx.t("upload.metric_rejected"), f"{report.rejected:,}")
    size = f"{report.size_bytes / 1024:,.1f} KB"
    kind = ctx.t(f"ingest.format.{report.file_format}")
    encoding = report.sheet or ENCODING_NAMES.get(report.encoding or "", report.encoding or "")
    st.caption(plain(ctx.t("upload.file_summary", file=report.file_name, size=size, format=kind, encoding=encoding)))
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
    st.markdown(f"**{ctx.t('upload.errors_heading')}**")
    errors = report.errors_in(ctx.lang)
    if len(errors) > MAX_ERRORS_SHOWN:
        st.caption(ctx.t("upload.errors_truncated", shown=MAX_ERRORS_SHOWN, total=len(errors)))
    table = errors.head(MAX_ERRORS_SHOWN).rename(
        columns={
            "line": ctx.t("upload.col_line"),
            "column": ctx.t("upload.col_column"),
            "value": ctx.t("upload.col_value"),
            "message": ctx.t("upload.col_message"),
        }
    )
    message = ctx.t("upload.col_message")
    st.dataframe(
        table, hide_index=True, width="stretch", column_config={message: st.column_config.TextColumn(width="large")}
    )
    stem = report.file_name.rsplit(".", 1)[0] or "upload"
    st.download_button(
        ctx.t("upload.download_rejected"),
        report.rejected_csv(ctx.lang),
        file_name=f"{stem}_rejected.csv",
        mime="text/csv",
        key=f"upload_rejected_{'commit' if committed else 'check'}",
        on_click="ignore",
        icon=":material/download:",
    )


def show_history() -> None:
    st.subheader(ctx.t("upload.history"))
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash)
    batches = list_batches(ctx.con)
    if batches.empty:
        st.caption(ctx.t("upload.history_empty"))
        return
    view = pd.DataFrame(
        {
            ctx.t("upload.col_batch"): batches["batch_id"],
            ctx.t("upload.col_file"): batches["file"],
            ctx.t("upload.col_rows"): batches["rows"],
            ctx.t("upload.col_inserted"): batches["inserted"],
            ctx.t("upload.col_duplicates"): batches["duplicates"],
            ctx.t("upload.col_rejected"): batches["rejected"],
            ctx.t("upload.col_uploaded_by"): batches["uploaded_by"],
            ctx.t("upload.col_uploaded_at"): batches["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M"),
            ctx.t("upload.col_status"): [
                ctx.t("upload.status_undone" if undone else "upload.status_active") for undone in batches["undone"]
            ],
        }
    )
    st.dataframe(view, hide_index=True, width="stretch")

    with_rejections = batches[batches["rejected"] > 0]
    active = batches[~batches["undone"]]
    left, right = st.columns(2)
    with left:
        if active.empty:
            st.caption(ctx.t("upload.undo_none"))
        else:
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
                result = undo_batch(ctx.con, int(choice))
                st.session_state[_FLASH] = result.message(ctx.lang)
                st.session_state.pop("upload_undo_confirm", None)
                st.cache_data.clear()
                st.rerun()
    with right:
        if not with_rejections.empty:
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


show_templates()

limit = max_upload_bytes()
uploaded_by = st.text_input(
    ctx.t("upload.uploader_name"), key="upload_by", help=ctx.t("upload.uploader_name_help"), max_chars=80
)
uploaded = st.file_uploader(
    ctx.t("upload.file"),
    key="upload_file",
    help=ctx.t("upload.file_help", limit_mb=f"{limit / 1024 / 1024:g}"),
)

if uploaded is not None:
    data = uploaded.getvalue()
    sheet = None
    if len(data) <= limit and data.startswith(b"PK"):
        sheets = xlsx_sheet_names(data)
        if len(sheets) > 1:
            sheet = st.selectbox(ctx.t("upload.sheet"), options=sheets, key="upload_sheet")
    strict = st.checkbox(ctx.t("upload.strict"), key="upload_strict")
    signature = (hashlib.sha256(data).hexdigest(), uploaded.name, sheet, strict)
    checked = st.session_state.get(_REPORT)
    ready = checked is not None and checked[0] == signature
    check_col, commit_col = st.columns(2)
    check = check_col.button(ctx.t("upload.check"), key="upload_check", type="secondary", width="stretch")
    named = bool(uploaded_by.strip())
    commit = commit_col.button(
        ctx.t("upload.commit"), key="upload_commit", type="primary", disabled=not (ready and named), width="stretch"
    )
    just_committed = (st.session_state.get(_RESULT) or (None,))[0] == signature
    if not ready and checked is not None:
        st.caption(ctx.t("upload.stale"))
    elif not ready and not just_committed:
        st.caption(ctx.t("upload.check_first"))
    elif ready and not named:
        st.caption(ctx.t("upload.name_required"))
    if check:
        st.session_state.pop(_RESULT, None)
        report = run_job(data, uploaded.name, sheet, strict, uploaded_by, commit=False)
        if report is not None:
            st.session_state[_REPORT] = (signature, report)
            st.rerun()
    elif commit:
        result = run_job(data, uploaded.name, sheet, strict, uploaded_by.strip(), commit=True)
        if result is not None:
            st.session_state[_RESULT] = (signature, result)
            st.session_state.pop(_REPORT, None)
            st.cache_data.clear()
            st.rerun()

committed = st.session_state.get(_RESULT)
current = signature if uploaded is not None else None
if committed is not None and current in (None, committed[0]):
    show_report(committed[1], committed=True)
elif uploaded is not None and ready:
    show_report(checked[1], committed=False)

st.divider()
show_history()
