"""Take the README screenshots with headless Chromium against a running app on a demo database.

Run from the repo root:  python scripts/screenshots.py [--out docs]

The app is started on a temporary copy of the demo database (built with a fixed "today", like the
tests), so the pictures do not depend on the machine's data/ folder. Every request that leaves the
machine is aborted and reported. To add a page, add a `Shot` to SHOTS (or call `take(shots)`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from scripts.devserver import CHROMIUM, CHROMIUM_ARGS, DEMO_TODAY, block_external, serve, wait_for_app  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}


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
    Shot("?lang=en", "overview_en.png", scroll_to=MAIN + '[data-testid="stMetric"]'),
    Shot("universities?university=北京师范大学", "universities.png", '[data-testid="stDataFrame"]'),
    Shot("schools?pairing=1", "scorecard.png", '[data-testid="stMetric"]'),
    Shot("upload", "upload.png", '[data-testid="stFileUploader"]'),
    Shot("about?lang=en", "about_en.png", '[data-testid="stDataFrame"]'),
)


@contextmanager
def running_app(port: int | None = None, today: date = DEMO_TODAY) -> Iterator[str]:
    """`streamlit run app.py` on a temporary demo database; yields the base URL."""
    from assistance.bootstrap import initialise

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        initialise(db, today=today)
        with serve(db) as base:
            yield base


def take(shots: Iterable[Shot], out: Path, base: str) -> list[str]:
    """Take each shot; return the external requests that were blocked (should be none)."""
    from playwright.sync_api import sync_playwright

    external: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", device_scale_factor=1)
        block_external(context, external)
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
    args = parser.parse_args()
    with running_app() as base:
        external = take(SHOTS, args.out, base)
    if external:
        print(f"blocked {len(external)} external requests: {external[:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
