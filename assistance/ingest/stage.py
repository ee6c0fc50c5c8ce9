"""Step 2 of an import, stage: the decoded file into DuckDB, its header found, its cells named by field.

`stage_file` is what every kind of file shares: the rows under their own line numbers in `ing_raw(line, c0…cN)`
(every non-empty line), the header of the kind found by ingest.fields (which refuses a file of another kind,
naming where it belongs). `stage` then names an activity log's cells, registry.common.stage_cells a registry or
plan file's. After `stage`, the cursor also holds `ing_cells(line, date, university, …, notes)`: one text cell
per field for each line below the header, '' where the file has no such column. Rows above the header (a title
such as "XX大学帮扶活动记录表") are not data. DuckDB reads a plain CSV itself (`read_csv`, the fastest reader
there is) and its rows are checked against the file's own line count; any other file arrives as the rows decode
parsed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

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
    parsed = stage_raw(cur, parsed)
    head = cur.execute(f"SELECT * FROM ing_raw ORDER BY line LIMIT {HEADER_SCAN_ROWS}").fetchall()
    header = find_header([list(row[1:]) for row in head], [row[0] for row in head], kind)
    header_line = int(head[header.index][0])
    return Staged(parsed, header, header_line, header.unique_names(parsed.width), list(header.ignored))


def stage(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> Staged:
    """Stage an activity log: its rows (ing_raw), its header, its cells named by field (ing_cells)."""
    staged = stage_file(cur, parsed, ACTIVITIES)
    staged.ignored += _unnamed_with_data(cur, staged.header, staged.width, staged.header_line)
    _name_cells(cur, staged.header, staged.header_line)
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


def _name_cells(cur: duckdb.DuckDBPyConnection, header: FieldMatch, header_line: int) -> None:
    """The view ing_cells: one text column per field ('' where the file has none), for the lines below the header."""

    def cell(name: str) -> str:
        position = header.fields.get(name)
        return f"coalesce(c{position}, '')" if position is not None else "''"

    cur.execute(
        "CREATE TEMP VIEW ing_cells AS SELECT line, "
        + ", ".join(f"{cell(name)} AS {name}" for name in ACTIVITIES.fields)
        + f" FROM ing_raw WHERE line > {header_line}"
    )


def stage_raw(cur: duckdb.DuckDBPyConnection, parsed: ParsedFile) -> ParsedFile:
    """Register ing_raw (line, c0…cN) on the cursor: DuckDB's own read of the file, or the rows parsed in Python.

    Either way ing_raw is an Arrow table, not a temporary table: copying a million text rows into DuckDB's
    temporary storage costs as much again as reading them, while DuckDB scans Arrow in place. Returns the plan
    that was used: a fast-path plan DuckDB could not follow comes back as a Python-parsed one, which the caller
    keeps for the next run."""
    if parsed.csv_path is not None:
        table = _read_with_duckdb(cur, parsed)
        if table is not None:
            cur.register("ing_raw", table)
            return parsed
        # DuckDB and the line count disagree (or it is not UTF-8 after all): use the careful reader.
        text, encoding = decode_text(Path(parsed.csv_path).read_bytes())
        table = read_csv_python(text, parsed.delimiter)
        encoding = parsed.encoding or encoding  # the uploaded file's own encoding, not the converted copy's
        parsed = ParsedFile("csv", encoding=encoding, delimiter=parsed.delimiter, table=table)
    parsed.width = parsed.table.num_columns - 1
    cur.register("ing_raw", parsed.table)
    return parsed


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
