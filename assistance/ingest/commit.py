"""Step 5 of an import, commit: the fresh rows into `activities` and the import recorded as a batch.

Every commit that adds rows is a batch. A file with nothing to add (a header-only file, a second upload of
the same file whose rows are all duplicates, a file whose every row is rejected) writes nothing, not even a
batch (IngestReport.nothing_to_add): an empty batch would show as active in the history and undo nothing. The
report still names an earlier upload of the same file. The rejected rows are kept with the batch
(rejected_rows), so its fix-and-re-upload CSV can be downloaded again later. `record_batch` and `next_batch_id`
are how every kind of file records its batch (the registry and plan imports too).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from assistance.ingest.report import IngestReport
from assistance.ingest.stage import Staged
from assistance.store.transaction import registered


def commit_batch(cur: duckdb.DuckDBPyConnection, report: IngestReport, staged: Staged, uploaded_by: str | None) -> int:
    """Insert the fresh rows and record the batch (with its rejected rows); return the batch id. The caller's
    transaction makes it all or nothing."""
    batch_id = next_batch_id(cur)
    # Only the fresh rows (ing_fresh: the first of each natural key in the file, none stored yet, found under the
    # write lock): activities has no unique index (store.db migration 6), this anti-join is the guard.
    rows = _with_new_ids(
        cur, staged.rows if staged.rows is not None else cur.sql("FROM ing_staged").to_arrow_table(), report
    )
    with registered(cur, "ing_insert", rows):
        inserted = cur.execute(
            "INSERT INTO activities (activity_id, pairing_id, date, measure, title, title_key, teachers, students, "
            "hours, notes, provenance, batch_id) SELECT activity_id, pairing_id, date, measure, title, title_key, "
            "teachers, students, hours, notes, 'imported', ? FROM ing_insert WHERE activity_id IS NOT NULL",
            [batch_id],
        ).fetchall()[0][0]
    if inserted != report.inserted:  # cannot happen under the write lock; keep the invariant regardless
        report.duplicates += report.inserted - inserted
        report.inserted = inserted
    report.batch_id = batch_id
    record_batch(cur, batch_id, report, staged, uploaded_by, duplicates=report.duplicates)
    return batch_id


def _with_new_ids(cur: duckdb.DuckDBPyConnection, rows: pa.Table, report: IngestReport) -> pa.Table:
    """The validated rows (ing_staged) with `activity_id`: for each fresh row, in the file's order, the next id of
    seq_activity (drawn at once); NULL for the others. Ids set here rather than by the column's default, so that the
    insert needs no sort to number the rows in the file's order."""
    if report.inserted == _count(rows["valid"]):  # every valid row is fresh (a file of new activities)
        fresh = rows["valid"]
    else:
        lines = cur.sql("SELECT line FROM ing_fresh").to_arrow_table()["line"]
        fresh = pc.is_in(rows["line"], value_set=pc.cast(lines, rows.schema.field("line").type))
    count = _count(fresh)
    if not count:
        return rows.append_column("activity_id", pa.nulls(rows.num_rows, pa.int64()))
    drawn = cur.sql("SELECT nextval('seq_activity') AS id FROM range(?)", params=[count]).to_arrow_table()["id"]
    ids = pc.take(drawn, pc.array_sort_indices(drawn))  # increasing, as the rows' lines
    flags = pc.cast(fresh, pa.int64())
    lines = rows["line"].to_numpy()
    if len(lines) < 2 or bool(np.all(lines[1:] > lines[:-1])):
        rank = pc.subtract(pc.cumulative_sum(flags), 1)  # a fresh row's place among the fresh rows
    else:  # rows not in line order (cells made by hand): rank them by line
        by_line = pc.sort_indices(rows, sort_keys=[("line", "ascending")])
        rank = pc.take(pc.subtract(pc.cumulative_sum(pc.take(flags, by_line)), 1), pc.sort_indices(by_line))
    activity_id = pc.take(ids, pc.if_else(fresh, rank, pa.scalar(None, pa.int64())))
    return rows.append_column("activity_id", activity_id)


def _count(flags: pa.ChunkedArray) -> int:
    return int(pc.sum(flags).as_py() or 0)


def next_batch_id(cur: duckdb.DuckDBPyConnection) -> int:
    return cur.execute("SELECT nextval('seq_batch')").fetchall()[0][0]


def record_batch(
    cur: duckdb.DuckDBPyConnection,
    batch_id: int,
    report: Any,
    staged: Staged,
    uploaded_by: str | None,
    *,
    duplicates: int,
    kind: str = "activities",
    changed: int = 0,
    unchanged: int = 0,
    errors: str = "ing_errors",
) -> None:
    """The batch row (who, when, sha256, kind, counts; `report` gives the file's name, sha256, size, sheet,
    ignored columns and its rows, inserted and rejected) and the rejected rows kept with it, read from the
    validation's error table `errors` and ing_raw."""
    cur.execute(
        "INSERT INTO upload_batches (batch_id, file_name, sha256, size_bytes, rows, inserted, duplicates, rejected, "
        "uploaded_by, uploaded_at, undone_at, ignored_columns, sheet, kind, changed, unchanged) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        [
            batch_id, report.file_name, report.sha256, report.size_bytes, report.rows, report.inserted, duplicates,
            report.rejected, uploaded_by, datetime.now().replace(microsecond=0),
            json.dumps(report.ignored_columns, ensure_ascii=False), report.sheet, kind, changed, unchanged,
        ],
    )  # fmt: skip
    if report.rejected and staged.width:
        pairs = ", ".join(f"?, r.c{p}" for p in range(staged.width))
        cur.execute(
            "INSERT INTO rejected_rows (batch_id, line, column_name, value, message_zh, message_en, raw_row) "
            f"SELECT ?, e.line, e.column_name, e.value, e.message_zh, e.message_en, "
            f"CAST(json_object({pairs}) AS VARCHAR) FROM {errors} e JOIN ing_raw r USING (line) "
            "ORDER BY e.line, e.field_order",
            [batch_id, *staged.names],
        )
