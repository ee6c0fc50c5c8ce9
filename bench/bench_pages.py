"""Page script times at national scale (issue 14, item 2), measured and printed; run by hand:

    python bench/bench_pages.py [--rounds 4] [--pairings 2000] [--activities 2000000] [--out DIR] [--rebuild]

Every page of app.py's navigation runs under AppTest exactly as the server runs it (app.py's shell, then the page:
scripts/devserver.py `apptest_runs_like_the_server`), on two databases in the same run: the 115-pairing demo
(`init`) and the national demo (`python -m assistance demo`), both with the fixed demo day. They are built once into
--out (default bench/out/, git-ignored) and reused while present; --rebuild makes them again. The schools page opens
the scorecard of the pairing with the most activities (`?pairing=`).

For each database and page, in this order, --rounds times each (the median is printed):
  cold    the page's first run in a fresh process state: st.cache_data and st.cache_resource cleared and the
          app's DuckDB connection closed, so the run opens a new one (the page's session already exists: AppTest
          reaches a page only through app.py's first run);
  warm    the page run again with every cache filled (a rerun, as any widget interaction causes);
  filter  the run after the province filter changes, a different programme province each round, so that nothing
          filter-keyed is cached.
The table gives the medians, the national/demo ratio of the warm times, and the goals of issue 14 marked met or
missed: warm at most 300 ms, after a filter change at most 1 s, ratio at most 2. A second table gives the same runs'
CPU seconds (this process, all threads), and the load average is printed: on a shared machine the wall times grow
with the load, the CPU times hardly.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.devserver import DEMO_TODAY, apptest_runs_like_the_server  # noqa: E402

OUT = REPO / "bench" / "out"
# Programme provinces with pairings in both databases, a different one for each filter-change round.
PROVINCES = ("620000", "450000", "530000", "520000", "510000", "130000", "150000", "640000", "630000", "540000")
WARM_GOAL, FILTER_GOAL, RATIO_GOAL = 0.3, 1.0, 2.0
# Warnings of running scripts outside a server ("missing ScriptRunContext", "No runtime found"): noise here.
QUIET_LOGGERS = ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit.runtime.caching.cache_data_api")


@dataclass
class Timings:
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    filter: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # the same runs' CPU seconds, by kind

    def median(self, kind: str, cpu: bool = False) -> float | None:
        values = self.cpu.get(kind, []) if cpu else getattr(self, kind)
        return statistics.median(values) if values else None


def navigation_pages() -> list[str]:
    """The page files of app.py's st.navigation, in its order (the registry page only if the app has it)."""
    return re.findall(r'st\.Page\(\s*"(pages/[^"]+\.py)"', (REPO / "app.py").read_text(encoding="utf-8"))


def build_databases(out: Path, pairings: int, activities: int, rebuild: bool) -> tuple[Path, Path]:
    """The demo and national databases in `out`, built if missing (or asked to)."""
    from assistance.bootstrap import initialise
    from assistance.cli.demo import build

    out.mkdir(parents=True, exist_ok=True)
    demo = out / "pages-demo.duckdb"
    national = out / f"pages-national-{pairings}-{activities}.duckdb"
    for path in (demo, national):
        if rebuild:
            path.unlink(missing_ok=True)
            Path(f"{path}.wal").unlink(missing_ok=True)
    if not demo.exists():
        initialise(demo, today=DEMO_TODAY)
        print(f"built {demo}")
    if not national.exists():
        started = time.monotonic()
        build(
            national, pairings, activities, today=DEMO_TODAY,
            step=lambda name: print(f"  [{time.monotonic() - started:6.1f} s] {name}", flush=True),
        )  # fmt: skip
        print(f"built {national} in {time.monotonic() - started:.1f} s")
    return demo, national


def busiest_pairing(path: Path) -> int:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT pairing_id FROM activities GROUP BY pairing_id ORDER BY count(*) DESC, pairing_id LIMIT 1"
        ).fetchone()[0]


def fresh_process_state(path: Path) -> None:
    """Empty Streamlit's caches and close the app's cached connection, so the next run opens a new one."""
    import streamlit as st

    from assistance.web import shell

    connection = getattr(shell, "_connection", None)
    if connection is not None:  # the cached one (or a new one, closed at once); the clearing below applies anyway
        with contextlib.suppress(Exception):
            connection(str(path)).close()
    st.cache_data.clear()
    st.cache_resource.clear()
    gc.collect()


def timed_run(app, timings: Timings, kind: str) -> None:
    """One run: its wall seconds, and the CPU seconds of this process (all threads, DuckDB's included)."""
    started, cpu = time.perf_counter(), time.process_time()
    app.run()
    getattr(timings, kind).append(time.perf_counter() - started)
    timings.cpu.setdefault(kind, []).append(time.process_time() - cpu)
    if app.exception:
        timings.errors.append(f"{kind}: {app.exception[0].value}")


def province_box(app):
    """The sidebar's province filter (by its key, else by its label)."""
    try:
        return app.selectbox(key="f_province")
    except KeyError:
        return next(box for box in app.sidebar.selectbox if box.label in ("省份", "Province"))


def measure_page(path: Path, page: str, rounds: int, pairing: int) -> Timings:
    from streamlit.testing.v1 import AppTest

    os.environ["ASSISTANCE_DB"] = str(path)
    timings = Timings()
    for _ in range(rounds):
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        if page.endswith("schools.py"):
            app.query_params["pairing"] = str(pairing)
        app.run()  # the session: app.py's first run (the overview)
        if page != "pages/overview.py":
            app.switch_page(page)
        fresh_process_state(path)
        timed_run(app, timings, "cold")
    for _ in range(rounds):
        timed_run(app, timings, "warm")
    for index in range(rounds):
        province_box(app).set_value(PROVINCES[index % len(PROVINCES)])
        timed_run(app, timings, "filter")
    return timings


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _mark(value: float | None, goal: float) -> str:
    if value is None:
        return "—"
    return "met" if value <= goal else "missed"


def report(pages: list[str], results: dict[tuple[str, str], Timings], rounds: int) -> str:
    header = (
        "page", "demo warm", "national warm", "national cold", "national filter", "ratio",
        f"warm ≤ {WARM_GOAL * 1000:.0f} ms", f"filter ≤ {FILTER_GOAL:.0f} s", f"ratio ≤ {RATIO_GOAL:.0f}",
    )  # fmt: skip
    rows = []
    for page in pages:
        demo, national = results[("demo", page)], results[("national", page)]
        demo_warm, warm = demo.median("warm"), national.median("warm")
        ratio = warm / demo_warm if warm and demo_warm else None
        rows.append(
            (
                Path(page).stem, _seconds(demo_warm), _seconds(warm), _seconds(national.median("cold")),
                _seconds(national.median("filter")), "—" if ratio is None else f"{ratio:.1f}×",
                _mark(warm, WARM_GOAL), _mark(national.median("filter"), FILTER_GOAL), _mark(ratio, RATIO_GOAL),
            )
        )  # fmt: skip
    cpu_rows = []
    for page in pages:
        demo, national = results[("demo", page)], results[("national", page)]
        demo_warm, warm = demo.median("warm", cpu=True), national.median("warm", cpu=True)
        cpu_rows.append(
            (
                Path(page).stem, _seconds(demo_warm), _seconds(warm), _seconds(national.median("cold", cpu=True)),
                _seconds(national.median("filter", cpu=True)),
                f"{warm / demo_warm:.1f}×" if warm and demo_warm else "—",
            )
        )  # fmt: skip
    lines = [
        f"Page script seconds, median of {rounds} rounds (AppTest: app.py's shell + the page)",
        _table(header, rows),
        "",
        "CPU seconds of the same runs (this process, all threads): what the pages cost, whatever else the machine runs",
        _table(header[:6], cpu_rows),
        "",
        "The demo database's other figures (wall seconds, for reference)",
        _table(
            ("page", "demo cold", "demo filter"),
            [
                (
                    Path(p).stem,
                    _seconds(results[("demo", p)].median("cold")),
                    _seconds(results[("demo", p)].median("filter")),
                )
                for p in pages
            ],
        ),
    ]
    errors = [f"{db} {Path(p).stem}: {e}" for (db, p), r in results.items() for e in r.errors]
    if errors:
        lines += ["", "Errors:", *errors]
    return "\n".join(lines)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pairings", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--out", type=Path, default=OUT, help="where the databases are built and kept")
    parser.add_argument("--rebuild", action="store_true", help="build the databases again")
    args = parser.parse_args()

    for name in QUIET_LOGGERS:  # a filter, since every AppTest run sets the loggers' levels again
        logging.getLogger(name).addFilter(lambda _record: False)
    demo, national = build_databases(args.out, args.pairings, args.activities, args.rebuild)
    pages = navigation_pages()
    print(f"pages: {', '.join(Path(p).stem for p in pages)}; rounds: {args.rounds}; {_load()}")
    results: dict[tuple[str, str], Timings] = {}
    with apptest_runs_like_the_server():
        for name, path in (("demo", demo), ("national", national)):
            pairing = busiest_pairing(path)
            for page in pages:
                started = time.monotonic()
                results[(name, page)] = measure_page(path, page, args.rounds, pairing)
                print(f"  {name} {Path(page).stem}: {time.monotonic() - started:.1f} s", flush=True)
    print(f"\n{_load()} ({os.cpu_count()} cores)")
    print(report(pages, results, args.rounds))
    return 0


def _load() -> str:
    """The machine's load average: wall times on a shared machine grow with it, CPU times hardly."""
    return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    sys.exit(main())
