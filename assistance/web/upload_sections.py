"""The Upload page's sections: templates, the upload form (check, then commit), the report, the history with undo.
The form, the file lines and errors of a report, and the history serve the Registry page's files as well
(`ImportForm`: each kind of file its widget keys and job).

Every decision about the file is in `assistance.ingest` (the same pipeline as the command line) and the
page's state between reruns is an `UploadFlow` (`web/upload_flow.py`, no Streamlit). User-supplied text
(file names, cells, messages) is shown through dataframes or escaped with `web.text.plain`, never as markup.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from assistance.access.permissions import AccessDenied, own_batches
from assistance.ingest import templates
from assistance.ingest.batches import batch_rejected_csv, list_batches
from assistance.ingest.decode import max_upload_bytes
from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import IngestReport
from assistance.registry.undo import undo
from assistance.web import cache
from assistance.web.shell import PageContext
from assistance.web.text import plain
from assistance.web.upload_flow import (
    ACTIVITY_FORM,
    ACTIVITY_HISTORY,
    AUTO_SHEET,
    MAX_ERRORS_SHOWN,
    UNDO_LEVELS,
    History,
    ImportForm,
    Upload,
    UploadFlow,
    encoding_name,
    rejected_file_name,
    sheet_choices,
    size_text,
)

TEMPLATE_KEYS = ("xlsx_zh", "csv_zh", "xlsx_en", "csv_en")


def flow_state(form: ImportForm = ACTIVITY_FORM) -> UploadFlow:
    """This session's flow of one kind of upload (created on first use)."""
    return st.session_state.setdefault(f"_{form.prefix}_flow", UploadFlow(nothing_hint=form.nothing_hint))


def templates_section(ctx: PageContext) -> None:
    """The four blank templates (XLSX and CSV, Chinese and English headers) to download."""
    with st.expander(ctx.t("upload.templates"), icon=":material/download:"):
        # its university list is registry data: kept until the next write, like every figure (web.cache)
        files = cache.figure(ctx, templates.all_templates)
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


def _run_job(ctx: PageContext, form: ImportForm, data: bytes, upload: Upload, commit: bool) -> IngestReport | None:
    """Run the form's job under a status box with a progress bar; None (and an error shown) if unusable."""
    with st.status(plain(ctx.t("upload.progress_title", file=upload.name)), expanded=False) as status:
        bar = st.progress(0.0)

        def report_progress(fraction: float, step: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=ctx.t(f"upload.progress.{step}"))

        try:
            with form.open_job(ctx.con, data, upload, ctx.account, report_progress) as job:
                report = job.run() if commit else job.validate()
        except AccessDenied as exc:  # the server's own check, whatever the page offered
            status.update(label=ctx.t("upload.progress_done"), state="error")
            st.error(denied_text(ctx, exc.code))
            return None
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


def denied_text(ctx: PageContext, code: str = "role") -> str:
    """Why this account cannot write here: no account exists yet (read-only), or its role may not."""
    if ctx.read_only:
        return ctx.t("signin.read_only")
    if ctx.account is None:
        return ctx.t("access.denied.signed_out")
    return ctx.t(f"access.denied.{code}", role=ctx.t(f"role.{ctx.account.role}"))


def upload_form(ctx: PageContext, flow: UploadFlow, form: ImportForm = ACTIVITY_FORM) -> Upload | None:
    """The file (and its sheet), strict mode (if the form offers it), Check and Commit; returns the chosen upload.
    An account that may not write this kind of file (or no account: read-only) sees why instead; the batch
    records the signed-in account."""
    if not ctx.may(form.action):
        st.info(denied_text(ctx), icon=":material/lock:")
        return None
    limit = max_upload_bytes()
    key = form.prefix
    st.caption(ctx.t("upload.uploading_as", username=plain(ctx.account.username)))
    uploaded = st.file_uploader(
        ctx.t("upload.file"), key=f"{key}_file", help=ctx.t("upload.file_help", limit_mb=f"{limit / 1024 / 1024:g}")
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
                key=f"{key}_sheet",
                help=ctx.t("upload.sheet_help"),
            )
            or None
        )
    strict = form.strict and st.checkbox(ctx.t("upload.strict"), key=f"{key}_strict")
    upload = Upload(uploaded.file_id, uploaded.name, sheet, strict)
    check_col, commit_col = st.columns(2)
    check = check_col.button(ctx.t("upload.check"), key=f"{key}_check", type="secondary", width="stretch")
    commit = commit_col.button(
        ctx.t("upload.commit"),
        key=f"{key}_commit",
        type="primary",
        disabled=not flow.can_commit(upload),
        width="stretch",
    )
    hint = flow.hint(upload)
    if hint:
        st.caption(ctx.t(hint))
    if check:
        if flow.record_check(upload, _run_job(ctx, form, data, upload, commit=False)):
            st.rerun()
    elif commit and flow.record_commit(upload, _run_job(ctx, form, data, upload, commit=True)):
        st.cache_data.clear()
        st.rerun()
    return upload


def report_section(ctx: PageContext, flow: UploadFlow, upload: Upload | None, render=None) -> None:
    """The last commit's report, or the dry run of the chosen file, if there is one to show; `render(ctx, report,
    committed)` draws it (default: an activity log's report)."""
    shown = flow.shown(upload)
    if shown is not None:
        (render or _report)(ctx, *shown)


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
    file_lines(ctx, report)
    if report.duplicates:
        st.caption(ctx.t("upload.duplicates_detail", in_file=report.duplicates_in_file, in_db=report.duplicates_in_db))
    if not report.rejected:
        st.success(ctx.t("upload.all_good") if report.inserted else ctx.t("upload.nothing_to_insert"))
        return
    errors_section(ctx, report, f"upload_rejected_{'commit' if committed else 'check'}")


def file_lines(ctx: PageContext, report: IngestReport) -> None:
    """The file as read: name, size, format, encoding or sheet; the header's line; the columns ignored."""
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


def errors_section(ctx: PageContext, report: IngestReport, key: str) -> None:
    """The rejected rows' errors (the first MAX_ERRORS_SHOWN) and the fix-and-re-upload CSV (button `key`)."""
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
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def history_section(ctx: PageContext, flow: UploadFlow, history: History = ACTIVITY_HISTORY) -> None:
    """The batches of the history's kinds, undo of an active one, and the rejected rows of a past batch."""
    st.subheader(ctx.t(history.title))
    level, flash = flow.flash_level, flow.take_flash()
    if flash:
        getattr(st, level)(flash)
    batches = list_batches(ctx.con)
    batches = batches[batches["kind"].isin(history.kinds)]
    if ctx.account is not None and ctx.account.role != "ministry":  # a party sees its own scope's batches only
        batches = _own(ctx, batches)
    if batches.empty:
        st.caption(ctx.t(history.empty))
        return
    st.dataframe(_history_table(ctx, batches, history), hide_index=True, width="stretch")
    left, right = st.columns(2)
    with left:
        _undo(ctx, flow, batches[~batches["undone"]], history)
    with right:
        _batch_rejected(ctx, batches[batches["rejected"] > 0], history.prefix)


def _own(ctx: PageContext, batches: pd.DataFrame) -> pd.DataFrame:
    """The batches the signed-in account may undo (access.permissions.own_batches: one query, not one per row)."""
    own = own_batches(ctx.con, ctx.account)
    return batches if own is None else batches[batches["batch_id"].isin(own)]


def _history_table(ctx: PageContext, batches: pd.DataFrame, history: History) -> pd.DataFrame:
    view = pd.DataFrame({ctx.t(f"upload.col_{name.removesuffix('_id')}"): batches[name] for name in history.columns})
    if "kind" in history.columns:
        view[ctx.t("upload.col_kind")] = [ctx.t(f"registry.page.kind.{kind}") for kind in batches["kind"]]
    view[ctx.t("upload.col_uploaded_at")] = batches["uploaded_at"].dt.strftime("%Y-%m-%d %H:%M")
    view[ctx.t("upload.col_status")] = [
        ctx.t("upload.status_undone" if undone else "upload.status_active") for undone in batches["undone"]
    ]
    return view


def _undo(ctx: PageContext, flow: UploadFlow, active: pd.DataFrame, history: History) -> None:
    """Undo of one active batch of any kind (`registry.undo.undo`) among the account's own batches
    (access.permissions.own_batches, checked again by undo itself); a refusal (later batches build on it, or not the
    account's batch) shows as a warning naming why."""
    if ctx.read_only or not ctx.may("undo"):
        st.caption(denied_text(ctx))
        return
    active = _own(ctx, active)
    if active.empty:
        st.caption(ctx.t("upload.undo_none"))
        return
    rows = active.set_index("batch_id")
    key = history.prefix
    choice = st.selectbox(
        ctx.t("upload.undo_pick"),
        options=list(active["batch_id"]),
        format_func=lambda batch: f"#{batch}",
        key=f"{key}_undo_pick",
    )
    row = rows.loc[choice]
    kind = ctx.t(f"registry.page.kind.{row['kind']}")
    label = ctx.t(history.confirm, batch=choice, inserted=row["inserted"], changed=row["changed"], kind=kind)
    confirm = st.checkbox(label, key=f"{key}_undo_confirm")
    if st.button(ctx.t("upload.undo_button"), key=f"{key}_undo", disabled=not confirm, type="secondary"):
        result = undo(ctx.con, int(choice), ctx.account)
        flow.flash, flow.flash_level = result.message(ctx.lang), UNDO_LEVELS[result.status]
        if result.status == "done":  # no page keeps showing "committed as batch #N" once N is undone
            for state in list(st.session_state.values()):
                if isinstance(state, UploadFlow):
                    state.forget(int(choice))
        st.session_state.pop(f"{key}_undo_confirm", None)
        st.cache_data.clear()
        st.rerun()


def _batch_rejected(ctx: PageContext, with_rejections: pd.DataFrame, key: str) -> None:
    if with_rejections.empty:
        return
    pick = st.selectbox(
        ctx.t("upload.download_batch_rejected"),
        options=list(with_rejections["batch_id"]),
        format_func=lambda batch: f"#{batch}",
        key=f"{key}_rejected_pick",
    )
    st.download_button(
        ctx.t("upload.download_batch_rejected"),
        batch_rejected_csv(ctx.con, int(pick), ctx.lang),
        file_name=f"batch_{pick}_rejected.csv",
        mime="text/csv",
        key=f"{key}_batch_rejected",
        on_click="ignore",
        icon=":material/download:",
    )
