"""Server mode at national scale (issue 15): the store's figures, printed, never asserted.

    python bench/bench_replicas.py [--source bench/out/pages-national-2000-2000000.duckdb] [--url postgresql://…]

Without --url it starts a throwaway PostgreSQL cluster (scripts/pgcluster.py) and copies --source into it with
`store copy` (the source is only read). Then, with two replicas (two read models in this process): the cold load
of the whole store; a 10,000-row upload on replica A and the refresh that brings it to replica B (rows pulled,
seconds); its undo and that refresh; the staleness of five small uploads on A as B's watcher (LISTEN/NOTIFY) sees
them. Wall and CPU seconds of this process (the PostgreSQL server's own CPU is not in them) and the load average.
Still to come (issue 15): the browser sessions, p50/p95 page times, errors and RSS per replica.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.ingest.batches import undo_batch  # noqa: E402
from assistance.ingest.pipeline import Ingest  # noqa: E402
from assistance.store.pg import connection, copy, replica  # noqa: E402
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


def run(url: str) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(REPO / "bench/out/pages-national-2000-2000000.duckdb"))
    parser.add_argument("--url", help="a store already holding the data (else a throwaway cluster, copied into)")
    args = parser.parse_args()
    if args.url:
        run(args.url)
        return
    with cluster() as server:
        with connection.connect(server, autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        url = database_url(server, "bench")
        with timed("store copy of the source into PostgreSQL"):
            report = copy.file_to_pg(Path(args.source), url)
        print(f"  {sum(report.source.values()):,} rows, equal on both sides: {report.equal}")
        run(url)


if __name__ == "__main__":
    main()
