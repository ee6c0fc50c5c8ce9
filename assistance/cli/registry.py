"""`python -m assistance registry import | registry export | plans import`, and `undo` of a batch of any kind.

Exit status as for `ingest` (docs/contracts.md, "Exit codes"; the rules every import command shares are
cli.common's): 0 every row new, changed or unchanged; 1 some rows rejected (the valid rows are committed); 2 a file
or the database could not be used. `--json` prints one object per file with the documented keys only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistance.cli.common import fail, format_for, import_files, language, open_db
from assistance.i18n import t
from assistance.registry.common import FileImport, ImportReport
from assistance.registry.export import TIERS, write_registry
from assistance.registry.importer import RegistryImport
from assistance.registry.places import tier_of
from assistance.registry.plans import PlansImport


def dispatch(args: argparse.Namespace) -> int:
    """Run `registry import|export` or `plans import` (parsed by registry.commands)."""
    if args.command == "registry" and args.action == "export":
        return cli_registry_export(args)
    return cli_import(args, RegistryImport if args.command == "registry" else PlansImport)


def cli_import(args: argparse.Namespace, job_class: type[FileImport]) -> int:
    """registry, plans, outcomes or problems import: each file validated (dry run) or committed with `job_class`;
    the worst status wins."""

    def open_job(con, path: Path) -> FileImport:
        return job_class(con, path, path.name, sheet=args.sheet, uploaded_by=args.uploaded_by)

    zero = {"kind": job_class.kind.name, "rows": 0, "inserted": 0, "changed": 0, "unchanged": 0, "rejected": 0}
    return import_files(args, open_job, print_report, zero)


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
    lang = language()
    tier = None
    if args.tier:
        tier = tier_of(args.tier)
        if tier not in TIERS:
            return fail(t("registry.cli.tier_unknown", lang, tier=args.tier))
    output = Path(args.output)
    fmt = format_for(output, args.format)
    con, status = open_db(args, read_only=True)
    if con is None:
        return status
    try:
        count = write_registry(con, output, fmt, tier)
    except OSError as exc:
        return fail(f"cannot write {output}: {exc.strerror or exc}")
    finally:
        con.close()
    print(t("registry.cli.exported", lang, rows=count, path=output, fmt=fmt))
    return 0


def cli_undo(args: argparse.Namespace) -> int:
    """undo BATCH_ID of any kind: 0 undone (or already undone), 1 unknown batch or blocked by later batches."""
    from assistance.registry.undo import undo

    con, status = open_db(args, read_only=False)
    if con is None:
        return status
    try:
        result = undo(con, args.batch_id)
    finally:
        con.close()
    message = result.message(language())
    if result.status in ("unknown", "blocked"):
        print(f"error: {message}", file=sys.stderr)
        return 1
    print(message)
    return 0
