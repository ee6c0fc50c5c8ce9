"""Many users at once (issue 14, item 6), measured and printed; run by hand:

    python bench/bench_concurrency.py [--sessions 20] [--seconds 240] [--think 10] [--rows 100000] [--db DATABASE]

(default database: bench/out/pages-national-2000-2000000.duckdb, built by bench/bench_pages.py).

`streamlit run app.py` over a copy of the national demo (the shared file is never written), with accounts, so every
session signs in: the readers by the session cookie (a session started on the copy before the server, signed with
the run's cookie secret, as a reload or a pasted link signs in), the uploader through the sign-in form. One
headless Chromium, one context per session: the readers arrive a few seconds apart and browse the pages (clicking
the page menu; now and then a link with a province filter, or a guidance page, opened by its address), reading each
page a while (`--think`: on 2 shared cores, 20 browsers that never pause measure Chromium, not the app), while the
uploader checks and commits a 100,000-row activity file on the Upload page.

Printed: p50/p95 seconds to a settled page (the browser tests' recipe, scripts.devserver.wait_for_app: connected,
no script running; and the page's own heading drawn, and on the overview its KPI cards and map), errors (exceptions
shown, the app's error message, timeouts, HTTP errors, console errors), every overview total of activities a reader
saw (each must be the count before the upload or after it, never between), and the peak RSS of the server (the
streamlit process and its children, from /proc every 0.2 s), with its CPU seconds.
The wall times move with the machine's load, which is printed with them. The sessions, the upload and the figures
are bench/browsing.py's, which bench/bench_replicas.py runs against two replicas of a PostgreSQL store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import browsing  # noqa: E402
from bench.browsing import MB, READER, UPLOADER, RssSampler, Server  # noqa: E402
from scripts import devserver  # noqa: E402

NATIONAL = REPO / "bench" / "out" / "pages-national-2000-2000000.duckdb"


def report(args, server: Server, before: int, after: int, rss: RssSampler, idle_rss: int, cpu: float, wall: float):
    figures = server.figures
    print(f"\nsessions: {args.sessions} readers + 1 uploader, {wall:.0f} s")
    print("| figure | value |\n|---|---|")
    names = browsing.page_names(figures)
    for label, value in browsing.rows(figures, before, after, names, figures.timings, args.rows).items():
        print(f"| {label} | {value} |")
    print(f"| server RSS idle / peak (MB) | {idle_rss / MB:.0f} / {rss.peak() / MB:.0f} (goal ≤ 600) |")
    print(f"| server CPU seconds (process + children) | {cpu:.1f} |")
    print(f"| load average (1 / 5 / 15 min) | {browsing.load_average()} |")
    for kind, count in browsing.error_kinds(figures.errors):
        print(f"   {count} × {kind}")
    between = [value for _, _, value in figures.totals if value not in (before, after)]
    print(
        f"goals: 0 errors {'met' if not figures.errors else 'missed'}; never half an upload "
        f"{'met' if not between else 'missed'}; peak RSS ≤ 600 MB {'met' if rss.peak() <= 600 * MB else 'missed'}"
    )


def main() -> int:
    from assistance.access.sessions import SECRET_ENV

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    browsing.add_arguments(parser, sessions=20, seconds=240, rows=100_000, upload_after=60)
    parser.add_argument("--db", type=Path, default=NATIONAL, help="the database to copy (never written)")
    args = parser.parse_args()
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(shutil.copy(args.db, Path(tmp) / "server.duckdb"))
        password, secret = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
        browsing.users_add(db, READER, "viewer", password)
        browsing.users_add(db, UPLOADER, "ministry", password)
        with duckdb.connect(str(db)) as con:  # one writer process, before the server opens the file
            cookies = browsing.reader_cookies(con, args.sessions, secret)
            csv = browsing.upload_file(con, args.rows, today - timedelta(days=1), Path(tmp) / "活动记录.csv")
            before = browsing.activity_total(con, today)
            args.provinces = browsing.provinces(con)
        print(f"database: copy of {args.db} ({db.stat().st_size / 1e6:.0f} MB), {before:,} activities in view")
        print(f"upload file: {args.rows:,} rows, {csv.stat().st_size / 1e6:.1f} MB")
        print(f"machine: {os.cpu_count()} CPUs, load average {browsing.load_average()}", flush=True)
        env = {SECRET_ENV: secret}
        with devserver.serve(db, env=env, log=Path(tmp) / "server.log") as base:
            server = Server(base, cookies)
            sampler = RssSampler(int(server.base.rsplit(":", 1)[1]))
            time.sleep(1)
            idle_rss = devserver.rss_bytes(sampler.tree())
            sampler.start()
            cpu_start = devserver.cpu_seconds(sampler.tree())
            wall = time.monotonic()
            asyncio.run(browsing.drive([server], password, csv, args))
            wall = time.monotonic() - wall
            cpu = devserver.cpu_seconds(sampler.tree()) - cpu_start
            sampler.stop.set()
            sampler.join()
        with duckdb.connect(str(db), read_only=True) as con:
            after = browsing.activity_total(con, today)
        if after - before != args.rows:
            server.figures.errors.append(f"the upload added {after - before:,} activities, not {args.rows:,}")
        report(args, server, before, after, sampler, idle_rss, cpu, wall)
        browsing.print_traceback(Path(tmp) / "server.log")
    return 0


if __name__ == "__main__":
    sys.exit(main())
