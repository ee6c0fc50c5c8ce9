"""`python -m assistance demo`: build the national-scale demo database (issue 14; docs/contracts.md, "Command
line") and show each step with the seconds since the start.

The database is built beside its final name (a normal `init` build, then reference.national's extension) and
moved into place only when complete, so the app never opens half of it. An existing file is replaced only with
`--force`. Exit status 0 when built, 2 when it cannot be (the file exists, the sizes are too small, the database
is held by another process), with one line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from assistance.i18n import normalise_language, t
from assistance.store import db, mode

if TYPE_CHECKING:
    from assistance.reference.national import NationalReport

Step = Callable[[str], None]
NEW_TIERS = ("provincial", "municipal")  # the tiers of the pairings the national demo adds


def add_command(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    demo = sub.add_parser("demo", help="build a national-scale demo database (all demo data)")
    demo.add_argument("--pairings", type=int, default=2000, help="pairings in all (default 2000; 115 national)")
    demo.add_argument("--activities", type=int, default=2_000_000, help="activities in all (default 2,000,000)")
    add_db(demo)
    demo.add_argument("--seed", type=int, default=None, help="random seed (same seed and --today, same rows)")
    demo.add_argument(
        "--today", type=date.fromisoformat, default=None, help="last day of the history, YYYY-MM-DD (default: today)"
    )
    demo.add_argument("--force", action="store_true", help="replace the file if it exists")


def build(
    path: str | Path,
    pairings: int,
    activities: int,
    seed: int | None = None,
    today: date | None = None,
    step: Step | None = None,
) -> NationalReport:
    """Build the national demo at `path` (which must not exist): `initialise` beside it, extend, move into place.
    `step` is called with the name of each step as it starts (demo.step.* in the string catalogue)."""
    from assistance.bootstrap import initialise  # numpy, pandas and the registry: only when a demo is built
    from assistance.guidance.demo import load_tier_guidance
    from assistance.outcomes.demo import load_demo_outcomes
    from assistance.reference import national

    path = Path(path)
    step = step or (lambda _name: None)
    seed = national.SEED if seed is None else seed
    today = today or date.today()

    def init_step(_fraction: float, name: str) -> None:
        if name != "done":
            step(name)

    building = path.with_name(path.name + ".national")
    for leftover in (building, Path(f"{building}.wal"), Path(f"{building}.building")):
        leftover.unlink(missing_ok=True)
    try:
        initialise(building, today=today, progress=init_step)
        con = db.connect(building)
        try:
            report = national.extend(con, pairings, activities, seed=seed, today=today, progress=step)
            step("outcomes")  # the new schools' demo outcomes, as every demo school has them
            load_demo_outcomes(con, end=today)
            step("guidance")  # their problems and cases, as init gives the national demo pairings theirs
            guidance = load_tier_guidance(con, NEW_TIERS, end=today, seed=seed)
            report.problems, report.cases = guidance["problems"], guidance["cases"]
            step("checkpoint")
            db.migrate(con)  # nothing to migrate: it gives the new names their sort keys, as every start would
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except BaseException:
        building.unlink(missing_ok=True)
        raise
    os.replace(building, path)
    step("done")
    return report


def cli_demo(args: argparse.Namespace) -> int:
    lang = normalise_language(os.environ.get("ASSISTANCE_LANG", "zh"))
    if mode.is_server(args.db or db.location()):  # it builds a file: a store gets it by store copy
        print(f"error: {t('store.demo_file_only', lang)}", file=sys.stderr)
        return 2
    path = Path(args.db) if args.db else db.default_db_path()
    if path.exists() and not args.force:
        print(f"error: {t('demo.cli.exists', lang, path=path)}", file=sys.stderr)
        return 2
    # Wall and CPU seconds (every thread of this process): on a busy machine the wall time is mostly waiting.
    started, cpu = time.monotonic(), time.process_time()

    def step(name: str) -> None:
        seconds, used = time.monotonic() - started, time.process_time() - cpu
        print(t("demo.cli.line", lang, seconds=seconds, cpu=used, step=t(f"demo.step.{name}", lang)), flush=True)

    target = path.with_name(path.name + ".new") if path.exists() else path
    try:
        report = build(target, args.pairings, args.activities, seed=args.seed, today=args.today, step=step)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if target != path:  # --force: the old file's write-ahead log must not outlive it
        Path(f"{path}.wal").unlink(missing_ok=True)
        os.replace(target, path)
    print(
        t(
            "demo.cli.summary", lang, path=path, pairings=sum(report.pairings.values()),
            national=report.pairings.get("national", 0), provincial=report.pairings.get("provincial", 0),
            municipal=report.pairings.get("municipal", 0), parties=report.parties, schools=report.schools,
            plans=report.plan_targets, activities=report.activities, problems=report.problems,
            cases=report.cases, seconds=time.monotonic() - started,
            cpu=time.process_time() - cpu,
        )
    )  # fmt: skip
    return 0
