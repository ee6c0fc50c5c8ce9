"""Run the app on a local port and drive Debian's headless Chromium: shared by the browser tests,
the screenshot script and the map benchmark, so all three measure and wait the same way."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
# The fixed "today" of the demo databases that tests, screenshots and benchmarks build.
DEMO_TODAY = date(2026, 11, 28)
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google at start-up (DESIGN.md).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (inline data and blobs never leave it)."""
    return url.startswith(("data:", "blob:")) or (urlparse(url).hostname or "") in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(db: Path, main: Path = REPO / "app.py", *script_args: str, log: Path | None = None) -> Iterator[str]:
    """`streamlit run MAIN` over the database `db` on a free local port; yield the base URL once healthy."""
    port = free_port()
    log_path = log or db.with_name(f"{db.stem}-{main.stem}-{port}.log")
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(main), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--", *script_args],
            cwd=main.parent, env={**os.environ, "ASSISTANCE_DB": str(db)}, stdout=log_file, stderr=subprocess.STDOUT,
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
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"streamlit did not start; see {log_path}") from None
                    time.sleep(0.3)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def wait_for_app(page, selector: str | None = None, timeout: float = 30_000) -> None:
    """Streamlit connected and idle (DESIGN.md recipe), then `selector` present if given."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout, state="attached")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout, state="attached")
    if selector:
        page.wait_for_selector(selector, timeout=timeout, state="attached")


def block_external(context, blocked: list[str]) -> None:
    """Abort every request of a browser context that would leave the machine, recording its URL."""

    def route(request_route) -> None:
        if is_local(request_route.request.url):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
