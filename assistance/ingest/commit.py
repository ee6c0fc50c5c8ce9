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

from assistance.ingest.report import IngestReport
from assistance.ingest.stage import Staged


def commit_batch(cur: duckdb.DuckDBPyConnection, report: IngestReport, staged: Staged, uploaded_by: str | None) -> int:
    """Insert the fresh rows and record the batch (with its rejected rows); return the batch id. The caller's
    transaction makes it all or nothing."""
    batch_id = next_batch_id(cur)
    # Only the fresh rows (ing_fresh: the first of each natural key in the file, none stored yet, found under the
    # write lock): activities has no unique index (store.db migration 6), this anti-join is the guard. In file order.
    inserted = cur.execute(
        "INSERT INTO activities (pairing_id, date, measure, title, title_key, teachers, students, hours, notes, "
        "provenance, batch_id) SELECT s.pairing_id, s.date, s.measure, s.title, s.title_key, s.teachers, "
        "s.students, s.hours, s.notes, 'imported', ? FROM ing_staged s SEMI JOIN ing_fresh f ON f.line = s.line "
        "ORDER BY s.line",
        [batch_id],
    ).fetchall()[0][0]
    if inserted != report.inserted:  # cannot happen under the write lock; keep the invariant regardless
        report.duplicates += report.inserted - inserted
        report.inserted = inserted
    report.batch_id = batch_id
    record_batch(cur, batch_id, report, staged, uploaded_by, duplicates=report.duplicates)
    return batch_id


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
