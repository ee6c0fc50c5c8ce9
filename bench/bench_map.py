"""Budgets of the coverage map and overview (issue 3), measured and printed; run by hand:

    python bench/bench_map.py [--runs 7]

1. the national figure's JSON (budget: at most 600 KB);
2. the overview script, warm, on the demo data (budget: at most 300 ms), two ways: the page's data and
   figure functions alone, and a whole AppTest run of the overview (shell + page) after a warm-up;
3. in headless Chromium, navigation to a drawn map against navigation to an empty Streamlit page, both
   served the same way and measured the same way in the same run (budget: at most +1.5 s).
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


def bench_browser(db: Path, runs: int) -> None:

    from playwright.sync_api import sync_playwright

    print("\n3. headless Chromium, navigation to drawn (budget: map at most empty + 1.5 s)")
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

            def measure(url: str, selector: str | None) -> float:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})  # cold cache each run
                devserver.block_external(context, external)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url)
                devserver.wait_for_app(page, selector, timeout=60_000)
                elapsed = time.perf_counter() - start
                context.close()
                return elapsed

            cases = {
                "empty Streamlit page": (f"{empty_base}/", None),
                "ref: one-point plotly chart": (f"{floor_base}/", "g.scatterlayer path"),
                "ref: national map, no shell": (f"{map_only_base}/", "path.choroplethlocation"),
                "overview (map drawn)": (f"{app_base}/", "path.choroplethlocation"),
                "map page (map drawn)": (f"{app_base}/map", "path.choroplethlocation"),
                "drilled 620000 (map drawn)": (f"{app_base}/map?province=620000", "path.choroplethlocation"),
            }
            for url, selector in cases.values():  # warm the servers (first script run, caches)
                measure(url, selector)
            results: dict[str, list[float]] = {name: [] for name in cases}
            for _ in range(runs):  # interleaved so drift hits every case alike
                for name, (url, selector) in cases.items():
                    results[name].append(measure(url, selector))
            browser.close()
    base = statistics.median(results["empty Streamlit page"])
    for name, values in results.items():
        median = statistics.median(values)
        extra = "" if name.startswith("empty") else f"  (+{median - base:.2f} s over empty)"
        print(f"   {name:28s} median {median:.2f} s  [{min(values):.2f}–{max(values):.2f}]{extra}")
    print(f"   external requests: {len(external)}")


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
