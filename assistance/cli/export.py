"""`python -m assistance export`: every activity in view (all, or one university's) as CSV or XLSX.

Exit status (docs/contracts.md, "Exit codes"): 0 written; 2 unknown university, missing or busy database, or
an unwritable file, with one line on stderr. The file is written beside its name and moved into place only
when complete, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistance.analytics.exports import resolve_university
from assistance.cli.common import format_for
from assistance.export.writers import export_activities
from assistance.filters import Filters
from assistance.store import db, mode


def cli_export(args: argparse.Namespace) -> int:
    """`python -m assistance export`: 0 written; 2 unknown university, missing database or unwritable file."""
    target = args.db or db.location()  # a file, or a PostgreSQL store (server mode: this process's read model)
    path = Path(target)
    if not mode.is_server(target) and not path.exists():
        print(f"error: database {path} not found; create it with `python -m assistance init`", file=sys.stderr)
        return 2
    output = Path(args.output)
    fmt = format_for(output, args.format)
    try:
        con = db.connect(target, read_only=True)
    except db.DatabaseBusy:
        print(
            f"error: database {path} is in use by another process (the app or a command); export from the "
            "app's Universities or Schools page, or stop the other process and try again",
            file=sys.stderr,
        )
        return 2
    try:
        universities: tuple[str, ...] = ()
        if args.university:
            name = resolve_university(con, args.university)
            if name is None:
                print(f"error: unknown university: {args.university}", file=sys.stderr)
                return 2
            universities = (name,)
        partial = output.with_name(output.name + ".partial")
        try:
            with open(partial, "wb") as handle:
                rows = export_activities(con, Filters(universities=universities), fmt, handle)
            os.replace(partial, output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            print(f"error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    finally:
        con.close()
    scope = universities[0] if universities else "all universities"
    print(f"wrote {rows} activities ({scope}) to {output} as {fmt}")
    return 0
