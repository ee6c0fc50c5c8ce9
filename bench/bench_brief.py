"""The leadership brief's build time (issue 11: a national brief in at most 5 s at the demo scale), measured and
printed at the demo scale and at national scale; run by hand:

    python bench/bench_brief.py [--rounds 3] [--pairings 2000] [--activities 2000000] [--out DIR] [--rebuild]

The databases are bench_pages.py's (the 115-pairing demo and the national demo, built once into --out and reused).
For each database, format (PDF, HTML) and filter (national; one university; one province), the brief is built
--rounds times in this process (the first round includes DuckDB's cold reads of the file and, for the first brief of
a scope, the map's outlines) and the median and the first round are printed, with the gathering (the same SQL as the
pages) and the drawing apart, and the median CPU seconds of the process (every thread: DuckDB's too). The load
average is printed too: on a shared machine the wall times grow with it, the CPU seconds much less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_pages import OUT, build_databases  # noqa: E402
from scripts.devserver import DEMO_TODAY  # noqa: E402

GOAL = 5.0  # seconds, a national brief at the demo scale


def measure(path: Path, rounds: int) -> list[tuple[str, str, float, float, float, float, float]]:
    import duckdb

    from assistance.brief.content import gather
    from assistance.brief.html import render_html
    from assistance.brief.layout import layout
    from assistance.brief.pdf import render_pdf, stamp
    from assistance.filters import Filters

    con = duckdb.connect(str(path), read_only=True)
    busiest = con.execute(
        "SELECT university FROM pairing_overview GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    ).fetchone()[0]
    cases = {
        "national": Filters(),
        "university": Filters(universities=(busiest,)),
        "province": Filters(province="620000"),
    }
    rows = []
    for name, filters in cases.items():
        for fmt in ("pdf", "html"):
            totals, gathers, draws, cpus = [], [], [], []
            for _ in range(rounds):
                started, cpu = time.perf_counter(), time.process_time()
                brief = gather(con, filters, "zh", DEMO_TODAY)
                gathered = time.perf_counter()
                page = layout(brief)
                render_pdf(page, stamp(DEMO_TODAY)) if fmt == "pdf" else render_html(page, "zh")
                done = time.perf_counter()
                cpus.append(time.process_time() - cpu)
                totals.append(done - started)
                gathers.append(gathered - started)
                draws.append(done - gathered)
            rows.append((name, fmt, totals[0], statistics.median(totals), statistics.median(gathers),
                         statistics.median(draws), statistics.median(cpus)))  # fmt: skip
    con.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pairings", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    demo, national = build_databases(args.out, args.pairings, args.activities, args.rebuild)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'database':<9} {'filter':<10} {'format':<6} {'first':>7} {'median':>7} {'gather':>7} {'draw':>7} "
          f"{'cpu':>7}  goal")  # fmt: skip
    for label, path in (("demo", demo), ("national", national)):
        for name, fmt, first, median, gathered, drawn, cpu in measure(path, args.rounds):
            goal = ""
            if label == "demo" and name == "national":
                goal = f"≤ {GOAL:.0f} s {'met' if median <= GOAL else 'MISSED'}"
            print(f"{label:<9} {name:<10} {fmt:<6} {first:7.2f} {median:7.2f} {gathered:7.2f} {drawn:7.2f} {cpu:7.2f}  "
                  f"{goal}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
