"""Step 1 of an import, read and decode: bytes → a `ParsedFile`, the plan for reading the rows into DuckDB.

Why it is built this way:
* The format comes from the content, not the name: coordinators rename .xls and .ods files to .xlsx/.csv,
  and those must still be read as what they are (or get a clear message), never as garbage rows.
* Files are decoded in Python (DuckDB's encoding and Excel extensions cannot be downloaded offline): UTF-8
  with or without BOM, UTF-16 with a BOM, else GB18030 (what Excel on Chinese Windows writes).
* A workbook is read from the sheet the user chose, else from its first sheet with a header: an instruction
  sheet in front ("填写说明") is skipped, and a workbook without any header names its sheets and the choice.
* A quote-free UTF-8 CSV (what Excel and WPS write for ordinary logs) is read by DuckDB's own `read_csv`,
  the fastest reader available; other CSVs go through Python's `csv` module. Workbooks (.xlsx, Excel 97-2003
  .xls as WPS and older Office save them, OpenDocument .ods) are read by python-calamine (Rust); openpyxl only
  writes templates and exports.
* Line numbers are the file's own (header = line 1; for a workbook the sheet row) and blank lines are skipped and
  not counted, whichever reader is used, so every message points at the line the user sees.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assistance.ingest.errors import IngestFileError
from assistance.ingest.fields import ACTIVITIES, HEADER_SCAN_ROWS, KINDS, FileKind, match_row, recognise

Progress = Callable[[float, str], None]

DEFAULT_MAX_UPLOAD_MB = 20.0
XLSX_MAX_UNPACKED = 1_000_000_000  # refuse zip bombs (.xlsx, .ods) before they are unpacked
WORKBOOKS = ("xlsx", "xls", "ods")  # the formats read as workbooks

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x19\x1b-\x1f\x7f]")


# ---------------------------------------------------------------------------------------------------------
# Size and format


def max_upload_bytes(max_mb: float | None = None) -> int:
    """The size cap: the argument, else `ASSISTANCE_MAX_UPLOAD_MB`, else 20 MB."""
    if max_mb is None:
        configured = os.environ.get("ASSISTANCE_MAX_UPLOAD_MB", "").strip()
        try:
            max_mb = float(configured) if configured else DEFAULT_MAX_UPLOAD_MB
        except ValueError:
            max_mb = DEFAULT_MAX_UPLOAD_MB
    return int(max_mb * 1024 * 1024)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".")


def _check_size(size: int, max_bytes: int) -> None:
    if max_bytes and size > max_bytes:
        raise IngestFileError("too_large", size_mb=_mb(size), limit_mb=_mb(max_bytes))


def read_source(source: bytes | Path, max_bytes: int) -> bytes:
    """The file's bytes; a file on disk over the cap (`max_bytes`, 0 = none) is refused before it is read."""
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
        except FileNotFoundError as exc:
            raise IngestFileError("not_found", path=str(source)) from exc
        except OSError as exc:
            raise IngestFileError("unreadable", detail=str(exc)[:200]) from exc
        _check_size(size, max_bytes)
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise IngestFileError("unreadable", detail=str(exc)[:200]) from exc
    else:
        data = bytes(source)
    _check_size(len(data), max_bytes)
    return data


def sniff_format(data: bytes) -> str:
    """'xlsx', 'xls', 'ods' or 'csv' from the content (not the name); anything else raises `IngestFileError`."""
    if not data:
        raise IngestFileError("empty")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError) as exc:
            raise IngestFileError("xlsx_corrupt", detail=str(exc)[:200]) from exc
        if "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names):
            return "xlsx"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        raise IngestFileError("zip")
    if data.startswith(_OLE_MAGIC):  # Excel 97-2003 and WPS .et; also how a password-protected .xlsx is stored
        return "xls"
    return "csv"


# ---------------------------------------------------------------------------------------------------------
# Text


def decode_text(data: bytes) -> tuple[str, str]:
    """The whole file as text without a BOM: UTF-16 with a BOM, UTF-8 (with or without BOM), else GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise IngestFileError("encoding") from exc
    elif b"\x00" in data:
        raise IngestFileError("binary")
    else:
        try:
            if data.startswith(codecs.BOM_UTF8):
                text, encoding = data[3:].decode("utf-8"), "utf-8-sig"
            else:
                text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("gb18030"), "gb18030"  # a GBK superset
            except UnicodeDecodeError as exc:
                raise IngestFileError("encoding") from exc
    return text.removeprefix("\ufeff"), encoding


def _utf8_prefix(data: bytes, size: int = 65536) -> str | None:
    """The first `size` bytes as UTF-8 text (a character cut at the end is dropped); None if not UTF-8."""
    prefix = data[:size]
    try:
        return prefix.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(data) > size and exc.start >= len(prefix) - 3:
            try:
                return prefix[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


def _check_text(sample: str) -> None:
    """Control characters all over the start mean a binary file that happens to decode."""
    if len(_CONTROL.findall(sample[:8192])) > 8:
        raise IngestFileError("binary")


# ---------------------------------------------------------------------------------------------------------
# CSV


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) of each non-empty record; quoted cells may span lines."""
    previous = 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if record:
                yield start, record
    except csv.Error as exc:
        raise IngestFileError("csv_malformed", line=reader.line_num, detail=str(exc)[:200]) from exc


def _head_rows(text: str, delimiter: str) -> list[list[str | None]]:
    """The leading non-empty rows (as many as the header search reads, and one more), empty cells as None."""
    rows: list[list[str | None]] = []
    try:
        for _line, record in _records(text, delimiter):
            rows.append([cell if cell != "" else None for cell in record])
            if len(rows) >= HEADER_SCAN_ROWS + 1:
                break
    except IngestFileError:  # a sample cut mid-record; the full read reports real errors
        pass
    return rows


def _sniff_delimiter(head_text: str, kind: FileKind) -> str:
    """Comma or tab: whichever makes a header of `kind` with the most recognised columns (then: more cells)."""
    best, best_score = ",", (-1, -1)
    for delimiter in (",", "\t"):
        score = (-1, -1)
        for cells in _head_rows(head_text, delimiter)[:HEADER_SCAN_ROWS]:
            match = match_row(kind, 0, cells)
            score = max(score, (len(match.fields) + (100 if match.complete else 0), len(cells)))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def physical_lines(buffer: bytes, delimiter: str) -> tuple[np.ndarray | None, int, int]:
    """For a quote-free CSV, by a numpy scan: line numbers of the non-empty lines (None when no line is empty,
    so that line = position + 1), how many there are, and the largest number of cells on one line."""
    array = np.frombuffer(buffer, dtype=np.uint8)
    newlines = np.flatnonzero(array == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(array)]))
    if len(starts) and starts[-1] == len(array):  # the file ends with a newline: no line after it
        starts, ends = starts[:-1], ends[:-1]
    lengths = ends - starts
    has_cr = np.zeros(len(lengths), dtype=bool)
    nonzero = lengths > 0
    has_cr[nonzero] = array[ends[nonzero] - 1] == 13
    lengths = lengths - has_cr
    delimiters = np.flatnonzero(array == ord(delimiter))
    per_line = np.diff(np.concatenate(([0], np.searchsorted(delimiters, ends))))
    max_cells = int(per_line.max()) + 1 if len(per_line) else 1
    empty = lengths == 0
    if not empty.any():
        return None, len(lengths), max_cells
    numbers = (np.flatnonzero(~empty) + 1).astype(np.int64)
    return numbers, len(numbers), max_cells


def _line_layout(buffer: bytes, delimiter: str, head_width: int) -> tuple[int, int, bool]:
    """Physical line count, columns to declare, and whether that width is known to be exact.

    The usual Excel/WPS file has the same number of cells on every line: two byte counts show that, and DuckDB
    then reads one spare column that must stay empty. If DuckDB's row count differs from the line count
    (blank lines, which it skips) or the spare column fills, the exact numpy scan decides."""
    lines = buffer.count(b"\n") + (0 if buffer.endswith(b"\n") else 1)
    if buffer.count(delimiter.encode()) == lines * (head_width - 1):
        return lines, head_width + 1, False
    _, _count, width = physical_lines(buffer, delimiter)
    return lines, width, True


def read_csv_python(text: str, delimiter: str) -> pa.Table:
    """Quoted or unusual CSV: the csv module, recording where each record starts."""
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, record in _records(text, delimiter):
        rows.append(record)
        lines.append(line)
    return _rows_to_table(rows, lines)


def _rows_to_table(rows: list[list], lines: list[int]) -> pa.Table:
    width = max((len(r) for r in rows), default=0)
    columns = list(itertools.zip_longest(*rows)) if rows else []
    arrays = {"line": pa.array(lines, pa.int64())}
    for position in range(width):
        arrays[f"c{position}"] = pa.array(columns[position], pa.string())
    return pa.table(arrays)


# ---------------------------------------------------------------------------------------------------------
# Workbooks: .xlsx, .xls, .ods


def _cell_text(value: object) -> str | None:
    """A workbook cell as the text a user sees: dates as YYYY-MM-DD, 12.0 as 12."""
    if value is None or isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        return day if value.time() == dtime(0) else f"{day} {value.strftime('%H:%M:%S')}"
    return str(value)  # int, other floats, date (ISO), time, timedelta


def _column_text(values: tuple) -> pa.Array:
    """One column of a sheet as text, as `_cell_text` gives each cell; a column of text only (the header's and the
    names') is converted in Arrow, not cell by cell."""
    if all(v.__class__ is str for v in values):
        text = pa.array(values, pa.string())
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    return pa.array([(v or None) if v.__class__ is str else _cell_text(v) for v in values], pa.string())


def _open_workbook(data: bytes):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_object(io.BytesIO(data))


def _worksheet_names(workbook) -> list[str]:
    """The workbook's worksheets in order (chart and dialog sheets hold no rows)."""
    from python_calamine import SheetTypeEnum

    return [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def sheet_names(data: bytes) -> list[str]:
    """The worksheet names of a workbook of any format (for the page's sheet choice); [] if it cannot be opened."""
    try:
        workbook = _open_workbook(data)
    except Exception:
        return []
    try:
        return _worksheet_names(workbook)
    except Exception:
        return []
    finally:
        workbook.close()


def _sheet_rows(workbook, name: str) -> list[list]:
    """Every row of a worksheet from its cell A1 (so that a row's index + 1 is its row number), cells as calamine
    gives them ('' when empty)."""
    return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _leading_rows(rows: list[list]) -> list[list[str | None]]:
    """A worksheet's first non-empty rows, as many as the header search reads."""
    leading: list[list[str | None]] = []
    for row in rows:
        cells = [_cell_text(v) for v in row]
        if any(c is not None for c in cells):
            leading.append(cells)
            if len(leading) == HEADER_SCAN_ROWS:
                break
    return leading


def _header_sheet(names: list[str], rows_of: Callable[[str], list[list]], kind: FileKind | None) -> str:
    """The sheet to read when none was chosen: the first whose leading rows hold a complete header of `kind`,
    else the first with a header of another kind (so the import can name the page it belongs to). A workbook
    whose sheets have no header at all is refused with a message that lists them and names the sheet choice.
    One sheet is simply read (its own header search explains what is missing)."""
    if len(names) == 1:
        return names[0]
    kinds = [kind, *(k for k in KINDS if k != kind)] if kind is not None else list(KINDS)
    other = None
    for name in names:
        for cells in _leading_rows(rows_of(name)):
            found = recognise(cells, kinds)
            if found is not None and (kind is None or found.kind == kind):
                return name
            if found is not None and other is None:
                other = name
    if other is not None:
        return other

    def listed(lang: str) -> str:
        return ", ".join(f'"{t}"' for t in names) if lang == "en" else "、".join(f"“{t}”" for t in names)

    raise IngestFileError("no_header_in_sheets", count=len(names), sheets=listed, scan=HEADER_SCAN_ROWS)


def _rows_table(rows: list[list]) -> pa.Table:
    """A sheet's non-empty rows as (line, c0…cN): the line is the sheet row; a row whose every cell is empty is
    skipped, and so is a column on the right without a single cell (column by column in Arrow, not cell by
    cell)."""
    width = max((len(row) for row in rows), default=0)
    if not rows or not width:
        return _rows_to_table([], [])
    if any(len(row) != width for row in rows):  # calamine's rows are rectangular; be safe with any other
        rows = [list(row) + [""] * (width - len(row)) for row in rows]
    columns = [_column_text(values) for values in zip(*rows, strict=True)]
    while len(columns) > 1 and columns[-1].null_count == len(columns[-1]):  # no trailing column without a cell
        columns.pop()
    filled = columns[0].is_valid()
    for column in columns[1:]:
        filled = pc.or_(filled, column.is_valid())
    lines = pa.array(np.arange(1, len(rows) + 1, dtype=np.int64))
    table = pa.table({"line": lines, **{f"c{p}": column for p, column in enumerate(columns)}})
    return table.filter(filled)


def _read_workbook(
    data: bytes, file_format: str, sheet: str | None, progress: Progress, kind: FileKind | None
) -> tuple[pa.Table, str]:
    """The chosen worksheet's (or else the first with a header) non-empty rows with their sheet row numbers."""
    failed = "xlsx_corrupt" if file_format == "xlsx" else file_format  # xls: damaged or password-protected
    if file_format != "xls":  # a zip: refuse a bomb before it is unpacked
        try:
            unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise IngestFileError(failed, detail=str(exc)[:200]) from exc
        if unpacked > XLSX_MAX_UNPACKED:
            raise IngestFileError(failed, detail=f"unpacks to {unpacked} bytes")
    try:
        workbook = _open_workbook(data)
    except Exception as exc:
        raise IngestFileError(failed, detail=str(exc)[:200]) from exc
    try:
        names = _worksheet_names(workbook)
        loaded: dict[str, list[list]] = {}

        def rows_of(name: str) -> list[list]:
            if name not in loaded:
                loaded[name] = _sheet_rows(workbook, name)
            return loaded[name]

        if sheet:
            if sheet not in names:
                raise IngestFileError("sheet_missing", sheet=sheet, sheets="、".join(names))
            chosen = sheet
        elif names:
            chosen = _header_sheet(names, rows_of, kind)
        else:
            raise IngestFileError("no_sheets")
        rows = rows_of(chosen)
        progress(0.25, "parse")
        return _rows_table(rows), chosen
    except IngestFileError:
        raise
    except Exception as exc:
        raise IngestFileError(failed, detail=str(exc)[:200]) from exc
    finally:
        workbook.close()


# ---------------------------------------------------------------------------------------------------------
# Parse: how the rows will reach DuckDB


@dataclass
class ParsedFile:
    """How the file's rows reach DuckDB; cached between `validate()` and `run()`."""

    file_format: str  # csv | xlsx | xls | ods
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    width: int = 0
    # Either DuckDB reads `csv_path` itself (fast path) …
    csv_path: str | None = None
    temporary: bool = False  # csv_path is a copy made for DuckDB: the caller removes it when done
    line_map: np.ndarray | None = None  # line of each non-empty physical line, if blank lines exist
    exact_width: bool = True
    # … or the rows were parsed in Python into this table (columns line, c0…cN).
    table: pa.Table | None = None
    expected_rows: int = 0  # non-empty physical lines, to check DuckDB's reading against


def parse(
    data: bytes,
    path: Path | None,
    sheet: str | None,
    csv_engine: str,
    progress: Progress,
    kind: FileKind | None = None,
) -> ParsedFile:
    """Recognise the file and plan its reading; `path` is where `data` came from (None for an upload). Without
    a chosen `sheet`, a workbook is read from its first sheet with a header of `kind` (any kind if None); a CSV's
    delimiter is the one that makes the best header of `kind` (of an activity log if None)."""
    file_format = sniff_format(data)
    if file_format in WORKBOOKS:
        table, sheet_name = _read_workbook(data, file_format, sheet, progress, kind)
        return ParsedFile(file_format, sheet=sheet_name, width=table.num_columns - 1, table=table)
    kind = kind or ACTIVITIES
    plain_utf8 = not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" not in data
    head = _utf8_prefix(data[3:] if data.startswith(codecs.BOM_UTF8) else data) if plain_utf8 else None
    lone_cr = b"\r" in data and data.count(b"\r") != data.count(b"\r\n")
    if csv_engine == "auto" and head is not None and b'"' not in data and not lone_cr:
        _check_text(head)
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        return _fast_plan(data, head, encoding, path, kind)
    text, encoding = decode_text(data)
    _check_text(text)
    if csv_engine == "auto" and '"' not in text and "\r" not in text.replace("\r\n", ""):
        return _fast_plan(text.encode("utf-8"), text[:65536], encoding, None, kind)
    delimiter = _sniff_delimiter(text[:65536], kind)
    progress(0.1, "parse")
    return ParsedFile("csv", encoding=encoding, delimiter=delimiter, table=read_csv_python(text, delimiter))


def _fast_plan(buffer: bytes, head: str, encoding: str, path: Path | None, kind: FileKind) -> ParsedFile:
    """DuckDB will read the file itself: choose the delimiter, count lines, find the widest row."""
    delimiter = _sniff_delimiter(head, kind)
    head_width = max((len(row) for row in _head_rows(head, delimiter)), default=1)
    count, width, exact = _line_layout(buffer, delimiter, head_width)
    temporary = path is None
    if temporary:
        handle = tempfile.NamedTemporaryFile(prefix="assistance-upload-", suffix=".csv", delete=False)  # noqa: SIM115
        with handle:
            handle.write(buffer)
        path = Path(handle.name)
    return ParsedFile(
        "csv", encoding=encoding, delimiter=delimiter, width=width, csv_path=str(path), temporary=temporary,
        expected_rows=count, exact_width=exact,
    )  # fmt: skip
