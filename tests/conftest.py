"""Shared fixtures: a demo database built once per run, a live Streamlit server, a Playwright page
that aborts and counts every request not addressed to this machine."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.bootstrap import initialise  # noqa: E402

# A fixed "today" keeps the demo history identical on every run and machine.
DEMO_TODAY = date(2026, 11, 28)
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
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """A demo database built once per test session; copy it, never write to it."""
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    initialise(path, today=DEMO_TODAY)
    return path


@pytest.fixture
def demo_db(demo_db_template, tmp_path) -> Path:
    """A private, writable copy of the demo database for one test."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="session")
def app_db(demo_db_template, tmp_path_factory) -> Path:
    """The database AppTest runs use (one per session: the app caches its connection by path)."""
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    shutil.copy(demo_db_template, path)
    os.environ["ASSISTANCE_DB"] = str(path)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_streamlit(path: Path) -> Iterator[str]:
    """Run `streamlit run app.py` on a free local port over the database at `path`; yield its base URL.

    For a fixture to `yield from`, so that the server stops at its teardown."""
    port = _free_port()
    env = {**os.environ, "ASSISTANCE_DB": str(path)}
    log = open(path.with_suffix(".log"), "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        process.terminate()
        raise RuntimeError(f"streamlit did not start; see {log.name}")
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def streamlit_server(demo_db_template, tmp_path_factory):
    """A real `streamlit run app.py` on a free local port, over its own copy of the demo database."""
    path = tmp_path_factory.mktemp("server") / "server.duckdb"
    shutil.copy(demo_db_template, path)
    yield from serve_streamlit(path)


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium driven by Playwright (no browser download needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class OfflinePage:
    """A browser page on which every request not addressed to this machine is aborted and counted."""

    def __init__(self, context):
        self.context = context
        self.page = context.new_page()
        self.external_requests: list[str] = []
        context.route("**/*", self._route)

    def _route(self, route):
        host = urlparse(route.request.url).hostname or ""
        if host in LOCAL_HOSTS or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external_requests.append(route.request.url)
            route.abort()


@pytest.fixture
def offline_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    wrapper = OfflinePage(context)
    yield wrapper
    context.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit is connected and the script finished (DESIGN.md recipe)."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout)
    page.wait_for_selector('[data-test-connection-state="CONNECTED"]', timeout=timeout, state="attached")
    page.wait_for_selector('[data-test-script-state="notRunning"]', timeout=timeout, state="attached")
