"""`python -m assistance ingest | batches`: the command-line face of the same import pipeline (`undo` of a batch
of any kind is cli.registry's).

Exit status of `ingest` (docs/contracts.md, "Exit codes"; the rules every import command shares are cli.common's):
0 every row inserted or a duplicate, 1 some rows rejected (valid rows are committed unless --strict), 2 a file or
the database could not be used. On a dry run, on a --strict run that committed nothing, and for a file with
nothing to add (which records no batch), the counts say what a commit would do and `batch_id` is null.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistance.cli.common import import_files, language, open_db
from assistance.i18n import t
from assistance.ingest.batches import list_batches
from assistance.ingest.pipeline import Ingest

# The JSON object of a file that cannot be used: zero counts (docs/contracts.md, "JSON outputs").
_ZERO = {"rows": 0, "inserted": 0, "duplicates": 0, "rejected": 0}


def cli_ingest(args: argparse.Namespace) -> int:
    def open_job(con, path: Path) -> Ingest:
        return Ingest(con, path, path.name, sheet=args.sheet, uploaded_by=args.uploaded_by, strict=args.strict)

    return import_files(args, open_job, _print_report, _ZERO)


def _print_report(report, lang: str) -> None:
    dry_run = report.dry_run
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
    con, status = open_db(args, read_only=True)
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
    lang = language()
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
