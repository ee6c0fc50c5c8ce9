"""Run the app as the server does: on a local port, driven by Debian's headless Chromium, or in-process
under Streamlit's AppTest. Shared by the tests, the screenshot script and the benchmarks, so all of them run,
measure and wait the same way."""

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
from unittest import mock
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
# The fixed "today" of the demo databases that tests, screenshots and benchmarks build.
DEMO_TODAY = date(2026, 11, 28)
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach Google at start-up (docs/contracts.md, Offline).
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
def serve(
    db: Path,
    main: Path = REPO / "app.py",
    *script_args: str,
    log: Path | None = None,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> Iterator[str]:
    """`streamlit run MAIN` over the database `db` on a free local port; yield the base URL once healthy. `env`
    adds environment variables (a cookie secret), `options` Streamlit flags (`--server.baseUrlPath`, …)."""
    port = free_port()
    base_path = (
        options[options.index("--server.baseUrlPath") + 1].strip("/") if "--server.baseUrlPath" in options else ""
    )
    log_path = log or db.with_name(f"{db.stem}-{main.stem}-{port}.log")
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(main), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *options, "--", *script_args],
            cwd=main.parent, env={**os.environ, "ASSISTANCE_DB": str(db), **(env or {})}, stdout=log_file,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
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


def wait_for_app(page, selector: str | None = None, timeout: float = 60_000) -> None:
    """Streamlit connected and idle (the recipe in docs/contracts.md, Offline), then `selector` present if given."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout, state="attached")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout, state="attached")
    if selector:
        page.wait_for_selector(selector, timeout=timeout, state="attached")


def _proc(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:  # the process has ended
        return ""


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs (from /proc: Linux)."""
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            children = [int(child) for child in _proc(f"{task}/children").split()]
            found += children
            todo += children
    return found


def rss_bytes(pids: list[int]) -> int:
    """The resident memory of these processes, summed."""
    pages = (_proc(f"/proc/{pid}/statm").split()[1:2] for pid in pids)
    return sum(int(value[0]) for value in pages if value) * os.sysconf("SC_PAGE_SIZE")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes and of their children that have ended (reaped), summed: a
    process tree's CPU time, whatever the machine's load does to the wall time."""
    total = 0
    for pid in pids:
        fields = _proc(f"/proc/{pid}/stat").rpartition(")")[2].split()
        total += sum(int(value) for value in fields[11:15]) if len(fields) > 14 else 0
    return total / os.sysconf("SC_CLK_TCK")


def block_external(context, blocked: list[str]) -> None:
    """Abort every request of a browser context that would leave the machine, recording its URL."""

    def route(request_route) -> None:
        if is_local(request_route.request.url):
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)


@contextmanager
def apptest_runs_like_the_server() -> Iterator[None]:
    """While active, every AppTest run executes `app.py` (the shell: language, filters, sample-data badge) and then
    the page that `st.navigation` picks, as `streamlit run` does on every run.

    Without it, AppTest (1.67) resets `PagesManager.uses_pages_directory` before each run, and since the repo
    has a `pages/` folder the flag comes back True: Streamlit then takes the legacy multipage path
    (`_mpa_v1`), which registers every `pages/*.py` file as a page of its own. The first run still starts at
    `app.py` (the default page), but every later run of a page, a rerun or a widget interaction, executes the
    page file alone: no sidebar, no filters, and the page context left over from the previous run. The server
    reads the flag once per process and `st.navigation` turns it off for good (a first visit straight to a page
    is sent back through `app.py` by `web.shell.page_context`), so there every run starts at `app.py`. Here the
    flag is kept off for every AppTest run.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args, **kwargs) -> None:
            PagesManager.uses_pages_directory = False  # as after the server's first st.navigation call
            super().__init__(*args, **kwargs)

    with mock.patch.object(app_test, "PagesManager", NavigationPagesManager):
        yield
