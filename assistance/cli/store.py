"""`python -m assistance store copy --from SOURCE --to TARGET` (docs/contracts.md, "Command line"): a DuckDB file
into an empty PostgreSQL database or a PostgreSQL database into a new DuckDB file (issue 15). It prints each
table's row count on both sides, read back after the copy; exit status 0 when they agree, 2 when the copy was
refused or the counts differ (one line on stderr).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistance.cli.common import fail, language
from assistance.i18n import t
from assistance.store import mode


def add_command(sub: argparse._SubParsersAction) -> None:
    store = sub.add_parser("store", help="the store: copy a deployment between a DuckDB file and PostgreSQL")
    actions = store.add_subparsers(dest="store_command", required=True)
    copy = actions.add_parser("copy", help="copy every table, either way; prints the row counts of both sides")
    copy.add_argument("--from", dest="source", required=True, help="a DuckDB file or a postgresql:// URL")
    copy.add_argument("--to", dest="target", required=True, help="a postgresql:// URL or a new DuckDB file")


def run(args: argparse.Namespace) -> int:
    import psycopg

    from assistance.store.pg import copy

    lang = language()
    if mode.is_server(args.source) == mode.is_server(args.target):
        return fail(t("store.copy.same_kind", lang))
    server = args.target if mode.is_server(args.target) else args.source
    try:
        if mode.is_server(args.target):
            report = copy.file_to_pg(Path(args.source), args.target)
        else:
            report = copy.pg_to_file(args.source, Path(args.target))
    except copy.CopyRefused as exc:
        values = {k: mode.redacted(v) for k, v in exc.values.items()}
        return fail(t(exc.key, lang, **values))
    except psycopg.OperationalError as exc:
        return fail(t("store.unreachable_cli", lang, target=mode.redacted(server), detail=str(exc).strip()))
    source, target = t("store.copy.source", lang), t("store.copy.target", lang)
    print(t("store.copy.header", lang, table="", source=source, target=target))
    for table, count in report.source.items():
        print(t("store.copy.header", lang, table=table, source=count, target=report.target[table]))
    if not report.equal:
        differ = ", ".join(name for name in report.source if report.source[name] != report.target.get(name))
        return fail(t("store.copy.mismatch", lang, tables=differ))
    print(t("store.copy.done", lang))
    return 0
