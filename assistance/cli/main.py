"""The command line (docs/contracts.md, "Command line"): init, ingest, export, batches, undo, registry, plans, demo,
users, outcomes, brief, problems, store.

Each subcommand is a thin wrapper over the same library functions the app uses. A database held by
another process is reported in one line with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assistance.cli import demo as demo_command
from assistance.cli import outcomes as outcomes_command
from assistance.cli import problems as problems_command
from assistance.cli import registry_args as registry_commands
from assistance.cli import store as store_command
from assistance.cli import users as users_command
from assistance.cli.common import language
from assistance.i18n import t
from assistance.store import db
from assistance.store.transaction import StoreConflict, StoreUnavailable

DESCRIPTION = " ".join(__doc__.split("\n\n")[0].split())  # the docstring's whole first paragraph, every command


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="database file (default: $ASSISTANCE_DB or data/assistance.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistance", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)

    init = sub.add_parser("init", help="create or migrate the database; load reference and demo data")
    _add_db(init)
    init.add_argument("--empty", action="store_true", help="reference data only, no demo history")

    ingest = sub.add_parser("ingest", help="import activity log files (CSV, XLSX, XLS or ODS)")
    registry_commands.add_import_arguments(ingest, _add_db)
    ingest.add_argument("--strict", action="store_true", help="commit nothing from a file with a rejected row")

    export = sub.add_parser("export", help="export activities as CSV (UTF-8 with BOM) or XLSX")
    _add_db(export)
    export.add_argument("--university", help="only this university's activities")
    registry_commands.add_output_arguments(export)

    batches = sub.add_parser("batches", help="list upload batches, newest first")
    _add_db(batches)
    batches.add_argument("--json", action="store_true")

    undo = sub.add_parser("undo", help="remove the rows one upload batch inserted")
    undo.add_argument("batch_id", type=int, metavar="BATCH_ID")
    _add_db(undo)

    registry_commands.add_commands(sub, _add_db)  # registry import|export, plans import
    demo_command.add_command(sub, _add_db)  # the national-scale demo database
    users_command.add_command(sub, _add_db)  # accounts (issue 12)
    outcomes_command.add_commands(sub, _add_db)  # outcomes import, brief (issue 11)
    problems_command.add_command(sub, _add_db)  # the problem tracker's file (issue 10)
    store_command.add_command(sub)  # store copy between a DuckDB file and PostgreSQL (issue 15)
    return parser


def _run_init(args: argparse.Namespace) -> int:
    from assistance.bootstrap import initialise

    print(initialise(args.db, empty=args.empty).summary())
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "init":
        return _run_init(args)
    if args.command == "export":
        from assistance.cli.export import cli_export

        return cli_export(args)
    if args.command == "demo":
        return demo_command.cli_demo(args)
    if args.command == "users":
        return users_command.run(args)
    if args.command in outcomes_command.COMMANDS:
        return outcomes_command.run(args)
    if args.command == "problems":
        return problems_command.run(args)
    if args.command == "store":
        return store_command.run(args)
    if args.command in registry_commands.COMMANDS:
        return registry_commands.run(args)
    if args.command == "undo":  # a batch of any kind: activities, registry or plans
        return registry_commands.undo(args)
    from assistance.cli import ingest as ingest_cli

    return {"ingest": ingest_cli.cli_ingest, "batches": ingest_cli.cli_batches}[args.command](args)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except db.DatabaseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (StoreUnavailable, StoreConflict) as exc:  # server mode: one line, never a traceback
        key = "store.conflict" if isinstance(exc, StoreConflict) else "store.write_refused"
        print(f"error: {t(key, language())} ({exc})", file=sys.stderr)
        return 2
