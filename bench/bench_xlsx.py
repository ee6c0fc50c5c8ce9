"""Benchmark: read a 100,000-row activity XLSX with openpyxl (the reader before issue 14) and with python-calamine
(the reader now), in one run.

    python bench/bench_xlsx.py [--rows 100000] [--runs 3] [--keep] [--out DIR]

Writes an .xlsx of fresh activities (Chinese headers, real date cells, numbers as numbers, as Excel saves a
filled-in template), then times, best of --runs:
  (a) openpyxl: `load_workbook(read_only=True, data_only=True)`, every row's values through the same cell-to-text
      rule, into the Arrow table staging takes (what ingest.decode did before);
  (b) calamine: `ingest.decode.parse`, the pipeline's own read of the workbook (the same table);
checks that both give the same table and prints both and (a)/(b). Files go to bench/out/xlsx/ (git-ignored).
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.ingest.decode import _cell_text, _rows_to_table, parse  # noqa: E402
from assistance.ingest.fields import ACTIVITIES  # noqa: E402

OUT = REPO / "bench" / "out" / "xlsx"


def generate(path: Path, rows: int) -> None:
    """The ingest benchmark's CSV rows as a workbook: dates as date cells, counts and hours as numbers."""
    import openpyxl
    import pandas as pd

    from assistance.bootstrap import initialise
    from bench.bench_ingest import TODAY
    from bench.bench_ingest import generate as generate_csv

    template = path.parent / "template.duckdb"
    if not template.exists():
        initialise(template, today=TODAY)
    csv_path = path.with_suffix(".csv")
    generate_csv(csv_path, rows, template)
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("活动记录")
    sheet.append(list(frame.columns))
    days = pd.to_datetime(frame.iloc[:, 0]).dt.to_pydatetime()
    numbers = [frame.iloc[:, i].astype(float).tolist() for i in (6, 7, 8)]
    texts = [frame.iloc[:, i].tolist() for i in range(10)]
    for r in range(len(frame)):
        sheet.append([
            days[r], texts[1][r], texts[2][r], texts[3][r], texts[4][r], texts[5][r],
            int(numbers[0][r]), int(numbers[1][r]), numbers[2][r], texts[9][r] or None,
        ])  # fmt: skip
    book.save(path)
    csv_path.unlink()


def read_openpyxl(data: bytes):
    """The reader before issue 14: openpyxl in read-only mode, row by row."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        worksheet = workbook.worksheets[0]
        worksheet.reset_dimensions()
        rows, lines = [], []
        for number, row in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [_cell_text(v) for v in row or ()]
            if any(c is not None for c in cells):
                rows.append(cells)
                lines.append(number)
        return _rows_to_table(rows, lines)
    finally:
        workbook.close()


def read_calamine(data: bytes):
    return parse(data, None, None, "auto", lambda _f, _s: None, ACTIVITIES).table


def best(runs: int, read, data: bytes) -> tuple[float, object]:
    times, table = [], None
    for _ in range(runs):
        started = time.perf_counter()
        table = read(data)
        times.append(time.perf_counter() - started)
    return min(times), table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the workbook for another run")
    parser.add_argument("--out", type=Path, default=OUT, help=f"working directory (default {OUT})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"activities_{args.rows}.xlsx"
    started = time.perf_counter()
    made = not path.exists()
    if made:
        generate(path, args.rows)
    how = f"generated in {time.perf_counter() - started:.1f} s" if made else "reused from an earlier --keep run"
    data = path.read_bytes()
    print(f"{path.name}: {args.rows:,} rows, {len(data) / 1e6:.1f} MB, {how}")
    slow, old = best(args.runs, read_openpyxl, data)
    fast, new = best(args.runs, read_calamine, data)
    same = old.equals(new)
    print(f"(a) openpyxl (read-only, row by row)   : {slow:6.2f} s")
    print(f"(b) python-calamine (ingest.decode)    : {fast:6.2f} s  ({slow / fast:.1f}x faster; best of {args.runs})")
    print(f"    same table from both: {'yes' if same else 'NO'} ({new.num_rows:,} rows x {new.num_columns - 1} cells)")
    if not args.keep:
        shutil.rmtree(args.out, ignore_errors=True)
    return 0 if same and new.num_rows == args.rows + 1 else 1


if __name__ == "__main__":
    sys.exit(main())
