"""`python -m assistance problems import FILE… | problems export -o FILE` (docs/contracts.md, "Command line"): the
problem file of issue 10 through the same import code as the Problems page, and every problem as a re-importable
CSV or XLSX.

Exit status as for every import (cli.common): 0 every row new, changed or unchanged; 1 some rows rejected (the
valid rows are committed); 2 a file or the database could not be used. `--json` prints one object per file with
the documented keys only. `export`: 0 written, 2 missing or busy database or an unwritable file.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from assistance.cli.common import fail, format_for, language, open_db


def add_command(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    from assistance.cli.registry_args import add_import_arguments, add_output_arguments

    problems = sub.add_parser("problems", help="import or export the problem tracker (困难问题台账)")
    actions = problems.add_subparsers(dest="action", required=True)
    add_import_arguments(actions.add_parser("import", help="import problem files (CSV or XLSX)"), add_db)
    export = actions.add_parser("export", help="write every problem in the problem file's format (CSV or XLSX)")
    add_db(export)
    add_output_arguments(export)


def run(args: argparse.Namespace) -> int:
    return cli_export(args) if args.action == "export" else cli_import(args)


def cli_import(args: argparse.Namespace) -> int:
    """problems import: each file validated (dry run) or committed; the worst status wins."""
    from assistance.cli.registry import cli_import as import_with
    from assistance.guidance.problem_import import ProblemsImport

    return import_with(args, ProblemsImport)


def cli_export(args: argparse.Namespace) -> int:
    """problems export: 0 written; 2 missing or busy database, or an unwritable file (nothing half-written)."""
    from assistance.guidance.problems import write_problems
    from assistance.i18n import t

    output = Path(args.output)
    fmt = format_for(output, args.format)
    con, status = open_db(args, read_only=True)
    if con is None:
        return status
    partial = output.with_name(output.name + ".partial")
    try:
        with open(partial, "wb") as handle:
            count = write_problems(con, handle, fmt)
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        return fail(f"cannot write {output}: {exc.strerror or exc}")
    finally:
        con.close()
    print(t("problems.cli.exported", language(), rows=count, path=output, fmt=fmt))
    return 0
