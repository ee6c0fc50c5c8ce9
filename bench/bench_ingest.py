"""Benchmark: import a 1,000,000-row activity CSV, against DuckDB's bare `read_csv` of the same file, in one run.

    python bench/bench_ingest.py [--rows 1000000] [--runs 1] [--keep] [--out DIR]

Builds a demo database once, writes a CSV of fresh activities for the demo pairings (Chinese headers, UTF-8,
comma-separated, as Excel writes it), then, for each of --runs rounds, times on fresh copies of the demo database
  (a) bare: `CREATE TABLE … AS SELECT * FROM read_csv(file)`;
  (b) the dry run: `Ingest(...).validate()`, which writes nothing (goal ≤ 1.3× (a));
  (c) the first import: `Ingest(...).run()`, decode, parse, stage, validate and commit in one transaction
      (goal ≤ 2× (a));
  (d) the same file uploaded again: every row a duplicate, nothing written (goal ≤ 1.5× (a));
and prints the best of the rounds, each ratio to (a) with its goal, and the steps of (b)-(d) (`Ingest.timings`), in
wall seconds and in CPU seconds of the process (all its threads: time.process_time), with the load average: on a
shared machine the wall times move with the others' work, the CPU times much less.
Files go to bench/out/ingest/ (git-ignored); --keep keeps them for another run.
"""

from __future__ import annotations

import argparse
import os
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

OUT = REPO / "bench" / "out" / "ingest"  # its own folder: without --keep it is removed whole
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


GOALS = {"dry": 1.3, "first": 2.0, "again": 1.5}
LABELS = {
    "dry": "(b) dry run (validate, writes nothing)",
    "first": "(c) first import (validate + commit, one txn)",
    "again": "(d) same file again (all duplicates)",
}


def bare_read(path: Path, csv_path: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, rows) of DuckDB's own read of the file into a table."""
    con = db.connect(path)
    try:
        started, cpu = time.perf_counter(), time.process_time()
        con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?)", [str(csv_path)])
        rows = con.execute("SELECT count(*) FROM bare").fetchall()[0][0]
        return time.perf_counter() - started, time.process_time() - cpu, rows
    finally:
        con.close()


def ours(path: Path, csv_path: Path) -> dict[str, tuple[float, float, object, str]]:
    """(seconds, CPU seconds, report, steps) of the dry run, the first import and the second upload, in that
    order; each step as wall/CPU seconds."""
    con = db.connect(path)
    found = {}
    try:
        for name in ("dry", "first", "again"):
            started, cpu = time.perf_counter(), time.process_time()
            with Ingest(con, csv_path, max_bytes=0, today=TODAY, uploaded_by="bench") as ingest:
                report = ingest.validate() if name == "dry" else ingest.run()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            steps = ", ".join(f"{step} {wall:.2f}/{used:.2f}" for step, wall, used in ingest.timings)
            found[name] = (seconds, cpu, report, steps)
        batch = found["first"][2].batch_id
        stored = con.execute("SELECT count(*) FROM activities WHERE batch_id = ?", [batch]).fetchall()[0][0]
        found["stored"] = (0.0, 0.0, stored, "")
    finally:
        con.close()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1, help="rounds; the best of each is reported")
    parser.add_argument("--keep", action="store_true", help="keep the files afterwards")
    parser.add_argument("--out", type=Path, default=OUT, help=f"working directory (default {OUT})")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    template = out / "template.duckdb"
    if not template.exists():
        initialise(template, today=TODAY)
    csv_path = out / f"activities_{args.rows}.csv"
    started = time.perf_counter()
    made = not csv_path.exists()
    if made:
        generate(csv_path, args.rows, template)
    how = f"generated in {time.perf_counter() - started:.1f} s" if made else "reused from an earlier --keep run"
    print(f"{csv_path.name}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB, {how}")

    bare_times, rounds = [], []
    for _round in range(args.runs):
        bare_db, ours_db = out / "bare.duckdb", out / "ours.duckdb"
        for target in (bare_db, ours_db):
            target.unlink(missing_ok=True)
            shutil.copy(template, target)
        seconds, cpu, bare_rows = bare_read(bare_db, csv_path)
        bare_times.append((seconds, cpu))
        rounds.append(ours(ours_db, csv_path))
    bare, bare_cpu = min(bare_times)
    print(f"load average {', '.join(f'{n:.1f}' for n in os.getloadavg())}; seconds wall (CPU), ratios wall (CPU)")
    print(f"(a) bare DuckDB read_csv into a table          : {bare:6.2f} s ({bare_cpu:5.2f})  ({bare_rows:,} rows)")
    ok = True
    for name in ("dry", "first", "again"):
        seconds, cpu, report, steps = min((r[name] for r in rounds), key=lambda found: found[0])
        ratio, cpu_ratio = seconds / bare, cpu / bare_cpu
        verdict = "met" if ratio <= GOALS[name] else "missed"
        print(
            f"{LABELS[name]:47s}: {seconds:6.2f} s ({cpu:5.2f})  {ratio:5.2f}x ({cpu_ratio:4.2f}x)  "
            f"(goal <= {GOALS[name]}x: {verdict}; CPU: {'met' if cpu_ratio <= GOALS[name] else 'missed'})"
        )
        print(f"      {report.rows:,} rows: {report.inserted:,} inserted, {report.duplicates:,} duplicates, "
              f"{report.rejected:,} rejected; steps (s wall/CPU): {steps}")  # fmt: skip
    if args.runs > 1:
        print("    rounds (s): bare " + ", ".join(f"{t:.2f} ({c:.2f})" for t, c in bare_times))
        for name in ("dry", "first", "again"):
            print(f"                {name} " + ", ".join(f"{r[name][0]:.2f} ({r[name][1]:.2f})" for r in rounds))
    for found in rounds:
        dry, first, again, stored = (found[k][2] for k in ("dry", "first", "again", "stored"))
        ok = ok and (
            dry.inserted == first.inserted == stored == args.rows
            and first.rows == args.rows
            and again.inserted == 0
            and again.duplicates == args.rows
        )
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
