"""The `registry` and `plans` subcommands' arguments and those every import or export command shares, for
cli.main's parser (argparse only: importing this costs nothing; cli.registry, which runs them, is imported when
one of them runs)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

COMMANDS = ("registry", "plans")


def add_commands(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    """registry import FILE… | registry export -o FILE | plans import FILE… (docs/contracts.md, "Command line")."""
    registry = sub.add_parser("registry", help="import or export the pairing registry (any tier)")
    actions = registry.add_subparsers(dest="action", required=True)
    add_import_arguments(actions.add_parser("import", help="import registry files (CSV, XLSX, XLS or ODS)"), add_db)
    export = actions.add_parser("export", help="write the registry in the import format (CSV or XLSX)")
    add_db(export)
    export.add_argument("--tier", help="national, provincial or municipal (default: all)")
    add_output_arguments(export)

    plans = sub.add_parser("plans", help="import 一校一策 plan targets")
    plan_actions = plans.add_subparsers(dest="action", required=True)
    add_import_arguments(plan_actions.add_parser("import", help="import plan files (CSV, XLSX, XLS or ODS)"), add_db)


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of every command that writes a file (export, registry export): -o FILE and its format
    (cli.common.format_for)."""
    parser.add_argument("--format", choices=("csv", "xlsx"), default=None, help="default: from -o's suffix")
    parser.add_argument("-o", "--output", required=True, metavar="FILE")


def add_import_arguments(parser: argparse.ArgumentParser, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    """The arguments of every command that imports files (ingest, registry import, plans import)."""
    parser.add_argument("files", nargs="+", metavar="FILE")
    add_db(parser)
    parser.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    parser.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    parser.add_argument("--sheet", help="workbook sheet (default: the first sheet with a header of the file's kind)")
    parser.add_argument("--uploaded-by", default="cli", help="name recorded on the upload batch")


def run(args: argparse.Namespace) -> int:
    from assistance.cli import registry as cli

    return cli.dispatch(args)


def undo(args: argparse.Namespace) -> int:
    """`undo BATCH_ID` for a batch of any kind (activities, registry, plans)."""
    from assistance.cli import registry as cli

    return cli.cli_undo(args)
