"""`python -m assistance registry import | registry export | plans import`, and `undo` of a batch of any kind.

Exit status as for `ingest` (docs/contracts.md, "Exit codes"): 0 every row new, changed or unchanged; 1 some rows
rejected (the valid rows are committed); 2 a file or the database could not be used, with one line on stderr
(a database held by another process included: cli.main turns DatabaseBusy into that line). With several files
each is its own transaction and the worst status wins. `--json` prints one object per file with the documented
keys only; a file that cannot be used still gets its object (zero counts, the reason as its one error).
Messages are Chinese unless ASSISTANCE_LANG=en.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import duckdb

from assistance.i18n import normalise_language, t
from assistance.ingest.errors import IngestFileError
from assistance.registry.common import ImportReport
from assistance.registry.export import TIERS, write_registry
from assistance.registry.importer import RegistryImport
from assistance.registry.places import tier_of
from assistance.registry.plans import PlansImport
from assistance.store import db


def dispatch(args: argparse.Namespace) -> int:
    """Run `registry import|export` or `plans import` (parsed by registry.commands)."""
    if args.command == "registry" and args.action == "export":
        return cli_registry_export(args)
    return cli_import(args, RegistryImport if args.command == "registry" else PlansImport)


def _lang() -> str:
    return normalise_language(os.environ.get("ASSISTANCE_LANG", "zh"))


def _fail(message: str) -> int:
    print(f"error: {' '.join(message.split())}", file=sys.stderr)
    return 2


def _open(args: argparse.Namespace, read_only: bool) -> tuple[duckdb.DuckDBPyConnection | None, int]:
    """The database, migrated if needed (DatabaseBusy propagates to cli.main: one line, exit 2)."""
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


def cli_import(args: argparse.Namespace, job_class: type) -> int:
    """registry import / plans import: each file validated (dry run) or committed; the worst status wins."""
    lang = _lang()
    con, status = _open(args, read_only=args.dry_run)
    if con is None:
        return status
    worst = 0
    try:
        for name in args.files:
            worst = max(worst, _import_one(con, Path(name), args, job_class, lang))
    finally:
        con.close()
    return worst


def _import_one(con: duckdb.DuckDBPyConnection, path: Path, args: argparse.Namespace, job_class, lang: str) -> int:
    try:
        with job_class(con, path, path.name, sheet=args.sheet, uploaded_by=args.uploaded_by) as job:
            report = job.validate() if args.dry_run else job.run()
    except IngestFileError as exc:
        return _unusable(path, job_class.kind.name, exc.message(lang), args.json)
    except duckdb.Error as exc:
        return _unusable(path, job_class.kind.name, str(exc), args.json)
    if args.json:
        print(json.dumps(report.to_dict(lang), ensure_ascii=False))
    else:
        print_report(report, lang)
    return report.exit_code


def _unusable(path: Path, kind: str, reason: str, as_json: bool) -> int:
    if as_json:
        record = {"file": path.name, "kind": kind, "rows": 0, "inserted": 0, "changed": 0, "unchanged": 0,
                  "rejected": 0, "batch_id": None,
                  "errors": [{"line": None, "column": None, "value": None, "message": reason}]}  # fmt: skip
        print(json.dumps(record, ensure_ascii=False))
    return _fail(f"{path}: {reason}")


def print_report(report: ImportReport, lang: str) -> None:
    """The report as text: counts, changes before → after, new parties and schools, demo removal, errors."""
    counts = {k: getattr(report, k) for k in ("rows", "inserted", "changed", "unchanged", "rejected")}
    if report.dry_run:
        print(t("registry.cli.summary_dry", lang, file=report.file_name, **counts))
    else:
        batch = t("ingest.cli.batch", lang, batch=report.batch_id) if report.batch_id else ""
        print(t("registry.cli.summary", lang, file=report.file_name, batch=batch, **counts))
    if report.previous_batch_id:
        print(t("registry.cli.same_file", lang, batch=report.previous_batch_id))
    if report.total_rows:
        print(t("registry.cli.totals", lang, count=report.total_rows))
    for line, field, before, after in report.changes.itertuples(index=False):
        print(t("registry.cli.change", lang, line=line, field=report.columns.get(field, field),
                before=_shown(before), after=_shown(after)))  # fmt: skip
    for name, kind, similar, _line in report.new_parties.itertuples(index=False):
        hint = t("registry.similar", lang, names="、".join(similar)) if similar else ""
        print(t("registry.cli.new_party", lang, name=name, kind=kind, similar=hint))
    if len(report.new_schools):
        print(t("registry.cli.new_schools", lang, count=len(report.new_schools)))
    for note in report.demo_notes(lang):
        print(f"  {note}")
    if report.ignored_columns:
        print(t("ingest.cli.ignored", lang, columns="、".join(report.ignored_columns)))
    for line, column, _value, message in report.errors_in(lang).itertuples(index=False):
        print(t("ingest.cli.error_line", lang, line=line, column=column, message=message))


def _shown(value: object) -> str:
    return "-" if value is None or value != value else str(value)


def cli_registry_export(args: argparse.Namespace) -> int:
    """registry export: 0 written; 2 unknown tier, missing or busy database, or an unwritable file."""
    lang = _lang()
    tier = None
    if args.tier:
        tier = tier_of(args.tier)
        if tier not in TIERS:
            return _fail(t("registry.cli.tier_unknown", lang, tier=args.tier))
    output = Path(args.output)
    fmt = args.format or ("xlsx" if output.suffix.lower() == ".xlsx" else "csv")
    con, status = _open(args, read_only=True)
    if con is None:
        return status
    try:
        count = write_registry(con, output, fmt, tier)
    except OSError as exc:
        return _fail(f"cannot write {output}: {exc.strerror or exc}")
    finally:
        con.close()
    print(t("registry.cli.exported", lang, rows=count, path=output, fmt=fmt))
    return 0


def cli_undo(args: argparse.Namespace) -> int:
    """undo BATCH_ID of any kind: 0 undone (or already undone), 1 unknown batch or blocked by later batches."""
    from assistance.registry.undo import undo

    con, status = _open(args, read_only=False)
    if con is None:
        return status
    try:
        result = undo(con, args.batch_id)
    finally:
        con.close()
    message = result.message(_lang())
    if result.status in ("unknown", "blocked"):
        print(f"error: {message}", file=sys.stderr)
        return 1
    print(message)
    return 0
