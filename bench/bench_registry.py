"""Benchmark: import a registry of 2,000 pairings over the three tiers, against DuckDB's bare `read_csv` of it.

    python bench/bench_registry.py [--pairings 2000] [--runs 3] [--keep]

Writes a registry file (Chinese headers, UTF-8, comma-separated, as Excel writes it) of pairings between real
county-level units of the 23 provinces and the Corps (data/counties.csv) and their supporters: national pairings
name the 48 universities and 创新人才教育研究会; provincial ones invented provincial universities; municipal ones
invented city high schools. Schools are new (created on first sight). Then, in the same run, on fresh copies of an
`init --empty` database, it times
  (a) bare: `CREATE TABLE … AS SELECT * FROM read_csv(file)`,
  (b) import: `RegistryImport(...).run()` (decode, stage, resolve names, classify, commit), and
  (c) re-import: the same file again (every row unchanged: nothing written but the batch),
and prints the best of --runs for each and the ratio to (a). Files go to bench/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistance.bootstrap import initialise  # noqa: E402
from assistance.registry.export import COLUMNS  # noqa: E402
from assistance.registry.importer import RegistryImport  # noqa: E402
from assistance.store import db  # noqa: E402

OUT = REPO / "bench" / "out"
HEADER = {field: zh for field, zh, _en in COLUMNS}
ORDINALS = "一二三四五六七八九"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / name, dtype=str, keep_default_na=False)


def generate(path: Path, pairings: int, seed: int = 11) -> dict[str, int]:
    """A registry file of `pairings` rows: 6% national, 47% provincial, 47% municipal; returns the tier counts."""
    rng = np.random.default_rng(seed)
    provinces = _read("provinces.csv")
    programme = provinces[provinces["in_programme"] == "true"].set_index("code")
    counties = _read("counties.csv")
    counties = counties[counties["province_code"].isin(programme.index)].reset_index(drop=True)
    universities = _read("universities.csv")["name_zh"].tolist()
    national = max(1, round(pairings * 0.06))
    provincial = (pairings - national) // 2
    tiers = ["national"] * national + ["provincial"] * provincial + ["municipal"] * (pairings - national - provincial)
    # Each pairing gets its own school: county i, school number n (a county may host several schools).
    order = rng.permutation(len(counties))
    rows = []
    for index, tier in enumerate(tiers):
        county = counties.iloc[order[index % len(counties)]]
        number = index // len(counties) + 1
        province = programme.loc[county["province_code"]]
        school = f"{county['name_zh']}{ORDINALS[number - 1]}号示范高级中学"
        if tier == "national":
            supporter = universities[index % len(universities)]
            start, end, cycle = "2022-09-01", "", "1"
        elif tier == "provincial":
            supporter = f"{province['short_zh']}{('师范', '理工', '农业', '医科')[index % 4]}大学"
            start, end, cycle = "2023-09-01", "2026-08-31", "1"
        else:
            supporter = f"{county['city_zh']}第{ORDINALS[index % 3]}中学"
            start, end, cycle = "2024-09-01", "", str(1 + index % 2)
        rows.append(
            {
                HEADER["supporter"]: supporter,
                HEADER["province"]: province["name_zh"],
                HEADER["city"]: county["city_zh"],
                HEADER["county"]: county["name_zh"],
                HEADER["school"]: school,
                HEADER["tier"]: {"national": "国家示范", "provincial": "省级", "municipal": "市级"}[tier],
                HEADER["start_date"]: start,
                HEADER["end_date"]: end,
                HEADER["cycle"]: cycle,
                HEADER["source"]: "基准测试 / benchmark",
            }
        )
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return {"national": national, "provincial": provincial, "municipal": pairings - national - provincial}


def time_bare(database: Path, csv_path: Path) -> float:
    con = db.connect(database)
    try:
        started = time.perf_counter()
        con.execute("CREATE TABLE bare AS SELECT * FROM read_csv(?, all_varchar = true)", [str(csv_path)])
        return time.perf_counter() - started
    finally:
        con.close()


def time_import(database: Path, csv_path: Path) -> tuple[float, object]:
    con = db.connect(database)
    try:
        started = time.perf_counter()
        report = RegistryImport(con, csv_path, csv_path.name, uploaded_by="bench").run()
        return time.perf_counter() - started, report
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep bench/out/ for another run")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    template = OUT / "registry_template.duckdb"
    template.unlink(missing_ok=True)
    initialise(template, empty=True)
    csv_path = OUT / f"registry_{args.pairings}.csv"
    tiers = generate(csv_path, args.pairings)
    print(f"file: {csv_path.name}, {csv_path.stat().st_size / 1024:.0f} KB, {args.pairings} pairings {tiers}")

    bare, first, again = [], [], []
    for run in range(args.runs):
        database = OUT / f"registry_run{run}.duckdb"
        shutil.copy(template, database)
        bare.append(time_bare(database, csv_path))
        seconds, report = time_import(database, csv_path)
        first.append(seconds)
        assert (report.inserted, report.rejected) == (args.pairings, 0), report.to_dict("en")
        seconds, report = time_import(database, csv_path)
        again.append(seconds)
        assert report.unchanged == args.pairings, report.to_dict("en")
        database.unlink()
    print(f"bare read_csv            {min(bare) * 1000:8.1f} ms")
    print(f"registry import (commit) {min(first) * 1000:8.1f} ms   {min(first) / min(bare):6.1f}× bare")
    print(f"re-import (all unchanged){min(again) * 1000:8.1f} ms   {min(again) / min(bare):6.1f}× bare")
    print(f"re-import report: {report.to_dict('en') | {'errors': len(report.to_dict('en')['errors'])}}")
    if not args.keep:
        shutil.rmtree(OUT, ignore_errors=True)


if __name__ == "__main__":
    main()
