"""Step 4 of an import, report: what the import found, in counts, line-numbered errors and rejected rows.

What every kind of file's report holds is stated once here: `FileReport` (the file and its header, the counts
every kind has, the errors, the exit status, the fix-and-re-upload CSV), `read_errors` (the errors and rejected
rows from a validation's error table) and `previous_batch` (an earlier upload of the same file);
registry.common.ImportReport is a FileReport too.
The same `IngestReport` answers a dry run (`inserted` is then what a commit would insert) and a commit, for
the Upload page and `python -m assistance ingest`, so a file gives the same counts and the same errors
wherever it is loaded. Every non-blank row is counted once: inserted + duplicates + rejected = rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Self

import duckdb
import pandas as pd

from assistance.export.writers import csv_bytes
from assistance.i18n import t
from assistance.ingest.decode import ParsedFile
from assistance.ingest.stage import Staged


@dataclass
class FileReport:
    """What a dry run found or a commit did with one file of any kind; `inserted` is the would-insert count on a
    dry run. A kind's report adds its own counts and its JSON object (`to_dict`)."""

    file_name: str
    sha256: str
    size_bytes: int
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    columns: dict[str, str]  # field → the file's own header text
    ignored_columns: list[str]
    rows: int = 0
    inserted: int = 0
    rejected: int = 0
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, column, value, message_zh, message_en, …
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, c0…cN, message_zh, message_en
    rejected_columns: list[str] = field(default_factory=list)  # display names of rejected_rows' c0…cN
    dry_run: bool = True
    committed: bool = False
    batch_id: int | None = None
    previous_batch_id: int | None = None
    seconds: float = 0.0

    @classmethod
    def of(cls, staged: Staged, file_name: str, sha256: str, size_bytes: int, dry_run: bool, **extra: object) -> Self:
        """A report of this class on the staged file (its format, encoding, sheet, header), counts still zero."""
        parsed: ParsedFile = staged.parsed
        return cls(
            file_name=file_name,
            sha256=sha256,
            size_bytes=size_bytes,
            file_format=parsed.file_format,
            encoding=parsed.encoding,
            delimiter=parsed.delimiter,
            sheet=parsed.sheet,
            header_line=staged.header_line,
            columns=staged.columns,
            ignored_columns=list(staged.ignored),
            rejected_columns=staged.names,
            dry_run=dry_run,
            **extra,
        )

    @property
    def exit_code(self) -> int:
        """docs/contracts.md, "Exit codes": 1 when a row was rejected, else 0."""
        return 1 if self.rejected else 0

    def errors_in(self, lang: str) -> pd.DataFrame:
        """line, column, value, message (in `lang`), ordered by line."""
        if self.errors.empty:
            return pd.DataFrame({"line": [], "column": [], "value": [], "message": []})
        message = "message_en" if lang == "en" else "message_zh"
        return self.errors[["line", "column", "value", message]].rename(columns={message: "message"})

    def error_records(self, lang: str) -> list[dict]:
        """The errors as the `errors` list of the commands' JSON (docs/contracts.md, "JSON outputs")."""
        return [
            {"line": int(line), "column": column, "value": value if isinstance(value, str) else None, "message": text}
            for line, column, value, text in self.errors_in(lang).itertuples(index=False)
        ]

    def rejected_csv(self, lang: str) -> bytes:
        """The rejected rows in the file's own columns plus an error column: fix them and upload again."""
        frame = self.rejected_rows
        if frame.empty:
            return rejected_csv_bytes(self.rejected_columns, [], lang)
        positions = [f"c{p}" for p in range(len(self.rejected_columns))]
        cells = frame[positions].astype(object).where(frame[positions].notna(), "")
        lines = map(int, frame["line"])
        rows = zip(lines, cells.itertuples(index=False), frame["message_zh"], frame["message_en"], strict=True)
        return rejected_csv_bytes(self.rejected_columns, rows, lang)


@dataclass
class IngestReport(FileReport):
    """An activity log's report: inserted + duplicates + rejected = rows."""

    duplicates: int = 0
    duplicates_in_file: int = 0
    duplicates_in_db: int = 0
    strict: bool = False

    @property
    def strict_blocked(self) -> bool:
        """The strict-mode rule, stated once: a --strict commit of a file with any rejected row writes nothing,
        not even a batch (docs/contracts.md, "Exit codes")."""
        return self.strict and self.rejected > 0 and not self.dry_run

    @property
    def nothing_to_add(self) -> bool:
        """The no-empty-batch rule, stated once: a file with no row to insert (header only, every row a duplicate
        or rejected) commits nothing, not even a batch (docs/contracts.md, "No empty batches")."""
        return self.inserted == 0

    def to_dict(self, lang: str) -> dict:
        """The JSON object of `ingest --json` (docs/contracts.md, "JSON outputs")."""
        return {
            "file": self.file_name,
            "rows": self.rows,
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "batch_id": self.batch_id,
            "errors": self.error_records(lang),
        }


def rejected_csv_bytes(header: list[str], rows: Iterable[tuple[int, Sequence, str, str]], lang: str) -> bytes:
    """The fix-and-re-upload CSV of (line, cells, message_zh, message_en) rows: the file's columns, then the
    errors in `lang` after the line number. The same for a fresh report and for a past batch (batches)."""
    body = [
        [*cells, t("ingest.csv.line_prefix", lang, line=line) + (message_en if lang == "en" else message_zh)]
        for line, cells, message_zh, message_en in rows
    ]
    return csv_bytes([*header, t("ingest.csv.error_column", lang)], body)


def build_report(
    cur: duckdb.DuckDBPyConnection,
    staged: Staged,
    *,
    file_name: str,
    sha256: str,
    size_bytes: int,
    strict: bool,
    dry_run: bool,
) -> IngestReport:
    """The report of the validated rows (ing_staged, ing_first, ing_fresh, ing_errors) of one staged file."""
    report = IngestReport.of(staged, file_name, sha256, size_bytes, dry_run, strict=strict)
    report.previous_batch_id = previous_batch(cur, sha256, "activities")
    rows, valid, firsts, fresh = cur.execute(
        "SELECT (SELECT count(*) FROM ing_staged WHERE NOT blank), (SELECT count(*) FROM ing_staged WHERE valid), "
        "(SELECT count(*) FROM ing_first), (SELECT count(*) FROM ing_fresh)"
    ).fetchall()[0]
    report.rows = rows
    report.rejected = rows - valid
    report.inserted = fresh
    report.duplicates = valid - fresh
    report.duplicates_in_file = valid - firsts
    report.duplicates_in_db = firsts - fresh
    if report.rejected:
        report.errors, report.rejected_rows = read_errors(cur, "ing_errors", staged.width)
    return report


def read_errors(cur: duckdb.DuckDBPyConnection, table: str, width: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """From a validation's error table (ing_errors, reg_errors: line, column_name, value, message_zh, message_en,
    field, code, field_order) and ing_raw: the errors by line, and each rejected line's cells c0…c{width-1} with
    its messages joined (an empty frame when there is no error)."""
    errors = cur.execute(
        f"SELECT line, column_name AS column, value, message_zh, message_en, field, code FROM {table} "
        "ORDER BY line, field_order"
    ).df()
    if errors.empty:
        return errors, pd.DataFrame()
    select_cells = "".join(f", r.c{p} AS c{p}" for p in range(width))
    rejected_rows = cur.execute(
        "WITH agg AS (SELECT line, string_agg(message_zh, '；' ORDER BY field_order) AS message_zh, "
        f"string_agg(message_en, '; ' ORDER BY field_order) AS message_en FROM {table} GROUP BY line) "
        f"SELECT a.line{select_cells}, a.message_zh, a.message_en "
        "FROM agg a JOIN ing_raw r ON r.line = a.line ORDER BY a.line"
    ).df()
    return errors, rejected_rows


def previous_batch(cur: duckdb.DuckDBPyConnection, sha256: str, kind: str) -> int | None:
    """The latest batch, not undone, of a file of `kind` with these bytes (the report says it was loaded before)."""
    return cur.execute(
        "SELECT max(batch_id) FROM upload_batches WHERE sha256 = ? AND kind = ? AND undone_at IS NULL", [sha256, kind]
    ).fetchall()[0][0]
