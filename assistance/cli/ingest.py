"""`python -m assistance ingest | batches | undo`: the command-line face of the same import pipeline.

Exit status of `ingest` (docs/contracts.md, "Exit codes"): 0 every row inserted or a duplicate, 1 some rows
rejected (valid rows are committed unless --strict), 2 a file or the database could not be used, with one line
on stderr. With several files each is its own transaction and the worst status wins. Messages are Chinese
unless `ASSISTANCE_LANG=en`; `--json` output has the documented keys only. On a dry run, on a --strict run
that committed nothing, and for a file with nothing to add (which records no batch), the counts say what a
commit would do and `batch_id` is null. A file that cannot be used still gets its JSON object (zero counts, the
reason as its one error, line null) besides the stderr line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import duckdb

from assistance.i18n import normalise_language, t
from assistance.ingest.batches import list_batches, undo_batch
from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import Ingest
from assistance.store import db


def _lang() -> str:
    return normalise_language(os.environ.get("ASSISTANCE_LANG", "zh"))


def _fail(message: str) -> int:
    """One line on stderr, exit status 2."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def _open(args: argparse.Namespace, read_only: bool) -> tuple[duckdb.DuckDBPyConnection | None, int]:
    """The database, migrated if needed; `DatabaseBusy` propagates to cli.main (one line, exit 2)."""
    path = Path(args.db) if args.db else db.default_db_path()
    lang = _lang()
    if not path.exists():
        return None, _fail(t("ingest.cli.no_database", lang, path=path))
    con = db.connect(path, read_only=read_only)
    if db.schema_version(con) < db.SCHEMA_VERSION:
        if read_only:
            con.close()
            return None, _fail(t("ingest.cli.old_schema", lang, path=path))
        db.migrate(con)
    return con, 0


def cli_ingest(args: argparse.Namespace) -> int:
    lang = _lang()
    con, status = _open(args, read_only=args.dry_run)
    if con is None:
        return status
    worst = 0
    try:
        for name in args.files:
            worst = max(worst, _ingest_one(con, Path(name), args, lang))
    finally:
        con.close()
    return worst


def _ingest_one(con: duckdb.DuckDBPyConnection, path: Path, args: argparse.Namespace, lang: str) -> int:
    try:
        with Ingest(con, path, path.name, sheet=args.sheet, uploaded_by=args.uploaded_by, strict=args.strict) as job:
            report = job.validate() if args.dry_run else job.run()
    except IngestFileError as exc:
        reason = exc.message(lang)
        if args.json:
            print(json.dumps(_unusable(path, reason), ensure_ascii=False))
        return _fail(f"{path}: {reason}")
    except duckdb.Error as exc:
        if args.json:
            print(json.dumps(_unusable(path, str(exc)), ensure_ascii=False))
        return _fail(f"{path}: {exc}")
    if args.json:
        print(json.dumps(report.to_dict(lang), ensure_ascii=False))
    else:
        _print_report(report, args.dry_run, lang)
    return report.exit_code


def _unusable(path: Path, reason: str) -> dict:
    return {
        "file": path.name,
        "rows": 0,
        "inserted": 0,
        "duplicates": 0,
        "rejected": 0,
        "batch_id": None,
        "errors": [{"line": None, "column": None, "value": None, "message": reason}],
    }


def _print_report(report, dry_run: bool, lang: str) -> None:
    counts = {
        "file": report.file_name,
        "rows": report.rows,
        "inserted": report.inserted,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
    }
    if dry_run:
        print(t("ingest.cli.summary_dry", lang, **counts))
    else:
        batch = t("ingest.cli.batch", lang, batch=report.batch_id) if report.batch_id else ""
        print(t("ingest.cli.summary", lang, batch=batch, **counts))
    if report.strict_blocked:
        print("  " + t("upload.strict_blocked", lang, rejected=report.rejected))
    elif not dry_run and report.nothing_to_add:
        print("  " + t("upload.nothing_committed", lang))
    if report.previous_batch_id:
        print("  " + t("upload.same_file", lang, batch=report.previous_batch_id))
    if report.ignored_columns:
        print(t("ingest.cli.ignored", lang, columns="、".join(report.ignored_columns)))
    for line, column, _value, message in report.errors_in(lang).itertuples(index=False):
        print(t("ingest.cli.error_line", lang, line=line, column=column, message=message))


def cli_batches(args: argparse.Namespace) -> int:
    con, status = _open(args, read_only=True)
    if con is None:
        return status
    try:
        frame = list_batches(con)
    finally:
        con.close()
    records = [
        {
            "batch_id": int(row.batch_id),
            "file": row.file,
            "sha256": row.sha256,
            "rows": int(row.rows),
            "inserted": int(row.inserted),
            "duplicates": int(row.duplicates),
            "rejected": int(row.rejected),
            "uploaded_by": None if row.uploaded_by is None or row.uploaded_by != row.uploaded_by else row.uploaded_by,
            "uploaded_at": row.uploaded_at.isoformat(),
            "undone": bool(row.undone),
        }
        for row in frame.itertuples(index=False)
    ]
    if args.json:
        print(json.dumps(records, ensure_ascii=False))
        return 0
    lang = _lang()
    if not records:
        print(t("ingest.cli.no_batches", lang))
        return 0
    keys = ("batch", "file", "rows", "inserted", "duplicates", "rejected", "uploaded_by", "uploaded_at", "status")
    print("\t".join(t(f"upload.col_{key}", lang) for key in keys))
    for record in records:
        status_text = t("upload.status_undone" if record["undone"] else "upload.status_active", lang)
        print(
            "\t".join(
                str(value)
                for value in (
                    record["batch_id"],
                    record["file"],
                    record["rows"],
                    record["inserted"],
                    record["duplicates"],
                    record["rejected"],
                    record["uploaded_by"] or "",
                    record["uploaded_at"],
                    status_text,
                )
            )
        )
    return 0


def cli_undo(args: argparse.Namespace) -> int:
    """0 when undone (or already undone: nothing to do), 1 for an unknown batch."""
    con, status = _open(args, read_only=False)
    if con is None:
        return status
    try:
        result = undo_batch(con, args.batch_id)
    finally:
        con.close()
    if result.status == "unknown":
        print(f"error: {result.message(_lang())}", file=sys.stderr)
        return 1
    print(result.message(_lang()))
    return 0
