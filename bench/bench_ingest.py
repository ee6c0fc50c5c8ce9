"""Benchmark: validate and commit a 1,000,000-row activity CSV, against DuckDB's bare `read_csv` of it.

    python bench/bench_ingest.py [--rows 1000000] [--keep]

Builds a demo database once, writes a CSV of fresh activities for the demo pairings (Chinese headers, UTF-8,
comma-separated, as Excel writes it), then in the same run times
  (a) bare: `CREATE TABLE … AS SELECT * FROM read_csv(file)` into a fresh copy of the demo database, and
  (b) ours: `Ingest(...).run()` — decode, parse, stage, validate and commit — into another fresh copy,
and prints both and their ratio (the goal is ≤ 2×); then, for context, a dry run alone and a second upload of the
same file (every row a duplicate). Files go to bench/out/ (git-ignored); --keep keeps them for another run.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.bootstrap import initialise  # noqa: E402
from assistance.ingest.pipeline import Ingest  # noqa: E402
from assistance.ingest.templates import headers  # noqa: E402
from assistance.store import db  # noqa: E402

OUT = REPO / "bench" / "out"
TODAY = date(2026, 11, 28)
HEADER = headers("zh")  # 日期, 帮扶高校, …: a filled-in template
SUBJECTS = ("语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治")
KINDS = ("集体备课", "示范课", "专题培训", "线上研修", "教学诊断", "讲座", "评课", "备考研讨")


def generate(path: Path, rows: int, template: Path, seed: int = 7) -> None:
    """A realistic log: every row a distinct activity of a demo pairing between 2022-09 and the bench day."""
    con = db.connect(template, read_only=True)
    try:
        pairings = con.execute("SELECT university, school, county FROM pairing_overview ORDER BY pairing_id").df()
        measures = con.execute("SELECT label_zh FROM measures ORDER BY sort_order").df()["label_zh"].to_numpy()
    finally:
        con.close()
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(pairings), rows)
    first, last = pd.Timestamp("2022-09-01"), pd.Timestamp(TODAY)
    days = first + pd.to_timedelta(rng.integers(0, (last - first).days + 1, rows), unit="D")
    subject = np.asarray(SUBJECTS, dtype=object)[rng.integers(0, len(SUBJECTS), rows)]
    kind = np.asarray(KINDS, dtype=object)[rng.integers(0, len(KINDS), rows)]
    # A running number keeps each title (and so each natural key) unique: all rows are new activities.
    serial = pd.Series(np.arange(1, rows + 1)).astype(str).to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            HEADER[0]: days.strftime("%Y-%m-%d"),
            HEADER[1]: pairings["university"].to_numpy(dtype=object)[pick],
            HEADER[2]: pairings["school"].to_numpy(dtype=object)[pick],
            HEADER[3]: pairings["county"].to_numpy(dtype=object)[pick],
            HEADER[4]: measures[rng.integers(0, len(measures), rows)],
            HEADER[5]: subject + kind + "（第" + serial + "期）",
            HEADER[6]: rng.integers(0, 60, rows),
            HEADER[7]: rng.integers(0, 400, rows),
            HEADER[8]: rng.integers(2, 40, rows) / 2,
            HEADER[9]: np.where(rng.random(rows) < 0.2, "线上", ""),
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep bench/out/ afterwards")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    template = OUT / "template.duckdb"
    if not template.exists():
        initialise(template, today=TODAY)
    csv_path = OUT / f"activities_{args.rows}.csv"
    started = time.perf_counter()
    made = not csv_path.exists()
    if made:
        generate(csv_path, args.rows, template)
    how = f"generated in {time.perf_counter() - started:.1f} s" if made else "reused from an earlier --keep run"
    print(f"{csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB, {how}")

    bare_db, ours_db = OUT / "bare.duckdb", OUT / "ours.duckdb"
    for target in (bare_db, ours_db):
        target.unlink(missing_ok=True)
        shutil.copy(template, target)

    con = db.connect(bare_db)
    started = time.perf_counter()
    con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?)", [str(csv_path)])
    bare_rows = con.execute("SELECT count(*) FROM bare").fetchall()[0][0]
    bare = time.perf_counter() - started
    con.close()

    con = db.connect(ours_db)
    started = time.perf_counter()
    with Ingest(con, csv_path, max_bytes=0, today=TODAY) as ingest:
        dry = ingest.validate()
    dry_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with Ingest(con, csv_path, max_bytes=0, today=TODAY, uploaded_by="bench") as ingest:
        report = ingest.run()
    ours = time.perf_counter() - started
    steps = ", ".join(f"{step} {seconds:.2f}s" for step, seconds in ingest.timings)
    stored = con.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [report.batch_id]).fetchall()[0][0]
    started = time.perf_counter()
    with Ingest(con, csv_path, max_bytes=0, today=TODAY, uploaded_by="bench") as ingest:
        again = ingest.run()
    again_seconds = time.perf_counter() - started
    con.close()

    print(f"(a) bare DuckDB read_csv into a table      : {bare:6.2f} s  ({bare_rows:,} rows)")
    print(f"(b) Ingest validate + commit (one txn)     : {ours:6.2f} s  ({report.rows:,} rows: {report.inserted:,} "
          f"inserted, {report.duplicates:,} duplicates, {report.rejected:,} rejected; {stored:,} stored)")  # fmt: skip
    print(f"    ratio (b)/(a)                          : {ours / bare:6.2f}x  (goal <= 2x)")
    print(f"    steps of (b): {steps}")
    print(f"(c) dry run only (validate, writes nothing): {dry_seconds:6.2f} s  ratio {dry_seconds / bare:.2f}x")
    print(f"(d) same file again (all duplicates)       : {again_seconds:6.2f} s  ({again.inserted:,} inserted, "
          f"{again.duplicates:,} duplicates)")  # fmt: skip
    ok = (
        dry.inserted == report.inserted == stored == args.rows
        and report.rows == args.rows
        and again.inserted == 0
        and again.duplicates == args.rows
    )
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
