"""Server mode at national scale (issue 15): the store's figures and two replicas under browsers, printed, never
asserted; run by hand:

    python bench/bench_replicas.py [--source bench/out/pages-national-2000-2000000.duckdb] [--url postgresql://…]
        [--sessions 10] [--seconds 120] [--think 10] [--rows 10000] [--upload-after 40]

Without --url it starts a throwaway PostgreSQL cluster (scripts/pgcluster.py) and copies --source into it with
`store copy` (the source is only read; with --url the store is written: accounts, sessions, uploads).

In this process, two read models: the cold load of the whole store; a 10,000-row upload on replica A and the refresh
that brings it to replica B (rows pulled, seconds); its undo and that refresh; the staleness of five small uploads
on A as B's watcher (LISTEN/NOTIFY) sees them. Wall and CPU seconds of this process (the PostgreSQL server's own CPU
is not in them) and the load average.

Then two app replicas, `streamlit run app.py` on two ports with the store's URL in ASSISTANCE_DB and one cookie
secret, and bench/browsing.py's sessions (those of bench/bench_concurrency.py) in one headless Chromium: every page
once on each replica (its first page loads the replica's read model), then `--sessions` readers signed in by cookie,
in turns on A and B and each staying on its replica (as behind a sticky proxy), and an uploader on A who signs in
through the form and commits a `--rows` activity file. From the moment A shows the commit done, a probe on B opens
the overview again and again until it shows the new total: staleness as a browser sees it, at most the time until
that visit settled (a page's time included), at least the start of the last visit that still showed the old one.
Accounts are made with `users add --db <the URL>`, the readers' sessions on a read model (written to the store).

Printed per replica: p50/p95 seconds to a settled page, errors by kind, the overview totals its readers read (each
must be the count before the upload or after it, never between; a stale one after the commit is B's lag), RSS of
its process tree (idle before the first page, peak, at the end) and its CPU seconds; the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.ingest.batches import undo_batch  # noqa: E402
from assistance.ingest.pipeline import Ingest  # noqa: E402
from assistance.store.pg import connection, copy, replica  # noqa: E402
from bench import browsing  # noqa: E402
from bench.browsing import MB, READER, UPLOADER, Figures, RssSampler, Server  # noqa: E402
from scripts import devserver  # noqa: E402
from scripts.pgcluster import cluster, database_url  # noqa: E402

TODAY = date(2026, 11, 28)


@contextlib.contextmanager
def timed(label: str, note: str = ""):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    print(f"{label:<44} {time.perf_counter() - wall:7.2f} s wall {time.process_time() - cpu:7.2f} s CPU  {note}")


def upload_text(model: replica.ReadModel, rows: int, tag: str) -> str:
    """A CSV of `rows` new activities of the store's own pairings (titles unique by `tag`)."""
    pairs = model.con.execute(
        "SELECT university, school FROM pairing_overview WHERE end_date IS NULL OR end_date > ? ORDER BY pairing_id "
        "LIMIT 200",
        [TODAY],
    ).fetchall()
    lines = ["日期,帮扶高校,受援学校,帮扶举措,活动名称,参与教师人数"]
    for i in range(rows):
        university, school = pairs[i % len(pairs)]
        day = TODAY - timedelta(days=1 + i % 150)
        lines.append(f"{day},{university},{school},教研,{tag} 活动 {i},{i % 9}")
    return "\n".join(lines) + "\n"


def in_process(url: str) -> replica.ReadModel:
    """The read models' figures; returns replica A's, loaded and fresh (B's is closed)."""
    print(f"load average {os.getloadavg()[0]:.1f}")
    a, b = replica.ReadModel(url), replica.ReadModel(url)
    with timed("cold load, replica A"):
        stats = a.load()
    print(f"  {stats.total_rows:,} rows, {stats.rows['activities']:,} activities")
    with timed("cold load, replica B"):
        b.load()

    text = upload_text(a, 10_000, "bench")
    with timed("upload of 10,000 rows on A (validate + push)"):
        report = Ingest(a.cursor(), text.encode(), "bench.csv", today=TODAY).run()
    print(f"  inserted {report.inserted:,}, duplicates {report.duplicates}, rejected {report.rejected}")
    with timed("refresh of B after it"):
        stats = b.refresh()
    print(f"  pulled {stats.total_rows:,} rows: {stats.rows}")
    with timed("undo on A"):
        undo_batch(a.cursor(), report.batch_id)
    with timed("refresh of B after the undo"):
        stats = b.refresh()
    print(f"  keys removed {sum(stats.keys.values()):,}, rows pulled {stats.total_rows:,}")

    watcher = replica.Watcher(b)
    watcher.start()
    watcher.refreshed.wait(30)
    delays = []
    for n in range(5):
        small = upload_text(a, 20, f"staleness {n}")
        Ingest(a.cursor(), small.encode(), f"s{n}.csv", today=TODAY).run()
        committed = time.perf_counter()
        probe = b.cursor()
        while not probe.execute(
            "SELECT count(*) FROM activities WHERE title = ?", [f"staleness {n} 活动 0"]
        ).fetchone()[0]:
            time.sleep(0.005)
        delays.append(time.perf_counter() - committed)
    watcher.stop()
    print(f"staleness A → B (LISTEN), 5 uploads: median {statistics.median(delays):.3f} s, max {max(delays):.3f} s")
    print(f"load average {os.getloadavg()[0]:.1f}")
    b.close()
    a.refresh()
    return a


@dataclass
class Probe:
    """What the staleness probe on B saw: (visit start, end, total) of each overview it opened after the commit."""

    figures: Figures = field(default_factory=Figures)
    visits: list[tuple[float, float, int]] = field(default_factory=list)


async def probe(browser, base: str, cookie: str, before: int, args, upload: Figures, found: Probe, done) -> None:
    """From the moment A shows the commit done, the overview on B opened again and again (no pause) until it shows
    a total other than `before`."""
    context, page = await browsing.open_session(browser, base, cookie, "probe", found.figures, [])
    while "commit_done" not in upload.timings and not done.is_set():
        await asyncio.sleep(0.05)
    while not done.is_set():
        start = time.monotonic()
        try:
            await page.goto(f"{base}/", timeout=args.timeout * 1000)
            await browsing.settled(page, "", args.timeout * 1000)
            total = await browsing.activities_shown(page)
        except Exception as error:
            found.figures.errors.append(f"probe: {type(error).__name__}: {str(error)[:120]}")
            continue
        found.visits.append((start, time.monotonic(), total))
        if total != before:
            break
    await context.close()


def probe_lines(found: Probe, before: int, after: int, upload: Figures) -> list[str]:
    """The probe's figures, in seconds after A showed the commit done."""
    done = upload.timings.get("commit_done")
    if done is None or not found.visits:
        return [f"staleness in the browser: no figure (commit shown on A: {done is not None}, probe visits: "
                f"{len(found.visits)}, probe errors: {len(found.figures.errors)})"]  # fmt: skip
    old = [start - done for start, _, total in found.visits if total == before]
    new = [(start - done, end - done, total) for start, end, total in found.visits if total != before]
    lines = [
        f"staleness in the browser (B's overview opened again and again once A showed the commit done, "
        f"{upload.timings['commit']:.1f} s after its click; seconds after that): {len(found.visits)} visits",
        f"  last visit showing the old total {before:,} started at {max(old):+.1f} s" if old else
        "  no visit showed the old total",
    ]  # fmt: skip
    if new:
        start, end, total = new[0]
        which = "the count after the upload" if total == after else "neither count"
        lines.append(f"  first visit showing the new total {total:,} ({which}) started at {start:+.1f} s, "
                     f"settled {end:+.1f} s")  # fmt: skip
    else:
        lines.append("  no visit showed the new total")
    return lines + [f"  error: {error}" for error in found.figures.errors]


def browsers(url: str, a: replica.ReadModel, args, tmp: Path) -> None:
    """Two replicas (`streamlit run app.py` on the store), the sessions of bench/browsing.py on them, the figures."""
    from assistance.access.sessions import SECRET_ENV

    today = date.today()
    password, secret = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
    with timed("users add --db <store>, twice", "(two processes, each loading the store; their CPU not in it)"):
        browsing.users_add(url, READER, "viewer", password)
        browsing.users_add(url, UPLOADER, "ministry", password)
    a.refresh()
    cookies = browsing.reader_cookies(a.cursor(), args.sessions + 1, secret)  # the last one is the probe's
    csv = browsing.upload_file(a.con, args.rows, today - timedelta(days=1), tmp / "活动记录.csv")
    before = browsing.activity_total(a.cursor(), today)
    args.provinces = browsing.provinces(a.cursor())
    print(f"\nstore: {before:,} activities in view; upload file: {args.rows:,} rows, {csv.stat().st_size / 1e6:.1f} MB")
    print(f"machine: {os.cpu_count()} CPUs, load average {browsing.load_average()}", flush=True)
    servers = [Server("", cookies[0 : args.sessions : 2]), Server("", cookies[1 : args.sessions : 2])]
    found = Probe()
    env = {SECRET_ENV: secret}
    with contextlib.ExitStack() as stack:
        samplers, idle, cpu = [], [], []
        for server, name in zip(servers, "AB", strict=True):
            server.base = stack.enter_context(devserver.serve(url, env=env, log=tmp / f"replica-{name}.log"))
            samplers.append(RssSampler(int(server.base.rsplit(":", 1)[1])))
        time.sleep(1)
        for sampler in samplers:
            idle.append(devserver.rss_bytes(sampler.tree()))
            cpu.append(devserver.cpu_seconds(sampler.tree()))
            sampler.start()
        wall = time.monotonic()

        def staleness(browser, done):
            return probe(browser, servers[1].base, cookies[-1], before, args, servers[0].figures, found, done)

        asyncio.run(browsing.drive(servers, password, csv, args, also=[staleness]))
        wall = time.monotonic() - wall
        end = [devserver.rss_bytes(sampler.tree()) for sampler in samplers]
        cpu = [devserver.cpu_seconds(sampler.tree()) - start for sampler, start in zip(samplers, cpu, strict=True)]
        for sampler in samplers:
            sampler.stop.set()
            sampler.join()
    a.refresh()
    after = browsing.activity_total(a.cursor(), today)
    upload = servers[0].figures
    if after - before != args.rows:
        upload.errors.append(f"the upload added {after - before:,} activities, not {args.rows:,}")

    print(f"\nreplicas: 2, readers {args.sessions} (A {len(servers[0].cookies)}, B {len(servers[1].cookies)}) "
          f"+ 1 uploader on A + the probe on B, {wall:.0f} s")  # fmt: skip
    print("| figure | replica A | replica B |\n|---|---|---|")
    names = browsing.page_names(*(server.figures for server in servers))
    table = [browsing.rows(s.figures, before, after, names, upload.timings, args.rows) for s in servers]
    for label in dict.fromkeys([*table[0], *table[1]]):
        print(f"| {label} | {table[0].get(label, '—')} | {table[1].get(label, '—')} |")
    first = [server.figures.timings.get("first_page", float("nan")) for server in servers]
    print(f"| first page (the overview; loads the read model) (s) | {first[0]:.1f} | {first[1]:.1f} |")
    rss = [f"{i / MB:.0f} / {s.peak() / MB:.0f} / {e / MB:.0f}" for i, s, e in zip(idle, samplers, end, strict=True)]
    print(f"| RSS of the process tree: idle / peak / at the end (MB) | {rss[0]} | {rss[1]} |")
    print(f"| CPU seconds (process + children) | {cpu[0]:.1f} | {cpu[1]:.1f} |")
    print(f"| load average (1 / 5 / 15 min) | {browsing.load_average()} | |")
    for server, name in zip(servers, "AB", strict=True):
        for kind, count in browsing.error_kinds(server.figures.errors):
            print(f"   {name}: {count} × {kind}")
    for line in probe_lines(found, before, after, upload):
        print(line)
    for name in "AB":
        browsing.print_traceback(tmp / f"replica-{name}.log", f"replica {name}")


def run(url: str, args) -> None:
    a = in_process(url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            browsers(url, a, args, Path(tmp))
    finally:
        a.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(REPO / "bench/out/pages-national-2000-2000000.duckdb"))
    parser.add_argument("--url", help="a store already holding the data (else a throwaway cluster, copied into)")
    browsing.add_arguments(parser, sessions=10, seconds=120, rows=10_000, upload_after=40)
    args = parser.parse_args()
    if args.url:
        run(args.url, args)
        return
    with cluster() as server:
        with connection.connect(server, autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        url = database_url(server, "bench")
        with timed("store copy of the source into PostgreSQL"):
            report = copy.file_to_pg(Path(args.source), url)
        print(f"  {sum(report.source.values()):,} rows, equal on both sides: {report.equal}")
        run(url, args)


if __name__ == "__main__":
    main()
