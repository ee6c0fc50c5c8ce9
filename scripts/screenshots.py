"""Take the README screenshots with headless Chromium against a running app on a demo database.

Run from the repo root:  python scripts/screenshots.py [--out docs]

The app is started on a temporary copy of the demo database (built with a fixed "today", like the
tests), so the pictures do not depend on the machine's data/ folder. Every request that leaves the
machine is aborted and reported. To add a page, add a `Shot` to SHOTS (or call `take(shots)`).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
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
    height: int | None = None  # a taller window than VIEWPORT's, for a long page
    act: Callable | None = None  # what a user does before the shot: act(page, lang)


MAIN = '[data-testid="stMain"] '
LINK_UNIVERSITIES = "&".join(f"university={u}" for u in ("北京大学", "清华大学", "兰州大学", "陕西师范大学"))
# A provincial office's registry file (GBK, as Excel on Chinese Windows saves CSV): a verified national pairing
# ended, new provincial and municipal pairings (new parties and schools, a "did you mean"), a county that does not
# exist. The Registry page's shots check it (dry run): counts, the demo rows a commit would remove, the changes.
REGISTRY_SAMPLE = """帮扶单位,省份,市/州,受援县,受援学校,学校简称,层级,协议开始日期,协议结束日期,周期,来源
北京师范大学,河北,,青龙,青龙满族自治县第一中学,青龙一中,国家示范,2022-09-01,2025-08-31,1,
甘肃农业大学,甘肃,,榆中,榆中县第一中学,榆中一中,省级,2023-09-01,,1,甘肃省教育厅文件
西北师范大学,甘肃,,会宁,会宁县第四中学,,省级,2026-10-15,,2,甘肃省教育厅文件
北京师范大学珠海分校,广东,,南雄,南雄中学,,省级,2024-09-01,,1,
兰州市第一中学,甘肃,兰州,永登,永登县第一中学,,市级,2022-09-01,,1,
兰州大学,甘肃,,不存在县,某中学,,省级,2023-09-01,,1,
""".encode("gbk")


def check_registry_file(page, lang: str, data: bytes = REGISTRY_SAMPLE, file_name: str = "甘肃省帮扶名册.csv") -> None:
    """On the Registry page (its first tab), signed in: choose a registry file, check it, wait for the report. The
    screenshots check REGISTRY_SAMPLE; the browser test its own file."""
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        files=[{"name": file_name, "mimeType": "text/csv", "buffer": data}]
    )
    check = page.get_by_role("button", name="预检（不写入）" if lang == "zh" else "Check (dry run, writes nothing)")
    check.first.wait_for(timeout=30_000)
    wait_for_app(page)
    check.first.click()
    page.locator('[data-testid="stMetric"]:visible').first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    wait_for_app(page)


def settle(page) -> None:
    """Wait until every element of the page has drawn (a first look at a kind of widget loads its code)."""
    wait_for_app(page)
    page.wait_for_timeout(3000)
    wait_for_app(page)


UPLOADER = '[data-testid="stFileUploader"]'
SHOT_ACCOUNT = ("教育部演示", "screenshots-only-password")  # lives only in the screenshots' temporary database
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
    Shot(
        "registry", "registry.png", UPLOADER, full_page=True, height=2300, act=partial(check_registry_file, lang="zh")
    ),
    Shot(
        "registry?lang=en",
        "registry_en.png",
        UPLOADER,
        full_page=True,
        height=2300,
        act=partial(check_registry_file, lang="en"),
    ),
    Shot("about?lang=en", "about_en.png", '[data-testid="stDataFrame"]'),
    # Outcomes (issue 11): pairing 60 is 策勒县示例中学 (a demo school with a year missing and large classes left).
    Shot("schools?pairing=60", "scorecard_outcomes.png", '[data-testid="stDataFrame"]', scroll_to=MAIN + "#outcomes"),
    Shot(
        "schools?pairing=60&lang=en",
        "scorecard_outcomes_en.png",
        '[data-testid="stDataFrame"]',
        scroll_to=MAIN + "#outcomes",
    ),
    Shot("", "overview_outcomes.png", scroll_to=MAIN + "#outcomes"),
    Shot("?lang=en", "overview_outcomes_en.png", scroll_to=MAIN + "#outcomes"),
    # Issue 10: the problem tracker, a good-practice case (case 1 is a selected 跟岗 case) and a scorecard with its
    # problems and the selected cases that address them (pairing 75, 代县示例中学, has an overdue management problem).
    Shot("problems", "problems.png", '[data-testid="stMetric"]', full_page=True, height=1500, act=settle),
    Shot("problems?lang=en", "problems_en.png", '[data-testid="stMetric"]', full_page=True, height=1500, act=settle),
    Shot("cases?case=1", "case.png", '[data-testid="stText"]', full_page=True, height=1500, act=settle),
    Shot("cases?case=1&lang=en", "case_en.png", '[data-testid="stText"]', full_page=True, height=1500, act=settle),
    Shot(
        "schools?pairing=75",
        "scorecard_problems.png",
        '[data-testid="stMetric"]',
        scroll_to=MAIN + "#problems",
        act=settle,
    ),
    Shot(
        "schools?pairing=75&lang=en",
        "scorecard_problems_en.png",
        '[data-testid="stMetric"]',
        scroll_to=MAIN + "#problems",
        act=settle,
    ),
)
BRIEF_DPI = 80  # the brief's first page as a picture: 662 × 936 pixels


@contextmanager
def running_app(
    port: int | None = None, today: date = DEMO_TODAY, before: Callable[[Path], None] | None = None
) -> Iterator[str]:
    """`streamlit run app.py` on a temporary demo database with one ministry account (SHOT_ACCOUNT, so that the
    Upload and Registry pages show their forms); yields the base URL. `before(db)` runs on the database before the
    server opens it (the server holds the file)."""
    from assistance.access.accounts import add_account
    from assistance.access.sessions import SECRET_ENV
    from assistance.bootstrap import initialise
    from assistance.store import db as store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.duckdb"
        initialise(db, today=today)
        con = store.connect(db)
        add_account(con, SHOT_ACCOUNT[0], "ministry", SHOT_ACCOUNT[1])
        con.close()
        if before is not None:
            before(db)
        with serve(db, env={SECRET_ENV: secrets.token_hex(32)}) as base:
            yield base


def sign_in(page, base: str) -> None:
    """Sign in through the form; the signed cookie keeps the session for every shot that follows."""
    page.goto(base)
    wait_for_app(page)
    page.get_by_label("用户名").fill(SHOT_ACCOUNT[0])
    page.get_by_label("密码", exact=True).fill(SHOT_ACCOUNT[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
    wait_for_app(page)


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
        sign_in(page, base)
        for shot in shots:
            page.set_viewport_size({**VIEWPORT, "height": shot.height or VIEWPORT["height"]})
            page.goto(f"{base}/{shot.path}")
            wait_for_app(page, shot.wait_for)
            if shot.act:
                shot.act(page)
            if shot.scroll_to:
                page.locator(shot.scroll_to).first.evaluate(
                    "el => { el.style.scrollMarginTop = '76px'; el.scrollIntoView({block: 'start'}); }"
                )
            page.wait_for_timeout(800)  # let plotly finish its transitions
            page.screenshot(path=str(out / shot.filename), full_page=shot.full_page)
            print(f"wrote {out / shot.filename}")
        browser.close()
    return external


def brief_pictures(db: Path, out: Path, today: date = DEMO_TODAY) -> None:
    """The national brief's first page (zh and en) as PNG (docs/brief_zh.png, docs/brief_en.png) via poppler's
    pdftoppm; skipped with a note where it is not installed (apt-get install poppler-utils)."""
    import shutil
    import subprocess

    from assistance.brief import build_brief
    from assistance.filters import Filters
    from assistance.store import db as store

    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found (poppler-utils): the brief pictures were not made", file=sys.stderr)
        return
    con = store.connect(db, read_only=True)
    try:
        for lang in ("zh", "en"):
            pdf = out / f"brief_{lang}.pdf"
            pdf.write_bytes(build_brief(con, Filters(), lang, "pdf", today))
            subprocess.run(["pdftoppm", "-r", str(BRIEF_DPI), "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
                            str(out / f"brief_{lang}")], check=True)  # fmt: skip
            pdf.unlink()
            print(f"wrote {out / f'brief_{lang}.png'}")
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    parser.add_argument(
        "--only", nargs="*", metavar="FILE", help="only these shots (file names); the brief too if named"
    )
    args = parser.parse_args()
    shots = [s for s in SHOTS if not args.only or s.filename in args.only]
    wanted = not args.only or any(name.startswith("brief") for name in args.only)
    args.out.mkdir(parents=True, exist_ok=True)
    before = (lambda db: brief_pictures(db, args.out)) if wanted else None
    with running_app(before=before) as base:
        external = take(shots, args.out, base) if shots else []
    if external:
        print(f"blocked {len(external)} external requests: {external[:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
