"""Browser sessions against running app servers, shared by bench/bench_concurrency.py (one server on a DuckDB
file) and bench/bench_replicas.py (two replicas on one PostgreSQL store); imported, never run.

Readers sign in by a session cookie (signed with the run's cookie secret, as a reload or a pasted link signs in) and
browse: the overview first, then the page menu in turn, and every fourth step an address (a province filter, a
guidance page), reading each page a while (`--think`). The uploader signs in through the form on the Upload page,
checks a file and commits it. A page counts as settled by the browser tests' recipe (scripts.devserver.
wait_for_app: connected, no script running) with the page's own heading drawn, and on the overview its KPI cards and
map. Errors: exceptions shown, the app's error message, timeouts, HTTP errors, console errors. Every overview total
of activities read with no filter is kept with the visit's start and end, so a report can tell whether a reader saw
the total before an upload, after it, or (never) between.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from scripts import devserver  # noqa: E402

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
MB = 1024 * 1024


def add_arguments(parser, *, sessions: int, seconds: float, rows: int, upload_after: float) -> None:
    """The browsing options both benches take (their defaults differ)."""
    parser.add_argument("--sessions", type=int, default=sessions, help="reading browser sessions (and an uploader)")
    parser.add_argument("--seconds", type=float, default=seconds, help="how long the readers browse (at least)")
    parser.add_argument("--think", type=float, default=10, help="mean seconds a reader reads a page before the next")
    parser.add_argument("--rows", type=int, default=rows, help="rows of the uploaded activity file")
    parser.add_argument("--upload-after", type=float, default=upload_after, help="seconds before the uploader starts")
    parser.add_argument("--stagger", type=float, default=3, help="seconds between two readers' arrivals")
    parser.add_argument("--timeout", type=float, default=120, help="seconds a page may take before it is an error")


# ------------------------------------------------------------------------------ setup


def users_add(db: Path | str, username: str, role: str, password: str) -> None:
    """An account, made as README "Accounts" says: `users add … --password-stdin` (`db`: a file or a store URL)."""
    subprocess.run(
        [sys.executable, "-m", "assistance", "users", "add", username, "--role", role, "--password-stdin", "--db",
         str(db)],
        input=password + "\n", text=True, check=True, capture_output=True, cwd=REPO,
    )  # fmt: skip


def reader_cookies(con, count: int, secret: str) -> list[str]:
    """One signed session cookie per reader, started on `con` (a file's connection, or a read model's cursor: then
    the sessions are written to the store) before any server runs."""
    from assistance.access.sessions import sign, start_session

    return [sign(start_session(con, READER), secret) for _ in range(count)]


def activity_total(con, today: date) -> int:
    """The overview's 活动 card with no filter (coverage.kpis)."""
    from assistance.analytics import coverage
    from assistance.filters import Filters

    return coverage.kpis(con, Filters(), today).activities


def provinces(con) -> list[str]:
    """The provinces in the programme: the readers' province filters."""
    return [row[0] for row in con.execute("SELECT code FROM provinces WHERE in_programme").fetchall()]


def upload_file(con, rows: int, today: date, path: Path) -> Path:
    """A valid activity log of `rows` new activities (titles never seen before) over the national pairings of the
    data `con` reads, in the template's Chinese header, as a university coordinator's export would look."""
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
    return path


class RssSampler(threading.Thread):
    """The resident memory of a server process and its children, summed, every `every` seconds (from /proc)."""

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
    timings: dict[str, float] = field(default_factory=dict)  # the upload's steps, the warm-up, the first page


@dataclass
class Server:
    """One running app server (its base URL), the cookies of the readers it serves, and what they measured."""

    base: str
    cookies: list[str]
    figures: Figures = field(default_factory=Figures)


def watch(page, who: str, figures: Figures) -> None:
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


async def open_session(browser, base: str, cookie: str | None, who: str, figures: Figures, blocked: list[str]):
    """A new browser context (signed in by `cookie` if given, offline) and its page, watched for errors."""
    from assistance.access.sessions import COOKIE_NAME

    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    if cookie:
        await context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": base}])
    await context.route("**/*", partial(_offline, blocked))
    page = await context.new_page()
    watch(page, who, figures)
    return context, page


async def settled(page, path: str, timeout: float) -> None:
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


async def problems_shown(page, who: str, figures: Figures) -> None:
    from assistance.i18n import t

    if await page.locator('[data-testid="stException"]').count():
        figures.errors.append(f"{who}: exception shown on {page.url}")
    if await page.get_by_text(t("app.error", "zh")).count():
        figures.errors.append(f"{who}: the app's error message on {page.url}")


async def activities_shown(page) -> int:
    from assistance.i18n import t

    card = page.locator('[data-testid="stMetric"]').filter(has_text=t("kpi.activities", "zh"))
    return int((await card.locator('[data-testid="stMetricValue"]').inner_text()).strip().replace(",", ""))


async def reader(browser, base: str, cookie: str, n: int, args, figures: Figures, done: asyncio.Event) -> None:
    """Browse until told to stop: the overview first, then the menu in turn; every fourth step an address (a province
    filter, a guidance page). The overview's total of activities is read whenever no filter is set."""
    rng = random.Random(n)
    blocked: list[str] = []
    who = f"reader {n}"
    context, page = await open_session(browser, base, cookie, who, figures, blocked)
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
            await settled(page, target, args.timeout * 1000)
            end = time.monotonic()
            figures.settled.append((target or "overview", end - start))
            await problems_shown(page, who, figures)
            if target == "" and not filtered:
                figures.totals.append((start, end, await activities_shown(page)))
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
    context, page = await open_session(browser, base, None, "uploader", figures, [])
    wait = args.timeout * 1000 * 5  # a large file's check and commit take longer than a page
    try:
        await page.goto(f"{base}/upload", timeout=wait)
        await page.get_by_label(t("signin.username", "zh")).first.fill(UPLOADER, timeout=wait)
        await page.get_by_label(t("signin.password", "zh"), exact=True).first.fill(password)
        await page.get_by_role("button", name=t("signin.submit", "zh")).first.click()
        await settled(page, "upload", wait)
        await page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
        check = page.get_by_role("button", name=t("upload.check", "zh"))
        await check.wait_for(timeout=wait)
        await page.wait_for_function(
            "() => document.querySelector('[data-test-script-state]')?.dataset.testScriptState === 'notRunning'"
        )
        start = time.monotonic()
        await check.click()
        await page.get_by_text(t("upload.dry_run_heading", "zh")).wait_for(timeout=wait)
        figures.timings["check"] = time.monotonic() - start
        start = time.monotonic()
        figures.timings["commit_clicked"] = start
        await page.get_by_role("button", name=t("upload.commit", "zh")).click()
        await page.get_by_text("已提交为批次 #").wait_for(timeout=wait)
        figures.timings["commit_done"] = time.monotonic()
        figures.timings["commit"] = figures.timings["commit_done"] - start
        await problems_shown(page, "uploader", figures)
    except Exception as error:
        figures.errors.append(f"uploader: {type(error).__name__}: {str(error)[:200]}")
    finally:
        await context.close()


async def warm_up(browser, base: str, cookie: str, args, figures: Figures) -> None:
    """One visit of every page before the readers come (a server that has been up a while): its first runs fill the
    caches every session shares. Not counted among the settled pages; the first (the overview) and the whole are
    timed; its errors count."""
    context, page = await open_session(browser, base, cookie, "warm-up", figures, [])
    start = time.monotonic()
    for path in [p for p in PAGES if p != "upload"]:
        try:
            await page.goto(f"{base}/{path}", timeout=args.timeout * 5000)
            await settled(page, path, args.timeout * 5000)
        except Exception as error:
            figures.errors.append(f"warm-up: {path or 'overview'}: {type(error).__name__}: {str(error)[:120]}")
        figures.timings.setdefault("first_page", time.monotonic() - start)
    figures.timings["warm_up"] = time.monotonic() - start
    await context.close()


async def drive(servers: list[Server], password: str, csv: Path, args, also=()) -> None:
    """Warm every server up in turn, then its readers (numbered across the servers in turns, each staying on its
    own server as behind a sticky proxy) and the uploader on the first server, browsing at least `args.seconds`;
    `also`: more coroutines to run beside them, each called with (browser, done)."""
    from playwright.async_api import async_playwright

    done = asyncio.Event()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=devserver.CHROMIUM, args=devserver.CHROMIUM_ARGS)
        for server in servers:
            await warm_up(browser, server.base, server.cookies[0], args, server.figures)
        started = time.monotonic()
        turns = sorted(((i, s, cookie) for s in servers for i, cookie in enumerate(s.cookies)), key=lambda x: x[0])
        tasks = [
            asyncio.create_task(reader(browser, server.base, cookie, n, args, server.figures, done))
            for n, (_, server, cookie) in enumerate(turns)
        ]
        tasks += [asyncio.create_task(extra(browser, done)) for extra in also]
        first = servers[0]
        upload = asyncio.create_task(uploader(browser, first.base, password, csv, args, first.figures))
        every = [server.figures for server in servers]
        while not upload.done():
            await asyncio.sleep(1)
            progress(every, started)
        while time.monotonic() - started < args.seconds:  # keep browsing a while after the upload
            await asyncio.sleep(1)
            progress(every, started)
        done.set()
        await asyncio.gather(*tasks)
        await browser.close()


# ------------------------------------------------------------------------------ report


def progress(every: list[Figures], started: float, each: int = 30) -> None:
    """A line every `each` seconds, so a long run shows it is alive."""
    elapsed = int(time.monotonic() - started)
    if elapsed % each == 0:
        timings = {key for figures in every for key in figures.timings}
        upload = "committed" if "commit" in timings else "checked" if "check" in timings else "pending"
        print(f"   {elapsed} s: {sum(len(f.settled) for f in every)} pages settled, "
              f"{sum(len(f.errors) for f in every)} errors, upload {upload}", flush=True)  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def page_names(*every: Figures) -> list[str]:
    return sorted({name for figures in every for name, _ in figures.settled})


def rows(figures: Figures, before: int, after: int, names: list[str], upload: dict[str, float], size: int) -> dict:
    """The figures of one server's sessions, by label: page times, the upload (`upload`: the timings of the server
    the upload went to, `size` its rows), errors, and the overview totals read (`before`/`after` the upload)."""
    times = [seconds for _, seconds in figures.settled]
    commit_start = upload.get("commit_clicked", float("inf"))
    commit_done = upload.get("commit_done", float("inf"))
    seen = [value for _, _, value in figures.totals]
    between = [value for value in seen if value not in (before, after)]
    stale = [start - commit_done for start, _, value in figures.totals if start > commit_done and value != after]
    found = {
        "settled pages": f"{len(times)}",
        "p50 / p95 / max to settled (s)": f"{percentile(times, 0.5):.2f} / {percentile(times, 0.95):.2f} / "
        f"{max(times, default=float('nan')):.2f}",
    }
    for name in names:
        values = [seconds for page, seconds in figures.settled if page == name]
        found[f"… {name}: p50 / p95 (n)"] = (
            f"{percentile(values, 0.5):.2f} / {percentile(values, 0.95):.2f} ({len(values)})" if values else "—"
        )
    if "check" in figures.timings:
        found[f"upload: check / commit of {size:,} rows (s)"] = (
            f"{figures.timings['check']:.1f} / {figures.timings.get('commit', float('nan')):.1f}"
        )
    found["warm-up: every page once, before the readers (s)"] = f"{figures.timings.get('warm_up', float('nan')):.0f}"
    found["errors"] = f"{len(figures.errors)}"
    found[f"overview totals read (before {before:,}, after {after:,})"] = (
        f"{len(seen)}: {seen.count(before)} before, {seen.count(after)} after"
    )
    found["… read while the commit ran"] = f"{sum(s < commit_done and e > commit_start for s, e, _ in figures.totals)}"
    found["half an upload seen (neither count)"] = f"{len(between)} {between[:5] if between else ''}".strip()
    found["stale total after the commit (latest, s after it)"] = f"{len(stale)} ({max(stale):.1f})" if stale else "0"
    return found


def load_average() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


def error_kinds(errors: list[str]) -> list[tuple[str, int]]:
    """One line per kind of error, most frequent first: readers' numbers, the port and Playwright's call log out."""
    kinds = Counter(re.sub(r"(?<=reader) \d+|:\d+(?=/)|\n.*", "", error, flags=re.S)[:140] for error in errors)
    return kinds.most_common()


def print_traceback(log: Path, name: str = "server") -> None:
    """The first traceback of a server's log, if it has one."""
    text = log.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in text:
        print(f"{name} log has a traceback:\n" + text[text.index("Traceback") :][:2000])
