"""Activity-log import: decode → parse → stage → validate → report → commit.

One pipeline serves the Upload page and `python -m assistance ingest`, so a file gives the same counts and the
same errors wherever it is loaded. `Ingest.validate()` is the dry run (a full report, nothing written);
`Ingest.run()` repeats the validation inside one transaction and commits it. Reading the file is
`ingest_decode`, finding its columns `ingest_headers`, and the upload history and undo `batches`.

Why it is built this way:
* Rows are never validated one by one in Python: the file is staged into DuckDB and checked with set
  operations. Each cell column is reduced to its distinct values first, those few values are normalised
  (NFKC, in C via pyarrow) and checked, and the answers are joined back to the rows.
* Every non-blank row ends up inserted, a duplicate or rejected with its reasons, under the file's own line
  numbers.
* Every commit is recorded as a batch, including a second upload of the same file: it inserts nothing (all
  its rows are duplicates), the history shows that it happened, and the report names the earlier batch.
* A row is blank when every recognised column is empty; cells in ignored columns (a pre-filled 序号, say)
  do not make a row count. Rows above the header (a title such as "XX大学帮扶活动记录表") are skipped.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from assistance.i18n import t
from assistance.ingest.decode import ParsedFile, Progress, max_upload_bytes, parse, read_source, stage_raw
from assistance.ingest.headers import FIELDS, HEADER_SCAN_ROWS, PLACE_FIELDS, find_header
from assistance.store.db import title_key_sql

EARLIEST_DATE = date(2022, 6, 1)
MAX_TITLE_CHARS = 200
MAX_COUNT = 2_147_483_647  # the INTEGER columns' limit
MAX_HOURS = 100_000.0

# One write at a time inside this process (DuckDB's file lock keeps other processes out). Every commit and
# undo holds it for the whole transaction, so two uploads in two browser sessions never collide.
WRITE_LOCK = threading.Lock()

# Synonyms accepted for measures on top of the canonical code and labels (PROGRAM.md).
MEASURE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "resident_team": ("派驻团队", "驻校团队", "派驻校长", "派驻教师", "托管团队"),
    "teacher_visit": ("骨干教师指导", "到校指导", "教师到校指导", "送教到校"),
    "student_teaching": ("支教", "支教实习", "实习支教", "研究生支教", "顶岗支教"),
    "principal_training": ("校长研修", "干部培训", "管理干部培训"),
    "teacher_training": ("教师研修", "师资培训"),
    "shadowing": ("跟岗", "挂职", "跟岗学习", "挂职锻炼"),
    "student_camp": ("营地活动", "研学营", "夏令营", "冬令营", "研学"),
    "lab_open_day": ("实验室开放日", "实验室参观"),
    "teaching_research": ("教研", "教研活动", "集体备课"),
    "other": ("其它",),
}

# YYYY-M-D with -, /, . or 年月日 (and an optional time of day, as Excel writes date-time cells).
_DATE_PATTERN = (
    "'^(\\d{4})\\s*[-/.年]\\s*(\\d{1,2})\\s*[-/.月]\\s*(\\d{1,2})\\s*日?"
    "(?:\\s*[T ]?\\s*\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?)?$'"
)
_VISIBLE = "[^\\s\\x{a0}\\x{3000}\\x{feff}\\x{200b}]"  # RE2: a cell holding anything but spaces
# Name keys drop every space and zero-width character (reference.normalise_name does the same for aliases).
_NAME_KEY_SQL = "lower(regexp_replace({col}, '[\\s\\x{{200b}}-\\x{{200d}}\\x{{2060}}\\x{{feff}}]+', '', 'g'))"


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside BEGIN; the caller ends it with COMMIT or ROLLBACK, an exception rolls it back."""
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            yield cur
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
    finally:
        cur.close()


def _trim_array(array: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The user's text with surrounding whitespace (including full-width spaces) removed; empty → NULL."""
    return _null_if_empty(pc.utf8_trim_whitespace(array))


def _normalise_array(array: pa.ChunkedArray | pa.Array) -> pa.Array:
    """NFKC (full-width digits, letters and spaces → ASCII), trimmed; empty → NULL. Vectorised in C."""
    return _null_if_empty(pc.utf8_trim_whitespace(pc.utf8_normalize(array, form="NFKC")))


def _null_if_empty(array: pa.ChunkedArray | pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


# ---------------------------------------------------------------------------------------------------------
# The report


@dataclass
class IngestReport:
    """Everything a dry run or a commit found; `inserted` is the would-insert count on a dry run."""

    file_name: str
    sha256: str
    size_bytes: int
    file_format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_line: int
    columns: dict[str, str]
    ignored_columns: list[str]
    rows: int = 0
    inserted: int = 0
    duplicates: int = 0
    duplicates_in_file: int = 0
    duplicates_in_db: int = 0
    rejected: int = 0
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejected_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    rejected_columns: list[str] = field(default_factory=list)  # display names of rejected_rows' c0…cN
    dry_run: bool = True
    strict: bool = False
    committed: bool = False
    batch_id: int | None = None
    previous_batch_id: int | None = None
    seconds: float = 0.0

    @property
    def strict_blocked(self) -> bool:
        return self.strict and self.rejected > 0 and not self.dry_run

    @property
    def exit_code(self) -> int:
        return 1 if self.rejected else 0

    def errors_in(self, lang: str) -> pd.DataFrame:
        """line, column, value, message (in `lang`), ordered by line."""
        if self.errors.empty:
            return pd.DataFrame({"line": [], "column": [], "value": [], "message": []})
        message = "message_en" if lang == "en" else "message_zh"
        return self.errors[["line", "column", "value", message]].rename(columns={message: "message"})

    def to_dict(self, lang: str) -> dict:
        """The JSON object of `ingest --json` (DESIGN.md)."""
        errors = self.errors_in(lang)
        return {
            "file": self.file_name,
            "rows": self.rows,
            "inserted": self.inserted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "batch_id": self.batch_id,
            "errors": [
                {"line": int(line), "column": column, "value": value, "message": message}
                for line, column, value, message in errors.itertuples(index=False)
            ],
        }

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


def rejected_csv_bytes(header: list[str], rows: Iterable[tuple[int, Sequence, str, str]], lang: str) -> bytes:
    """The fix-and-re-upload CSV of (line, cells, message_zh, message_en) rows: the file's columns, then the
    errors in `lang` after the line number. The same for a fresh report and for a past batch (batches)."""
    body = [
        [*cells, t("ingest.csv.line_prefix", lang, line=line) + (message_en if lang == "en" else message_zh)]
        for line, cells, message_zh, message_en in rows
    ]
    return csv_bytes([*header, t("ingest.csv.error_column", lang)], body)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _inert(cell: object) -> str:
    """A cell that Excel will not run as a formula (a leading apostrophe; plain numbers are left alone)."""
    text = "" if cell is None else str(cell)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel and WPS open it correctly), CRLF line ends, formulas made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_inert(h) for h in header])
    writer.writerows([_inert(c) for c in row] for row in rows)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------------------------------------
# The pipeline


def _silent(_fraction: float, _step: str) -> None:
    return None


class Ingest:
    """One file's import. `validate()` is the dry run; `run()` commits in one transaction.

    `source` is the file's bytes or a path; `max_bytes` is the size cap (default `max_upload_bytes()`, 0 = no
    cap); `today` fixes "not after today" (tests); `progress(fraction, step)` hears about long files, `step`
    being read/parse/validate/commit/done; `csv_engine='python'` forces the Python CSV reader instead of
    choosing ('auto'), so tests can compare the two readers.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source: bytes | str | Path,
        file_name: str | None = None,
        *,
        sheet: str | None = None,
        uploaded_by: str | None = None,
        strict: bool = False,
        max_bytes: int | None = None,
        today: date | None = None,
        progress: Progress | None = None,
        csv_engine: str = "auto",
    ):
        self.con = con
        self.source = source
        self.path = None if isinstance(source, bytes) else Path(source)
        self.file_name = file_name or (self.path.name if self.path else "upload")
        self.sheet = sheet or None
        self.uploaded_by = (uploaded_by or "").strip() or None
        self.strict = strict
        self.max_bytes = max_upload_bytes() if max_bytes is None else max_bytes
        self.today = today or date.today()
        self.progress = progress or _silent
        self.csv_engine = csv_engine
        self._data: bytes | None = None
        self._parsed: ParsedFile | None = None
        self.timings: list[tuple[str, float]] = []  # (step, seconds) of the last run, for the benchmark
        self._clock = time.perf_counter()
        self._finalizer = weakref.finalize(self, _remove_file, None)

    # -- public

    def validate(self) -> IngestReport:
        """Dry run: the full report; the database is left exactly as it was."""
        return self._execute(commit=False)

    def run(self) -> IngestReport:
        """Validate again inside one transaction and commit (or, in strict mode with rejections, commit nothing)."""
        with WRITE_LOCK:
            return self._execute(commit=True)

    def close(self) -> None:
        """Remove the temporary copy a large upload may have needed."""
        self._finalizer()

    def __enter__(self) -> Ingest:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- read and parse (cached between validate() and run())

    def _mark(self, step: str) -> None:
        now = time.perf_counter()
        self.timings.append((step, now - self._clock))
        self._clock = now

    def _bytes(self) -> bytes:
        if self._data is None:
            self._data = read_source(self.source if self.path is None else self.path, self.max_bytes)
        return self._data

    def _parse(self) -> ParsedFile:
        if self._parsed is None:
            data = self._bytes()
            self.progress(0.02, "read")
            self._parsed = parse(data, self.path, self.sheet, self.csv_engine, self.progress)
            if self._parsed.temporary:
                self._finalizer.detach()
                self._finalizer = weakref.finalize(self, _remove_file, self._parsed.csv_path)
        return self._parsed

    # -- stage, validate, report, commit

    def _execute(self, commit: bool) -> IngestReport:
        started = self._clock = time.perf_counter()
        self.timings = []
        data = self._bytes()
        self._mark("read")
        parsed = self._parse()
        self._mark("decode")
        digest: list[str] = []  # hashlib releases the GIL: hash while DuckDB works
        hasher = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()), daemon=True)
        hasher.start()
        with transaction(self.con) as cur:
            report = self._pipeline(cur, parsed, hasher, digest, len(data), commit)
            if commit and not report.strict_blocked:
                cur.execute("COMMIT")
                report.committed = True
                self._mark("commit")
            else:
                cur.execute("ROLLBACK")
        report.seconds = time.perf_counter() - started
        self.progress(1.0, "done")
        return report

    def _pipeline(
        self,
        cur: duckdb.DuckDBPyConnection,
        parsed: ParsedFile,
        hasher: threading.Thread,
        digest_box: list[str],
        size: int,
        commit: bool,
    ) -> IngestReport:
        self.progress(0.4, "parse")
        parsed = self._parsed = stage_raw(cur, parsed)
        self._mark("stage")
        width = parsed.width
        head = cur.execute(f"SELECT * FROM ing_raw ORDER BY line LIMIT {HEADER_SCAN_ROWS}").fetchall()
        head_lines = [row[0] for row in head]
        header = find_header([list(row[1:]) for row in head], head_lines)
        header_line = head_lines[header.index]
        names = header.unique_names(width)
        columns = header.columns()
        ignored = list(header.ignored)
        unnamed = header.unnamed(width)
        if unnamed:
            counts = cur.execute(
                "SELECT " + ", ".join(f"count(*) FILTER (regexp_matches(c{p}, '{_VISIBLE}'))" for p in unnamed)
                + f" FROM ing_raw WHERE line > {int(header_line)}"
            ).fetchall()[0]  # fmt: skip
            ignored += [f"#{pos + 1}" for pos, n in zip(unnamed, counts, strict=True) if n]

        hasher.join()
        digest = digest_box[0]
        report = IngestReport(
            file_name=self.file_name,
            sha256=digest,
            size_bytes=size,
            file_format=parsed.file_format,
            encoding=parsed.encoding,
            delimiter=parsed.delimiter,
            sheet=parsed.sheet,
            header_line=int(header_line),
            columns=columns,
            ignored_columns=ignored,
            dry_run=not commit,
            strict=self.strict,
            rejected_columns=names,
        )
        previous = cur.execute(
            "SELECT max(batch_id) FROM upload_batches WHERE sha256 = ? AND undone_at IS NULL", [digest]
        ).fetchall()[0][0]
        report.previous_batch_id = previous

        def cell(name: str) -> str:
            position = header.fields.get(name)
            return f"coalesce(c{position}, '')" if position is not None else "''"

        cur.execute(
            "CREATE TEMP VIEW ing_cells AS SELECT line, "
            + ", ".join(f"{cell(name)} AS {name}" for name in FIELDS)
            + f" FROM ing_raw WHERE line > {int(header_line)}"
        )
        self.progress(0.5, "validate")
        self._build_dictionaries(cur)
        self._stage(cur)
        self.progress(0.7, "validate")
        self._errors(cur, columns)
        self._mark("validate")

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
            report.errors = cur.execute(
                "SELECT line, column_name AS column, value, message_zh, message_en, field, code FROM ing_errors "
                "ORDER BY line, field_order"
            ).df()
            select_cells = "".join(f", r.c{p} AS c{p}" for p in range(width))
            report.rejected_rows = cur.execute(
                "WITH agg AS (SELECT line, string_agg(message_zh, '；' ORDER BY field_order) AS message_zh, "
                "string_agg(message_en, '; ' ORDER BY field_order) AS message_en FROM ing_errors GROUP BY line) "
                f"SELECT a.line{select_cells}, a.message_zh, a.message_en "
                "FROM agg a JOIN ing_raw r ON r.line = a.line ORDER BY a.line"
            ).df()
        self._mark("report")

        if commit and not (self.strict and report.rejected):
            self.progress(0.8, "commit")
            self._commit(cur, report, width, names)
            self._mark("insert")
        return report

    def _dictionary(self, cur: duckdb.DuckDBPyConnection, name: str, select_distinct: str, sql: str) -> None:
        """Distinct raw values → NFKC-normalised in pyarrow → checked by `sql` (reading ing_dict_in)."""
        table = cur.sql(select_distinct).to_arrow_table()
        for column in list(table.column_names):
            table = table.append_column(f"{column}_norm", _normalise_array(table[column]))
        cur.register("ing_dict_in", table)
        try:
            cur.execute(f"CREATE TEMP TABLE {name} AS {sql}")
        finally:
            cur.unregister("ing_dict_in")
        self._mark(name)

    def _build_dictionaries(self, cur: duckdb.DuckDBPyConnection) -> None:
        earliest, today = EARLIEST_DATE.isoformat(), self.today.isoformat()
        self._dictionary(
            cur,
            "ing_d_date",
            "SELECT DISTINCT date AS raw FROM ing_cells",
            f"""WITH x AS (
                SELECT raw, raw_norm AS norm, regexp_extract(raw_norm, {_DATE_PATTERN}, ['y', 'm', 'd']) AS ymd
                FROM ing_dict_in),
            y AS (
                SELECT raw, norm, CASE
                    WHEN norm IS NULL THEN NULL
                    WHEN ymd.y <> '' THEN CAST(try_strptime(ymd.y || '-' || ymd.m || '-' || ymd.d, '%Y-%m-%d') AS DATE)
                    WHEN regexp_full_match(norm, '\\d{{8}}') THEN CAST(try_strptime(norm, '%Y%m%d') AS DATE)
                    WHEN regexp_full_match(norm, '\\d{{5}}(\\.\\d+)?')
                        THEN DATE '1899-12-30' + CAST(floor(CAST(norm AS DOUBLE)) AS INTEGER)
                END AS parsed
                FROM x)
            SELECT raw, norm,
                CASE WHEN parsed BETWEEN DATE '{earliest}' AND DATE '{today}' THEN parsed END AS value,
                CASE WHEN norm IS NULL THEN 'required'
                     WHEN parsed IS NULL THEN 'date_invalid'
                     WHEN parsed < DATE '{earliest}' THEN 'date_too_early'
                     WHEN parsed > DATE '{today}' THEN 'date_future' END AS err
            FROM y""",
        )
        self._dictionary(
            cur,
            "ing_d_place",
            "SELECT DISTINCT university AS u, school AS s, county AS c FROM ing_cells",
            _PLACE_SQL,
        )
        cur.register(
            "ing_synonyms",
            pa.table(
                {
                    "name": [n for names in MEASURE_SYNONYMS.values() for n in names],
                    "code": [c for c, names in MEASURE_SYNONYMS.items() for _ in names],
                }
            ),
        )
        measure_key = "regexp_replace(lower({col}), '[\\s_\\-]+', '', 'g')"
        cur.execute(
            f"""CREATE TEMP TABLE ing_measure_lookup AS
            SELECT {measure_key.format(col="name")} AS key, min(code) AS code FROM (
                SELECT code AS name, code FROM measures UNION ALL SELECT label_zh, code FROM measures
                UNION ALL SELECT label_en, code FROM measures UNION ALL SELECT name, code FROM ing_synonyms)
            GROUP BY 1 HAVING min(code) = max(code)"""
        )
        cur.unregister("ing_synonyms")
        self._dictionary(
            cur,
            "ing_d_measure",
            "SELECT DISTINCT measure AS raw FROM ing_cells",
            f"""SELECT d.raw, d.raw_norm AS norm, l.code,
                CASE WHEN d.raw_norm IS NULL THEN 'required' WHEN l.code IS NULL THEN 'measure_unknown' END AS err
            FROM ing_dict_in d LEFT JOIN ing_measure_lookup l ON l.key = {measure_key.format(col="d.raw_norm")}""",
        )
        # Titles and notes are mostly distinct, so they are cleaned row by row (still in C), keyed by line. The
        # stored title is the user's text, trimmed; the natural key uses its NFKC form (db.title_key_sql).
        texts = cur.sql("SELECT line, title, notes FROM ing_cells").to_arrow_table()
        cur.register(
            "ing_text_in",
            pa.table(
                {
                    "line": texts["line"],
                    "title": _trim_array(texts["title"]),
                    "norm": _normalise_array(texts["title"]),
                    "notes": _trim_array(texts["notes"]),
                }
            ),
        )
        # A view: the keys are computed once, while the rows are staged (the arrow table stays registered on
        # this cursor, which is closed at the end of the run).
        cur.execute(
            f"""CREATE TEMP VIEW ing_d_title AS SELECT line, title, norm, {title_key_sql("norm")} AS title_key,
                CASE WHEN norm IS NULL THEN 'required' WHEN length(norm) > {MAX_TITLE_CHARS}
                     THEN 'title_too_long' END AS err, notes
            FROM ing_text_in"""
        )
        self._mark("ing_d_title")
        self._dictionary(
            cur,
            "ing_d_count",
            "SELECT teachers AS raw FROM ing_cells UNION SELECT students FROM ing_cells",
            f"""WITH x AS (
                SELECT raw, raw_norm AS norm, regexp_replace(raw_norm, '\\s*(人次|人|名|位)$', '') AS v
                FROM ing_dict_in),
            y AS (
                SELECT raw, norm, CASE WHEN regexp_full_match(v, '[+-]?\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?')
                    THEN replace(v, ',', '') ELSE v END AS v FROM x),
            z AS (
                SELECT raw, norm, v, regexp_full_match(v, '\\+?\\d+(\\.0*)?') AS whole,
                    TRY_CAST(split_part(ltrim(v, '+'), '.', 1) AS HUGEINT) AS n FROM y)
            SELECT raw, norm,
                CASE WHEN whole AND n <= {MAX_COUNT} THEN CAST(n AS INTEGER) END AS value,
                CASE WHEN norm IS NULL THEN NULL
                     WHEN whole AND (n IS NULL OR n > {MAX_COUNT}) THEN 'number_too_large'
                     WHEN whole THEN NULL
                     WHEN regexp_full_match(v, '-\\s*(\\d+(\\.\\d*)?|\\.\\d+)') THEN 'number_negative'
                     WHEN regexp_full_match(v, '\\+?\\d*\\.\\d+') THEN 'number_not_whole'
                     ELSE 'number_invalid' END AS err
            FROM z""",
        )
        self._dictionary(
            cur,
            "ing_d_hours",
            "SELECT DISTINCT hours AS raw FROM ing_cells",
            f"""WITH x AS (
                SELECT raw, raw_norm AS norm,
                    regexp_replace(lower(raw_norm), '\\s*(个小时|小时|学时|课时|hours|hour|hrs|hr|h)$', '') AS v
                FROM ing_dict_in),
            y AS (
                SELECT raw, norm, v, regexp_full_match(v, '\\+?(\\d+(\\.\\d*)?|\\.\\d+)') AS plain,
                    TRY_CAST(ltrim(v, '+') AS DOUBLE) AS n FROM x)
            SELECT raw, norm,
                CASE WHEN plain AND n <= {MAX_HOURS} THEN n END AS value,
                CASE WHEN norm IS NULL THEN NULL
                     WHEN plain AND (n IS NULL OR n > {MAX_HOURS}) THEN 'number_too_large'
                     WHEN plain THEN NULL
                     WHEN regexp_full_match(v, '-\\s*(\\d+(\\.\\d*)?|\\.\\d+)') THEN 'number_negative'
                     ELSE 'number_invalid' END AS err
            FROM y""",
        )

    def _stage(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Join every row to its checked values; then the natural keys: first occurrences and new ones."""
        cur.execute(
            """CREATE TEMP TABLE ing_staged AS
            SELECT *, NOT blank AND coalesce(date_err, uni_err, place_err, measure_err, title_err, teachers_err,
                                             students_err, hours_err) IS NULL AS valid
            FROM (
                SELECT c.line,
                    (dd.norm IS NULL AND dp.u_norm IS NULL AND dp.s_norm IS NULL AND dp.c_norm IS NULL
                     AND dm.norm IS NULL AND dt.norm IS NULL AND dte.norm IS NULL AND dst.norm IS NULL
                     AND dh.norm IS NULL AND dt.notes IS NULL) AS blank,
                    dd.value AS date, dd.err AS date_err,
                    dp.pairing_id, dp.uni_err, dp.place_err, dp.place_field, dp.detail_zh, dp.detail_en,
                    dm.code AS measure, dm.err AS measure_err,
                    dt.title, dt.title_key, dt.err AS title_err,
                    dte.value AS teachers, dte.err AS teachers_err,
                    dst.value AS students, dst.err AS students_err,
                    dh.value AS hours, dh.err AS hours_err,
                    dt.notes
                FROM ing_cells c
                JOIN ing_d_date dd ON dd.raw = c.date
                JOIN ing_d_place dp ON dp.u = c.university AND dp.s = c.school AND dp.c = c.county
                JOIN ing_d_measure dm ON dm.raw = c.measure
                JOIN ing_d_title dt ON dt.line = c.line
                JOIN ing_d_count dte ON dte.raw = c.teachers
                JOIN ing_d_count dst ON dst.raw = c.students
                JOIN ing_d_hours dh ON dh.raw = c.hours)"""
        )
        self._mark("ing_staged")
        cur.execute(
            "CREATE TEMP TABLE ing_first AS SELECT pairing_id, date, measure, title_key, min(line) AS line "
            "FROM ing_staged WHERE valid GROUP BY ALL"
        )
        cur.execute(
            "CREATE TEMP TABLE ing_fresh AS SELECT f.line, f.pairing_id, f.date, f.measure, f.title_key "
            "FROM ing_first f ANTI JOIN activities a ON a.pairing_id = f.pairing_id AND a.date = f.date "
            "AND a.measure = f.measure AND a.title_key = f.title_key"
        )

    def _errors(self, cur: duckdb.DuckDBPyConnection, columns: dict[str, str]) -> None:
        """One row per problem with the cell's original value and the message in both languages."""
        cur.register("ing_msgs", _message_table(cur, columns, self.today))
        try:
            cur.execute(
                """CREATE TEMP TABLE ing_problems AS
                SELECT line, 'date' AS field, date_err AS code, NULL::VARCHAR[] AS dz, NULL::VARCHAR[] AS de
                    FROM ing_staged WHERE NOT blank AND date_err IS NOT NULL
                UNION ALL SELECT line, 'university', uni_err, NULL, NULL
                    FROM ing_staged WHERE NOT blank AND uni_err IS NOT NULL
                UNION ALL SELECT line, place_field, place_err, detail_zh, detail_en
                    FROM ing_staged WHERE NOT blank AND place_err IS NOT NULL
                UNION ALL SELECT line, 'measure', measure_err, NULL, NULL
                    FROM ing_staged WHERE NOT blank AND measure_err IS NOT NULL
                UNION ALL SELECT line, 'title', title_err, NULL, NULL
                    FROM ing_staged WHERE NOT blank AND title_err IS NOT NULL
                UNION ALL SELECT line, 'teachers', teachers_err, NULL, NULL
                    FROM ing_staged WHERE NOT blank AND teachers_err IS NOT NULL
                UNION ALL SELECT line, 'students', students_err, NULL, NULL
                    FROM ing_staged WHERE NOT blank AND students_err IS NOT NULL
                UNION ALL SELECT line, 'hours', hours_err, NULL, NULL
                    FROM ing_staged WHERE NOT blank AND hours_err IS NOT NULL"""
            )
            cur.execute(
                """CREATE TEMP TABLE ing_errors AS
                WITH v AS (
                    SELECT e.*, CASE e.field
                        WHEN 'date' THEN c.date WHEN 'university' THEN c.university WHEN 'school' THEN c.school
                        WHEN 'county' THEN c.county WHEN 'measure' THEN c.measure WHEN 'title' THEN c.title
                        WHEN 'teachers' THEN c.teachers WHEN 'students' THEN c.students WHEN 'hours' THEN c.hours
                        ELSE concat_ws(' / ', nullif(c.school, ''), nullif(c.county, '')) END AS value
                    FROM ing_problems e JOIN ing_cells c ON c.line = e.line
                    WHERE c.line IN (SELECT line FROM ing_problems))
                SELECT v.line, v.field, v.code, m.column_name, v.value, m.field_order,
                    replace(replace(m.zh, '{candidates}', coalesce(array_to_string(v.dz, '、'), '')),
                            '{value}', left(v.value, 60)) AS message_zh,
                    replace(replace(m.en, '{candidates}', coalesce(array_to_string(v.de, ', '), '')),
                            '{value}', left(v.value, 60)) AS message_en
                FROM v JOIN ing_msgs m ON m.field = v.field AND m.code = v.code"""
            )
        finally:
            cur.unregister("ing_msgs")

    def _commit(self, cur: duckdb.DuckDBPyConnection, report: IngestReport, width: int, names: list[str]) -> None:
        batch_id = cur.execute("SELECT nextval('seq_batch')").fetchall()[0][0]
        # Inserting in key order keeps DuckDB's unique index fast (several times faster than file order).
        inserted = cur.execute(
            "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, students, hours, notes, "
            "provenance, batch_id) SELECT s.pairing_id, s.date, s.measure, s.title, s.title_key, s.teachers, "
            "s.students, s.hours, s.notes, 'imported', ? FROM ing_staged s SEMI JOIN ing_fresh f ON f.line = s.line "
            "ORDER BY s.pairing_id, s.date, s.measure, s.title_key",
            [batch_id],
        ).fetchall()[0][0]
        if inserted != report.inserted:  # cannot happen under the write lock; keep the invariant regardless
            report.duplicates += report.inserted - inserted
            report.inserted = inserted
        cur.execute(
            "INSERT INTO upload_batches (batch_id, file_name, sha256, size_bytes, rows, inserted, duplicates, "
            "rejected, uploaded_by, uploaded_at, undone_at, ignored_columns, sheet) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            [
                batch_id,
                report.file_name,
                report.sha256,
                report.size_bytes,
                report.rows,
                report.inserted,
                report.duplicates,
                report.rejected,
                self.uploaded_by,
                datetime.now().replace(microsecond=0),
                json.dumps(report.ignored_columns, ensure_ascii=False),
                report.sheet,
            ],
        )
        if report.rejected and width:
            pairs = ", ".join(f"?, r.c{p}" for p in range(width))
            cur.execute(
                "INSERT INTO rejected_rows (batch_id, line, column_name, value, message_zh, message_en, raw_row) "
                f"SELECT ?, e.line, e.column_name, e.value, e.message_zh, e.message_en, "
                f"CAST(json_object({pairs}) AS VARCHAR) FROM ing_errors e JOIN ing_raw r USING (line) "
                "ORDER BY e.line, e.field_order",
                [batch_id, *names],
            )
        report.batch_id = batch_id


def _remove_file(path: str | None) -> None:
    if path:
        with contextlib.suppress(OSError):
            os.unlink(path)


_CODES_BY_FIELD = {
    "date": ("required", "date_invalid", "date_too_early", "date_future"),
    "university": ("required", "university_unknown"),
    "school": ("school_unknown", "school_not_paired", "ambiguous"),
    "county": ("county_unknown", "county_not_paired", "school_county_mismatch", "ambiguous"),
    "place": ("place_missing",),
    "measure": ("required", "measure_unknown"),
    "title": ("required", "title_too_long"),
    "teachers": ("number_invalid", "number_negative", "number_not_whole", "number_too_large"),
    "students": ("number_invalid", "number_negative", "number_not_whole", "number_too_large"),
    "hours": ("number_invalid", "number_negative", "number_too_large"),
}


def _message_table(cur: duckdb.DuckDBPyConnection, columns: dict[str, str], today: date) -> pa.Table:
    """Row-error templates with this file's column names and the day's limits filled in; SQL fills the rest."""
    measures = cur.execute("SELECT code, label_zh, label_en FROM measures ORDER BY sort_order").fetchall()
    measure_list = {
        "zh": "、".join(f"{label_zh}（{code}）" for code, label_zh, _ in measures),
        "en": ", ".join(f"{code} ({label_zh})" for code, label_zh, _ in measures),
    }
    rows = []
    for order, (name, codes) in enumerate(_CODES_BY_FIELD.items()):
        for code in codes:
            texts = []
            for lang in ("zh", "en"):
                if name == "place":
                    column = " / ".join(columns.get(f, t(f"ingest.field.{f}", lang)) for f in PLACE_FIELDS)
                else:
                    column = columns.get(name, t(f"ingest.field.{name}", lang))
                texts.append(
                    t(
                        f"ingest.err.{code}",
                        lang,
                        column=column,
                        value="{value}",
                        candidates="{candidates}",
                        earliest=EARLIEST_DATE.isoformat(),
                        today=today.isoformat(),
                        limit=MAX_TITLE_CHARS,
                        measures=measure_list[lang],
                    )
                )
            header = (
                " / ".join(columns[f] for f in PLACE_FIELDS if f in columns)
                if name == "place"
                else columns.get(name, name)
            )
            rows.append((name, code, header, texts[0], texts[1], order))
    return pa.table(
        {
            "field": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "column_name": [r[2] for r in rows],
            "zh": [r[3] for r in rows],
            "en": [r[4] for r in rows],
            "field_order": [r[5] for r in rows],
        }
    )


# Resolving (university, school, county) to exactly one pairing, over the file's distinct combinations.
# Counties match by exact name or adcode, or (ranked lower) by a name without its 县/区/市/旗 ending, so that
# 青龙县 finds 青龙满族自治县; the best-ranked matches among the university's own pairings decide.
_PLACE_SQL = f"""
WITH k AS (
    SELECT u, s, c, u_norm, s_norm, c_norm,
        {_NAME_KEY_SQL.format(col="u_norm")} AS u_key,
        {_NAME_KEY_SQL.format(col="s_norm")} AS s_key,
        {_NAME_KEY_SQL.format(col="c_norm")} AS c_key
    FROM ing_dict_in),
k2 AS (
    SELECT k.*, ua.university_id,
        regexp_replace(k.c_key, '(自治县|自治旗|县|区|市|旗)$', '') AS c_base
    FROM k LEFT JOIN university_aliases ua ON ua.alias = k.u_key),
school_hits AS (
    SELECT DISTINCT k2.s_key, sa.school_id FROM k2 JOIN school_aliases sa ON sa.alias = k2.s_key),
county_hits AS (
    SELECT k2.c_key, co.adcode,
        max(CASE WHEN lower(co.name_zh) = k2.c_key OR co.adcode = k2.c_key THEN 2 ELSE 1 END) AS level
    FROM k2 JOIN counties co ON lower(co.name_zh) = k2.c_key OR co.adcode = k2.c_key
        OR (length(k2.c_base) >= 2 AND starts_with(lower(co.name_zh), k2.c_base))
    GROUP BY ALL),
pairs AS (
    SELECT p.pairing_id, p.university_id, p.school_id, sc.county_adcode, sc.name_zh AS school,
        coalesce(co.name_zh, sc.county_adcode) AS county
    FROM pairings p JOIN schools sc ON sc.school_id = p.school_id
    LEFT JOIN counties co ON co.adcode = sc.county_adcode),
cand AS (
    SELECT k2.u, k2.s, k2.c, pr.pairing_id, pr.school, pr.county, ch.level
    FROM k2 JOIN pairs pr ON pr.university_id = k2.university_id
    LEFT JOIN school_hits sh ON sh.s_key = k2.s_key AND sh.school_id = pr.school_id
    LEFT JOIN county_hits ch ON ch.c_key = k2.c_key AND ch.adcode = pr.county_adcode
    WHERE (k2.s_key IS NULL OR sh.school_id IS NOT NULL) AND (k2.c_key IS NULL OR ch.adcode IS NOT NULL)),
ranked AS (SELECT *, max(level) OVER (PARTITION BY u, s, c) AS top FROM cand),
agg AS (
    SELECT u, s, c, count(*) AS n, min(pairing_id) AS pairing_id,
        list_sort(list_distinct(list(school || '（' || county || '）'))) AS names_zh,
        list_sort(list_distinct(list(school || ' (' || county || ')'))) AS names_en
    FROM ranked WHERE level IS NOT DISTINCT FROM top GROUP BY u, s, c),
school_only AS (
    SELECT k2.u, k2.s, k2.c,
        list_sort(list_distinct(list(pr.school || '（' || pr.county || '）'))) AS names_zh,
        list_sort(list_distinct(list(pr.school || ' (' || pr.county || ')'))) AS names_en
    FROM k2 JOIN pairs pr ON pr.university_id = k2.university_id
    JOIN school_hits sh ON sh.s_key = k2.s_key AND sh.school_id = pr.school_id
    GROUP BY k2.u, k2.s, k2.c),
uni_pairs AS (
    SELECT university_id,
        list_sort(list_distinct(list(school || '（' || county || '）'))) AS names_zh,
        list_sort(list_distinct(list(school || ' (' || county || ')'))) AS names_en
    FROM pairs GROUP BY university_id),
judged AS (
    SELECT k2.*, a.n, a.pairing_id AS candidate, a.names_zh AS cand_zh, a.names_en AS cand_en,
        so.names_zh AS so_zh, so.names_en AS so_en, up.names_zh AS up_zh, up.names_en AS up_en,
        CASE WHEN k2.u_norm IS NULL THEN 'required'
             WHEN k2.university_id IS NULL THEN 'university_unknown' END AS uni_err,
        CASE
            WHEN k2.s_key IS NULL AND k2.c_key IS NULL THEN 'place_missing'
            WHEN k2.s_key IS NOT NULL AND k2.s_key NOT IN (SELECT s_key FROM school_hits) THEN 'school_unknown'
            WHEN k2.c_key IS NOT NULL AND k2.c_key NOT IN (SELECT c_key FROM county_hits) THEN 'county_unknown'
            WHEN k2.university_id IS NULL THEN NULL
            WHEN coalesce(a.n, 0) = 0 AND k2.s_key IS NOT NULL AND so.u IS NOT NULL THEN 'school_county_mismatch'
            WHEN coalesce(a.n, 0) = 0 AND k2.s_key IS NOT NULL THEN 'school_not_paired'
            WHEN coalesce(a.n, 0) = 0 THEN 'county_not_paired'
            WHEN a.n > 1 THEN 'ambiguous'
        END AS place_err
    FROM k2
    LEFT JOIN agg a ON a.u = k2.u AND a.s = k2.s AND a.c = k2.c
    LEFT JOIN school_only so ON so.u = k2.u AND so.s = k2.s AND so.c = k2.c
    LEFT JOIN uni_pairs up ON up.university_id = k2.university_id)
SELECT u, s, c, u_norm, s_norm, c_norm, uni_err, place_err,
    CASE WHEN uni_err IS NULL AND place_err IS NULL AND n = 1 THEN candidate END AS pairing_id,
    CASE place_err
        WHEN 'place_missing' THEN 'place'
        WHEN 'school_unknown' THEN 'school'
        WHEN 'county_unknown' THEN 'county'
        WHEN 'school_county_mismatch' THEN 'county'
        WHEN 'school_not_paired' THEN 'school'
        WHEN 'county_not_paired' THEN 'county'
        WHEN 'ambiguous' THEN CASE WHEN s_key IS NOT NULL THEN 'school' ELSE 'county' END
    END AS place_field,
    CASE place_err WHEN 'ambiguous' THEN cand_zh WHEN 'school_county_mismatch' THEN so_zh
        WHEN 'school_not_paired' THEN up_zh WHEN 'county_not_paired' THEN up_zh END AS detail_zh,
    CASE place_err WHEN 'ambiguous' THEN cand_en WHEN 'school_county_mismatch' THEN so_en
        WHEN 'school_not_paired' THEN up_en WHEN 'county_not_paired' THEN up_en END AS detail_en
FROM judged"""
