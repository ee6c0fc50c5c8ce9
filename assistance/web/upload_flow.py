"""An upload's flow between reruns, as plain data: no Streamlit here, so every step is testable alone. The same
flow serves every kind of file a page imports (`ImportForm`): activity logs on the Upload page, registry and plan
files on the Registry page.

A file is checked (dry run) before it can be committed, and only the very file, sheet and strict setting
that was checked: change any of them and the check is stale. `Upload` names what the widgets hold in
this run, `UploadFlow` remembers the last check, the last commit and a message for the next run.
Streamlit's `file_id` tells one upload from the next, so the page never hashes the file; the pipeline's
report carries the file's SHA-256 (`IngestReport.sha256`, `ImportReport.sha256`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistance.ingest.decode import sheet_names

if TYPE_CHECKING:
    import duckdb

    from assistance.ingest.pipeline import IngestReport

MAX_ERRORS_SHOWN = 1000
AUTO_SHEET = ""  # the sheet choice "the first sheet with a header" (the pipeline's choice when none is named)
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gb18030": "GBK/GB18030", "utf-16": "UTF-16"}


@dataclass(frozen=True)
class Upload:
    """The file as chosen in this run: which upload, its name, the sheet picked, strict mode."""

    file_id: str
    name: str
    sheet: str | None = None
    strict: bool = False


# A file's import job: (connection, the file's bytes, the Upload, the signed-in account, progress callback) → a
# context manager whose validate() is the dry run and run() the commit, both returning a report.
OpenJob = Callable[["duckdb.DuckDBPyConnection", bytes, Upload, Any, Callable[[float, str], None]], Any]


def open_activity_job(con, data: bytes, upload: Upload, actor, progress) -> Any:
    """The activity pipeline (ingest.pipeline) for an upload by `actor` (its scope and its name on the batch)."""
    from assistance.ingest.pipeline import Ingest

    return Ingest(con, data, upload.name, sheet=upload.sheet, actor=actor, strict=upload.strict,
                  progress=progress)  # fmt: skip


@dataclass(frozen=True)
class ImportForm:
    """One kind of file a page imports: the prefix of its widget keys and session state, how its job is opened,
    the action it needs (access.permissions), whether strict mode is offered, and the line shown when a checked
    file has nothing to add."""

    prefix: str
    open_job: OpenJob
    action: str = "upload_activities"
    strict: bool = True
    nothing_hint: str = "upload.nothing_to_commit"


ACTIVITY_FORM = ImportForm("upload", open_activity_job)


@dataclass(frozen=True)
class History:
    """A page's list of batches: the prefix of its widget keys, the batch kinds it lists, its columns (of
    `ingest.batches.list_batches`) and the catalogue keys of its title, its empty line and the undo confirmation."""

    prefix: str = "upload"
    kinds: tuple[str, ...] = ("activities",)
    columns: tuple[str, ...] = ("batch_id", "file", "rows", "inserted", "duplicates", "rejected", "uploaded_by")
    title: str = "upload.history"
    empty: str = "upload.history_empty"
    confirm: str = "upload.undo_confirm"


ACTIVITY_HISTORY = History()
# How the page shows an undo's outcome (`registry.undo.undo(...).status`).
UNDO_LEVELS = {"done": "success", "already": "info", "unknown": "warning", "blocked": "warning", "refused": "warning"}


@dataclass
class UploadFlow:
    """What the page remembers: the last dry run and the last commit, each with the `Upload` it was for."""

    checked: tuple[Upload, IngestReport] | None = None
    committed: tuple[Upload, IngestReport] | None = None
    flash: str | None = None  # a message that survives one rerun (after an undo)
    flash_level: str = "success"  # how the flash shows: success, or warning (an undo that was refused)
    nothing_hint: str = "upload.nothing_to_commit"  # the line under the buttons when a file has nothing to add

    def ready(self, upload: Upload) -> bool:
        """Whether this very upload has been checked (so it may be committed)."""
        return self.checked is not None and self.checked[0] == upload

    def can_commit(self, upload: Upload) -> bool:
        """Commit needs a current check that found rows to add."""
        return self.ready(upload) and not self.checked[1].nothing_to_add

    def hint(self, upload: Upload) -> str | None:
        """The catalogue key of the line under the buttons, if one is due."""
        ready = self.ready(upload)
        if not ready and self.checked is not None:
            return "upload.stale"
        if not ready and not (self.committed is not None and self.committed[0] == upload):
            return "upload.check_first"
        if ready and self.checked[1].nothing_to_add:
            return self.nothing_hint
        return None

    def record_check(self, upload: Upload, report: IngestReport | None) -> bool:
        """A dry run ended (None: it failed, its error already shown); True if the page should rerun."""
        self.committed = None
        if report is None:
            return False
        self.checked = (upload, report)
        return True

    def record_commit(self, upload: Upload, report: IngestReport | None) -> bool:
        """A commit ended (None: it failed); True if the page should rerun."""
        if report is None:
            return False
        self.committed, self.checked = (upload, report), None
        return True

    def shown(self, upload: Upload | None) -> tuple[IngestReport, bool] | None:
        """The report to show and whether it is a commit's: the last commit while its file (or none) is
        chosen, else the check of the chosen file."""
        if self.committed is not None and upload in (None, self.committed[0]):
            return self.committed[1], True
        if upload is not None and self.ready(upload):
            return self.checked[1], False
        return None

    def forget(self, batch_id: int) -> None:
        """A batch was undone: its commit report is no longer what the database holds."""
        if self.committed is not None and getattr(self.committed[1], "batch_id", None) == batch_id:
            self.committed = None

    def take_flash(self) -> str | None:
        message, self.flash = self.flash, None
        return message


def sheet_choices(data: bytes, limit: int) -> list[str]:
    """The sheets to choose from: a workbook's sheet names when it has several, else none to choose (the page
    offers AUTO_SHEET before them)."""
    if len(data) > limit or not data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):  # a zip (.xlsx, .ods) or .xls
        return []
    sheets = sheet_names(data)  # none when it is not a workbook after all: the check says why
    return sheets if len(sheets) > 1 else []


def encoding_name(report: IngestReport) -> str:
    """A workbook's sheet, or a text file's encoding as people call it."""
    return report.sheet or ENCODING_NAMES.get(report.encoding or "", report.encoding or "")


def size_text(size_bytes: int) -> str:
    return f"{size_bytes / 1024:,.1f} KB"


def rejected_file_name(file_name: str) -> str:
    """`活动记录.csv` → `活动记录_rejected.csv`."""
    stem = file_name.rsplit(".", 1)[0] or "upload"
    return f"{stem}_rejected.csv"
