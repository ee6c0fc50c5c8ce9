"""Upload history: every committed import is a batch that can be listed, undone, and re-downloaded as the
rejected-rows CSV it offered.

Separate from the pipeline because it works on what earlier imports left in the database, never on a file;
it takes the same write lock (store.transaction) so that an undo never interleaves with a commit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from assistance.access import audit
from assistance.access.accounts import CLI, Account
from assistance.i18n import t
from assistance.ingest.report import rejected_csv_bytes
from assistance.store.transaction import WRITE_LOCK, Rollback, cursor, retrying, transaction


@dataclass
class UndoResult:
    batch_id: int
    status: str  # done | already | unknown | refused
    removed: int = 0
    undone_at: datetime | None = None

    def message(self, lang: str) -> str:
        if self.status == "done":
            return t("ingest.undo.done", lang, batch=self.batch_id, removed=self.removed)
        if self.status == "refused":
            return t("access.denied.undo", lang, batch=self.batch_id)
        if self.status == "already":
            when = self.undone_at.strftime("%Y-%m-%d %H:%M:%S") if self.undone_at else "?"
            return t("ingest.undo.already", lang, batch=self.batch_id, when=when)
        return t("ingest.undo.unknown", lang, batch=self.batch_id)


@retrying
def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int, actor: Account | None = CLI) -> UndoResult:
    """Remove exactly the activities a batch inserted and mark it undone (audited as `actor`'s; whether the actor
    may is registry.undo.undo's question); a second undo changes nothing."""
    result = UndoResult(batch_id, "unknown")
    with WRITE_LOCK, transaction(con) as cur:
        found = cur.execute("SELECT undone_at FROM upload_batches WHERE batch_id = ?", [batch_id]).fetchall()
        if not found or found[0][0] is not None:
            if found:
                result = UndoResult(batch_id, "already", undone_at=found[0][0])
            raise Rollback
        removed = cur.execute("DELETE FROM activities WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
        cur.execute(
            "UPDATE upload_batches SET undone_at = ? WHERE batch_id = ?",
            [datetime.now().replace(microsecond=0), batch_id],
        )
        result = UndoResult(batch_id, "done", removed=removed)
        audit.record(cur, actor, "undo", batch_id=batch_id, detail={"kind": "activities", "removed": removed})
    return result


def list_batches(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Upload history, newest first, with the keys of `batches --json` plus size, sheet, ignored columns, the
    batch's kind (activities, registry, plans) and a registry or plan batch's changed and unchanged rows."""
    with cursor(con) as cur:
        return cur.execute(
            "SELECT batch_id, file_name AS file, sha256, rows, inserted, duplicates, rejected, uploaded_by, "
            "uploaded_at, undone_at IS NOT NULL AS undone, undone_at, size_bytes, sheet, ignored_columns, kind, "
            "changed, unchanged FROM upload_batches ORDER BY batch_id DESC"
        ).df()


def batch_rejected_csv(con: duckdb.DuckDBPyConnection, batch_id: int, lang: str) -> bytes:
    """A past batch's rejected rows as the same fix-and-re-upload CSV the upload offered."""
    with cursor(con) as cur:
        rows = cur.execute(
            "SELECT line, any_value(raw_row), string_agg(message_zh, '；' ORDER BY rowid), "
            "string_agg(message_en, '; ' ORDER BY rowid) FROM rejected_rows WHERE batch_id = ? "
            "GROUP BY line ORDER BY line",
            [batch_id],
        ).fetchall()
    header: list[str] = []
    records = []
    for line, raw_row, message_zh, message_en in rows:
        cells = json.loads(raw_row) if raw_row else {}
        if not header:
            header = list(cells)
        records.append((line, [cells.get(name) for name in header], message_zh, message_en))
    return rejected_csv_bytes(header, records, lang)
