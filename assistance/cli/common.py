"""What every command that reads files or the database shares: the messages' language, the one-line failure
(exit status 2), opening the database, the output format from `-o`, and importing files one by one.

docs/contracts.md, "Exit codes": 0 every row was taken, 1 some rows were rejected, 2 a file or the database could
not be used, with one line on stderr (a database held by another process included: cli.main turns DatabaseBusy
into that line). With several files each is its own transaction and the worst status wins; `--json` prints one
object per file, and a file that cannot be used still gets its object (zero counts, the reason as its one error,
line null) besides the stderr line. Messages are Chinese unless ASSISTANCE_LANG=en.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from assistance.i18n import normalise_language, t
from assistance.ingest.errors import IngestFileError
from assistance.store import db, mode

if TYPE_CHECKING:
    from assistance.ingest.job import FileJob


def language() -> str:
    """The language of the command line's messages: ASSISTANCE_LANG, Chinese by default."""
    return normalise_language(os.environ.get("ASSISTANCE_LANG", "zh"))


def fail(message: str) -> int:
    """One line on stderr, exit status 2."""
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def open_db(args: argparse.Namespace, read_only: bool) -> tuple[duckdb.DuckDBPyConnection | None, int]:
    """The database of `--db` (else the default), migrated if needed; (None, 2) after one line on stderr when it is
    missing, or too old to read without writing. `DatabaseBusy` propagates to cli.main (one line, exit 2)."""
    target = args.db or db.location()
    lang = language()
    if mode.is_server(target):  # server mode: this process's read model of the store, always at its schema
        import psycopg

        try:
            return db.connect(target), 0
        except psycopg.OperationalError as exc:
            return None, fail(t("store.unreachable_cli", lang, target=mode.redacted(target), detail=str(exc)))
    path = Path(target)
    if not path.exists():
        return None, fail(t("ingest.cli.no_database", lang, path=path))
    con = db.connect(path, read_only=read_only)
    if db.pending_migrations(con):
        if read_only:
            con.close()
            return None, fail(t("ingest.cli.old_schema", lang, path=path))
        db.migrate(con)
    return con, 0


def format_for(output: Path, requested: str | None) -> str:
    """The requested format, else the output's suffix decides (.xlsx, anything else CSV)."""
    if requested:
        return requested
    return "xlsx" if output.suffix.lower() == ".xlsx" else "csv"


def import_files(
    args: argparse.Namespace,
    open_job: Callable[[duckdb.DuckDBPyConnection, Path], FileJob],
    print_report: Callable[[Any, str], None],
    zero: dict[str, object],
) -> int:
    """Validate (`--dry-run`) or import each of `args.files` with the job `open_job(con, path)` makes; print its
    report as JSON (`--json`) or as text (`print_report(report, lang)`). A file that cannot be used prints its
    JSON object of `zero` counts and its reason. Returns the worst exit status."""
    con, status = open_db(args, read_only=args.dry_run)
    if con is None:
        return status
    lang = language()
    try:
        return max(_import_one(con, Path(name), args, open_job, print_report, zero, lang) for name in args.files)
    finally:
        con.close()


def _import_one(con, path: Path, args, open_job, print_report, zero: dict[str, object], lang: str) -> int:
    try:
        with open_job(con, path) as job:
            report = job.validate() if args.dry_run else job.run()
    except IngestFileError as exc:
        return _unusable(path, exc.message(lang), args.json, zero)
    except duckdb.Error as exc:
        return _unusable(path, str(exc), args.json, zero)
    if args.json:
        print(json.dumps(report.to_dict(lang), ensure_ascii=False))
    else:
        print_report(report, lang)
    return report.exit_code


def _unusable(path: Path, reason: str, as_json: bool, zero: dict[str, object]) -> int:
    if as_json:
        error = {"line": None, "column": None, "value": None, "message": reason}
        print(json.dumps({"file": path.name, **zero, "batch_id": None, "errors": [error]}, ensure_ascii=False))
    return fail(f"{path}: {reason}")
