"""Take the README screenshots with headless Chromium against a running app on a demo database.

Run from the repo root:  python scripts/screenshots.py [--out docs] [--port 8599]

The app is started on a temporary copy of the demo database (built with a fixed "today", like the
tests), so the pictures do not depend on the machine's data/ folder. Every request that leaves the
machine is aborted and reported. To add a page, add a `Shot` to SHOTS (or call `take(shots)`).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_TODAY = date(2026, 11, 28)
VIEWPORT = {"width": 1400, "height": 1000}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


@dataclass(frozen=True)
class Shot:
    path: str  # page path and query, e.g. "map?province=620000"
    filename: str  # written under the output directory
    wait_for: str = "path.choroplethlocation"  # CSS selector that must be present before the shot
    scroll_to: str | None = None  # CSS selector of the element to bring to the top of the window
    full_page: bool = False


MAIN = '[data-testid="stMain"] '
LINK_UNIVERSITIES = "&".join(f"university={u}" for u in ("北京大学", "清华大学", "兰州大学", "陕西师范大学"))
SHOTS = (
    Shot("", "overview.png", scroll_to=MAIN + '[data-testid="stMetric"]'),
    Shot("map?province=620000&metric=activities", "map_drilled.png", scroll_to=MAIN + '[data-testid="stButtonGroup"]'),
    Shot(
        f"map?view=links&{LINK_UNIVERSITIES}",
        "map_links.png",
        "path.js-line",
        scroll_to=MAIN + '[data-testid="stCaptionContainer"]',
    ),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(port: int | None = None, today: date = DEMO_TODAY) -> Iterator[str]:
    """`streamlit run app.py` on a temporary demo database; yields the base URL."""
    from assistance.bootstrap import initialise

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        initialise(db, today=today)
        port = port or _free_port()
        log = open(Path(tmp) / "streamlit.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=REPO, env={**os.environ, "ASSISTANCE_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("streamlit did not start") from None
                    time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.close()


def wait_for_app(page, selector: str | None = None, timeout: float = 30_000) -> None:
    """Streamlit connected and idle (DESIGN.md recipe), then `selector` present."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout, state="attached")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout, state="attached")
    if selector:
        page.wait_for_selector(selector, timeout=timeout, state="attached")


def take(shots: Iterable[Shot], out: Path, base: str) -> list[str]:
    """Take each shot; return the external requests that were blocked (should be none)."""
    from playwright.sync_api import sync_playwright

    external: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if (urlparse(url).hostname or "") in LOCAL_HOSTS or url.startswith(("data:", "blob:")):
            request_route.continue_()
        else:
            external.append(url)
            request_route.abort()

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
        context.route("**/*", route)
        page = context.new_page()
        for shot in shots:
            page.goto(f"{base}/{shot.path}")
            wait_for_app(page, shot.wait_for)
            if shot.scroll_to:
                page.locator(shot.scroll_to).first.evaluate(
                    "el => { el.style.scrollMarginTop = '76px'; el.scrollIntoView({block: 'start'}); }"
                )
            page.wait_for_timeout(800)  # let plotly finish its transitions
            page.screenshot(path=str(out / shot.filename), full_page=shot.full_page)
            print(f"wrote {out / shot.filename}")
        browser.close()
    return external


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    with running_app(args.port) as base:
        external = take(SHOTS, args.out, base)
    if external:
        print(f"blocked {len(external)} external requests: {external[:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
