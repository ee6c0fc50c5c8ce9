"""`python -m assistance outcomes import FILE...` and `python -m assistance brief -o FILE.pdf|.html` (issue 11).

`outcomes import` is an import like `plans import` (docs/contracts.md, "Exit codes", "JSON outputs"): 0 every row
new, changed or unchanged; 1 some rows rejected (the valid rows are committed); 2 a file or the database could not
be used; `--json` one object per file. `brief` writes the leadership brief of the filters it is given (national
without --university or --province): 0 written; 2 an unknown university, province, tier or period, an output that is
neither .pdf nor .html or cannot be written, no CJK font for a PDF, or a missing database.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from assistance.cli.common import fail, language, open_db

COMMANDS = ("outcomes", "brief")


def add_commands(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    """outcomes import FILE… | brief [filters] -o FILE (docs/contracts.md, "Command line")."""
    from assistance.cli.registry_args import add_import_arguments

    outcomes = sub.add_parser("outcomes", help="import outcome indicators (one row per school and school year)")
    actions = outcomes.add_subparsers(dest="action", required=True)
    add_import_arguments(actions.add_parser("import", help="import outcome files (CSV or XLSX)"), add_db)

    brief = sub.add_parser("brief", help="write the leadership brief (PDF or HTML) of the given filters")
    add_db(brief)
    brief.add_argument("--university", action="append", default=[], help="a supporting university (repeatable)")
    brief.add_argument("--province", help="a province: code (620000), name or short name")
    brief.add_argument("--tier", help="national, provincial or municipal")
    brief.add_argument("--period", help="a school year (2025) or semester (2025-autumn, 2025-spring)")
    brief.add_argument("--lang", choices=("zh", "en"), default=None, help="the brief's language (default: zh)")
    brief.add_argument("--today", help=argparse.SUPPRESS)  # YYYY-MM-DD: the day the brief is made as of (tests)
    brief.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.pdf or FILE.html")


def run(args: argparse.Namespace) -> int:
    if args.command == "brief":
        return cli_brief(args)
    return cli_outcomes_import(args)


def cli_outcomes_import(args: argparse.Namespace) -> int:
    """outcomes import: each file validated (dry run) or committed; the worst status wins."""
    from assistance.cli.registry import cli_import
    from assistance.outcomes.importer import OutcomesImport

    return cli_import(args, OutcomesImport)


def cli_brief(args: argparse.Namespace) -> int:
    """brief: the filters read as a link reads them (names in any registered spelling), then the file written."""
    from assistance.analytics import queries
    from assistance.analytics.exports import resolve_university
    from assistance.brief import BriefError, build_brief
    from assistance.filters import Filters, Period, name_index
    from assistance.i18n import t
    from assistance.registry.places import tier_of

    lang = language()  # the command's messages; the brief is in --lang (else the same)
    output = Path(args.output)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html"):
        return fail(t("brief.cli.format", lang, path=output))
    con, status = open_db(args, read_only=True)
    if con is None:
        return status
    try:
        universities = []
        for name in args.university:
            found = resolve_university(con, name)
            if found is None:
                return fail(t("brief.cli.university_unknown", lang, name=name))
            universities.append(found)
        province = None
        if args.province:
            frame = queries.provinces(con)
            index = name_index(
                (code, (zh, short, en))
                for code, zh, short, en in frame[["code", "name_zh", "short_zh", "name_en"]].itertuples(index=False)
            )
            province = index.get(_fold(args.province))
            if province is None:
                return fail(t("brief.cli.province_unknown", lang, province=args.province))
        tier = None
        if args.tier:
            tier = tier_of(args.tier)
            if tier is None:
                return fail(t("registry.cli.tier_unknown", lang, tier=args.tier))
        period = Period.parse(args.period)
        if args.period and period.year is None:
            return fail(t("brief.cli.period_unknown", lang, period=args.period))
        today = date.fromisoformat(args.today) if args.today else date.today()
        filters = Filters(tuple(universities), province, None, period, tier)
        started = time.perf_counter()
        try:
            data = build_brief(con, filters, args.lang or lang, fmt, today)
        except BriefError as exc:
            return fail(exc.message(lang))
    finally:
        con.close()
    try:
        output.write_bytes(data)
    except OSError as exc:
        return fail(f"cannot write {output}: {exc.strerror or exc}")
    size = f"{len(data) / 1024:.0f} KB"
    print(t("brief.cli.written", lang, path=output, size=size, seconds=f"{time.perf_counter() - started:.1f}"))
    return 0


def _fold(text: str) -> str:
    from assistance.reference.loader import normalise_name

    return normalise_name(text)
