"""Step 2 of an import, stage: the decoded file into DuckDB, its header found, its cells named by field.

`stage_file` is what every kind of file shares: the rows under their own line numbers in `ing_raw(line, c0…cN)`
(every non-empty line), the header of the kind found by ingest.fields (which refuses a file of another kind,
naming where it belongs). `stage` then names an activity log's cells, registry.common.stage_cells a registry or
plan file's. After `stage`, the cursor also holds `ing_cells(line, date, university, …, notes)`: one text cell
per field for each line below the header, '' where the file has no such column. Rows above the header (a title
such as "XX大学帮扶活动记录表") are not data. A plain CSV with the same number of cells on every line is read by
pyarrow's CSV reader (straight into the Arrow table the later steps scan, no copy out of DuckDB), any other
quote-free UTF-8 CSV by DuckDB's `read_csv`, both checked against the file's own line count; any other file
arrives as the rows decode parsed in Python. ing_cells is an Arrow table too (`Staged.cells`), so validation
reads the cells where they already are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from assistance.ingest.decode import ParsedFile, decode_text, physical_lines, read_csv_python
from assistance.ingest.fields import ACTIVITIES, HEADER_SCAN_ROWS, FieldMatch, FileKind, find_header

# DuckDB hands a read over in batches of this many rows (Arrow record batches scanned in parallel later).
_BATCH_ROWS = 122_880
VISIBLE = "[^\\s\\x{a0}\\x{3000}\\x{feff}\\x{200b}]"  # RE2: a cell holding anything but spaces


@dataclass
class Staged:
    """What staging learnt about the file; the rows themselves are in ing_raw and ing_cells."""

    parsed: ParsedFile  # the reading plan used (kept for the next run of the same file)
    header: FieldMatch
    header_line: int  # the header's line in the file
    names: list[str]  # display names of c0…cN, unique (for the rejected rows)
    ignored: list[str]  # named columns that are not ours (activities: then '#n' for unnamed columns holding data)
    raw: pa.Table | None = None  # ing_raw (line, c0…cN)
    cells: pa.Table | None = None  # an activity log's ing_cells (line, one text column per field)
    rows: pa.Table | None = None  # an activity log's ing_staged, once validated (ingest.validate)

    @property
    def width(self) -> int:
        return self.parsed.width

    @property
    def columns(self) -> dict[str, str]:
        """Field → the file's own header text."""
        return self.header.columns()


def stage_file(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile, kind: FileKind) -> Staged:
    """Stage the file's rows (ing_raw) and find the header of `kind` among the leading rows (a header of another
    kind, or none, is refused with an IngestFileError)."""
    parsed, raw = stage_raw(cur, parsed)
    if _in_line_order(raw):  # the leading rows are the table's first ones: no scan of the file's rows
        head = [tuple(row.values()) for row in raw.slice(0, HEADER_SCAN_ROWS).to_pylist()]
    else:
        head = cur.execute(f"SELECT * FROM ing_raw ORDER BY line LIMIT {HEADER_SCAN_ROWS}").fetchall()
    header = find_header([list(row[1:]) for row in head], [row[0] for row in head], kind)
    header_line = int(head[header.index][0])
    return Staged(parsed, header, header_line, header.unique_names(parsed.width), list(header.ignored), raw)


def stage(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> Staged:
    """Stage an activity log: its rows (ing_raw), its header, its cells named by field (ing_cells)."""
    staged = stage_file(cur, parsed, ACTIVITIES)
    staged.ignored += _unnamed_with_data(cur, staged.header, staged.width, staged.header_line)
    staged.cells = _name_cells(staged.raw, staged.header, staged.header_line)
    cur.register("ing_cells", staged.cells)
    return staged


def _unnamed_with_data(cur: duckdb.DuckDBPyConnection, header: FieldMatch, width: int, header_line: int) -> list[str]:
    """'#n' for each column without a header that holds something below it (reported as ignored)."""
    unnamed = header.unnamed(width)
    if not unnamed:
        return []
    counts = cur.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (regexp_matches(c{p}, '{VISIBLE}'))" for p in unnamed)
        + f" FROM ing_raw WHERE line > {header_line}"
    ).fetchall()[0]  # fmt: skip
    return [f"#{position + 1}" for position, n in zip(unnamed, counts, strict=True) if n]


def _name_cells(raw: pa.Table, header: FieldMatch, header_line: int) -> pa.Table:
    """ing_cells: one text column per field ('' where the file has none or the cell is empty), for the lines below
    the header. Built in Arrow from ing_raw's own columns (rows in line order: a slice, not a copy)."""
    if _in_line_order(raw):
        below = raw.slice(int(np.searchsorted(raw.column("line").to_numpy(), header_line, side="right")))
    else:
        below = raw.filter(pc.greater(raw.column("line"), header_line))
    empty = pa.repeat(pa.scalar("", pa.string()), below.num_rows)

    def cell(name: str) -> pa.ChunkedArray | pa.Array:
        position = header.fields.get(name)
        if position is None:
            return empty
        column = below.column(f"c{position}")
        return pc.fill_null(column, "") if column.null_count else column

    return pa.table({"line": below.column("line"), **{name: cell(name) for name in ACTIVITIES.fields}})


def _in_line_order(raw: pa.Table) -> bool:
    """Whether the rows of ing_raw come in increasing line order (every reader gives them so)."""
    lines = raw.column("line").to_numpy()
    return len(lines) < 2 or bool(np.all(lines[1:] > lines[:-1]))


def stage_raw(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> tuple[ParsedFile, pa.Table]:
    """Register ing_raw (line, c0…cN) on the cursor: pyarrow's or DuckDB's read of the file, or the rows parsed in
    Python; return the plan that was used and the table.

    Either way ing_raw is an Arrow table, not a temporary table: copying a million text rows into DuckDB's
    temporary storage costs as much again as reading them, while DuckDB scans Arrow in place. A fast-path plan
    neither reader could follow comes back as a Python-parsed one, which the caller keeps for the next run."""
    if parsed.csv_path is not None:
        table = _read_with_arrow(parsed) if not parsed.exact_width else None
        if table is None:
            table = _read_with_duckdb(cur, parsed)
        if table is not None:
            cur.register("ing_raw", table)
            return parsed, table
        # DuckDB and the line count disagree (or it is not UTF-8 after all): use the careful reader.
        text, encoding = decode_text(Path(parsed.csv_path).read_bytes())
        table = read_csv_python(text, parsed.delimiter)
        encoding = parsed.encoding or encoding  # the uploaded file's own encoding, not the converted copy's
        parsed = ParsedFile("csv", encoding=encoding, delimiter=parsed.delimiter, table=table)
    parsed.width = parsed.table.num_columns - 1
    cur.register("ing_raw", parsed.table)
    return parsed, parsed.table


def _read_with_arrow(parsed: ParsedFile) -> pa.Table | None:
    """A CSV whose every line has as many cells as the leading ones (decode counted the delimiters: the plan's
    width is then that count plus a spare column) read by pyarrow, cells as text, empty ones NULL as DuckDB reads
    them; None if a line has another number of cells, a line is blank (its rows would not be the file's lines) or
    the bytes are not UTF-8: DuckDB's read then measures exactly."""
    width = parsed.width - 1
    names = [f"c{i}" for i in range(width)]
    try:
        table = pa_csv.read_csv(
            parsed.csv_path,
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=False, block_size=1 << 22),
            parse_options=pa_csv.ParseOptions(
                delimiter=parsed.delimiter, quote_char=False, double_quote=False, escape_char=False
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), null_values=[""], strings_can_be_null=True
            ),
        )
    except (pa.ArrowInvalid, OSError):
        return None
    if table.num_rows != parsed.expected_rows:
        return None
    parsed.width, parsed.exact_width = width, True
    return table.add_column(0, "line", pa.array(np.arange(1, table.num_rows + 1, dtype=np.int64)))


def _read_with_duckdb(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> pa.Table | None:
    """read_csv into Arrow (line, c0…cN); None if DuckDB fails or its rows do not match the file's non-empty
    lines."""
    delim = "'\\t'" if parsed.delimiter == "\t" else "','"
    for _attempt in range(2):
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(parsed.width)) + "}"
        try:
            table = cur.sql(
                "SELECT * FROM read_csv(?, auto_detect = false, header = false, "
                f"delim = {delim}, quote = '\"', escape = '\"', columns = {columns}, null_padding = true, "
                "strict_mode = false)",
                params=[parsed.csv_path],
            ).to_arrow_table(_BATCH_ROWS)
        except duckdb.Error:
            return None
        count, spare = table.num_rows, table.num_rows - table.column(parsed.width - 1).null_count
        if count == parsed.expected_rows and (parsed.exact_width or not spare):
            if not parsed.exact_width:  # the spare column stayed empty: it is not part of the file
                parsed.width -= 1
                parsed.exact_width = True
                table = table.drop_columns([f"c{parsed.width}"])
            break
        # Blank lines (DuckDB skips them) or a row wider than the leading ones: measure exactly.
        width = parsed.width
        parsed.line_map, parsed.expected_rows, parsed.width = physical_lines(
            Path(parsed.csv_path).read_bytes(), parsed.delimiter
        )
        parsed.exact_width = True
        if parsed.width <= width and count == parsed.expected_rows:
            parsed.width = width
            break
    else:
        return None
    # Row i of the read is line i + 1, or the i-th non-empty line when there are blank lines.
    lines = np.arange(1, count + 1, dtype=np.int64) if parsed.line_map is None else parsed.line_map
    return table.add_column(0, "line", pa.array(lines, pa.int64()))
