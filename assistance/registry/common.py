"""What the registry and plan imports share: reading a file into named cells, the report, messages and the batch.

Both imports read the file exactly as the activity upload does (ingest.decode: format from the content, any
usual encoding, the file's own line numbers), find the header with ingest.fields (which also refuses a file of
another kind), and leave the cells in the temp table `reg_cells(line, <field>, <field>_raw, …)`: `<field>` is the
cell NFKC-folded and trimmed (the form values are checked in), `<field>_raw` the user's text trimmed (the form
new names are stored in). A column absent from the file is NULL in every row, like an empty cell: both leave a
stored field as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from assistance.i18n import t
from assistance.ingest.decode import ParsedFile, max_upload_bytes, parse, read_source
from assistance.ingest.fields import FieldMatch, FileKind, find_header
from assistance.ingest.headers import HEADER_SCAN_ROWS
from assistance.ingest.report import rejected_csv_bytes
from assistance.ingest.stage import stage_raw
from assistance.store.transaction import WRITE_LOCK, Rollback, registered, transaction

Progress = Callable[[float, str], None]

# A cell exported with the formula guard (export.cells: a leading apostrophe before = + - @) reads back as its text.
_GUARDED = "^'([=+\\-@])"
_INVISIBLE = "[\u200b-\u200d\u2060\ufeff]"
# A total row at the bottom of a spreadsheet (合计/总计/小计) is never a record.
TOTAL_ROW = "^(合计|总计|小计|total)"


def silent(_fraction: float, _step: str) -> None:
    return None


@dataclass
class Staged:
    """A file read and its header found; the cells are in reg_cells, the raw rows in ing_raw."""

    parsed: ParsedFile
    header: FieldMatch
    header_line: int
    names: list[str]  # display names of c0…cN, unique (for the rejected rows)

    @property
    def width(self) -> int:
        return self.parsed.width

    @property
    def columns(self) -> dict[str, str]:
        return self.header.columns()


def read_file(source: bytes | str | Path, max_bytes: int | None) -> tuple[bytes, Path | None]:
    """The file's bytes (refused over the size cap before reading) and its path when it is a file on disk."""
    path = None if isinstance(source, bytes | bytearray) else Path(source)
    cap = max_upload_bytes() if max_bytes is None else max_bytes
    return read_source(path if path is not None else bytes(source), cap), path


def _clean(array: pa.ChunkedArray, fold: bool) -> pa.ChunkedArray:
    """Trimmed text (NFKC-folded when `fold`), the formula guard's apostrophe and zero-width spaces removed,
    empty → NULL."""
    text = pc.utf8_normalize(array, form="NFKC") if fold else array
    text = pc.replace_substring_regex(text, pattern=_INVISIBLE, replacement="")
    text = pc.utf8_trim_whitespace(text)
    text = pc.replace_substring_regex(text, pattern=_GUARDED, replacement="\\1")
    text = pc.utf8_trim_whitespace(text)
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def stage_cells(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile, kind: FileKind) -> Staged:
    """Stage the file (ing_raw), find the header of `kind` and make reg_cells(line, blank, total, <field>,
    <field>_raw …) of the rows below it."""
    parsed = stage_raw(cur, parsed)
    head = cur.execute(f"SELECT * FROM ing_raw ORDER BY line LIMIT {HEADER_SCAN_ROWS}").fetchall()
    header = find_header([list(row[1:]) for row in head], [row[0] for row in head], kind)
    header_line = int(head[header.index][0])
    present = [(name, position) for name, position in header.fields.items()]
    select = "".join(f", CAST(c{position} AS VARCHAR) AS {name}" for name, position in present)
    # The row's first non-empty cell among its leading columns, for a total row (合计 under 序号, say).
    leading = ", ".join(f"nullif(trim(CAST(c{p} AS VARCHAR)), '')" for p in range(min(parsed.width, 3)))
    select += f", coalesce({leading}) AS leading_cell" if leading else ", NULL::VARCHAR AS leading_cell"
    table = cur.sql(f"SELECT line{select} FROM ing_raw WHERE line > {header_line} ORDER BY line").to_arrow_table()
    rows = table.num_rows
    columns: dict[str, pa.Array | pa.ChunkedArray] = {"line": table["line"], "leading_cell": table["leading_cell"]}
    empty = pa.nulls(rows, pa.string())
    for name in kind.fields:
        if name in header.fields:
            columns[name] = _clean(table[name], fold=True)
            columns[f"{name}_raw"] = _clean(table[name], fold=False)
        else:
            columns[name] = empty
            columns[f"{name}_raw"] = empty
    with registered(cur, "reg_in", pa.table(columns)):
        any_cell = " OR ".join(f"{name} IS NOT NULL" for name in kind.fields)
        first = "coalesce(" + ", ".join(kind.fields) + ")"
        cur.execute(
            f"CREATE TEMP TABLE reg_cells AS SELECT *, NOT ({any_cell}) AS blank, "
            f"coalesce(regexp_matches(lower({first}), '{TOTAL_ROW}'), false) "
            f"OR coalesce(regexp_matches(lower(leading_cell), '{TOTAL_ROW}'), false) AS total FROM reg_in"
        )
    return Staged(parsed, header, header_line, header.unique_names(parsed.width))


class FileImport:
    """One file's import, shared by the registry and plan imports: `validate()` is the dry run (the full report,
    nothing written), `run()` repeats the steps in one transaction under the write lock and commits them.

    `source` is the file's bytes or path; `max_bytes` the size cap (default ingest.decode.max_upload_bytes(), 0 =
    none). A subclass names its `kind` (ingest.fields) and implements `steps(cur, staged, report, commit)`: classify,
    fill the report and, when `commit`, write. The file is read and decoded once, however often it is validated;
    `close()` (or leaving a `with` block, or garbage collection) removes a temporary copy decoding needed."""

    kind: FileKind

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: bytes | str | Path,
        file_name: str | None = None,
        *,
        sheet: str | None = None,
        uploaded_by: str | None = None,
        max_bytes: int | None = None,
    ):
        self.con = con
        self.source = source
        path = None if isinstance(source, bytes | bytearray) else Path(source)
        self.file_name = file_name or (path.name if path else "upload")
        self.sheet = sheet or None
        self.uploaded_by = (uploaded_by or "").strip() or None
        self.max_bytes = max_bytes
        self._data: bytes | None = None
        self._path: Path | None = None
        self._parsed: ParsedFile | None = None
        self._finalizer = weakref.finalize(self, _remove_file, None)

    def validate(self) -> ImportReport:
        """Dry run: the full report; the database is left exactly as it was."""
        return self._execute(commit=False)

    def run(self) -> ImportReport:
        """Validate again inside one transaction and commit the valid rows as one batch."""
        with WRITE_LOCK:
            return self._execute(commit=True)

    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> FileImport:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def steps(self, cur: duckdb.DuckDBPyConnection, staged: Staged, report: ImportReport, commit: bool) -> None:
        raise NotImplementedError

    def _execute(self, commit: bool) -> ImportReport:
        started = time.perf_counter()
        if self._data is None:
            self._data, self._path = read_file(self.source, self.max_bytes)
        if self._parsed is None:
            self._parsed = parse(self._data, self._path, self.sheet, "auto", silent)
            if self._parsed.temporary:
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _remove_file, self._parsed.csv_path)
        with transaction(self.con) as cur:
            staged = stage_cells(cur, self._parsed, self.kind)
            self._parsed = staged.parsed  # a plan DuckDB could not follow is not tried again
            report = new_report(self.kind.name, self.file_name, self._data, staged, dry_run=not commit)
            self.steps(cur, staged, report, commit)
            if not commit:
                raise Rollback
            report.committed = True
        report.seconds = time.perf_counter() - started
        return report


def _remove_file(path: str | None) -> None:
    if path:
        with contextlib.suppress(OSError):
            os.unlink(path)


# ---------------------------------------------------------------------------------------------------------
# Messages: row-error templates with the file's own column names filled in; SQL fills {value} and {candidates}


def message_table(prefix: str, codes: dict[str, Sequence[str]], kind: FileKind, columns: dict[str, str]) -> pa.Table:
    """(field, code, column_name, zh, en, field_order) for every error a row can get; `codes` maps a field to
    its error codes, `prefix` is the catalogue's key prefix (registry.err, plans.err)."""
    records = []
    for order, (name, field_codes) in enumerate(codes.items()):
        for code in field_codes:
            texts = []
            for lang in ("zh", "en"):
                column = _column(name, kind, columns, lang)
                texts.append(t(f"{prefix}.{code}", lang, column=column, value="{value}", candidates="{candidates}"))
            records.append((name, code, _column(name, kind, columns, "zh"), texts[0], texts[1], order))
    names = ("field", "code", "column_name", "zh", "en", "field_order")
    return pa.table({n: [r[i] for r in records] for i, n in enumerate(names)})


def _column(name: str, kind: FileKind, columns: dict[str, str], lang: str) -> str:
    """The file's own header of a field; for 'place' (one of school/county) both; else the field's label."""
    if name == "place":
        return " / ".join(columns.get(f) or kind.field_label(f, lang) for f in ("school", "county"))
    return columns.get(name) or kind.field_label(name, lang)


def collect_errors(cur: duckdb.DuckDBPyConnection, messages: pa.Table) -> None:
    """reg_errors(line, field, code, column_name, value, field_order, message_zh, message_en) from
    reg_problems(line, field, code, value, cz, ce): cz/ce the candidates (VARCHAR[]) named in the message."""
    with registered(cur, "reg_msgs", messages):
        cur.execute(
            """CREATE TEMP TABLE reg_errors AS
            SELECT p.line, p.field, p.code, m.column_name, p.value, m.field_order,
                replace(replace(m.zh, '{candidates}', coalesce(array_to_string(p.cz, '、'), '')),
                        '{value}', coalesce(left(p.value, 80), '')) AS message_zh,
                replace(replace(m.en, '{candidates}', coalesce(array_to_string(p.ce, '; '), '')),
                        '{value}', coalesce(left(p.value, 80), '')) AS message_en
            FROM reg_problems p JOIN reg_msgs m ON m.field = p.field AND m.code = p.code"""
        )
        missing = cur.execute(
            "SELECT DISTINCT field, code FROM reg_problems ANTI JOIN reg_msgs USING (field, code)"
        ).fetchall()
        if missing:  # a programming error: every code a check can give must have a message
            raise RuntimeError(f"no message for {missing}")


# ---------------------------------------------------------------------------------------------------------
# The report


@dataclass
class ImportReport:
    """What a registry or plan import found (a dry run) or did (a commit). rows = inserted + changed +
    unchanged + rejected; blank lines and total rows are not rows."""

    kind: str  # registry | plans
    file_name: str
    sha256: str
    size_bytes: int
    file_format: str = "csv"
    encoding: str | None = None
    sheet: str | None = None
    header_line: int = 0
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    inserted: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    total_rows: int = 0  # 合计/总计 rows skipped
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, column, value, message_zh, message_en, …
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, field, before, after
    statuses: pd.DataFrame = field(default_factory=pd.DataFrame)  # line, status, and what the row names
    new_parties: pd.DataFrame = field(default_factory=pd.DataFrame)  # name, kind, similar
    new_schools: pd.DataFrame = field(default_factory=pd.DataFrame)  # school, county, adcode
    demo: dict[str, int] = field(default_factory=dict)  # pairings, plans, activities, kept: what a commit removes
    demo_tiers: list[str] = field(default_factory=list)
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejected_columns: list[str] = field(default_factory=list)
    dry_run: bool = True
    committed: bool = False
    batch_id: int | None = None
    previous_batch_id: int | None = None
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    @property
    def nothing_to_add(self) -> bool:
        """No row is new or changed: a commit would change nothing (the Registry page disables it)."""
        return not (self.inserted or self.changed)

    def demo_notes(self, lang: str) -> list[str]:
        """The demo rows a commit removes (a dry run) or removed, and the demo pairings kept; [] if none."""
        demo, notes = self.demo, []
        done = "" if self.dry_run else "_done"
        if self.kind == "plans" and demo.get("plans"):
            notes.append(t(f"registry.demo.plans{done}", lang, plans=demo["plans"]))
        elif any(demo.get(k) for k in ("pairings", "plans", "activities")):
            order = ("national", "provincial", "municipal")
            tiers = t("list.separator", lang).join(t(f"tier.{tier}", lang) for tier in order if tier in self.demo_tiers)
            counts = {k: demo.get(k, 0) for k in ("pairings", "plans", "activities")}
            notes.append(t(f"registry.demo.tier{done}", lang, tiers=tiers, **counts))
        if demo.get("kept"):
            notes.append(t("registry.demo.kept", lang, kept=demo["kept"]))
        return notes

    def errors_in(self, lang: str) -> pd.DataFrame:
        """line, column, value, message (in `lang`), ordered by line."""
        if self.errors.empty:
            return pd.DataFrame({"line": [], "column": [], "value": [], "message": []})
        message = "message_en" if lang == "en" else "message_zh"
        return self.errors[["line", "column", "value", message]].rename(columns={message: "message"})

    def to_dict(self, lang: str) -> dict:
        """The JSON object of `registry import --json` / `plans import --json` (docs/contracts.md)."""
        return {
            "file": self.file_name,
            "kind": self.kind,
            "rows": self.rows,
            "inserted": self.inserted,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "batch_id": self.batch_id,
            "errors": [
                {"line": int(line), "column": column, "value": _text(value), "message": message}
                for line, column, value, message in self.errors_in(lang).itertuples(index=False)
            ],
        }

    def rejected_csv(self, lang: str) -> bytes:
        """The rejected rows in the file's own columns plus the reasons: fix them and import again."""
        frame = self.rejected_rows
        if frame.empty:
            return rejected_csv_bytes(self.rejected_columns, [], lang)
        positions = [f"c{p}" for p in range(len(self.rejected_columns))]
        cells = frame[positions].astype(object).where(frame[positions].notna(), "")
        rows = zip(
            map(int, frame["line"]), cells.itertuples(index=False), frame["message_zh"], frame["message_en"],
            strict=True,
        )  # fmt: skip
        return rejected_csv_bytes(self.rejected_columns, rows, lang)


def _text(value: object) -> str | None:
    """A cell for JSON: None for an empty cell (pandas gives NaN)."""
    return value if isinstance(value, str) else None


def without_nan(frame: pd.DataFrame) -> pd.DataFrame:
    """Empty values as None (not NaN), so that `before`/`after` read as "no value"."""
    return frame.astype(object).where(frame.notna(), None)


def fill_errors(cur: duckdb.DuckDBPyConnection, report: ImportReport, staged: Staged) -> None:
    """The report's errors and rejected rows from reg_errors and ing_raw."""
    report.errors = cur.execute(
        "SELECT line, column_name AS column, value, message_zh, message_en, field, code FROM reg_errors "
        "ORDER BY line, field_order"
    ).df()
    if report.errors.empty:
        return
    select_cells = "".join(f", r.c{p} AS c{p}" for p in range(staged.width))
    report.rejected_rows = cur.execute(
        "WITH agg AS (SELECT line, string_agg(message_zh, '；' ORDER BY field_order) AS message_zh, "
        "string_agg(message_en, '; ' ORDER BY field_order) AS message_en FROM reg_errors GROUP BY line) "
        f"SELECT a.line{select_cells}, a.message_zh, a.message_en "
        "FROM agg a JOIN ing_raw r ON r.line = a.line ORDER BY a.line"
    ).df()


def new_report(kind: str, file_name: str, data: bytes, staged: Staged, dry_run: bool) -> ImportReport:
    parsed = staged.parsed
    return ImportReport(
        kind=kind,
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        file_format=parsed.file_format,
        encoding=parsed.encoding,
        sheet=parsed.sheet,
        header_line=staged.header_line,
        columns=staged.columns,
        ignored_columns=list(staged.header.ignored),
        rejected_columns=staged.names,
        dry_run=dry_run,
    )


def previous_batch(cur: duckdb.DuckDBPyConnection, sha256: str, kind: str) -> int | None:
    return cur.execute(
        "SELECT max(batch_id) FROM upload_batches WHERE sha256 = ? AND kind = ? AND undone_at IS NULL", [sha256, kind]
    ).fetchall()[0][0]


def record_batch(
    cur: duckdb.DuckDBPyConnection, report: ImportReport, staged: Staged, batch_id: int, uploaded_by: str | None
) -> None:
    """The batch row (who, when, sha256, kind, counts) and the rejected rows kept with it."""
    cur.execute(
        "INSERT INTO upload_batches (batch_id, file_name, sha256, size_bytes, rows, inserted, duplicates, rejected, "
        "uploaded_by, uploaded_at, undone_at, ignored_columns, sheet, kind, changed, unchanged) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        [
            batch_id, report.file_name, report.sha256, report.size_bytes, report.rows, report.inserted,
            report.unchanged, report.rejected, uploaded_by, datetime.now().replace(microsecond=0),
            json.dumps(report.ignored_columns, ensure_ascii=False), report.sheet, report.kind, report.changed,
            report.unchanged,
        ],
    )  # fmt: skip
    if report.rejected and staged.width:
        pairs = ", ".join(f"?, r.c{p}" for p in range(staged.width))
        cur.execute(
            "INSERT INTO rejected_rows (batch_id, line, column_name, value, message_zh, message_en, raw_row) "
            f"SELECT ?, e.line, e.column_name, e.value, e.message_zh, e.message_en, "
            f"CAST(json_object({pairs}) AS VARCHAR) FROM reg_errors e JOIN ing_raw r USING (line) "
            "ORDER BY e.line, e.field_order",
            [batch_id, *staged.names],
        )


def next_batch_id(cur: duckdb.DuckDBPyConnection) -> int:
    return cur.execute("SELECT nextval('seq_batch')").fetchall()[0][0]


# ---------------------------------------------------------------------------------------------------------
# Cell values in SQL (over NFKC-folded, trimmed text; `column` is always a name written in code)

EARLIEST_DATE, LATEST_DATE = "2000-01-01", "2100-12-31"
_YMD = (
    "'^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?"
    "(?:\\s*[T ]?\\s*\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?$'"
)


def date_sql(column: str) -> str:
    """A DATE from YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel serial; NULL if none of
    those or outside 2000–2100."""
    parsed = f"""CASE
        WHEN regexp_matches({column}, {_YMD})
            THEN CAST(try_strptime(regexp_replace({column}, {_YMD}, '\\1-\\2-\\3'), '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match({column}, '\\d{{8}}') THEN CAST(try_strptime({column}, '%Y%m%d') AS DATE)
        WHEN regexp_full_match({column}, '\\d{{5}}(\\.\\d+)?')
            THEN DATE '1899-12-30' + CAST(floor(CAST({column} AS DOUBLE)) AS INTEGER)
    END"""
    return f"(CASE WHEN ({parsed}) BETWEEN DATE '{EARLIEST_DATE}' AND DATE '{LATEST_DATE}' THEN ({parsed}) END)"


def whole_sql(column: str, pattern: str = "^\\+?(\\d{1,9})(?:\\.0*)?$") -> str:
    """A whole number ≥ 0 (NULL if the text is not one); `pattern`'s first group holds the digits."""
    return f"TRY_CAST(regexp_extract({column}, '{pattern}', 1) AS INTEGER)"
