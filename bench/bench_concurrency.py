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
The wall times move with the machine's load, which is printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts import devserver  # noqa: E402

NATIONAL = REPO / "bench" / "out" / "pages-national-2000-2000000.duckdb"
READER, UPLOADER = "bench-reader", "bench-uploader"
# (path, title key, content selector) of the pages the readers open; "" is the overview.
PAGES = {
    "": ("nav.overview", '[data-testid="stMetric"] >> nth=7'),
    "map": ("nav.map", "path.choroplethlocation"),
    "universities": ("nav.universities", None),
    "schools": ("nav.schools", None),
    "about": ("nav.about", None),
    "problems": ("problems.nav", None),
    "cases": ("cases.nav", None),
    "upload": ("nav.upload", None),
}
MENU = ["map", "universities", "", "schools", "about", ""]  # pages in the top menu, clicked
BY_ADDRESS = ["problems", "cases"]  # under the guidance menu: opened by address (a new session, as a pasted link)
MAP_SELECTOR = "path.choroplethlocation"
PROBES = ("/_stcore/health", "/_stcore/host-config")


# ------------------------------------------------------------------------------ setup


def users_add(db: Path, username: str, role: str, password: str) -> None:
    """An account on the copy, made as README "Accounts" says: `users add … --password-stdin`."""
    subprocess.run(
        [sys.executable, "-m", "assistance", "users", "add", username, "--role", role, "--password-stdin", "--db", db],
        input=password + "\n", text=True, check=True, capture_output=True, cwd=REPO,
    )  # fmt: skip


def reader_cookies(db: Path, count: int, secret: str) -> list[str]:
    """One signed session cookie per reader (started before the server opens the file: one writer process)."""
    import duckdb

    from assistance.access.sessions import sign, start_session

    con = duckdb.connect(str(db))
    try:
        return [sign(start_session(con, READER), secret) for _ in range(count)]
    finally:
        con.close()


def activity_total(db: Path, today: date) -> int:
    """The overview's 活动 card with no filter (coverage.kpis), read from the file while no server holds it."""
    import duckdb

    from assistance.analytics import coverage
    from assistance.filters import Filters

    con = duckdb.connect(str(db), read_only=True)
    try:
        return coverage.kpis(con, Filters(), today).activities
    finally:
        con.close()


def upload_file(db: Path, rows: int, today: date, path: Path) -> Path:
    """A valid activity log of `rows` new activities (titles never seen before) over the copy's national pairings,
    in the template's Chinese header, as a university coordinator's export would look."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(
            f"""COPY (
                WITH p AS (
                    SELECT u.name_zh AS university, s.name_zh AS school,
                           row_number() OVER (ORDER BY p.pairing_id) - 1 AS k
                    FROM pairings p JOIN universities u USING (university_id) JOIN schools s USING (school_id)
                    WHERE p.tier = 'national'),
                m AS (SELECT code, row_number() OVER (ORDER BY sort_order) - 1 AS k FROM measures),
                r AS (SELECT range AS i FROM range({rows}))
                SELECT strftime(DATE '{today}' - CAST(r.i % 700 AS INTEGER), '%Y-%m-%d') AS "日期",
                       p.university AS "帮扶高校", p.school AS "受援学校", m.code AS "帮扶举措",
                       '并发测试活动 ' || r.i AS "活动名称", r.i % 9 AS "参与教师人数", r.i % 40 AS "参与学生人数",
                       2 AS "时长（小时）"
                FROM r JOIN p ON p.k = r.i % (SELECT count(*) FROM p)
                       JOIN m ON m.k = (r.i // 7) % (SELECT count(*) FROM m)
                ORDER BY r.i
            ) TO '{path}' (HEADER, DELIMITER ',')"""
        )
    finally:
        con.close()
    return path


class RssSampler(threading.Thread):
    """The resident memory of the server process and its children, summed, every `every` seconds (from /proc)."""

    def __init__(self, port: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.samples: list[int] = []
        self.stop = threading.Event()
        self.root = next(  # our own `streamlit run` child on this port (never any other process)
            pid
            for pid in devserver.descendants(os.getpid())
            if {"streamlit", str(port)} <= set(Path(f"/proc/{pid}/cmdline").read_text(errors="replace").split("\0"))
        )

    def tree(self) -> list[int]:
        return [self.root, *devserver.descendants(self.root)]

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(devserver.rss_bytes(self.tree()))
            self.stop.wait(self.every)

    def peak(self) -> int:
        return max(self.samples, default=0)


# ------------------------------------------------------------------------------ sessions


@dataclass
class Figures:
    settled: list[tuple[str, float]] = field(default_factory=list)  # (page, seconds)
    errors: list[str] = field(default_factory=list)
    totals: list[tuple[float, float, int]] = field(default_factory=list)  # (visit start, end, activities shown)
    upload: dict[str, float] = field(default_factory=dict)


def _watch(page, who: str, figures: Figures) -> None:
    """Console errors, uncaught page errors and HTTP errors of the app's own address count as errors, but for the
    probes Streamlit's frontend makes under a page's own path when a page is opened by its address (`/upload/_stcore/
    health`, then `/_stcore/health`): a 404 there is how it finds the app's root, on any Streamlit app."""

    def probe(url: str) -> bool:
        path = urlparse(url).path
        return path.endswith(PROBES) and path not in PROBES

    def console(msg) -> None:
        if msg.type == "error" and not probe(msg.location.get("url", "")):
            figures.errors.append(f"{who}: console: {msg.text[:160]}")

    def response(response) -> None:
        if response.status >= 400 and devserver.is_local(response.url) and not probe(response.url):
            figures.errors.append(f"{who}: HTTP {response.status} {response.url}")

    page.on("console", console)
    page.on("pageerror", lambda exc: figures.errors.append(f"{who}: page error: {str(exc)[:160]}"))
    page.on("response", response)


async def _offline(blocked: list[str], route) -> None:
    """Abort every request that would leave the machine (devserver.block_external, for the async API)."""
    if devserver.is_local(route.request.url):
        await route.continue_()
    else:
        blocked.append(route.request.url)
        await route.abort()


async def _settled(page, path: str, timeout: float) -> None:
    """The browser tests' recipe (connected, no script running) on this page: its heading drawn, its content too."""
    from assistance.i18n import t

    key, selector = PAGES[path]
    await page.wait_for_function(
        """([path, title]) => {
            const here = location.pathname.replace(/\\/+$/, '').split('/').pop() || '';
            const state = document.querySelector('[data-test-script-state]')?.dataset.testScriptState;
            const connected = document.querySelector('[data-test-connection-state="CONNECTED"]');
            const heading = [...document.querySelectorAll('[data-testid="stMain"] h1')].some(
                h => h.innerText.trim() === title);
            return here === path && state === 'notRunning' && connected && heading;
        }""",
        arg=[path, t(key, "zh")],
        timeout=timeout,
    )
    if selector:
        await page.wait_for_selector(selector, timeout=timeout, state="attached")
    if path == "" or (path == "map"):
        await page.wait_for_selector(MAP_SELECTOR, timeout=timeout, state="attached")


async def _problems_shown(page, who: str, figures: Figures) -> None:
    from assistance.i18n import t

    if await page.locator('[data-testid="stException"]').count():
        figures.errors.append(f"{who}: exception shown on {page.url}")
    if await page.get_by_text(t("app.error", "zh")).count():
        figures.errors.append(f"{who}: the app's error message on {page.url}")


async def _activities_shown(page) -> int:
    from assistance.i18n import t

    card = page.locator('[data-testid="stMetric"]').filter(has_text=t("kpi.activities", "zh"))
    return int((await card.locator('[data-testid="stMetricValue"]').inner_text()).strip().replace(",", ""))


async def reader(browser, base: str, cookie: str, n: int, args, figures: Figures, done: asyncio.Event) -> None:
    """Browse until told to stop: the overview first, then the menu in turn; every fourth step an address (a province
    filter, a guidance page). The overview's total of activities is read whenever no filter is set."""
    from assistance.access.sessions import COOKIE_NAME

    rng = random.Random(n)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    await context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": base}])
    blocked: list[str] = []
    await context.route("**/*", partial(_offline, blocked))
    page = await context.new_page()
    who = f"reader {n}"
    _watch(page, who, figures)
    filtered, step = False, 0
    target, address = "", f"{base}/"
    await asyncio.sleep(n * args.stagger)  # the users arrive over a few seconds, not in one instant
    while True:
        start = time.monotonic()
        try:
            if address:
                await page.goto(address, timeout=args.timeout * 1000)
            else:
                await page.locator(f'[data-testid="stTopNavLink"][href$="/{target}"]').first.click(
                    timeout=args.timeout * 1000
                )
            await _settled(page, target, args.timeout * 1000)
            end = time.monotonic()
            figures.settled.append((target or "overview", end - start))
            await _problems_shown(page, who, figures)
            if target == "" and not filtered:
                figures.totals.append((start, end, await _activities_shown(page)))
        except Exception as error:  # a timeout, a closed page: an error of this visit, then go on
            figures.errors.append(f"{who}: {target or 'overview'}: {type(error).__name__}: {str(error)[:120]}")
            address, filtered = f"{base}/", False
            target = ""
            if done.is_set():
                break
            continue
        if done.is_set():
            break
        await asyncio.sleep(args.think * rng.uniform(0.5, 1.5))  # reading the page
        step += 1
        address = ""
        if step % 4 == 0:  # an address: a province filter on the overview or the map, or a guidance page
            choice = rng.choice(["province", "guidance"])
            if choice == "province":
                target = rng.choice(["", "map"])
                address, filtered = f"{base}/{target}?province={rng.choice(args.provinces)}", True
            else:
                target = rng.choice(BY_ADDRESS)
                address, filtered = f"{base}/{target}", False
        else:
            following = MENU[(MENU.index(target) + 1) % len(MENU)] if target in MENU else MENU[0]
            target = following
    if blocked:
        figures.errors.append(f"{who}: {len(blocked)} requests leaving the machine")
    await context.close()


async def uploader(browser, base: str, password: str, csv: Path, args, figures: Figures) -> None:
    """Sign in through the form on the Upload page, check the file, commit it; the times of each step."""
    from assistance.i18n import t

    await asyncio.sleep(args.upload_after)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = await context.new_page()
    _watch(page, "uploader", figures)
    wait = args.timeout * 1000 * 5  # the 100,000-row check and commit take longer than a page
    try:
        await page.goto(f"{base}/upload", timeout=wait)
        await page.get_by_label(t("signin.username", "zh")).first.fill(UPLOADER, timeout=wait)
        await page.get_by_label(t("signin.password", "zh"), exact=True).first.fill(password)
        await page.get_by_role("button", name=t("signin.submit", "zh")).first.click()
        await _settled(page, "upload", wait)
        await page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        check = page.get_by_role("button", name=t("upload.check", "zh"))
        await check.wait_for(timeout=wait)
        await page.wait_for_function(
            "() => document.querySelector('[data-test-script-state]')?.dataset.testScriptState === 'notRunning'"
        )
        start = time.monotonic()
        await check.click()
        await page.get_by_text(t("upload.dry_run_heading", "zh")).wait_for(timeout=wait)
        figures.upload["check"] = time.monotonic() - start
        start = time.monotonic()
        figures.upload["commit_clicked"] = start
        await page.get_by_role("button", name=t("upload.commit", "zh")).click()
        await page.get_by_text("已提交为批次 #").wait_for(timeout=wait)
        figures.upload["commit_done"] = time.monotonic()
        figures.upload["commit"] = figures.upload["commit_done"] - start
        await _problems_shown(page, "uploader", figures)
    except Exception as error:
        figures.errors.append(f"uploader: {type(error).__name__}: {str(error)[:200]}")
    finally:
        await context.close()


async def warm_up(browser, base: str, cookie: str, args, figures: Figures) -> None:
    """One visit of every page before the readers come (a server that has been up a while): its first runs fill the
    caches every session shares. Not timed; its errors count."""
    from assistance.access.sessions import COOKIE_NAME

    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    await context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": base}])
    page = await context.new_page()
    _watch(page, "warm-up", figures)
    start = time.monotonic()
    for path in [p for p in PAGES if p != "upload"]:
        try:
            await page.goto(f"{base}/{path}", timeout=args.timeout * 5000)
            await _settled(page, path, args.timeout * 5000)
        except Exception as error:
            figures.errors.append(f"warm-up: {path or 'overview'}: {type(error).__name__}: {str(error)[:120]}")
    figures.upload["warm_up"] = time.monotonic() - start
    await context.close()


async def drive(base: str, cookies: list[str], password: str, csv: Path, args, figures: Figures) -> None:
    from playwright.async_api import async_playwright

    done = asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=devserver.CHROMIUM, args=devserver.CHROMIUM_ARGS)
        await warm_up(browser, base, cookies[0], args, figures)
        started = time.monotonic()
        readers = [
            asyncio.create_task(reader(browser, base, cookie, n, args, figures, done))
            for n, cookie in enumerate(cookies)
        ]
        upload = asyncio.create_task(uploader(browser, base, password, csv, args, figures))
        while not upload.done():
            await asyncio.sleep(1)
            progress(figures, started)
        while time.monotonic() - started < args.seconds:  # keep browsing a while after the upload
            await asyncio.sleep(1)
            progress(figures, started)
        done.set()
        await asyncio.gather(*readers)
        await browser.close()


# ------------------------------------------------------------------------------ report


def progress(figures: Figures, started: float, every: int = 30) -> None:
    """A line every `every` seconds, so a long run shows it is alive."""
    elapsed = int(time.monotonic() - started)
    if elapsed % every == 0:
        upload = "committed" if "commit" in figures.upload else "checked" if "check" in figures.upload else "pending"
        print(f"   {elapsed} s: {len(figures.settled)} pages settled, {len(figures.errors)} errors, upload {upload}",
              flush=True)  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def report(
    args, figures: Figures, before: int, after: int, rss: RssSampler, idle_rss: int, cpu: float, wall: float
) -> None:
    times = [seconds for _, seconds in figures.settled]
    commit_start = figures.upload.get("commit_clicked", float("inf"))
    commit_done = figures.upload.get("commit_done", float("inf"))
    between = [value for _, _, value in figures.totals if value not in (before, after)]
    stale = [value for start, _, value in figures.totals if start > commit_done and value != after]
    mb = 1024 * 1024
    print(f"\nsessions: {args.sessions} readers + 1 uploader, {wall:.0f} s")
    print("| figure | value |\n|---|---|")
    print(f"| settled pages | {len(times)} |")
    print(f"| p50 / p95 / max to settled (s) | {percentile(times, 0.5):.2f} / {percentile(times, 0.95):.2f} / "
          f"{max(times, default=float('nan')):.2f} |")  # fmt: skip
    for name in sorted({name for name, _ in figures.settled}):
        values = [seconds for page, seconds in figures.settled if page == name]
        print(
            f"| … {name} (n={len(values)}) p50 / p95 | {percentile(values, 0.5):.2f} / {percentile(values, 0.95):.2f} |"
        )
    print(f"| upload: check / commit of {args.rows:,} rows (s) | {figures.upload.get('check', float('nan')):.1f} / "
          f"{figures.upload.get('commit', float('nan')):.1f} |")  # fmt: skip
    print(f"| warm-up: every page once, before the readers (s) | {figures.upload.get('warm_up', float('nan')):.0f} |")
    print(f"| errors | {len(figures.errors)} |")
    seen = [value for _, _, value in figures.totals]
    print(
        f"| overview totals read (before {before:,}, after {after:,}) | {len(seen)}: "
        f"{seen.count(before)} before, {seen.count(after)} after |"
    )
    print(
        f"| … read while the commit ran | {sum(s < commit_done and e > commit_start for s, e, _ in figures.totals)} |"
    )
    print(f"| half an upload seen (neither count) | {len(between)} {between[:5] if between else ''} |")
    print(f"| stale total after the commit | {len(stale)} |")
    print(f"| server RSS idle / peak (MB) | {idle_rss / mb:.0f} / {rss.peak() / mb:.0f} (goal ≤ 600) |")
    print(f"| server CPU seconds (process + children) | {cpu:.1f} |")
    print(f"| load average (1 / 5 / 15 min) | {' / '.join(f'{x:.1f}' for x in os.getloadavg())} |")
    kinds = Counter(  # one line per kind: readers' numbers, the port and Playwright's call log left out
        re.sub(r"(?<=reader) \d+|:\d+(?=/)|\n.*", "", error, flags=re.S)[:140] for error in figures.errors
    )
    for kind, count in kinds.most_common():
        print(f"   {count} × {kind}")
    print(
        f"goals: 0 errors {'met' if not figures.errors else 'missed'}; never half an upload "
        f"{'met' if not between else 'missed'}; peak RSS ≤ 600 MB {'met' if rss.peak() <= 600 * mb else 'missed'}"
    )


def main() -> int:
    from assistance.access.sessions import SECRET_ENV

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="reading browser sessions (besides the uploader)")
    parser.add_argument("--seconds", type=float, default=240, help="how long the readers browse (at least)")
    parser.add_argument("--think", type=float, default=10, help="mean seconds a reader reads a page before the next")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the uploaded activity file")
    parser.add_argument("--upload-after", type=float, default=60, help="seconds before the uploader starts")
    parser.add_argument("--stagger", type=float, default=3, help="seconds between two readers' arrivals")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a page may take before it is an error")
    parser.add_argument("--db", type=Path, default=NATIONAL, help="the database to copy (never written)")
    args = parser.parse_args()
    today = date.today()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(shutil.copy(args.db, Path(tmp) / "server.duckdb"))
        password, secret = secrets.token_urlsafe(12), secrets.token_urlsafe(32)
        users_add(db, READER, "viewer", password)
        users_add(db, UPLOADER, "ministry", password)
        cookies = reader_cookies(db, args.sessions, secret)
        csv = upload_file(db, args.rows, today - timedelta(days=1), Path(tmp) / "活动记录.csv")
        before = activity_total(db, today)
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            args.provinces = [row[0] for row in con.execute("SELECT code FROM provinces WHERE in_programme").fetchall()]
        print(f"database: copy of {args.db} ({db.stat().st_size / 1e6:.0f} MB), {before:,} activities in view")
        print(f"upload file: {args.rows:,} rows, {csv.stat().st_size / 1e6:.1f} MB")
        print(
            f"machine: {os.cpu_count()} CPUs, load average {' / '.join(f'{x:.1f}' for x in os.getloadavg())}",
            flush=True,
        )
        figures = Figures()
        env = {SECRET_ENV: secret}
        with devserver.serve(db, env=env, log=Path(tmp) / "server.log") as base:
            sampler = RssSampler(int(base.rsplit(":", 1)[1]))
            time.sleep(1)
            idle_rss = devserver.rss_bytes(sampler.tree())
            sampler.start()
            cpu_start = devserver.cpu_seconds(sampler.tree())
            wall = time.monotonic()
            asyncio.run(drive(base, cookies, password, csv, args, figures))
            wall = time.monotonic() - wall
            cpu = devserver.cpu_seconds(sampler.tree()) - cpu_start
            sampler.stop.set()
            sampler.join()
        after = activity_total(db, today)
        if after - before != args.rows:
            figures.errors.append(f"the upload added {after - before:,} activities, not {args.rows:,}")
        report(args, figures, before, after, sampler, idle_rss, cpu, wall)
        log = (Path(tmp) / "server.log").read_text(encoding="utf-8", errors="replace")
        if "Traceback" in log:
            print("server log has a traceback:\n" + log[log.index("Traceback") :][:2000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
