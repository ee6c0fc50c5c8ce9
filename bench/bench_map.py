"""Budgets of the coverage map and overview (issue 3), measured and printed; run by hand:

    python bench/bench_map.py [--runs 7]

1. the national figure's JSON (budget: at most 600 KB);
2. the overview script, warm, on the demo data (budget: at most 300 ms), two ways: the page's data and
   figure functions alone, and a whole AppTest run of the overview (shell + page) after a warm-up;
3. in headless Chromium, navigation to a drawn map against navigation to an empty Streamlit page, both
   served the same way and measured the same way in the same run (budget: at most +1.5 s); and against the real
   floor, a page of one plotly point (Streamlit's plotly bundle makes it what it is; issue 14, item 7): the
   overview settled (no script running, its KPI cards and map drawn) at most floor + 1.0 s, the map page's map
   drawn at most floor + 0.5 s. Medians of `--runs`, wall seconds, and the CPU seconds of the servers, Playwright
   and Chromium (the machine is shared: the CPU seconds move much less with its load).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts import devserver  # noqa: E402
from scripts.devserver import DEMO_TODAY, serve  # noqa: E402

EMPTY_APP = 'import streamlit as st\n\nst.title("empty")\n'
# References that split the difference (not budgets): the cost of plotly.js itself (a one-point chart),
# and the national map alone, without the app's shell (sidebar, filters, page header).
PLOTLY_FLOOR_APP = """import plotly.graph_objects as go
import streamlit as st

st.title("plotly")
st.plotly_chart(go.Figure(go.Scatter(x=[1], y=[1])))
"""
MAP_ONLY_APP = f"""import sys
sys.path.insert(0, {str(REPO)!r})
import duckdb
import streamlit as st
from assistance.figures import maps
from assistance.analytics import coverage
from assistance.filters import Filters
from assistance.web.shell import PLOTLY_CONFIG
from scripts.devserver import DEMO_TODAY

st.title("map")
con = duckdb.connect(sys.argv[1], read_only=True)
metrics = coverage.province_metrics(con, Filters(), DEMO_TODAY)
st.plotly_chart(maps.national_map(metrics, "schools", "zh"), config=PLOTLY_CONFIG)
"""


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def bench_figure_size(db: Path) -> None:
    import duckdb

    from assistance.analytics import coverage
    from assistance.figures import maps
    from assistance.filters import Filters

    con = duckdb.connect(str(db), read_only=True)
    metrics = coverage.province_metrics(con, Filters(), DEMO_TODAY)
    print("\n1. national figure JSON (budget 600 KB)")
    for lang in ("zh", "en"):
        served = max(len(maps.national_map(metrics, m, lang).to_json()) for m in coverage.METRICS)
        inline = max(
            len(maps.national_map(metrics, m, lang, maps.GeoAssets(inline=True)).to_json()) for m in coverage.METRICS
        )
        print(f"   {lang}: as the app sends it (geometry by URL) {kb(served)}; geometry inline {kb(inline)}")
    geo_dir = REPO / "data" / "geo"
    once = sum((geo_dir / name).stat().st_size for name in ("provinces.geojson", "corps.geojson"))
    print(f"   geometry the browser fetches once per page load and then caches: {kb(once)}")
    con.close()


def bench_script_time(db: Path, runs: int) -> None:
    import duckdb

    from assistance.analytics import coverage, queries
    from assistance.figures import activity, maps
    from assistance.filters import Filters

    print("\n2. overview script, warm (budget 300 ms)")
    con = duckdb.connect(str(db), read_only=True)
    filters, today = Filters(), DEMO_TODAY
    measures = queries.measures(con)
    labels = dict(zip(measures["code"], measures["label_zh"], strict=True))

    def page_work() -> None:
        coverage.kpis(con, filters, today)
        metrics = coverage.province_metrics(con, filters, today)
        maps.national_map(metrics, "schools", "zh").to_json()
        monthly = coverage.monthly_by_measure(con, filters)
        activity.monthly_chart(monthly, labels, "zh").to_json()

    page_work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        page_work()
        times.append(time.perf_counter() - start)
    print(f"   data + figures + JSON: median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f})")
    con.close()

    from streamlit.testing.v1 import AppTest

    os.environ["ASSISTANCE_DB"] = str(db)
    with devserver.apptest_runs_like_the_server():  # every run is app.py's shell + the page, as the server runs it
        app = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        app.run()
        app.run()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            app.run()
            times.append(time.perf_counter() - start)
    assert not app.exception, app.exception
    assert app.sidebar.selectbox, "the shell did not run"
    print(f"   AppTest run of the overview (shell + page): median {statistics.median(times) * 1000:.0f} ms")


FIRST_SCREEN = ('[data-testid="stMetric"]', "path.choroplethlocation")  # the overview's KPI cards and map
OVERVIEW_SETTLED = "overview settled (cards, map)"
FLOOR = "floor: one-point plotly chart"
MAP_PAGE = "map page (map drawn)"
BUDGETS = ((OVERVIEW_SETTLED, 1.0), (MAP_PAGE, 0.5))  # seconds over the floor (issue 14, item 7)


def tree_cpu() -> float:
    """CPU seconds so far of this script's processes: the servers, Playwright, Chromium and its renderers."""
    return devserver.cpu_seconds(devserver.descendants(os.getpid()))


def bench_browser(db: Path, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    print("\n3. headless Chromium, navigation to drawn (budgets: map at most empty + 1.5 s; overview settled at most")
    print("   floor + 1.0 s, map drawn at most floor + 0.5 s); wall seconds, then CPU seconds of server and browser")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(shutil.copy(db, Path(tmp) / "server.duckdb"))  # this process holds the other copy open
        empty = Path(tmp) / "empty_app.py"
        empty.write_text(EMPTY_APP, encoding="utf-8")
        floor = Path(tmp) / "plotly_floor.py"
        floor.write_text(PLOTLY_FLOOR_APP, encoding="utf-8")
        map_only = Path(tmp) / "map_only.py"
        map_only.write_text(MAP_ONLY_APP, encoding="utf-8")
        (Path(tmp) / ".streamlit").mkdir()
        shutil.copy(REPO / ".streamlit" / "config.toml", Path(tmp) / ".streamlit" / "config.toml")
        shutil.copytree(REPO / "static", Path(tmp) / "static")  # the same local topojson stub and geometry
        with (
            serve(db) as app_base,
            serve(db, empty) as empty_base,
            serve(db, floor) as floor_base,
            serve(db, map_only, str(shutil.copy(db, Path(tmp) / "map_only.duckdb"))) as map_only_base,
            sync_playwright() as pw,
        ):
            browser = pw.chromium.launch(executable_path=devserver.CHROMIUM, args=devserver.CHROMIUM_ARGS)
            external: list[str] = []

            def measure(url: str, *selectors: str) -> tuple[float, float]:
                """(wall, CPU) seconds from navigation to the page settled with `selectors` present."""
                context = browser.new_context(viewport={"width": 1400, "height": 1000})  # cold cache each run
                devserver.block_external(context, external)
                page = context.new_page()
                cpu, start = tree_cpu(), time.perf_counter()
                page.goto(url)
                devserver.wait_for_app(page, timeout=60_000)
                for selector in selectors:
                    page.wait_for_selector(selector, timeout=60_000, state="attached")
                reached = time.perf_counter() - start, tree_cpu() - cpu
                context.close()
                return reached

            choropleth = "path.choroplethlocation"
            cases = {
                "empty Streamlit page": (f"{empty_base}/",),
                FLOOR: (f"{floor_base}/", "g.scatterlayer path"),
                "ref: national map, no shell": (f"{map_only_base}/", choropleth),
                OVERVIEW_SETTLED: (f"{app_base}/", *FIRST_SCREEN),
                MAP_PAGE: (f"{app_base}/map", choropleth),
                "drilled 620000 (map drawn)": (f"{app_base}/map?province=620000", choropleth),
            }
            for url, *selectors in cases.values():  # warm the servers (first script run, caches)
                measure(url, *selectors)
            results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
            for _ in range(runs):  # interleaved so drift hits every case alike
                for name, (url, *selectors) in cases.items():
                    results[name].append(measure(url, *selectors))
            browser.close()
    median = {name: statistics.median(wall for wall, _ in values) for name, values in results.items()}
    cpu_median = {name: statistics.median(cpu for _, cpu in values) for name, values in results.items()}
    base, floor_wall = median["empty Streamlit page"], median[FLOOR]
    for name, values in results.items():
        walls = [wall for wall, _ in values]
        extra = "" if name.startswith("empty") else f"  (+{median[name] - base:.2f} s over empty"
        extra += "" if name.startswith(("empty", "floor")) else f", +{median[name] - floor_wall:.2f} s over floor"
        print(
            f"   {name:31s} median {median[name]:.2f} s  [{min(walls):.2f}–{max(walls):.2f}]"
            f"  CPU {cpu_median[name]:.2f} s" + (f"{extra})" if extra else "")
        )
    print(f"   external requests: {len(external)}")
    print(f"   load average now: {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for name, allowed in BUDGETS:
        over = median[name] - floor_wall
        verdict = "met" if over <= allowed else "missed"
        cpu_over = cpu_median[name] - cpu_median[FLOOR]
        print(
            f"   budget {name}: floor + {over:.2f} s (at most floor + {allowed:.1f} s): {verdict};"
            f" CPU floor + {cpu_over:.2f} s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    from assistance.bootstrap import initialise

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        initialise(db, today=DEMO_TODAY)
        print(f"demo database {db} (today = {DEMO_TODAY}; machine today {date.today()})")
        print(f"machine: {os.cpu_count()} CPUs, load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}")
        bench_figure_size(db)
        bench_script_time(db, args.runs)
        if not args.skip_browser:
            bench_browser(db, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
